"""The open data: the whole public register as CSV and JSON Lines, with hashes and row counts.

One row per registered model: its latest published label (a tombstone if that was withdrawn),
built by the same selectors as the label page, so the files hold nothing the page does not. The
JSON Lines file gives each label as the public API does; the CSV a flat summary of it, in the
columns `COLUMNS` defines, which the data dictionary page explains.

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
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import QuerySet, TextChoices

from registry.audit.services import record
from registry.declarations.choices import (
    SIZE_BANDS,
    Distribution,
    Modality,
    ModelType,
    RedTeamOutcome,
    SourceCategory,
)
from registry.declarations.models import ProvenanceDeclaration
from registry.labels import selectors
from registry.labels.models import ExportFormat, OpenDataExport
from registry.lib.spreadsheets import cell
from registry.providers.models import ControlVerdict
from registry.review.risks import RULES

CHUNK_SIZE = 500
# Nightly exports kept, per format; older files are deleted (the register itself keeps all).
KEEP = 30


@dataclass(frozen=True)
class Column:
    """A column of the CSV, as the data dictionary explains it: the writer writes these columns
    and no others, so none can be added without saying what it holds."""

    name: str
    type: str
    meaning: str
    example: str
    # The values the column may hold, each with its name; empty for free text, numbers and dates.
    values: tuple[tuple[str, str], ...] = ()


# How the dictionary names each type of cell.
TEXT = "Text"
NUMBER = "Whole number"
PERCENT = "Percentage: a number from 0 to 100, to 3 decimal places"
DATE = "Date (YYYY-MM-DD)"
BOOLEAN = "true or false"
CODE = "Code: one of the values listed"
CODES = "List of codes, separated by a semicolon and a space"
LIST = "List, separated by a semicolon and a space"
URL = "URL"
# Percentages to the precision providers declare them.
PERCENT_PLACES = Decimal("0.001")


def named_values(enum: type[TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in enum.choices)


def size_band_values() -> tuple[tuple[str, str], ...]:
    return tuple(
        (f"{modality}: {band}", f"{Modality(modality).label}: {name}")
        for modality, bands in SIZE_BANDS.items()
        for band, name in bands.items()
    )


def alert_values() -> tuple[tuple[str, str], ...]:
    return tuple(
        (code, f"{RULES[code].title} ({RULES[code].severity} severity)")
        for code in selectors.PUBLIC_ALERTS
    )


def share_columns() -> list[Column]:
    """One column per kind of source, in the kinds' own order, so the order never changes."""
    return [
        Column(
            f"share_{category}",
            PERCENT,
            f"The share of the training mix, in per cent, from sources of the kind "
            f'"{label}" (0 if the model has none), confidential ones included.',
            "25.000" if category == SourceCategory.WEB_CRAWL else "0.000",
        )
        for category, label in SourceCategory.choices
    ]


