"""Writes of the transparency log: a leaf per publishing act, the sequencer that integrates them
in order, checkpoints, the static tiles, and witnesses' cosignatures.

1. A publishing act calls `leaf_append` inside its own transaction: the leaf waits in the outbox
   (`PendingLeaf`) and is lost with the act if the act rolls back.
2. After the commit, `log_integrate` (a task, or in-process with no broker) takes the `LogHead`
   row lock, so one sequencer runs at a time, gives the pending leaves the next indexes in the
   order they were written, stores the tree nodes they complete, and signs a checkpoint.
3. `tiles_write` then writes the tlog-tiles the new size needs to the storage, and only then is
   the checkpoint served, so a reader never sees a checkpoint whose tiles are missing.
4. `log_sweep` (every five minutes) redoes whatever a broker outage or a crash left undone, and
   signs a fresh checkpoint at least every TRANSPARENCY_CHECKPOINT_INTERVAL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from provenance_client.cosignature import cosignatures
from provenance_client.errors import FormatError, VerificationError
from provenance_client.merkle import append_leaves, leaf_hash, read_root
from provenance_client.note import Checkpoint as CheckpointBody
from provenance_client.note import parse_checkpoint, parse_note, sign_checkpoint, signature_line
from provenance_client.record import ownership_record, record_sha256
from provenance_client.tiles import (
    bundles_changed,
    encode_entries,
    entries_path,
    tile_path,
    tiles_changed,
)

from registry.audit.services import record
from registry.declarations.models import ProvenanceDeclaration
from registry.filings.models import FilingKind
from registry.filings.states import PUBLISHED, Status
from registry.lib.background import after_commit
from registry.providers.models import OwnershipStatement
from registry.transparency import keys, records
from registry.transparency.models import (
    Act,
    Checkpoint,
    Cosignature,
    LeafSecret,
    LogEntry,
    LogHead,
    PendingLeaf,
    TreeNode,
)
from registry.transparency.selectors import DatabaseHashes, filing_entry

# Where the tiles go in the storage: <prefix>checkpoint is served by a view, the tiles as files.
TILES_PREFIX = "log/"
# The sequencer integrates at most this many leaves per transaction.
BATCH = 10_000

# --- Leaves

ACTS = {"accept": Act.ACCEPTED, "supersede": Act.SUPERSEDED, "withdraw": Act.WITHDRAWN}


def filing_published(filing: ProvenanceDeclaration | OwnershipStatement, action: str) -> None:
    """A transition hook: a leaf for each transition that publishes (accept, supersede,
    withdraw), written in the transition's own transaction."""
    act = ACTS.get(action)
    if act is None:
        return
    if isinstance(filing, ProvenanceDeclaration):
        declaration_leaf_append(filing, act)
    else:
        ownership_leaf_append(filing, act)


def declaration_leaf_append(
    declaration: ProvenanceDeclaration, act: str, pdf_sha256: str | None = None
) -> PendingLeaf:
    """Put the leaf of a publishing act on a declaration in the outbox."""
    # Read afresh: acceptance numbers the model through another instance than the filing's.
    declaration = ProvenanceDeclaration.objects.select_related("model__provider").get(
        pk=declaration.pk
    )
    data, secret = records.declaration_leaf(declaration, act, timezone.now(), pdf_sha256)
    return leaf_append(FilingKind.DECLARATION, declaration.pk, act, data, secret)


def ownership_leaf_append(statement: OwnershipStatement, act: str) -> PendingLeaf:
    """Put the leaf of a publishing act on an ownership statement in the outbox."""
    statement = OwnershipStatement.objects.select_related("provider").get(pk=statement.pk)
    data, secret = records.ownership_leaf(statement, act, timezone.now())
    return leaf_append(FilingKind.OWNERSHIP, statement.pk, act, data, secret)


def model_corrected(model_id: int) -> None:
    """Correct the log after a registered model's details changed: each published version's
    label now reads differently, so each gets a leaf of what it now says."""
    published = ProvenanceDeclaration.objects.filter(model_id=model_id, status__in=PUBLISHED)
    for declaration in published.order_by("version"):
        declaration_leaf_append(declaration, Act.CORRECTED)


