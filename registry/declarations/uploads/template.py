"""The template of a sources upload: the header row and the examples, as CSV and as XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.uploads.cells import (
    CHOICE_COLUMNS,
    DATE_COLUMNS,
    DECIMAL_COLUMNS,
    INTEGER_COLUMNS,
    allowed_values,
    cell_kind,
    column_letter,
)
from registry.declarations.uploads.examples import EXAMPLE_ROWS
from registry.declarations.uploads.sheets import MAX_SOURCE_ROWS

TEMPLATE_SHEET = "Data sources"


def sources_template_csv() -> str:
    """The CSV template: a header row naming every column, and the example rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SOURCE_FIELDS)
    for example in EXAMPLE_ROWS:
        writer.writerow([example.get(column, "") for column in SOURCE_FIELDS])
    return out.getvalue()


def template_cell(column: str, text: str) -> Any:
    """An example as a workbook holds it: dates as dates, numbers as numbers, the rest as text."""
    if not text:
        return None
    if column in DATE_COLUMNS:
        return date.fromisoformat(text)
    if column in INTEGER_COLUMNS:
        return int(text)
    if column in DECIMAL_COLUMNS:
        return Decimal(text)
    return text


def sources_template_xlsx(dictionary_url: str) -> bytes:
    """The Excel template: the CSV template's rows, typed, with drop-down lists of the choices.

    A second sheet says where the data dictionary is; only the first sheet is ever read.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = TEMPLATE_SHEET
    sheet.append(SOURCE_FIELDS)
    for example in EXAMPLE_ROWS:
        sheet.append([template_cell(column, example.get(column, "")) for column in SOURCE_FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for position, column in enumerate(SOURCE_FIELDS, start=1):
        letter = column_letter(position)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column) + 4))
        if column in DATE_COLUMNS:
            for row in range(2, len(EXAMPLE_ROWS) + 2):
                sheet[f"{letter}{row}"].number_format = "yyyy-mm-dd"
        listed = [value for value, _ in allowed_values(column)] if column in CHOICE_COLUMNS else []
        if cell_kind(column) == "boolean":
            listed = ["yes", "no"]
        if listed:
            validation_list = DataValidation(
                type="list",
                formula1='"' + ",".join(listed) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Not one of the allowed values",
                error="Choose a value from the list: the data dictionary says what each means",
            )
            validation_list.add(f"{letter}2:{letter}{MAX_SOURCE_ROWS + 1}")
            sheet.add_data_validation(validation_list)
    notes = workbook.create_sheet("About this template")
    notes.append(["Put one source on each row of the first sheet, and delete the example rows."])
    notes.append(
        ["Only the first sheet is read. Every column is explained in the data dictionary:"]
    )
    notes.append([dictionary_url])
    notes["A3"].hyperlink = dictionary_url
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
