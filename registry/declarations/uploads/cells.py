"""The columns of a sheet of sources, what each may hold, and reading one cell of each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from registry.declarations import choices
from registry.declarations.models import DataSource
from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.uploads.lists import normalise_host
from registry.lib.codes import country_names, language_names
from registry.lib.problems import Problem

BIGINT_MAX = 2**63 - 1
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


# --- The columns, and how each is written

LIST_COLUMNS = frozenset({"modalities", "languages", "processing", "countries", "top_domains"})
UPPER_LIST_COLUMNS = frozenset({"countries"})
LOWER_LIST_COLUMNS = frozenset({"modalities", "languages", "processing"})
HOST_LIST_COLUMNS = frozenset({"top_domains"})
BOOL_COLUMNS = frozenset({"collection_ongoing", "aggregate_consumer_data", "confidential"})
NULLABLE_BOOL_COLUMNS = frozenset({"robots_txt_respected", "tdm_opt_out_respected"})
DATE_COLUMNS = frozenset({"collection_start", "collection_end", "first_used_on"})
INTEGER_COLUMNS = frozenset({"size_tokens", "size_records", "size_bytes"})
DECIMAL_COLUMNS = frozenset({"share_percent"})
GENERATOR_COLUMNS = frozenset({"generator_models"})
# One value from a closed list: the columns the model itself gives choices (and a database check).
COLUMN_CHOICES = {
    f.name: list(f.choices)
    for f in DataSource._meta.fields
    if f.choices and f.name in SOURCE_FIELDS
}
CHOICE_COLUMNS = frozenset(COLUMN_CHOICES)
# Lists whose items come from a closed list: validation checks them against these same choices.
LIST_CHOICES: dict[str, type[models.TextChoices]] = {
    "modalities": choices.Modality,
    "processing": choices.Processing,
}
# Lists of codes from a standard: too long to show in full, so the dictionary folds them away.
LIST_CODES = {"languages": language_names, "countries": country_names}
# A row is stored only with these: the header must name them.
HEADER_NEEDS = ("name", "category")
SHARE_PLACES = 3
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What may sit between the digits of a count: 1,500,000 or 1 500 000.
DIGIT_GROUPS = re.compile(r"(?<=\d)[,\s\u00a0\u202f_](?=\d)")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# How much of a value a report echoes: enough to recognise it, never a page of it.
ECHO_LENGTH = 60


def column_letter(index: int) -> str:
    """A spreadsheet's name for the column at a 1-based index: 1 is A, 27 is AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def echo(text: str, limit: int = ECHO_LENGTH) -> str:
    """A value to show back to the person who wrote it: on one line, cut short if it is long."""
    flat = " ".join(CONTROL_CHARACTERS.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Formula:
    """A workbook cell holding a formula. Its text, never a result: nobody's sums are trusted."""

    text: str


@dataclass(frozen=True)
class ErrorValue:
    """A workbook cell holding an error such as #N/A."""

    text: str


def cell_text(value: Any) -> str:
    """A cell's value written as text, as its spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Formula | ErrorValue):
        return value.text
    return str(value)


def allowed_values(column: str) -> list[tuple[str, str]]:
    """The values a column may hold, each with its meaning; [] for a column that is open."""
    if column in LIST_CHOICES:
        return [(str(value), str(label)) for value, label in LIST_CHOICES[column].choices]
    if column in GENERATOR_COLUMNS:
        return [(str(value), str(label)) for value, label in choices.YesNoUnknown.choices]
    return [(str(value), str(label)) for value, label in COLUMN_CHOICES.get(column, [])]


def allowed_text(column: str) -> str:
    """The values a column may hold, as a sentence; "" for a column that is open."""
    allowed = allowed_values(column)
    if not allowed:
        return ""
    return "Allowed values: " + ", ".join(value for value, _ in allowed)


# --- Reading one cell

CELL_ERRORS = {
    "date": ("not_a_date", "Enter a date as YYYY-MM-DD, like 2024-03-31"),
    "date_time": ("date_has_time", "Enter a date without a time, like 2024-03-31"),
    "integer": ("not_a_whole_number", "Enter a whole number, like 1500000"),
    "share": ("not_a_share", "Enter a number from 0 to 100 with at most 3 decimal places"),
    "boolean": ("not_yes_no", "Enter yes or no"),
    "generators": (
        "generators_invalid",
        "Write each generator as name|provider|yes, no or unknown, separated by ;",
    ),
    "character": (
        "unstorable_character",
        "Remove the NUL character from cell {cell}: the register can't store it",
    ),
    "formula": (
        "formula",
        "Cell {cell} holds a formula: type the value itself, or copy the cells and paste "
        "them back as values only",
    ),
    "error_value": (
        "error_value",
        "Cell {cell} holds an error, not a value: type the value itself",
    ),
}


class CellError(Exception):
    """A cell that can't be read as its column's kind of value (a key of CELL_ERRORS)."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(kind)

    def problem(self, row: int, column: str, cell: str) -> Problem:
        code, message = CELL_ERRORS[self.kind]
        return cell_problem(row, column, code, message.format(cell=cell))


def cell_problem(row: int, column: str, code: str, message: str) -> Problem:
    """A value in an upload that can't be stored: `rows.<row>.<column>`."""
    return Problem(code=code, field=f"rows.{row}.{column}", message=message, shape=True)


def read_boolean(value: Any, *, nullable: bool) -> bool | None:
    """Yes/no/true/false (any case), 1 or 0, or a TRUE or FALSE cell, as a bool.

    Blank is None or False; raise ValueError for anything else.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower() if isinstance(value, str) else None
    if word in YES:
        return True
    if word in NO:
        return False
    if word == "":
        return None if nullable else False
    raise ValueError(value)


def read_generators(value: Any) -> list[dict[str, str]]:
    """`name|provider|terms` entries separated by `;`; raise ValueError on a malformed entry."""
    if not isinstance(value, str):
        raise ValueError(value)
    generators = []
    for entry in (part for part in value.split(";") if part.strip()):
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) > 3:
            raise ValueError(entry)
        name, provider, terms = [*parts, "", ""][:3]
        generators.append(
            {"name": name, "provider": provider, "terms_permit_training": terms.lower()}
        )
    return generators


def read_share(value: Any) -> Decimal | None:
    """A share of the mix: 12.5 or 12.5% in text, or a number cell; None if blank."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        share = Decimal(repr(value))
    elif isinstance(value, int):
        share = Decimal(value)
    elif isinstance(value, str) and value:
        share = Decimal(value.strip().rstrip("%").strip())
    elif value == "":
        return None
    else:
        raise ValueError(value)
    if not share.is_finite() or -share.as_tuple().exponent > SHARE_PLACES:  # type: ignore[operator]
        raise InvalidOperation(value)
    return share


def read_integer(value: Any) -> int | None:
    """A count: 1500000, 1,500,000 or 1 500 000 in text, or a whole-number cell; None if blank."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    elif isinstance(value, str):
        if not value:
            return None
        value = int(DIGIT_GROUPS.sub("", value.strip()))
    if not isinstance(value, int) or abs(value) > BIGINT_MAX:
        raise ValueError(value)
    return value


def read_date(value: Any) -> date | None:
    """A date as YYYY-MM-DD text or a date cell; None if blank."""
    if isinstance(value, datetime):
        if value.time() != time():
            raise CellError("date_time")
        return value.date()
    if isinstance(value, date):
        return value
    if value == "":
        return None
    if isinstance(value, str) and ISO_DATE.match(value):
        return date.fromisoformat(value)
    raise ValueError(value)


def cell_kind(column: str) -> str:
    if column in DATE_COLUMNS:
        return "date"
    if column in INTEGER_COLUMNS:
        return "integer"
    if column in DECIMAL_COLUMNS:
        return "share"
    if column in BOOL_COLUMNS | NULLABLE_BOOL_COLUMNS:
        return "boolean"
    return "generators" if column in GENERATOR_COLUMNS else "text"


def read_typed_cell(column: str, value: Any) -> Any:
    """Read a date, number, yes/no or generator cell; raise ValueError if it can't be."""
    kind = cell_kind(column)
    if kind == "date":
        return read_date(value)
    if kind == "integer":
        return read_integer(value)
    if kind == "share":
        return read_share(value)
    if kind == "boolean":
        return read_boolean(value, nullable=column in NULLABLE_BOOL_COLUMNS)
    return read_generators(value)


def read_list(column: str, text: str) -> list[str]:
    items = [item.strip() for item in text.split(";") if item.strip()]
    if column in UPPER_LIST_COLUMNS:
        return [item.upper() for item in items]
    if column in LOWER_LIST_COLUMNS:
        return [item.lower() for item in items]
    if column in HOST_LIST_COLUMNS:
        return list(dict.fromkeys(normalise_host(item) for item in items))
    return items


def read_cell(column: str, value: Any) -> Any:
    """Turn one cell (a CSV's text, or a workbook's value) into the value the service expects.

    Raise CellError if it can't be.
    """
    if isinstance(value, Formula):
        raise CellError("formula")
    if isinstance(value, ErrorValue):
        raise CellError("error_value")
    if value is None:
        value = ""
    if isinstance(value, str):
        value = value.strip()
        if "\x00" in value:
            raise CellError("character")
    kind = cell_kind(column)
    if kind != "text":
        try:
            return read_typed_cell(column, value)
        except (ValueError, InvalidOperation):
            raise CellError(kind) from None
    text = cell_text(value).strip()
    if column in LIST_COLUMNS:
        return read_list(column, text)
    if column in CHOICE_COLUMNS:
        return text.lower()
    return text
