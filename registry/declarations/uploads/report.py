"""What an upload's rows still need: every rule's problems, and where each sits in the sheet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from registry.declarations import validation
from registry.declarations.selectors import SOURCE_FIELDS
from registry.declarations.uploads.cells import echo
from registry.declarations.uploads.sheets import SourcesFile
from registry.lib.problems import Problem


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


@dataclass(frozen=True)
class ReportLine:
    """One problem of an upload, where its author finds it in their spreadsheet."""

    row: int  # the sheet's row: the header is row 1
    column: str  # "" for a cell whose column has no name
    letter: str
    value: str  # the cell as written, shortened
    message: str
    stops_upload: bool
    source: int  # which source of the upload, from 1, as the service numbers them
    field: str  # the problem's field within the source: "licence", "top_domains.3"


def report_lines(upload: SourcesFile, problems: Iterable[Problem]) -> list[ReportLine]:
    """The problems of an upload's rows, in the sheet's order, each echoing its cell."""
    lines = []
    letters = upload.letters
    for problem in sorted(problems, key=report_order):
        index, column = problem_cell(problem)
        if index is None or not 0 < index <= len(upload.rows):
            continue
        lines.append(
            ReportLine(
                row=upload.row_numbers[index - 1],
                column=column,
                letter=letters.get(column, ""),
                value=echo(upload.written[index - 1].get(column, "")),
                message=problem.message,
                stops_upload=problem.shape,
                source=index,
                field=problem.field.split(".", 2)[2] if column else "",
            )
        )
    return lines
