"""A witness of the register's log: one step of checking its new checkpoint, then cosigning it.

A witness is run by another party against the log's public tlog-tiles URLs. It keeps the last
checkpoint it accepted and cosigns a new one only if the new tree extends that one, which it checks
with a consistency proof it computes from the log's own tiles. A log that shrinks, forks or
rewrites its history gets a report saying so, signed evidence in hand, and no cosignature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from provenance_client.cosignature import CosignatureSigner
from provenance_client.errors import VerificationError
from provenance_client.merkle import read_consistency_proof, read_root, verify_consistency
from provenance_client.note import Checkpoint, Verifier, open_checkpoint, parse_note
from provenance_client.tiles import TileReader

Status = Literal["cosigned", "unchanged", "split_view", "rewrite", "rollback", "bad_signature"]
ACCEPTED: tuple[Status, ...] = ("cosigned", "unchanged")
"""The statuses whose checkpoint the witness cosigned, and keeps as its state for the next step."""

# What a log's malformed tiles raise when read; what `fetch` raises (a missing tile) is not caught.
_BAD_TILES = (VerificationError, ValueError)


@dataclass
class WitnessReport:
    """What one step of the witness found, with the checkpoint it was about and any cosignature.

    `checkpoint` is the note the log served (signed evidence when the status is a failure);
    `cosignature` is the witness's signature line when, and only when, the status is accepted.
    """

    status: Status
    message: str
    checkpoint: str | None
    cosignature: str | None

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED


def witness_step(
    *,
    fetch: Callable[[str], bytes],
    log: Verifier,
    signer: CosignatureSigner,
    state: str | None,
    now: int,
) -> WitnessReport:
    """Check the log's current checkpoint against the last one accepted and cosign it if it holds.

    1. Fetch the checkpoint and verify the log's signature of it.
    2. The first time, check the log's tiles reproduce the checkpoint's root hash.
    3. Otherwise compare it with `state`: fewer leaves is a rollback, as many with another root a
       split view, more leaves must come with a consistency proof (from the tiles) that holds.
    4. Cosign the checkpoint with the time `now`, in seconds since 1970.
    """
    note = fetch("checkpoint")
    text = _note_text(note)
    try:
        new = open_checkpoint(note, log)
    except VerificationError as error:
        message = f"the log's checkpoint is not signed by its key {log.name}: {error}"
        return WitnessReport("bad_signature", message, text, None)
    assert text is not None  # noqa: S101 -- a note that opened is UTF-8
    reader = TileReader(fetch, new.size)
    if state is None:
        problem = _tiles_problem(reader, new)
        if problem:
            return WitnessReport("rewrite", problem, text, None)
        return _cosigned(signer, text, now, f"first checkpoint accepted: {new.size} leaves")
    old = open_checkpoint(state, log)
    if new.size < old.size:
        message = (
            f"rollback: the log's checkpoint is of {new.size} leaves, fewer than the "
            f"{old.size} of the checkpoint this witness accepted"
        )
        return WitnessReport("rollback", message, text, None)
    if new.size == old.size:
        if new.root_hash != old.root_hash:
            message = (
                f"split view: the log signed two trees of {new.size} leaves with different roots, "
                f"{old.root_hash.hex()} accepted before and {new.root_hash.hex()} now"
            )
            return WitnessReport("split_view", message, text, None)
        return _cosigned(signer, text, now, f"unchanged at {new.size} leaves", status="unchanged")
    problem = _consistency_problem(reader, old, new)
    if problem:
        return WitnessReport("rewrite", problem, text, None)
    return _cosigned(signer, text, now, f"grew from {old.size} leaves to {new.size}")


def _tiles_problem(reader: TileReader, checkpoint: Checkpoint) -> str | None:
    """Say how the log's tiles fail to hold the tree the checkpoint signs, or None if they do."""
    try:
        root = read_root(reader, checkpoint.size)
    except _BAD_TILES as error:
        return f"the log's tiles cannot be read as a tree of {checkpoint.size} leaves: {error}"
    if root != checkpoint.root_hash:
        return (
            f"the log's tiles hold a tree of {checkpoint.size} leaves with root {root.hex()}, "
            f"not the root {checkpoint.root_hash.hex()} its checkpoint signs"
        )
    return None


def _consistency_problem(reader: TileReader, old: Checkpoint, new: Checkpoint) -> str | None:
    """Say how the new tree fails to extend the old one, or None if the tiles prove it does."""
    if old.size == 0:
        return _tiles_problem(reader, new)  # every tree extends the empty one
    try:
        proof = read_consistency_proof(reader, old.size, new.size)
        verify_consistency(
            old_size=old.size,
            new_size=new.size,
            old_root=old.root_hash,
            new_root=new.root_hash,
            proof=proof,
        )
    except _BAD_TILES as error:
        return (
            f"rewrite: the log's tree of {new.size} leaves does not extend the tree of {old.size} "
            f"leaves this witness accepted: {error}"
        )
    return None


def _cosigned(
    signer: CosignatureSigner, text: str, now: int, message: str, status: Status = "cosigned"
) -> WitnessReport:
    checkpoint_text, _ = parse_note(text)
    return WitnessReport(status, message, text, signer.cosign(checkpoint_text, now))


def _note_text(note: bytes) -> str | None:
    try:
        return note.decode("utf-8")
    except UnicodeDecodeError:
        return None
