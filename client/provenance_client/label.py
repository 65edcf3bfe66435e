"""Verifying a label: that the log holds the leaf of exactly this label, under a signed checkpoint.

A label's `transparency` member carries, for its declaration and for its provider's ownership
statement, a C2SP tlog-proof whose extra data is the leaf itself. Verifying the label checks, one
step at a time, that each leaf names this label, that it records the hash of this label's record,
and that the log signed a tree holding the leaf. Every check becomes a `Step` saying in plain words
what was checked and, when it fails, where: a bad label is a result to show, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from provenance_client.cosignature import CosignatureVerifier, cosignatures
from provenance_client.errors import VerificationError
from provenance_client.merkle import leaf_hash, verify_inclusion
from provenance_client.note import Checkpoint, Verifier, open_checkpoint
from provenance_client.proof import TlogProof, parse_proof
from provenance_client.record import (
    declaration_record,
    ownership_record,
    parse_leaf,
    record_sha256,
)


@dataclass(frozen=True)
class Step:
    """One check of a label: what was checked, whether it held, and what was found."""

    what: str
    ok: bool
    detail: str


@dataclass
class LabelVerification:
    """The steps of verifying one label, in the order they were taken."""

    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    def add(self, what: str, ok: bool, detail: str) -> bool:
        self.steps.append(Step(what, ok, detail))
        return ok


_ABSENT = object()
"""A label member the label does not have, unlike one it gives as null."""


@dataclass(frozen=True)
class _Filing:
    """What a label says about one of the filings whose leaf it carries a proof of."""

    kind: str
    noun: str
    number: Any
    provider: Any
    version: Any
    record: Mapping[str, Any] | None
    snapshot_sha256: Any


def verify_label(
    label: Mapping[str, Any],
    *,
    log: Verifier,
    witnesses: Sequence[CosignatureVerifier] = (),
    checkpoint: str | None = None,
) -> LabelVerification:
    """Check a label's proofs against the log's key, and against a checkpoint the user trusts.

    1. Check the label names the log whose key was given.
    2. For the declaration's proof, then the ownership statement's when the label carries one:
       the proof is there and parses, its leaf is well formed and names this label, the leaf's
       hashes are this label's, the checkpoint is the log's, who cosigned it, and the leaf is in it.
    3. If a trusted checkpoint was given, check it is the log's and compare the proofs' with it.
    """
    result = LabelVerification()
    transparency = label.get("transparency")
    if not isinstance(transparency, Mapping):
        result.add(
            "The label carries a proof of its place in the log",
            False,
            "the label has no transparency member, so there is nothing to verify it against",
        )
        return result
    _check_log_name(result, transparency, log)
    opened = []
    for filing, entry in _filings(label, transparency):
        found = _verify_filing(result, filing, entry, log=log, witnesses=witnesses)
        if found is not None:
            opened.append(found)
    if label.get("ownership") is None and transparency.get("ownership") is None:
        result.add(
            "The label names no accepted ownership statement",
            True,
            "so its provider, ownership and control members have no proof of their own; the "
            "declaration's leaf proves only the provider's registration number",
        )
    if checkpoint is not None:
        _compare_with_trusted(result, checkpoint, opened, log)
    return result


def _filings(
    label: Mapping[str, Any], transparency: Mapping[str, Any]
) -> list[tuple[_Filing, Any]]:
    provider_number = _member(label, "provider", "registration_number")
    declaration = _Filing(
        kind="declaration",
        noun="declaration",
        number=_member(label, "model", "registration_number"),
        provider=provider_number,
        version=label.get("version"),
        record=declaration_record(label),
        snapshot_sha256=label.get("snapshot_sha256", _ABSENT),
    )
    filings: list[tuple[_Filing, Any]] = [(declaration, transparency.get("declaration"))]
    # A label that names the provider's owners must prove them: a proof stripped from it (its
    # entry null or missing) fails, so its ownership members can't be changed unseen.
    if transparency.get("ownership") is not None or label.get("ownership") is not None:
        try:
            record: Mapping[str, Any] | None = ownership_record(label)
        except KeyError:
            record = None
        ownership = _Filing(
            kind="ownership",
            noun="ownership statement",
            number=provider_number,
            provider=provider_number,
            version=None,
            record=record,
            snapshot_sha256=None,
        )
        filings.append((ownership, transparency.get("ownership")))
    return filings


def _check_log_name(
    result: LabelVerification, transparency: Mapping[str, Any], log: Verifier
) -> None:
    named = transparency.get("log")
    if named == log.name:
        result.add("The label names the log whose key you gave", True, f"both are {log.name}")
    else:
        result.add(
            "The label names the log whose key you gave",
            False,
            f"the label says it is in the log {named!r}, but the key is {log.name!r}'s",
        )


def _verify_filing(
    result: LabelVerification,
    filing: _Filing,
    entry: Any,
    *,
    log: Verifier,
    witnesses: Sequence[CosignatureVerifier],
) -> Checkpoint | None:
    """Add the steps of one filing's proof; return its checkpoint if the log's key signed it."""
    proof = _carried_proof(result, filing, entry)
    if proof is None:
        return None
    assert proof.extra is not None  # noqa: S101 -- _carried_proof refuses a proof without a leaf
    leaf = _well_formed_leaf(result, filing, proof)
    if leaf is not None:
        _check_names_label(result, filing, leaf, proof.index)
        _check_record(result, filing, leaf, proof.index)
    signed = _signed_checkpoint(result, filing, proof, log)
    if signed is None:
        return None
    _check_cosignatures(result, filing, proof, witnesses)
    _check_inclusion(result, filing, proof, signed)
    return signed


def _carried_proof(result: LabelVerification, filing: _Filing, entry: Any) -> TlogProof | None:
    what = f"The label carries a proof of its {filing.noun}'s leaf"
    if not isinstance(entry, Mapping):
        result.add(what, False, f"the label's transparency member has no {filing.kind} entry")
        return None
    if entry.get("leaf_index") is None:
        result.add(
            what,
            False,
            f"the {filing.noun} is still waiting for its leaf to be added to the log: "
            "try again once the log has integrated it",
        )
        return None
    if not isinstance(entry.get("proof"), str):
        result.add(what, False, f"the {filing.noun}'s entry gives a leaf index but no proof")
        return None
    result.add(what, True, f"a proof of leaf {entry['leaf_index']}")
    what = f"The {filing.noun}'s proof is a well-formed tlog-proof"
    try:
        proof = parse_proof(entry["proof"])
    except (VerificationError, ValueError) as error:
        result.add(what, False, str(error))
        return None
    if proof.index != entry["leaf_index"]:
        result.add(
            what,
            False,
            f"the label names leaf {entry['leaf_index']!r}, but its proof is of leaf {proof.index}",
        )
        return None
    if proof.extra is None:
        result.add(what, False, "the proof carries no leaf in its extra data")
        return None
    result.add(
        what, True, f"leaf {proof.index}, with {len(proof.hashes)} hashes on its path to the root"
    )
    return proof


def _well_formed_leaf(
    result: LabelVerification, filing: _Filing, proof: TlogProof
) -> dict[str, Any] | None:
    what = f"The {filing.noun}'s leaf is canonical JSON of the leaf's form"
    try:
        leaf = parse_leaf(proof.extra or b"")
    except (VerificationError, ValueError) as error:
        result.add(what, False, f"leaf {proof.index}: {error}")
        return None
    result.add(what, True, f"leaf {proof.index} records the act {leaf['act']!r} at {leaf['time']}")
    return leaf


def _check_names_label(
    result: LabelVerification, filing: _Filing, leaf: Mapping[str, Any], index: int
) -> None:
    recorded = leaf["filing"]
    expected = {"kind": filing.kind, "number": filing.number, "provider": filing.provider}
    if filing.kind == "declaration":  # the label does not give its ownership statement's version
        expected["version"] = filing.version
    wrong = [
        f"{name} {recorded[name]!r} where the label has {value!r}"
        for name, value in expected.items()
        if recorded[name] != value
    ]
    what = f"The {filing.noun}'s leaf is of this label"
    if wrong:
        result.add(what, False, f"leaf {index} records {'; '.join(wrong)}")
    else:
        described = f"{recorded['kind']} {recorded['number']} version {recorded['version']}"
        result.add(what, True, f"leaf {index} is of {described} by {recorded['provider']}")


def _check_record(
    result: LabelVerification, filing: _Filing, leaf: Mapping[str, Any], index: int
) -> None:
    what = f"The label's {filing.noun} record is the one the log recorded"
    if filing.record is None:
        result.add(what, False, f"the label lacks a member of its {filing.noun} record")
        return
    try:
        digest = record_sha256(filing.record)
    except (VerificationError, ValueError) as error:
        result.add(what, False, f"the label's {filing.noun} record cannot be hashed: {error}")
        return
    if digest == leaf["label_sha256"]:
        result.add(what, True, f"both hash to {digest}")
    else:
        result.add(
            what,
            False,
            f"the label's {filing.noun} record hashes to {digest}, but leaf {index} recorded "
            f"{leaf['label_sha256']}: the label was changed after it was logged",
        )
    if filing.kind != "declaration":
        return
    what = "The label's snapshot hash is the one the log recorded"
    if filing.snapshot_sha256 is _ABSENT:
        # A withdrawn model's tombstone, for one, does not repeat its snapshot's hash.
        detail = f"the label gives no snapshot hash to compare with leaf {index}'s"
        result.add(what, True, f"{detail}; its record's hash above covers it as published")
    elif filing.snapshot_sha256 == leaf["snapshot_sha256"]:
        result.add(what, True, f"both are {filing.snapshot_sha256}")
    else:
        result.add(
            what,
            False,
            f"the label gives the snapshot hash {filing.snapshot_sha256!r}, but leaf {index} "
            f"recorded {leaf['snapshot_sha256']}",
        )


def _signed_checkpoint(
    result: LabelVerification, filing: _Filing, proof: TlogProof, log: Verifier
) -> Checkpoint | None:
    what = f"The {filing.noun}'s checkpoint is signed by the log's key"
    try:
        signed = open_checkpoint(proof.checkpoint, log, origin=log.name)
    except (VerificationError, ValueError) as error:
        result.add(what, False, f"{error}: the checkpoint is not the log's")
        return None
    key = log.key_id.hex()
    result.add(what, True, f"a tree of {signed.size} leaves, signed by {log.name} (key {key})")
    return signed


def _check_cosignatures(
    result: LabelVerification,
    filing: _Filing,
    proof: TlogProof,
    witnesses: Sequence[CosignatureVerifier],
) -> None:
    what = f"Witnesses cosigned the {filing.noun}'s checkpoint"
    if not witnesses:
        result.add(what, True, "no witness keys were given, so no cosignature was checked")
        return
    try:
        cosigned = cosignatures(proof.checkpoint, witnesses)
    except (VerificationError, ValueError) as error:
        result.add(what, False, f"{error}: a witness's cosignature does not hold")
        return
    parts = [f"cosigned by {name} at {_utc(time)}" for name, time in sorted(cosigned.items())]
    missing = sorted(witness.name for witness in witnesses if witness.name not in cosigned)
    if missing:
        parts.append(f"not cosigned by {', '.join(missing)}")
    result.add(what, True, "; ".join(parts))


def _check_inclusion(
    result: LabelVerification, filing: _Filing, proof: TlogProof, signed: Checkpoint
) -> None:
    what = f"The {filing.noun}'s leaf is in the tree the checkpoint signs"
    try:
        verify_inclusion(
            leaf_hash=leaf_hash(proof.extra or b""),
            index=proof.index,
            tree_size=signed.size,
            proof=proof.hashes,
            root=signed.root_hash,
        )
    except (VerificationError, ValueError) as error:
        result.add(
            what,
            False,
            f"leaf {proof.index} is not in the signed tree of {signed.size} leaves: {error}",
        )
        return
    result.add(what, True, f"leaf {proof.index} of {signed.size}")


def _compare_with_trusted(
    result: LabelVerification, note: str, opened: Sequence[Checkpoint], log: Verifier
) -> None:
    what = "The checkpoint you trust is signed by the log's key"
    try:
        trusted = open_checkpoint(note, log, origin=log.name)
    except (VerificationError, ValueError) as error:
        result.add(what, False, str(error))
        return
    result.add(what, True, f"a tree of {trusted.size} leaves")
    compared = set()
    for signed in opened:
        if (signed.size, signed.root_hash) in compared:
            continue
        compared.add((signed.size, signed.root_hash))
        _compare_one(result, signed, trusted)


def _compare_one(result: LabelVerification, signed: Checkpoint, trusted: Checkpoint) -> None:
    what = f"The proof's checkpoint of {signed.size} leaves agrees with the one you trust"
    if signed.size != trusted.size:
        result.add(
            what,
            True,
            f"yours is of {trusted.size} leaves, so the two cannot be compared offline: "
            "only a consistency proof from the log, or a witness, can show one extends the other",
        )
    elif signed.root_hash == trusted.root_hash:
        result.add(what, True, f"both sign the same root, {signed.root_hash.hex()}")
    else:
        result.add(
            what,
            False,
            f"split view: the log signed two different trees of {signed.size} leaves, with roots "
            f"{signed.root_hash.hex()} and {trusted.root_hash.hex()}",
        )


def _member(label: Mapping[str, Any], *path: str) -> Any:
    """Return a nested member of the label, or None where any part of the path is missing."""
    value: Any = label
    for name in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def _utc(timestamp: int) -> str:
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return f"{timestamp} seconds after 1970"  # a valid cosignature's time past year 9999
