"""Reading what providers upload or paste: files, CSV rows of sources, lists typed in a textarea.

Pure: text or file objects in, values and problems out. Nothing here writes anywhere; the services
validate the values again and save them. Problems use the same `Problem` shape as validation, with
fields such as `rows.3.share_percent` for the third source of an upload.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from registry.declarations import validation
from registry.declarations.selectors import SOURCE_FIELDS
from registry.lib.problems import Problem

MB = 1024 * 1024
PDF_MAGIC = b"%PDF-"
# The most bad lines one message lists; a 10,000-line paste of the wrong thing would drown the page.
MAX_LINE_ERRORS = 20
MAX_SOURCE_ROWS = 10_000
BIGINT_MAX = 2**63 - 1
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
# Words a first line holds when it is a header rather than a host.
HOST_HEADERS = {"host", "hostname", "domain", "domains", "top_domains"}


class UploadError(Exception):
    """The file as a whole can't be read: the message says why, for the file field."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Files


def size_text(max_bytes: int) -> str:
    """A size limit in words: 20 MB, 512 KB, 100 bytes."""
    if max_bytes >= MB:
        return f"{max_bytes // MB} MB"
    return f"{max_bytes // 1024} KB" if max_bytes >= 1024 else f"{max_bytes:,} bytes"


def read_text_upload(upload, *, max_bytes: int, extensions: Iterable[str]) -> str:
    """Return the text of an uploaded file, or raise UploadError saying what is wrong with it.

    1. The name must end in one of the extensions (the browser's content type can't be trusted).
    2. The file must not be empty or larger than max_bytes.
    3. Its bytes must be UTF-8 text (a byte-order mark is allowed), with no NUL bytes.
    """
    extensions = tuple(extensions)
    kinds = " or ".join(ext.lstrip(".").upper() for ext in extensions)
    if not (upload.name or "").lower().endswith(extensions):
        raise UploadError(f"The selected file must be a {kinds} file")
    if upload.size == 0:
        raise UploadError("The selected file is empty")
    if upload.size > max_bytes:
        raise UploadError(f"The selected file must be smaller than {size_text(max_bytes)}")
    raw = b"".join(upload.chunks())
    if b"\x00" in raw:
        raise UploadError(f"The selected file must be a {kinds} file: it is not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            "The selected file must be saved as UTF-8 text (in a spreadsheet, save as 'CSV UTF-8')"
        ) from None
    if not text.strip():
        raise UploadError("The selected file is empty")
    return text


def check_pdf(upload, *, max_bytes: int) -> None:
    """Raise UploadError unless the upload is a PDF (by its first bytes) within the size limit."""
    if upload.size == 0:
        raise UploadError("The selected file is empty")
    if upload.size > max_bytes:
        raise UploadError(f"The selected file must be smaller than {size_text(max_bytes)}")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise UploadError("The selected file must be a PDF")


# --- Lists typed into a textarea


def lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, stripped line) for each line that isn't blank."""
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def split_codes(text: str, *, upper: bool = False) -> list[str]:
    """Split ISO codes typed with spaces, commas or semicolons between them."""
    codes = [code for code in re.split(r"[\s,;]+", text or "") if code]
    return [code.upper() if upper else code.lower() for code in codes]


