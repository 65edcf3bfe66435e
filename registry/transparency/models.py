"""The transparency log (DESIGN §7): its leaves, its Merkle tree, its checkpoints and cosignatures.

A publishing act writes a `PendingLeaf` in its own transaction (the outbox); one sequencer, under
the `LogHead` row lock, gives pending leaves their places in the log in order. Everything the log
has integrated (`LogEntry`, `LeafSecret`, `TreeNode`, `Checkpoint`) is append-only: on PostgreSQL
the database itself refuses UPDATE and DELETE, as it does for audit events.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Act(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"
    PDF_ISSUED = "pdf_issued", "Label PDF issued"
    CORRECTED = "corrected", "Corrected"


class FilingKind(models.TextChoices):
    # The filings app's own choices, repeated so that this table needs no migration of theirs.
    DECLARATION = "declaration", "Provenance declaration"
    OWNERSHIP = "ownership", "Ownership statement"


class LogHead(models.Model):
    """The one row the sequencer locks: how many leaves the log holds, and how many its tiles
    cover (tiles are written after the integration commits, so they may lag behind)."""

    size = models.BigIntegerField(default=0)
    tiles_size = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="log_head_single_row"),
            models.CheckConstraint(
                condition=Q(tiles_size__gte=0) & Q(tiles_size__lte=models.F("size")),
                name="log_head_tiles_within_size",
            ),
        ]

    def __str__(self) -> str:
        return f"Log of {self.size} leaves"


class PendingLeaf(models.Model):
    """A leaf written by a publishing act, waiting for the sequencer: the log's outbox."""

    act = models.CharField(max_length=20, choices=Act.choices)
    filing_kind = models.CharField(max_length=20, choices=FilingKind.choices)
    filing_id = models.BigIntegerField()
    data = models.BinaryField()
    # Seeds the salts of the leaf's commitments; regulator-only, moved to LeafSecret on integration.
    secret = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Pending {self.act} of {self.filing_kind} {self.filing_id}"


class LogEntry(models.Model):
    """One leaf of the log at its index: the canonical JSON bytes anyone can fetch and hash."""

    index = models.BigIntegerField(primary_key=True)
    data = models.BinaryField()
    leaf_hash = models.BinaryField()
    # Not in the leaf: how the register finds a filing's leaves.
    act = models.CharField(max_length=20, choices=Act.choices)
    filing_kind = models.CharField(max_length=20, choices=FilingKind.choices)
    filing_id = models.BigIntegerField()
    integrated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["index"]
        verbose_name_plural = "log entries"
        indexes = [models.Index(fields=["filing_kind", "filing_id", "index"])]
        constraints = [models.CheckConstraint(condition=Q(index__gte=0), name="log_entry_index")]

    def __str__(self) -> str:
        return f"Leaf {self.index}: {self.act} of {self.filing_kind} {self.filing_id}"


class LeafSecret(models.Model):
    """The secret a leaf's commitments are salted from: regulator-only, kept for good, so that
    the regulator can later open one commitment and prove what was declared."""

    entry = models.OneToOneField(
        LogEntry, primary_key=True, on_delete=models.PROTECT, related_name="secret"
    )
    secret = models.BinaryField()

    def __str__(self) -> str:
        return f"Secret of leaf {self.entry_id}"


class TreeNode(models.Model):
    """The hash of one perfect subtree: 2**level leaves from leaf index * 2**level. Every such
    subtree the log has completed is kept, so any root or proof reads O(log n) rows."""

    pk = models.CompositePrimaryKey("level", "index")
    level = models.SmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField()

    def __str__(self) -> str:
        return f"Node {self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed tree head: the log's size and root hash in a C2SP signed note."""

    size = models.BigIntegerField()
    root_hash = models.BinaryField()
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"Checkpoint of {self.size} leaves at {self.created_at:%Y-%m-%d %H:%M}"


class Cosignature(models.Model):
    """A witness's C2SP tlog-cosignature of a checkpoint: its signature line, as posted."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.CharField(max_length=200)
    line = models.TextField()
    signed_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["witness"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness"], name="cosignature_one_per_witness"
            )
        ]

    def __str__(self) -> str:
        return f"{self.witness} cosigned checkpoint {self.checkpoint_id}"