def provider_corrected(provider_id: int) -> None:
    """Correct the log after a provider's details changed, if what its accepted ownership
    statement's part of every label says (its name and country among them) changed."""
    statement = (
        OwnershipStatement.objects.filter(provider_id=provider_id, status=Status.ACCEPTED)
        .select_related("provider")
        .first()
    )
    if statement is None:
        return
    entry = filing_entry(FilingKind.OWNERSHIP, statement.pk)
    now_reads = record_sha256(ownership_record(records.ownership_document(statement)))
    if entry is None or json.loads(bytes(entry.data))["label_sha256"] != now_reads:
        ownership_leaf_append(statement, Act.CORRECTED)


def leaf_append(kind: str, filing_id: int, act: str, data: bytes, secret: bytes) -> PendingLeaf:
    """Put a leaf in the outbox; the sequencer integrates it once this transaction commits."""
    from registry.transparency.tasks import integrate_log  # the tasks module imports this one

    pending = PendingLeaf.objects.create(
        act=act, filing_kind=kind, filing_id=filing_id, data=data, secret=secret
    )
    after_commit(integrate_log)
    return pending


# --- The sequencer


def log_integrate(limit: int = BATCH) -> int:
    """Integrate pending leaves in the order they were written; return how many.

    One transaction: lock the head, read up to `limit` pending leaves, store their entries,
    secrets and the tree nodes they complete, drop them from the outbox and sign a checkpoint
    of the new size. A second sequencer waits on the lock and then finds nothing to do.
    """
    with transaction.atomic():
        head = LogHead.objects.select_for_update().get_or_create(pk=1)[0]
        pending = list(PendingLeaf.objects.order_by("id")[:limit])
        if not pending:
            return 0
        now, start = timezone.now(), head.size
        hashes = [leaf_hash(bytes(leaf.data)) for leaf in pending]
        entries = [
            LogEntry(
                index=start + offset,
                data=bytes(leaf.data),
                leaf_hash=hashed,
                act=leaf.act,
                filing_kind=leaf.filing_kind,
                filing_id=leaf.filing_id,
                integrated_at=now,
            )
            for offset, (leaf, hashed) in enumerate(zip(pending, hashes, strict=True))
        ]
        LogEntry.objects.bulk_create(entries, batch_size=2000)
        LeafSecret.objects.bulk_create(
            [
                LeafSecret(entry_id=entry.index, secret=bytes(leaf.secret))
                for entry, leaf in zip(entries, pending, strict=True)
            ],
            batch_size=2000,
        )
        nodes = append_leaves(DatabaseHashes(), start, hashes)
        TreeNode.objects.bulk_create(
            [TreeNode(level=level, index=index, hash=value) for (level, index), value in nodes],
            batch_size=2000,
        )
        PendingLeaf.objects.filter(id__in=[leaf.pk for leaf in pending]).delete()
        head.size = start + len(pending)
        head.save(update_fields=["size"])
        checkpoint_sign(head.size, now)
    return len(pending)


def checkpoint_sign(size: int, now: datetime | None = None) -> Checkpoint:
    """Sign and store a checkpoint of the log's first `size` leaves."""
    root = read_root(DatabaseHashes(), size)
    body = CheckpointBody(settings.TRANSPARENCY_LOG_ORIGIN, size, root)
    return Checkpoint.objects.create(
        size=size,
        root_hash=root,
        note=sign_checkpoint(body, keys.log_signer()),
        created_at=now or timezone.now(),
    )


# --- Tiles


@transaction.atomic
def tiles_write() -> int:
    """Write the tiles and entry bundles the log gained since they were last written; return
    how many files were written. Under the head's lock, so two writers never race on one file;
    full tiles never change, so a crash midway only repeats work."""
    head = LogHead.objects.select_for_update().get_or_create(pk=1)[0]
    old, new = head.tiles_size, head.size
    if new == old:
        return 0
    written = 0
    for level, index, width in tiles_changed(old, new):
        written += tile_store(tile_path(level, index, width), tile_bytes(level, index, width))
    for index, width in bundles_changed(old, new):
        written += tile_store(entries_path(index, width), bundle_bytes(index, width))
    head.tiles_size = new
    head.save(update_fields=["tiles_size"])
    return written


