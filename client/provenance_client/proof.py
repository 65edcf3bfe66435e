"""C2SP tlog-proof: one self-contained, offline-verifiable proof that an entry is in the log.

A proof is a text file (".tlog-proof"): the header "c2sp.org/tlog-proof@v1", optionally an
"extra <base64>" line, "index <n>", the inclusion proof's hashes one base64 line each, a blank
line, then the log's signed checkpoint verbatim with any witnesses' cosignatures. Anyone holding
the entry, the log's public key and some witnesses' keys can check it without asking the log.
The extra data is not covered by any signature, so nothing here trusts it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

from provenance_client.cosignature import CosignatureVerifier, cosignatures
from provenance_client.errors import FormatError
from provenance_client.merkle import HASH_SIZE, leaf_hash, verify_inclusion
from provenance_client.note import (
    MAX_TREE_SIZE,
    Checkpoint,
    Verifier,
    _decode_base64,
    open_checkpoint,
    parse_checkpoint,
    parse_note,
)

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES = 64
"""The longest inclusion path of a tree of at most 2**64 - 1 leaves."""

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class TlogProof:
    """An entry's index, its inclusion proof and the signed checkpoint the proof leads to."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.index < MAX_TREE_SIZE:
            raise FormatError(f"a tlog proof's index is between 0 and 2^64 - 2, not {self.index}")
        if len(self.hashes) > MAX_PROOF_HASHES:
            raise FormatError(f"a tlog proof holds at most {MAX_PROOF_HASHES} hashes")
        for position, hashed in enumerate(self.hashes):
            if len(hashed) != HASH_SIZE:
                raise FormatError(f"proof hash {position} is {len(hashed)} bytes, not {HASH_SIZE}")
        parse_checkpoint(parse_note(self.checkpoint)[0])


@dataclass(frozen=True)
class VerifiedProof:
    """What a tlog proof proved: the checkpoint, who cosigned it, and the entry's leaf hash."""

    checkpoint: Checkpoint
    cosigned_by: tuple[str, ...]
    leaf_hash: bytes


def format_proof(proof: TlogProof) -> str:
    """Return the proof as the text of a .tlog-proof file."""
    lines = [HEADER]
    if proof.extra is not None:
        lines.append(f"extra {base64.b64encode(proof.extra).decode()}")
    lines.append(f"index {proof.index}")
    lines.extend(base64.b64encode(hashed).decode() for hashed in proof.hashes)
    return "".join(line + "\n" for line in lines) + "\n" + proof.checkpoint


def parse_proof(text: str | bytes) -> TlogProof:
    """Parse a .tlog-proof file, refusing any other spelling than `format_proof`'s.

    1. The lines up to the first blank line: the header, an optional extra line, the index, then
       one hash per line.
    2. Everything after the blank line: the checkpoint, which must be a well-formed signed note
       carrying a checkpoint. Its signatures are checked by `verify_proof`, not here.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FormatError("a tlog proof must be valid UTF-8") from error
    head, blank, checkpoint = text.partition("\n\n")
    if not blank:
        raise FormatError("a tlog proof needs a blank line between its proof and its checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise FormatError(f"a tlog proof starts with the line {HEADER!r}, not {lines[0][:40]!r}")
    lines.pop(0)
    extra = None
    if lines and lines[0].startswith("extra "):
        extra = _decode_base64(lines.pop(0).removeprefix("extra "), "the proof's extra data")
    if not lines or not lines[0].startswith("index "):
        raise FormatError("a tlog proof's index line ('index <n>') is missing")
    index = _parse_index(lines.pop(0).removeprefix("index "))
    hashes = tuple(_parse_hash(line, position) for position, line in enumerate(lines))
    return TlogProof(index=index, hashes=hashes, checkpoint=checkpoint, extra=extra)


def verify_proof(
    proof: TlogProof,
    *,
    leaf: bytes,
    log: Verifier,
    witnesses: Sequence[CosignatureVerifier] = (),
    origin: str | None = None,
) -> VerifiedProof:
    """Check that `leaf` is in the log by a tlog proof, and return what was proved.

    The steps of tlog-proof's "Verifying a tlog proof":
    1. Hash the leaf data as RFC 9162 does.
    2. Check the checkpoint is signed by the log's key and is of `origin` (the key's name by
       default).
    3. Check every cosignature by a known witness; one that fails refuses the proof, unknown
       ones are ignored. Whether enough witnesses cosigned is the caller's policy: the names
       are returned in `cosigned_by`, in the order of `witnesses`.
    4. Check the inclusion proof leads from the leaf hash to the checkpoint's root.
    """
    hashed = leaf_hash(leaf)
    checkpoint = open_checkpoint(proof.checkpoint, log, origin=origin)
    cosigned = cosignatures(proof.checkpoint, witnesses)
    verify_inclusion(
        leaf_hash=hashed,
        index=proof.index,
        tree_size=checkpoint.size,
        proof=proof.hashes,
        root=checkpoint.root_hash,
    )
    names = tuple(dict.fromkeys(w.name for w in witnesses if w.name in cosigned))
    return VerifiedProof(checkpoint=checkpoint, cosigned_by=names, leaf_hash=hashed)


def _parse_index(text: str) -> int:
    if not _DECIMAL.fullmatch(text):
        raise FormatError(f"a tlog proof's index is a decimal without leading zeros: {text!r}")
    if len(text) > len(str(MAX_TREE_SIZE)):
        raise FormatError(f"a tlog proof's index is too large: {text[:40]!r}")
    return int(text)


def _parse_hash(line: str, position: int) -> bytes:
    hashed = _decode_base64(line, f"proof hash {position}")
    if len(hashed) != HASH_SIZE:
        raise FormatError(f"proof hash {position} is {len(hashed)} bytes, not {HASH_SIZE}")
    return hashed
