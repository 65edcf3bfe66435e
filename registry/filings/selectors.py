"""Reads for the lifecycle: a filing's history and its frozen submissions."""

from __future__ import annotations

from django.db.models import QuerySet

from registry.filings.models import FilingSnapshot, FilingTransition


def filing_history(kind: str, filing_id: int) -> QuerySet[FilingTransition]:
    return FilingTransition.objects.filter(filing_kind=kind, filing_id=filing_id).select_related(
        "actor"
    )


def filing_snapshots(kind: str, filing_id: int) -> QuerySet[FilingSnapshot]:
    return FilingSnapshot.objects.filter(filing_kind=kind, filing_id=filing_id)


def latest_snapshot(kind: str, filing_id: int) -> FilingSnapshot | None:
    """The last submission's snapshot, without its (possibly large) content."""
    return (
        filing_snapshots(kind, filing_id)
        .only("sha256", "submission", "submitted_at")
        .order_by("-submission")
        .first()
    )