def parse_language_shares(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Read lines like `en 62.5` into language entries; errors name the line."""
    entries: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, line in lines(text):
        parts = [part for part in re.split(r"[\s,:;=]+", line.replace("%", " ")) if part]
        share = number_or_none(parts[1]) if len(parts) == 2 else None
        if share is None:
            errors.append(
                f"Line {number}: write a language code, a space and its share, like en 62.5"
            )
            continue
        entries.append({"code": parts[0].lower(), "share_percent": share})
    return entries, errors


def number_or_none(text: str) -> int | float | None:
    """A share as JSON keeps it: a whole number stays an int."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def parse_lines(text: str) -> list[str]:
    return [line for _, line in lines(text)]


def parse_generator_lines(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Read lines like `Model X | Example Labs | no` into generator models."""
    generators: list[dict[str, str]] = []
    errors: list[str] = []
    for number, line in lines(text):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            errors.append(
                f"Line {number}: write the model, its provider and whether its terms permit "
                "training, separated by |, like Model X | Example Labs | no"
            )
            continue
        name, provider, terms = [*parts, "", ""][:3]
        generators.append(
            {"name": name, "provider": provider, "terms_permit_training": terms.lower()}
        )
    return generators, errors


def generator_lines(generators: Iterable[dict[str, Any]]) -> str:
    return "\n".join(
        " | ".join([g.get("name", ""), g.get("provider", ""), g.get("terms_permit_training", "")])
        for g in generators
    )


# --- Host lists (top domains)


def normalise_host(value: str) -> str:
    """A host as stored: lower case, no scheme, path, port or trailing dot."""
    host = value.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = host.split("/", 1)[0].split(":", 1)[0]
    return host.rstrip(".")


def first_column(line: str) -> str:
    try:
        return next(csv.reader([line]), [""])[0]
    except csv.Error:
        return line


def parse_hosts(text: str) -> tuple[list[str], list[str]]:
    """Read one host per line (or in the first column of a CSV) into a list without repeats.

    Returns the hosts and the bad lines, each named by its number; a header line is skipped.
    """
    hosts: dict[str, None] = {}
    errors: list[str] = []
    for number, line in lines(text):
        value = first_column(line).strip()
        host = normalise_host(value)
        if not host or (not hosts and not errors and host in HOST_HEADERS):
            continue
        if validation.HOSTNAME.match(host):
            hosts[host] = None
        else:
            errors.append(f"Line {number}: {value[:100]} is not a host name, like example.com")
    return list(hosts), errors


def summarise_errors(errors: list[str], limit: int = MAX_LINE_ERRORS) -> list[str]:
    """The first few errors, then how many more there are."""
    if len(errors) <= limit:
        return errors
    return [*errors[:limit], f"and {len(errors) - limit:,} more lines with problems"]


# --- CSV of data sources

LIST_COLUMNS = {"modalities", "languages", "processing", "countries", "top_domains"}
UPPER_LIST_COLUMNS = {"countries"}
BOOL_COLUMNS = {"collection_ongoing", "aggregate_consumer_data", "confidential"}
NULLABLE_BOOL_COLUMNS = {"robots_txt_respected", "tdm_opt_out_respected"}
DATE_COLUMNS = {"collection_start", "collection_end", "first_used_on"}
INTEGER_COLUMNS = {"size_tokens", "size_records", "size_bytes"}
DECIMAL_COLUMNS = {"share_percent"}
GENERATOR_COLUMNS = {"generator_models"}
CHOICE_COLUMNS = {"category", "licence_use_category", "acquisition", "personal_data", "ip_status"}
SHARE_PLACES = 3


def sources_template_csv() -> str:
    """The header row of a sources upload: one column per data source field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SOURCE_FIELDS)
    return out.getvalue()


def cell_problem(row: int, column: str, code: str, message: str) -> Problem:
    return Problem(code=code, field=f"rows.{row}.{column}", message=message)


def read_boolean(value: str, *, nullable: bool) -> bool | None:
    """Yes/no/true/false (any case) as a bool; blank is None or False; raise ValueError else."""
    word = value.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    if not word:
        return None if nullable else False
    raise ValueError(word)


def read_generators(value: str) -> list[dict[str, str]]:
    """`name|provider|terms` entries separated by `;`; raise ValueError on a malformed entry."""
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


def read_share(value: str) -> Decimal:
    share = Decimal(value.strip().rstrip("%").strip())
    if not share.is_finite():
        raise InvalidOperation(value)
    if -share.as_tuple().exponent > SHARE_PLACES:  # type: ignore[operator]
        raise InvalidOperation(value)
    return share


def read_integer(value: str) -> int:
    number = int(value.strip().replace(",", "").replace("_", ""))
    if abs(number) > BIGINT_MAX:
        raise ValueError(value)
    return number


CELL_ERRORS = {
    "date": ("not_a_date", "Enter a date as YYYY-MM-DD, like 2024-03-31"),
    "integer": ("not_a_whole_number", "Enter a whole number, like 1500000"),
    "share": ("not_a_share", "Enter a number from 0 to 100 with at most 3 decimal places"),
    "boolean": ("not_yes_no", "Enter yes or no"),
    "generators": (
        "generators_invalid",
        "Write each generator as name|provider|yes, no or unknown, separated by ;",
    ),
}


class CellError(Exception):
    """A cell that can't be read as its column's kind of value (a key of CELL_ERRORS)."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(kind)


def read_typed_cell(column: str, value: str) -> Any:
    """Read a date, number, yes/no or generator cell; raise ValueError if it can't be."""
    if column in DATE_COLUMNS:
        return date.fromisoformat(value) if value else None
    if column in INTEGER_COLUMNS:
        return read_integer(value) if value else None
    if column in DECIMAL_COLUMNS:
        return read_share(value) if value else None
    if column in BOOL_COLUMNS | NULLABLE_BOOL_COLUMNS:
        return read_boolean(value, nullable=column in NULLABLE_BOOL_COLUMNS)
    return read_generators(value)


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


def read_cell(column: str, value: str) -> Any:
    """Turn one CSV cell into the value the service expects; raise CellError if it can't."""
    value = value.strip()
    kind = cell_kind(column)
    if kind != "text":
        try:
            return read_typed_cell(column, value)
        except (ValueError, InvalidOperation):
            raise CellError(kind) from None
    if column in LIST_COLUMNS:
        items = [item.strip() for item in value.split(";") if item.strip()]
        return [item.upper() if column in UPPER_LIST_COLUMNS else item for item in items]
    if column in CHOICE_COLUMNS:
        return value.lower()
    return value


def read_header(header: list[str]) -> tuple[list[str], list[Problem]]:
    """The columns of an upload, and a problem for each that isn't a data source field."""
    columns = [name.strip().lower() for name in header]
    problems = []
    unknown = [name for name in columns if name and name not in SOURCE_FIELDS]
    if unknown:
        problems.append(
            Problem(
                "unknown_columns",
                "file",
                "The first row must name data source fields, as in the template: "
                + ", ".join(unknown[:5])
                + (" and others" if len(unknown) > 5 else "")
                + (" is not one" if len(unknown) == 1 else " are not"),
            )
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        problems.append(
            Problem(
                "repeated_columns", "file", "Each column must appear once: " + ", ".join(repeated)
            )
        )
    if "name" not in columns and not unknown:
        problems.append(
            Problem(
                "header_missing",
                "file",
                "The first row must be the header row of the template, with a name column",
            )
        )
    return columns, problems


def read_row(number: int, columns: list[str], cells: list[str]) -> tuple[dict, list[Problem]]:
    row: dict[str, Any] = {}
    problems = []
    if len(cells) > len(columns):
        problems.append(
            cell_problem(
                number,
                "",
                "too_many_values",
                f"Row {number} has more values than the header row has columns",
            )
        )
    for column, value in zip(columns, cells, strict=False):
        if not column:
            continue
        try:
            row[column] = read_cell(column, value)
        except CellError as error:
            code, message = CELL_ERRORS[error.kind]
            problems.append(cell_problem(number, column, code, message))
    return row, problems


def parse_sources_csv(text: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a CSV of data sources: one dict per row, and the problems found reading it.

    Rows are numbered from 1, the first row under the header, as `services.sources_import`
    numbers them. Problems about the file as a whole have the field `file`.
    """
    # Strict, so a stray quote is reported rather than silently merging cells.
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader, [])
        columns, problems = read_header(header)
        if problems:
            return [], problems
        rows: list[dict[str, Any]] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_SOURCE_ROWS:
                return [], [too_many_rows()]
            row, row_problems = read_row(len(rows) + 1, columns, cells)
            rows.append(row)
            problems += row_problems
    except csv.Error as error:
        return [], [Problem("csv_invalid", "file", f"The file is not a valid CSV file: {error}")]
    if not rows:
        return [], [Problem("no_rows", "file", "The file has a header row but no sources")]
    return rows, problems


def too_many_rows() -> Problem:
    return Problem(
        "too_many_rows",
        "file",
        f"The file has more than {MAX_SOURCE_ROWS:,} sources: upload at most "
        f"{MAX_SOURCE_ROWS:,} at a time",
    )


def problem_cell(problem: Problem) -> tuple[int | None, str]:
    """Where a problem sits in an upload: its row number (or None) and its column."""
    parts = problem.field.split(".")
    if len(parts) >= 2 and parts[0] == "rows" and parts[1].isdigit():
        return int(parts[1]), parts[2] if len(parts) > 2 else ""
    return None, ""


def source_row_problems(rows: list[dict[str, Any]], found: list[Problem]) -> list[Problem]:
    """Every rule's problems for rows that were read, except in cells that couldn't be read.

    So one upload reports everything wrong with it, not just the cells that aren't numbers.
    """
    unreadable = {problem_cell(p) for p in found}
    problems, today = list(found), timezone.localdate()
    for number, row in enumerate(rows, start=1):
        for problem in validation.validate_source(row, prefix=f"rows.{number}.", today=today):
            if problem_cell(problem) not in unreadable:
                problems.append(problem)
    return sorted(problems, key=report_order)


def report_order(problem: Problem) -> tuple[int, int]:
    """Sort problems by row, then by column in the template's order."""
    row, column = problem_cell(problem)
    position = SOURCE_FIELDS.index(column) if column in SOURCE_FIELDS else len(SOURCE_FIELDS)
    return row or 0, position
