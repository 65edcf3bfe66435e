"""What a label's ETag and Last-Modified derive from, in one precompiled query."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import (
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from registry.declarations.models import (
    ProvenanceDeclaration,
)
from registry.filings.states import Status
from registry.labels.selectors.register import MODEL_FIELDS, PROVIDER_FIELDS, published_declarations
from registry.providers.models import (
    OwnershipStatement,
)
from registry.transparency.models import LogEntry

# --- Caching validators


# The stamp runs on every label request, the register's busiest. Compiling its query (three joins,
# two subqueries, twenty-odd columns) took three times as long as running it, so the ORM compiles it
# once per process, with this marker where the registration number goes.
STAMP_MARKER = "\x00registration number\x00"


def label_stamp_queryset(registration_number: str) -> QuerySet[ProvenanceDeclaration]:
    """Every published version of the model (the label lists them all, and the latest decides
    what the model's own address shows), the model's and provider's public details, and the
    provider's accepted ownership statement."""
    ownership = OwnershipStatement.objects.filter(
        provider_id=OuterRef("model__provider_id"), status=Status.ACCEPTED
    ).order_by("-version")
    # The label carries the proof of its filings' latest leaves, from when they are logged.
    leaves = LogEntry.objects.order_by("-index").values("index")
    return (
        published_declarations()
        .filter(model__registration_number=registration_number)
        .annotate(
            ownership_id=Subquery(ownership.values("pk")[:1]),
            ownership_decided_at=Subquery(ownership.values("decided_at")[:1]),
            leaf_index=Subquery(
                leaves.filter(filing_kind="declaration", filing_id=OuterRef("pk"))[:1]
            ),
            ownership_leaf_index=Subquery(
                leaves.filter(filing_kind="ownership", filing_id=OuterRef("ownership_id"))[:1]
            ),
        )
        .values_list(
            "id",
            "version",
            "status",
            "updated_at",
            "decided_at",
            "withdrawn_at",
            "ownership_id",
            "ownership_decided_at",
            "label_pdf__sha256",  # the page links to the PDF once it is rendered
            "leaf_index",
            "ownership_leaf_index",
            *(f"model__{field}" for field in MODEL_FIELDS),
            *(f"model__provider__{field}" for field in PROVIDER_FIELDS),
        )
    )


@functools.cache
def label_stamp_statement() -> tuple[str, tuple[Any, ...]]:
    return label_stamp_queryset(STAMP_MARKER).query.sql_with_params()


def label_stamp_rows(registration_number: str) -> list[tuple[Any, ...]]:
    sql, params = label_stamp_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [registration_number if p == STAMP_MARKER else p for p in params])
        return cursor.fetchall()


def stored_moment(value: datetime | str | None) -> datetime | None:
    """A date and time read without the ORM: PostgreSQL gives it aware; SQLite gives UTC as
    text, or naive where the column's type is declared."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def label_stamp(registration_number: str, version: int | None = None) -> dict[str, Any] | None:
    """What a label's ETag and Last-Modified derive from, in one query; None if not published.

    The date counts too: the red-team alerts fall due with time.
    """
    rows = label_stamp_rows(registration_number)
    if not rows or (version is not None and version not in {row[1] for row in rows}):
        return None
    today = timezone.localdate()
    moments = [stored_moment(m) for row in rows for m in row[3:6] + row[7:8]]
    start_of_today = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    fingerprint = repr((registration_number, version, today, rows)).encode()
    return {
        "etag": hashlib.sha256(fingerprint).hexdigest()[:32],
        "last_modified": max([*filter(None, moments), start_of_today]),
    }
