"""The open data: the whole public register as CSV and JSON Lines, with hashes and row counts.

One row per registered model: its latest published label (a tombstone if that was withdrawn),
built by the same selectors as the label page, so the files hold nothing the page does not. The
JSON Lines file gives each label as the public API does; the CSV a flat summary of it.

Memory stays flat however large the register: declarations are read a chunk at a time, each
chunk's labels in a fixed number of queries (`selectors.model_labels`, which the label page runs
with a chunk of one), and each row is written to a temporary file as it is built, and hashed as
it is written.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import QuerySet

from registry.audit.services import record
from registry.declarations.models import ProvenanceDeclaration
from registry.labels import selectors
from registry.labels.models import ExportFormat, OpenDataExport

CHUNK_SIZE = 500
# Nightly exports kept, per format; older files are deleted (the register itself keeps all).
KEEP = 30
CSV_COLUMNS = [
    "registration_number",
    "name",
    "version",
    "provider_registration_number",
    "provider_name",
    "provider_country",
    "label_version",
    "status",
    "accepted_on",
    "withdrawn_on",
    "withdrawal_reason",
    "model_type",
    "modalities_in",
    "modalities_out",
    "parameter_count",
    "release_date",
    "distribution",
    "size_bands",
    "languages",
    "latest_collection_date",
    "composition",
    "public_sources",
    "confidential_sources",
    "confidential_share_percent",
    "sources_with_personal_data",
    "web_crawl_share_percent",
    "crawls_ignoring_robots_txt",
    "synthetic_share_percent",
    "control_verdict",
    "control_countries",
    "state_affiliated",
    "supply_chain_countries",
    "red_team_latest_outcome",
    "red_team_latest_performed_on",
    "red_team_next_due",
    "public_alerts",
    "label_url",
]
# A spreadsheet runs a cell that starts with one of these as a formula: such text gets a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def open_data_export(now: datetime, *, keep: int = KEEP) -> list[OpenDataExport]:
    """Export the public register as CSV and JSON Lines, store both, and keep the last `keep`.

    1. Stream every registered model's latest published label into two temporary files, hashing
       and counting as they are written.
    2. Store both files and record them, with their SHA-256, size and rows, in one transaction.
    3. Delete the exports older than the last `keep` of each format.
    """
    with (
        tempfile.TemporaryFile() as csv_file,
        tempfile.TemporaryFile() as jsonl_file,
    ):
        csv_out, jsonl_out = HashingWriter(csv_file), HashingWriter(jsonl_file)
        with one_snapshot():
            rows = write_rows(csv_out, jsonl_out)
        with transaction.atomic():
            exports = [
                export_store(ExportFormat.CSV, csv_out, rows, now),
                export_store(ExportFormat.JSONL, jsonl_out, rows, now),
            ]
    exports_prune(keep)
    return exports


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Read the register as it stood at one moment, though in a query per chunk.

    On PostgreSQL that takes a REPEATABLE READ transaction (its default, READ COMMITTED, would
    let a decision made mid-export show in later chunks only); it must be the transaction's
    first statement, so inside a caller's transaction the caller's isolation stands.
    """
    isolate = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if isolate:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


class HashingWriter:
    """A text file that writes UTF-8 to a binary file and keeps the SHA-256 and size of it."""

    def __init__(self, file: IO[bytes]):
        self.file = file
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode()
        self.hash.update(data)
        self.size += len(data)
        self.file.write(data)
        return len(text)


