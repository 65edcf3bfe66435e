"""Reading an upload of sources: a CSV file or the first sheet of a workbook, a source a row."""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.uploads.cells import (
    HEADER_NEEDS,
    CellError,
    ErrorValue,
    Formula,
    cell_problem,
    cell_text,
    column_letter,
    echo,
    read_cell,
)
from registry.declarations.uploads.examples import EXAMPLE_KEYS, example_key
from registry.declarations.uploads.files import PDF_MAGIC, UploadError, size_text
from registry.lib.problems import Problem

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

logger = logging.getLogger(__name__)

MAX_SOURCE_ROWS = 10_000


# --- Reading a sheet: the header row, then a source a row

# One row of a sheet: its number (the header is usually 1) and its cells that aren't empty, by
# their 1-based column.
Record = tuple[int, dict[int, Any]]


def header_problems(columns: list[str], formulas: list[str]) -> list[str]:
    """What is wrong with a header row, each in a sentence; [] if nothing."""
    named = [name for name in columns if name]
    if len(named) == 1:
        for separator, said in ((";", "semicolons"), ("\t", "tabs")):
            if separator in named[0] and {part.strip() for part in named[0].split(separator)} & set(
                SOURCE_FIELDS
            ):
                return [
                    f"The file's columns are separated by {said}, not commas: in your "
                    "spreadsheet, save it as 'CSV UTF-8 (comma delimited)'"
                ]
    if formulas:
        return [
            "The header row must name the columns, not hold formulas: "
            + ", ".join(formulas[:5])
            + (" holds one" if len(formulas) == 1 else " hold them")
        ]
    problems = []
    unknown = [name for name in named if name not in SOURCE_FIELDS]
    if unknown:
        quoted = ", ".join(f"“{echo(name, 40)}”" for name in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        verb = "is not a column name" if len(unknown) == 1 else "are not column names"
        problems.append(
            "The first row must be the template's header row, naming a column in each cell: "
            f"{quoted}{more} {verb}. The data dictionary lists them"
        )
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        problems.append("Each column must appear once: " + ", ".join(repeated))
    missing = [name for name in HEADER_NEEDS if name not in named]
    if missing and not unknown:
        problems.append(
            "The header row must have a "
            + " and a ".join(missing)
            + " column: every source needs "
            + ("one" if len(missing) == 1 else "them")
        )
    return problems


def read_header(number: int, cells: dict[int, Any]) -> list[str]:
    """The column names of a header row ("" for a cell left empty); raise UploadError if wrong."""
    columns = [""] * max(cells)
    formulas = []
    for position, value in cells.items():
        if isinstance(value, Formula):
            formulas.append(f"{column_letter(position)}{number}")
        columns[position - 1] = cell_text(value).strip().lower()
    problems = header_problems(columns, formulas)
    if problems:
        raise UploadError(*problems)
    return columns


@dataclass
class SourcesFile:
    """An upload of sources as read: its rows, where each sits in the sheet, and what is wrong.

    `rows` are the values for the service; `problems` the cells that can't be read (each a
    value that can't be stored, so the upload must be refused); `warnings` the cells that are
    stored but may not be what the person meant. Both name rows as the service does, from 1.
    """

    name: str
    kind: str
    columns: list[str]
    sheet: str = ""
    other_sheets: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    # The sheet's row number of each source: the header is row 1, so the first is usually 2.
    row_numbers: list[int] = field(default_factory=list)
    # Each source's cells as written, to echo in the report.
    written: list[dict[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def letters(self) -> dict[str, str]:
        """The sheet's letter for each column it names."""
        return {name: column_letter(i) for i, name in enumerate(self.columns, start=1) if name}

    def add_row(self, number: int, cells: dict[int, Any]) -> None:
        """Read one row of the sheet (number `number`) as the next source."""
        index = len(self.rows) + 1
        row: dict[str, Any] = {}
        written: dict[str, str] = {}
        for position, value in sorted(cells.items()):
            column = self.columns[position - 1] if position <= len(self.columns) else ""
            if not column:
                cell = f"{column_letter(position)}{number}"
                self.problems.append(value_without_column(index, cell))
                continue
            written[column] = cell_text(value)
            try:
                row[column] = read_cell(column, value)
            except CellError as error:
                cell = f"{column_letter(position)}{number}"
                self.problems.append(error.problem(index, column, cell))
            if isinstance(value, str) and value.lstrip().startswith("="):
                self.warnings.append(formula_as_text(index, column))
        # A column left blank holds what a blank cell means: no answer, an empty list, no.
        for column in self.columns:
            if column and column not in row:
                row[column] = read_cell(column, "")
        if example_key(row) in EXAMPLE_KEYS:
            self.problems.append(
                cell_problem(
                    index,
                    "name",
                    "example_row",
                    "This is one of the template's example rows: delete it, or change it to "
                    "describe a source of your own",
                )
            )
        self.rows.append(row)
        self.row_numbers.append(number)
        self.written.append(written)


def value_without_column(index: int, cell: str) -> Problem:
    return Problem(
        "value_without_column",
        f"rows.{index}",
        f"Cell {cell} has a value, but its column has no name in the header row: name the "
        "column, or delete the value",
        shape=True,
    )


def formula_as_text(index: int, column: str) -> Problem:
    # Kept as text, never worked out. The register shows it as text and every CSV it writes
    # starts such a cell with a quote, so no spreadsheet runs it; but a person who typed it
    # probably meant a result, so they are told.
    return Problem(
        "formula_as_text",
        f"rows.{index}.{column}",
        "This value starts with =, so it is saved as the text shown, not worked out as a formula",
    )


def read_records(
    records: Iterable[Record],
    *,
    name: str,
    kind: str,
    sheet: str = "",
    other_sheets: Iterable[str] = (),
) -> SourcesFile:
    """Read a sheet's rows as sources: the first row that isn't empty is the header.

    Empty rows are skipped; row numbers stay those of the sheet. Raise UploadError if the sheet
    has no sources, more than MAX_SOURCE_ROWS, or a header that isn't the template's.
    """
    rows = iter(records)
    header = next(((number, cells) for number, cells in rows if cells), None)
    if header is None:
        raise UploadError(f"The sheet “{echo(sheet)}” is empty" if sheet else EMPTY_FILE)
    upload = SourcesFile(
        name=name,
        kind=kind,
        columns=read_header(*header),
        sheet=sheet,
        other_sheets=list(other_sheets),
    )
    for number, cells in rows:
        if not cells:
            continue
        if len(upload.rows) == MAX_SOURCE_ROWS:
            raise UploadError(TOO_MANY_ROWS)
        upload.add_row(number, cells)
    if not upload.rows:
        raise UploadError("The file has a header row but no sources")
    return upload


EMPTY_FILE = "The selected file is empty"
TOO_MANY_ROWS = (
    f"The file has more than {MAX_SOURCE_ROWS:,} sources: upload at most {MAX_SOURCE_ROWS:,} at "
    "a time"
)
SAVE_AS = "in your spreadsheet, save it as 'CSV UTF-8' or as an Excel Workbook (.xlsx)"


# --- Reading a file: which kind it is, by its bytes as well as its name

# The first bytes of the kinds of file people upload by mistake.
MAGIC = {
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole2",
    PDF_MAGIC: "pdf",
    b"\xff\xfe": "utf16",
    b"\xfe\xff": "utf16",
}
# Bytes no text file holds (tab, line breaks and form feed are text).
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")
NOT_A_WORKBOOK = {
    "ole2": (
        "The selected file is an older Excel workbook (.xls) or is protected with a password: "
        "save it as an Excel Workbook (.xlsx) without a password, or as 'CSV UTF-8'"
    ),
    "text": (
        "The selected file's name ends in .xlsx, but it is text, not an Excel workbook: if it "
        "is a CSV file, upload it with a name ending in .csv"
    ),
    "zip": (
        "The selected file's name ends in .xlsx, but it is a zip archive, not an Excel "
        "workbook: save the sources as an Excel Workbook (.xlsx) or as 'CSV UTF-8'"
    ),
}
NOT_A_CSV = {
    "zip": (
        "The selected file is a spreadsheet workbook, though its name ends in .csv: save it as "
        "'CSV UTF-8', or upload the workbook with a name ending in .xlsx"
    ),
    "ole2": (
        "The selected file is an Excel workbook, though its name ends in .csv: save it as "
        "'CSV UTF-8', or as an Excel Workbook (.xlsx)"
    ),
    "utf16": (
        "The selected file is saved as UTF-16 ('Unicode text'): in your spreadsheet, save it "
        "as 'CSV UTF-8' instead"
    ),
    "pdf": "The selected file is a PDF, not a CSV or XLSX file",
}


def content_kind(data: bytes) -> str:
    """What a file is by its first bytes: zip, ole2, pdf, utf16, binary or text."""
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    return "binary" if BINARY_BYTES.search(data, 0, 8192) or b"\x00" in data else "text"


def read_sources_file(upload, *, max_bytes: int) -> SourcesFile:
    """Read an uploaded CSV or XLSX file of sources, or raise UploadError saying what is wrong.

    1. Its name must end in .csv or .xlsx, and its bytes must be what its name says.
    2. It must not be empty or larger than max_bytes.
    3. A CSV must be UTF-8 text (a byte-order mark is allowed); a workbook's first sheet is read.
    """
    name = echo(upload.name or "", 100)
    extension = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if extension not in ("csv", "xlsx"):
        raise UploadError(f"The selected file must be a CSV or XLSX file: {SAVE_AS}")
    if upload.size == 0:
        raise UploadError(EMPTY_FILE)
    if upload.size > max_bytes:
        raise UploadError(f"The selected file must be smaller than {size_text(max_bytes)}")
    data = b"".join(upload.chunks())
    kind = content_kind(data)
    if extension == "xlsx":
        if kind != "zip":
            raise UploadError(
                NOT_A_WORKBOOK.get(
                    kind, "The selected file's name ends in .xlsx, but it is not an Excel workbook"
                )
            )
        return read_workbook(data, name=name, max_bytes=max_bytes)
    if kind != "text":
        raise UploadError(
            NOT_A_CSV.get(kind, "The selected file must be a CSV file: it is not text")
        )
    return read_csv(data, name=name)


# --- CSV files

# A CSV cell may be longer than the csv module's default limit (128 KB): a list of top domains.
# The upload's own size limit is the real bound.
csv.field_size_limit(2**31 - 1)


def read_csv(data: bytes, *, name: str) -> SourcesFile:
    """Read a CSV file's bytes: UTF-8, with or without a byte-order mark."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UploadError(
            "The selected file must be saved as UTF-8: line "
            f"{line:,} has a character that isn't (in your spreadsheet, save it as 'CSV UTF-8')"
        ) from None
    if not text.strip():
        raise UploadError(EMPTY_FILE)
    return read_records(csv_records(text), name=name, kind="CSV")


# What the csv module says, and what it means to someone who made the file in a spreadsheet.
CSV_ERRORS = {
    "expected after": (
        "a quote mark is in the wrong place: put a value that holds commas, quote marks or "
        "line breaks in double quotes, and write each quote mark inside it twice"
    ),
    "unexpected end of data": "a value that starts with a quote mark is never closed",
    "new-line character": "a value holds a line break but is not in double quotes",
}


def csv_records(text: str) -> Iterator[Record]:
    """Each record of a CSV text, numbered as a spreadsheet numbers its rows."""
    # Strict, so a stray quote is reported rather than silently merging cells.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, {i: cell for i, cell in enumerate(cells, start=1) if cell.strip()}
    except csv.Error as error:
        said = next((why for key, why in CSV_ERRORS.items() if key in str(error)), str(error))
        raise UploadError(
            f"The file is not valid CSV: on line {reader.line_num:,}, {said}"
        ) from None


# --- XLSX workbooks

# A workbook is a zip of XML. Once unpacked it may be this many times the upload limit: 10,000
# full rows unpack to about their CSV's size plus the markup around each cell. More is refused
# before a byte is unpacked, so a small "zip bomb" can't fill the memory of the web process.
UNPACKED_RATIO = 4
MAX_WORKBOOK_PARTS = 1_000
DAMAGED = (
    "The selected file can't be read as an Excel workbook: it may be damaged. Open it in your "
    "spreadsheet, save it as an Excel Workbook (.xlsx), and upload it again"
)
# The spreadsheet number formats that show a fraction as a percentage ("0%", "0.00%", …).
PERCENT_FORMAT = re.compile(r'"[^"]*"|\\.')
# Cells of a formula (data type "f"), of an error (#N/A: "e"), of a number ("n").
FORMULA, ERROR, NUMBER = "f", "e", "n"


def check_workbook_archive(data: bytes, *, unpacked_limit: int) -> None:
    """Raise UploadError unless the zip is a spreadsheet that unpacks to at most the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UploadError(DAMAGED) from None
    with archive:
        parts = archive.infolist()
        names = {part.filename for part in parts}
        if "mimetype" in names and "[Content_Types].xml" not in names:
            raise UploadError(
                "The selected file is an OpenDocument spreadsheet: save it as an Excel Workbook "
                "(.xlsx) or as 'CSV UTF-8'"
            )
        if "[Content_Types].xml" not in names:
            raise UploadError(NOT_A_WORKBOOK["zip"])
        if any(part.flag_bits & 0x1 for part in parts):
            raise UploadError(NOT_A_WORKBOOK["ole2"])
        unpacked = sum(part.file_size for part in parts)
        if len(parts) > MAX_WORKBOOK_PARTS or unpacked > unpacked_limit:
            raise UploadError(
                f"The selected workbook holds more than {size_text(unpacked_limit)} once "
                "unpacked: split the sources between files, or save them as 'CSV UTF-8'"
            )


def read_workbook(data: bytes, *, name: str, max_bytes: int) -> SourcesFile:
    """Read the first sheet of an XLSX workbook: each cell's value, never a formula's result."""
    check_workbook_archive(data, unpacked_limit=max_bytes * UNPACKED_RATIO)
    from openpyxl import load_workbook  # Imported here: it takes a quarter second to load.

    try:
        with warnings.catch_warnings():
            # openpyxl warns of features it drops (data validation extensions, say): not ours.
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
    except Exception:
        logger.info("Unreadable workbook uploaded", exc_info=True)
        raise UploadError(DAMAGED) from None
    try:
        sheet = first_sheet(workbook)
        return read_records(
            sheet_records(workbook, sheet),
            name=name,
            kind="XLSX",
            sheet=sheet.title,
            other_sheets=workbook.sheetnames[1:],
        )
    finally:
        workbook.close()


def first_sheet(workbook: Workbook) -> ReadOnlyWorksheet:
    """The workbook's first sheet, the only one read; raise UploadError if it holds no cells."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if not workbook.sheetnames:
        raise UploadError(DAMAGED)
    title = workbook.sheetnames[0]
    sheet = workbook[title]
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise UploadError(
            f"The workbook's first sheet, “{echo(title)}”, is a chart: move the sheet of sources "
            "to the front"
        )
    if sheet.sheet_state != "visible":
        raise UploadError(
            f"The workbook's first sheet, “{echo(title)}”, is hidden: only the first sheet is "
            "read, so move the sheet of sources to the front"
        )
    return sheet


def sheet_records(workbook: Workbook, sheet: ReadOnlyWorksheet) -> Iterator[Record]:
    """Each row of a sheet with its cells, then raise UploadError if any cells are merged.

    openpyxl's own parser is used, not the sheet's rows: those pad each row out to its last cell
    (a stray value in column XFD makes 16,384 cells of every row) and drop the merged ranges,
    which a read-only sheet never exposes.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    percent = percent_styles(workbook)
    with sheet._get_source() as source:  # type: ignore[attr-defined]
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,  # type: ignore[attr-defined]
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,  # type: ignore[attr-defined]
            timedelta_formats=workbook._timedelta_formats,  # type: ignore[attr-defined]
        )
        try:
            for number, cells in parser.parse():
                yield number, workbook_cells(cells, percent)
        except UploadError:
            raise
        except Exception:
            logger.info("Unreadable worksheet uploaded", exc_info=True)
            raise UploadError(DAMAGED) from None
    merged = [str(merge.ref) for merge in getattr(parser.merged_cells, "mergeCell", None) or []]
    if merged:
        raise UploadError(
            f"The sheet “{echo(sheet.title)}” has merged cells ("
            + ", ".join(merged[:5])
            + (f" and {len(merged) - 5:,} more" if len(merged) > 5 else "")
            + "): unmerge them, and put each value in its own cell"
        )


def workbook_cells(cells: list[dict[str, Any]], percent: frozenset[int]) -> dict[int, Any]:
    """The cells of a row that hold something, by column: formulas and errors marked as such."""
    found: dict[int, Any] = {}
    for cell in cells:
        value, kind = cell["value"], cell["data_type"]
        if kind == FORMULA:
            value = Formula(echo(str(getattr(value, "text", None) or value), 200))
        elif kind == ERROR:
            value = ErrorValue(str(value))
        elif value is None or (isinstance(value, str) and not value.strip()):
            continue
        elif kind == NUMBER and cell["style_id"] in percent and not isinstance(value, bool):
            # A cell showing 12.5% holds 0.125: read it as it shows.
            value = f"{(Decimal(repr(value)) * 100).normalize():f}%"
        found[cell["column"]] = value
    return found


def percent_styles(workbook: Workbook) -> frozenset[int]:
    """The cell styles whose number format shows a percentage."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    found = set()
    custom = workbook._number_formats  # type: ignore[attr-defined]
    for index, style in enumerate(workbook._cell_styles):  # type: ignore[attr-defined]
        number_format = BUILTIN_FORMATS.get(style.numFmtId)
        if number_format is None and 0 <= style.numFmtId - BUILTIN_FORMATS_MAX_SIZE < len(custom):
            number_format = custom[style.numFmtId - BUILTIN_FORMATS_MAX_SIZE]
        if number_format and "%" in PERCENT_FORMAT.sub("", number_format):
            found.add(index)
    return frozenset(found)