def tile_bytes(level: int, index: int, width: int | None) -> bytes:
    """The hashes of one tile: 256 (or `width`) nodes at tree level 8 times `level`."""
    count = width or 256
    first = index * 256
    rows = TreeNode.objects.filter(
        level=level * 8, index__gte=first, index__lt=first + count
    ).order_by("index")
    hashes = [bytes(value) for value in rows.values_list("hash", flat=True)]
    if len(hashes) != count:
        raise ValueError(f"tile {level}/{index} needs {count} nodes; the log holds {len(hashes)}")
    return b"".join(hashes)


def bundle_bytes(index: int, width: int | None) -> bytes:
    count = width or 256
    first = index * 256
    rows = LogEntry.objects.filter(index__gte=first, index__lt=first + count).order_by("index")
    data = [bytes(value) for value in rows.values_list("data", flat=True)]
    if len(data) != count:
        raise ValueError(f"bundle {index} needs {count} entries; the log holds {len(data)}")
    return encode_entries(data)


def tile_store(path: str, content: bytes) -> int:
    """Store one tile file unless the same bytes are there already; return 1 if written."""
    name = TILES_PREFIX + path
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if existing.read() == content:
                return 0
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))
    return 1


# --- Keeping the log up to date


def log_publish() -> int:
    """Integrate everything pending and write its tiles; return how many leaves were added."""
    added = 0
    while count := log_integrate():
        added += count
    tiles_write()
    return added


def log_sweep(now: datetime | None = None) -> int:
    """Integrate what is pending, write missing tiles, and sign a fresh checkpoint if the last
    one is older than the interval (so a reader can tell the log is alive); return leaves added."""
    now = now or timezone.now()
    added = log_publish()
    with transaction.atomic():
        head = LogHead.objects.select_for_update().get_or_create(pk=1)[0]
        last = Checkpoint.objects.order_by("-id").first()
        if last is None or now - last.created_at >= settings.TRANSPARENCY_CHECKPOINT_INTERVAL:
            checkpoint_sign(head.size, now)
    return added


# --- Witnesses


class CosignatureRefused(ValueError):
    """A posted cosignature the log will not keep, with the reason in words."""


def cosignature_add(note: str) -> list[Cosignature]:
    """Keep the cosignatures of known witnesses on a checkpoint this log signed.

    `note` is the checkpoint as the witness returns it: its text and signature lines, among
    them the witness's cosignature. Lines by unknown keys are ignored; a bad signature by a
    known witness, or a checkpoint this log never signed, is refused.
    """
    try:
        text, signatures = parse_note(note)
        body = parse_checkpoint(text)
    except FormatError as error:
        raise CosignatureRefused(f"The checkpoint is not well formed: {error}") from error
    checkpoint = (
        Checkpoint.objects.filter(size=body.size, root_hash=body.root_hash).order_by("-id").first()
    )
    if checkpoint is None or not checkpoint.note.startswith(text + "\n"):
        raise CosignatureRefused("This log signed no such checkpoint")
    witnesses = keys.witnesses()
    try:
        signed = cosignatures(note, witnesses)
    except VerificationError as error:
        raise CosignatureRefused(f"A cosignature does not verify: {error}") from error
    if not signed:
        raise CosignatureRefused("The checkpoint carries no cosignature by a witness of this log")
    # Keep the line that verified: by the witness's own key (another key may take its name) and
    # of the time kept, not any line under the name.
    known = {(witness.name, witness.key_id) for witness in witnesses}
    lines = {
        signature.name: signature_line(signature.name, signature.key_id + signature.signature)
        for signature in signatures
        if (signature.name, signature.key_id) in known
        and int.from_bytes(signature.signature[:8], "big") == signed.get(signature.name)
    }
    kept = []
    with transaction.atomic():
        for name, timestamp in signed.items():
            cosignature, created = Cosignature.objects.get_or_create(
                checkpoint=checkpoint,
                witness=name,
                defaults={
                    "line": lines[name],
                    "signed_at": datetime.fromtimestamp(timestamp, tz=UTC),
                },
            )
            if created:
                record(
                    actor=None,
                    action="transparency.cosigned",
                    target=checkpoint,
                    after={"witness": name, "size": checkpoint.size},
                )
            kept.append(cosignature)
    return kept