COLUMNS: list[Column] = [
    Column(
        "registration_number",
        TEXT,
        "The model's register number: MOD- and 6 digits, given when its first declaration was "
        "accepted. Each model has one row.",
        "MOD-000123",
    ),
    Column("name", TEXT, "The model's name, as its provider gives it.", "Acme Atlas"),
    Column(
        "version",
        TEXT,
        "The model's version, as its provider names it (not the label's version).",
        "2.0",
    ),
    Column(
        "provider_registration_number",
        TEXT,
        "The provider's register number: PRV- and 6 digits.",
        "PRV-000042",
    ),
    Column(
        "provider_name",
        TEXT,
        "The provider's trading name, or its legal name if it has none.",
        "Acme AI",
    ),
    Column(
        "provider_country",
        TEXT,
        "Where the provider is incorporated: an ISO 3166-1 alpha-2 country code.",
        "GB",
    ),
    Column(
        "label_version",
        NUMBER,
        "The label's version: 1 for the model's first accepted declaration, then 2, 3 and so "
        "on. The row gives the latest.",
        "1",
    ),
    Column(
        "status",
        CODE,
        "Whether the label is current or the model was withdrawn. A withdrawn model's row is its "
        "tombstone: it gives who, which version, when and why, and leaves the label's columns "
        "empty.",
        "accepted",
        (
            ("accepted", "Accepted: the label is current"),
            ("withdrawn", "Withdrawn from the register by its provider"),
        ),
    ),
    Column("accepted_on", DATE, "The day the regulator accepted the label.", "2026-03-01"),
    Column(
        "withdrawn_on",
        DATE,
        "The day the model was withdrawn; empty unless the status is withdrawn.",
        "2026-06-30",
    ),
    Column(
        "withdrawal_reason",
        TEXT,
        "Why the provider withdrew the model, in its own words; empty unless withdrawn.",
        "Retired: replaced by Acme Atlas 3",
    ),
    Column("model_type", CODE, "What kind of model it is.", "foundation", named_values(ModelType)),
    Column(
        "modalities_in",
        CODES,
        "The kinds of data the model takes in.",
        "text; image",
        named_values(Modality),
    ),
    Column(
        "modalities_out",
        CODES,
        "The kinds of data the model puts out.",
        "text",
        named_values(Modality),
    ),
    Column(
        "parameter_count",
        NUMBER,
        "How many parameters the model has; empty if not given.",
        "70000000000",
    ),
    Column("release_date", DATE, "When the model was released; empty if not given.", "2026-01-15"),
    Column(
        "distribution",
        CODE,
        "How the model is made available.",
        "api",
        named_values(Distribution),
    ),
    Column(
        "size_bands",
        LIST,
        "How much training data there was of each kind, as a band (the exact figures go to the "
        "regulator only): the kind of data, a colon and a space, and the band.",
        "text: 1b_10t; image: lt_1m",
        size_band_values(),
    ),
    Column(
        "languages",
        LIST,
        "The languages of the training data: each an ISO 639-1 code, then a colon, a space and "
        "its share of the training data where the provider gave one.",
        "en: 80%; fr: 20%",
    ),
    Column(
        "latest_collection_date",
        DATE,
        "The latest date on which training data was collected.",
        "2025-12-31",
    ),
    *share_columns(),
    Column(
        "public_sources",
        NUMBER,
        "How many sources the label names.",
        "12",
    ),
    Column(
        "confidential_sources",
        NUMBER,
        "How many sources the regulator allowed the provider to withhold from the public; their "
        "kinds and shares still count in the share columns.",
        "2",
    ),
    Column(
        "confidential_share_percent",
        PERCENT,
        "The share of the training mix, in per cent, from confidential sources.",
        "10.000",
    ),
    Column(
        "sources_with_personal_data",
        NUMBER,
        "How many sources, confidential ones included, hold personal data.",
        "1",
    ),
    Column(
        "crawls_ignoring_robots_txt",
        NUMBER,
        "How many web crawls did not respect robots.txt.",
        "0",
    ),
    Column(
        "control_verdict",
        CODE,
        "Who controls the provider, as the label says: decided from its accepted ownership "
        "statement when the regulator accepted that statement.",
        "uk_controlled",
        named_values(ControlVerdict),
    ),
    Column(
        "control_countries",
        CODES,
        "The countries behind a foreign_controlled or foreign_state_influence verdict: those of "
        "the foreign investors concerned, as ISO 3166-1 alpha-2 codes, largest holding first. "
        "Empty for uk_controlled and not_declared.",
        "US; CN",
    ),
    Column(
        "state_affiliated",
        BOOLEAN,
        "Whether any current investor in the provider, in any country, is state-owned, "
        "state-controlled, a government body or linked to a military; empty if the provider "
        "has no accepted ownership statement.",
        "false",
    ),
    Column(
        "supply_chain_countries",
        CODES,
        "The countries of the parties in the model's supply chain (compute, hosting, data and "
        "other vendors), as ISO 3166-1 alpha-2 codes in alphabetical order.",
        "GB; US",
    ),
    Column(
        "red_team_latest_outcome",
        CODE,
        "The outcome of the latest red-teaming of the supply chain; empty if none was attested.",
        "pass",
        named_values(RedTeamOutcome),
    ),
    Column(
        "red_team_latest_performed_on",
        DATE,
        "When the latest red-teaming was performed.",
        "2025-11-20",
    ),
    Column("red_team_next_due", DATE, "When the next red-teaming is due.", "2026-11-20"),
    Column(
        "public_alerts",
        CODES,
        "The alerts the label showed when it was exported, most severe first. Each is raised "
        "automatically from the provider's own answers; it is not a finding of the regulator.",
        "foreign_control; red_team_overdue",
        alert_values(),
    ),
    Column(
        "label_url",
        URL,
        "The label's page on the register, which always shows the latest version.",
        f"{settings.SITE_URL}/register/models/MOD-000123/",
    ),
]
CSV_COLUMNS = [column.name for column in COLUMNS]


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
        **composition_columns(label["composition"]),
        "public_sources": len(label["sources"]),
        "confidential_sources": label["confidential_sources"]["count"],
        "confidential_share_percent": percentage(label["confidential_sources"]["share_percent"]),
        "sources_with_personal_data": label["personal_data"]["yes"],
        "crawls_ignoring_robots_txt": label["crawling"]["robots_txt"]["no"],
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


def composition_columns(composition: list[dict[str, Any]]) -> dict[str, str]:
    """The label's training mix as one share column per kind of source, 0 for a kind it lacks."""
    shares = {row["category"]: row["share_percent"] for row in composition}
    return {
        f"share_{category}": percentage(shares.get(category, Decimal(0)))
        for category in SourceCategory.values
    }


def percentage(value: Decimal | int | None) -> str:
    """A share as every percentage column writes it: 3 decimal places, as declared."""
    return f"{Decimal(value or 0).quantize(PERCENT_PLACES):f}"


def joined(values) -> str:
    return "; ".join(str(value) for value in values)


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


@dataclass(frozen=True)
class ExportHistory:
    """The exports kept, newest first, and among them the latest export's files."""

    latest: list[OpenDataExport]
    kept: list[OpenDataExport]


def open_data_history() -> ExportHistory:
    """Every export kept (at most `KEEP` of each format), newest first, CSV before JSON Lines;
    one query."""
    kept = list(OpenDataExport.objects.order_by("-created_at", "format", "-id"))
    newest = kept[0].created_at if kept else None
    return ExportHistory(latest=[e for e in kept if e.created_at == newest], kept=kept)
