"""Reads of the transparency log: node hashes, checkpoints, a filing's leaf and its proof."""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, Subquery
from django.urls import reverse
from provenance_client.merkle import Node, read_inclusion_proof
from provenance_client.proof import TlogProof, format_proof

from registry.declarations.models import AIModel, ProvenanceDeclaration
from registry.filings.states import Status
from registry.providers.models import OwnershipStatement, Provider
from registry.transparency.models import Checkpoint, Cosignature, LogEntry, LogHead, TreeNode


class DatabaseHashes:
    """The log's tree as stored: any set of perfect subtrees' hashes in one query."""

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        if not nodes:
            return []
        wanted = functools.reduce(
            operator.or_, (Q(level=level, index=index) for level, index in set(nodes))
        )
        found = {
            (row["level"], row["index"]): bytes(row["hash"])
            for row in TreeNode.objects.filter(wanted).values("level", "index", "hash")
        }
        missing = [node for node in nodes if node not in found]
        if missing:
            raise KeyError(f"the log holds no node {missing[0]}")
        return [found[node] for node in nodes]


def log_head() -> LogHead:
    return LogHead.objects.get_or_create(pk=1)[0]


def latest_checkpoint() -> Checkpoint | None:
    """The newest checkpoint whose tiles are written: what /log/checkpoint serves (one query)."""
    written = LogHead.objects.filter(pk=1).values("tiles_size")
    return Checkpoint.objects.filter(size__lte=Subquery(written)).order_by("-id").first()


def checkpoint_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's signed note with every witness's cosignature added."""
    lines = [cosignature.line for cosignature in checkpoint.cosignatures.order_by("witness")]
    return checkpoint.note + "".join(lines)


def filing_entry(kind: str, filing_id: int) -> LogEntry | None:
    """The filing's latest leaf: the one that covers the label as it now stands."""
    return LogEntry.objects.filter(filing_kind=kind, filing_id=filing_id).order_by("-index").first()


def entry_proof(entry: LogEntry, checkpoint: Checkpoint, note: str | None = None) -> str:
    """A C2SP tlog-proof of the entry in the checkpoint, carrying the leaf as its extra data;
    `note` is the checkpoint's note with its cosignatures, if the caller has read it already."""
    hashes = read_inclusion_proof(DatabaseHashes(), entry.index, checkpoint.size)
    proof = TlogProof(
        index=entry.index,
        hashes=tuple(hashes),
        checkpoint=note or checkpoint_note(checkpoint),
        extra=bytes(entry.data),
    )
    return format_proof(proof)


def entry_proof_block(
    entry: LogEntry | None, checkpoint: Checkpoint | None, note: str
) -> dict[str, Any]:
    """A filing's leaf index and proof; both None while its leaf awaits the sequencer."""
    if entry is None or checkpoint is None or entry.index >= checkpoint.size:
        return {"leaf_index": None, "proof": None}
    return {"leaf_index": entry.index, "proof": entry_proof(entry, checkpoint, note)}


def accepted_ownership_entry(provider_id: int) -> LogEntry | None:
    """The latest leaf of the provider's accepted ownership statement, if it has one."""
    accepted = OwnershipStatement.objects.filter(
        provider_id=provider_id, status=Status.ACCEPTED
    ).values("pk")[:1]
    entries = LogEntry.objects.filter(filing_kind="ownership", filing_id=Subquery(accepted))
    return entries.order_by("-index").first()


def label_transparency(declaration: ProvenanceDeclaration, has_ownership: bool) -> dict[str, Any]:
    """The transparency block of a label: proofs of its declaration's latest leaf and of its
    provider's accepted ownership statement's, against the latest checkpoint, and where to
    check them. The ownership part is None when the label names no accepted statement, and
    waiting (no index, no proof) while the statement's leaf awaits the sequencer."""
    checkpoint = latest_checkpoint()
    note = checkpoint_note(checkpoint) if checkpoint else ""
    entry = filing_entry("declaration", declaration.pk)
    ownership = None
    if has_ownership:
        found = accepted_ownership_entry(declaration.model.provider_id)
        ownership = entry_proof_block(found, checkpoint, note)
    return {
        "log": settings.TRANSPARENCY_LOG_ORIGIN,
        "declaration": entry_proof_block(entry, checkpoint, note),
        "ownership": ownership,
        "verify_url": verify_url(declaration.model.registration_number or "", declaration.version),
    }


def verify_url(number: str, version: int) -> str:
    """Where anyone can check a label in the browser: the /verify page, asked about it."""
    return f"{settings.SITE_URL}{reverse('transparency:verify')}?number={number}&version={version}"


def label_with_proofs(declaration: ProvenanceDeclaration, data: dict[str, Any]) -> dict[str, Any]:
    """A label with its transparency block; a tombstone as it is (its version's label has it)."""
    if data["kind"] != "label":
        return data
    has_ownership = data["ownership"] is not None
    return data | {"transparency": label_transparency(declaration, has_ownership)}


def recent_entries(count: int = 20) -> list[dict[str, Any]]:
    """The log's newest leaves, read back from their own bytes, newest first, each with the name
    of the model or provider its number stands for (two more queries, whatever the count)."""
    entries = [
        {
            "index": entry.index,
            "leaf": json.loads(bytes(entry.data)),
            "act": entry.get_act_display(),
        }
        for entry in LogEntry.objects.order_by("-index")[:count]
    ]
    numbers = {entry["leaf"]["filing"]["number"] for entry in entries}
    names = dict(
        AIModel.objects.filter(registration_number__in=numbers).values_list(
            "registration_number", "name"
        )
    ) | dict(
        Provider.objects.filter(registration_number__in=numbers).values_list(
            "registration_number", "legal_name"
        )
    )
    for entry in entries:
        entry["name"] = names.get(entry["leaf"]["filing"]["number"], "")
    return entries


def witness_rows(checkpoint: Checkpoint | None, names: list[str]) -> list[dict[str, Any]]:
    """Each witness named in settings, and when it last cosigned (the latest checkpoint or not)."""
    latest = {
        row["witness"]: row["signed_at"]
        for row in Cosignature.objects.filter(witness__in=names)
        .values("witness")
        .annotate(signed_at=Max("signed_at"))
    }
    cosigned_now = (
        set(checkpoint.cosignatures.values_list("witness", flat=True)) if checkpoint else set()
    )
    return [
        {"name": name, "last_cosigned": latest.get(name), "cosigned_latest": name in cosigned_now}
        for name in names
    ]