def write_rows(csv_out: HashingWriter, jsonl_out: HashingWriter) -> int:
    """Write the header and every row to both files; return the number of rows."""
    from registry.api.v1.public import PublicLabel, PublicTombstone

    writer = csv.writer(csv_out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    # One serializer of each kind for every row: building one copies all its fields (~9 ms).
    serializers = {"label": PublicLabel(), "tombstone": PublicTombstone()}
    rows = 0
    for chunk in public_label_chunks():
        for label in selectors.model_labels(chunk):
            data = serializers[label["kind"]].to_representation(label)
            jsonl_out.write(json.dumps(data, cls=DjangoJSONEncoder) + "\n")
            row = csv_row(label)
            writer.writerow([cell(row.get(column)) for column in CSV_COLUMNS])
            rows += 1
    return rows


def public_label_chunks() -> Iterator[list[ProvenanceDeclaration]]:
    """Each registered model's latest published declaration, `CHUNK_SIZE` at a time.

    Each chunk is a query of its own, starting after the last model of the one before, so that
    each is planned for a few hundred rows whatever the register's size. One server-side cursor
    over the whole register was planned for its first rows: with statistics not yet updated
    after a bulk load, a join that grew with the square of the register (16 s at 10,000 models
    for a query that otherwise takes 0.2 s).
    """
    after = None
    while chunk := list(open_data_declarations(after)):
        yield chunk
        if len(chunk) < CHUNK_SIZE:
            return
        after = chunk[-1].model.registration_number


def open_data_declarations(after: str | None) -> QuerySet[ProvenanceDeclaration]:
    """The latest published declarations of the first `CHUNK_SIZE` registered models numbered
    after `after` (from the first if None), by registration number."""
    models = selectors.registered_models().order_by("registration_number")
    if after is not None:
        models = models.filter(registration_number__gt=after)
    latest = models.values("label_declaration_id")  # type: ignore[misc]
    return (
        ProvenanceDeclaration.objects.filter(pk__in=latest[:CHUNK_SIZE])
        .select_related("model__provider")
        .order_by("model__registration_number")
    )


def csv_row(label: dict[str, Any]) -> dict[str, Any]:
    """A label (or a tombstone) flattened to the CSV's columns."""
    model, provider = label["model"], label["provider"]
    number = model["registration_number"]
    row = {
        "registration_number": number,
        "name": model["name"],
        "version": model["version"],
        "provider_registration_number": provider["registration_number"],
        "provider_name": provider["name"],
        "provider_country": provider["country"],
        "label_version": label["version"],
        "status": "withdrawn" if label["withdrawn"] else label["status"],
        "accepted_on": label["accepted_on"],
        "label_url": f"{settings.SITE_URL}/register/models/{number}/",
    }
    if label["kind"] == "tombstone":
        return row | {
            "withdrawn_on": selectors.local_date(label["withdrawn_at"]),
            "withdrawal_reason": label["reason"],
        }
    return row | label_columns(label)


def label_columns(label: dict[str, Any]) -> dict[str, Any]:
    model, training = label["model"], label["training_data"]
    red_team = label["red_teaming"]["latest"] or {}
    ownership = label["ownership"] or {}
    web_crawl = [row for row in label["composition"] if row["category"] == "web_crawl"]
    return {
        "model_type": model["model_type"],
        "modalities_in": joined(model["modalities_in"]),
        "modalities_out": joined(model["modalities_out"]),
        "parameter_count": model["parameter_count"],
        "release_date": model["release_date"],
        "distribution": model["distribution"],
        "size_bands": joined(f"{r['modality']}: {r['band']}" for r in training["size_bands"]),
        "languages": joined(
            f"{r['code']}: {r['share_percent']}%" if r["share_percent"] is not None else r["code"]
            for r in training["languages"]
        ),
        "latest_collection_date": training["latest_collection_date"],
        "composition": joined(
            f"{r['category']}: {r['share_percent']}%" for r in label["composition"]
        ),
        "public_sources": len(label["sources"]),
        "confidential_sources": label["confidential_sources"]["count"],
        "confidential_share_percent": label["confidential_sources"]["share_percent"],
        "sources_with_personal_data": label["personal_data"]["yes"],
        "web_crawl_share_percent": web_crawl[0]["share_percent"] if web_crawl else 0,
        "crawls_ignoring_robots_txt": label["crawling"]["robots_txt"]["no"],
        "synthetic_share_percent": label["synthetic"]["share_percent"],
        "control_verdict": label["control"]["verdict"],
        "control_countries": joined(label["control"]["countries"]),
        "state_affiliated": ownership.get("state_affiliated"),
        "supply_chain_countries": joined(
            sorted({party["country"] for party in label["supply_chain"]["parties"]})
        ),
        "red_team_latest_outcome": red_team.get("outcome"),
        "red_team_latest_performed_on": red_team.get("performed_on"),
        "red_team_next_due": red_team.get("next_due"),
        "public_alerts": joined(alert["code"] for alert in label["public_alerts"]),
    }


def joined(values) -> str:
    return "; ".join(str(value) for value in values)


def cell(value: Any) -> str:
    """A CSV cell: empty for None, true/false for booleans, text safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def export_store(format: str, out: HashingWriter, rows: int, now: datetime) -> OpenDataExport:
    """Store one written file and its record, and audit it (call inside a transaction)."""
    export = OpenDataExport(
        format=format, sha256=out.hash.hexdigest(), size=out.size, rows=rows, created_at=now
    )
    out.file.seek(0)
    export.file.save(f"register.{format}", File(out.file), save=False)
    export.save()
    record(
        actor=None,
        action="labels.open_data_exported",
        target=export,
        after={"file": export.file.name, "sha256": export.sha256, "rows": rows},
    )
    return export


def exports_prune(keep: int) -> None:
    """Delete all but the newest `keep` exports of each format, files first."""
    for format in ExportFormat.values:
        old = OpenDataExport.objects.filter(format=format).order_by("-created_at", "-id")[keep:]
        for export in list(old):
            export.file.delete(save=False)
            export.delete()


def open_data_latest() -> list[OpenDataExport]:
    """The newest export of each format, for the download page (CSV first); empty before any."""
    latest = OpenDataExport.objects.order_by("-created_at", "-id").first()
    if latest is None:
        return []
    return list(OpenDataExport.objects.filter(created_at=latest.created_at).order_by("format"))


def open_data_earlier(limit: int = KEEP) -> QuerySet[OpenDataExport]:
    """The exports kept, newest first, for the download page's list of earlier files."""
    return OpenDataExport.objects.order_by("-created_at", "format")[: limit * 2]
