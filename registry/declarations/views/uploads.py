"""Uploads of many sources at once: a CSV file or a workbook, its templates, its data dictionary,
and the report of what an upload holds."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.declarations import services, validation
from registry.declarations.access import MemberRequest
from registry.declarations.forms import SourcesUploadForm
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.uploads import dictionary, template
from registry.declarations.uploads.cells import allowed_text, allowed_values, echo
from registry.declarations.uploads.report import (
    ReportLine,
    problem_cell,
    report_lines,
    source_row_problems,
)
from registry.declarations.uploads.sheets import MAX_SOURCE_ROWS, SourcesFile
from registry.declarations.views.editing import editable_declaration, page, page_form, refused
from registry.declarations.views.task_list import checklist_message, problem_url
from registry.lib.problems import Problem, ProblemsError
from registry.lib.refused_posts import refused_post_redirect
from registry.lib.spreadsheets import cell as spreadsheet_cell

# Where the session keeps the last upload's report, for the page the upload redirects to and
# its CSV. One a declaration, replaced by the next upload.
REPORT = "sources-upload-report:{declaration_id}"
# The report keeps this many problems, so a session holds at most a few hundred kilobytes
# whatever the file: 10,000 bad rows would otherwise make tens of thousands.
REPORT_LIMIT = 500
WARNING_LIMIT = 100
# A workbook's other sheets, not read, are named up to this many.
SHEETS_NAMED = 5
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@editable_declaration
@require_http_methods(["GET", "POST"])
def sources_upload(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Add or replace sources from a CSV or XLSX file, and show what the upload holds."""
    form, _ = page_form(request, SourcesUploadForm)
    if request.method == "POST":
        return upload_answer(request, declaration, form)
    return page(request, "sources_upload", {"form": form, "declaration": declaration})


def upload_answer(
    request: MemberRequest, declaration: ProvenanceDeclaration, form: SourcesUploadForm
) -> HttpResponse:
    """Save every row of the file, or none; always answer with a redirect.

    1. A file that can't be read at all (its kind, encoding or header): back to the form.
    2. A value that can't be stored anywhere in it: nothing is saved; the report lists every
       problem of every row, those that stop the upload first.
    3. Otherwise every row is saved, and the report lists what the rows still need before the
       declaration can be submitted (none: straight to the list of sources).
    """
    if not form.is_valid():
        return refused_post_redirect(request, form)
    upload: SourcesFile = form.cleaned_data["file"]
    replace = form.cleaned_data["mode"] == "replace"
    if upload.problems:
        return refused_upload(request, declaration, upload)
    try:
        imported = services.sources_import(
            actor=request.user,
            declaration=declaration,
            rows=upload.rows,
            replace=replace,
            complete=False,
        )
    except ProblemsError as error:
        if not any(problem_cell(problem)[0] for problem in error.problems):
            return refused(request, declaration, error)
        return refused_upload(request, declaration, upload)
    if not imported.problems and not upload.warnings:
        messages.success(request, saved_heading(imported.count, replace))
        return redirect("declarations:sources", declaration.pk)
    return saved_upload(request, declaration, upload, imported, replace)


def saved_upload(
    request: HttpRequest,
    declaration: ProvenanceDeclaration,
    upload: SourcesFile,
    imported: services.SourcesImported,
    replace: bool,
) -> HttpResponse:
    """Report what the saved rows still need, on the task list's terms and with its links."""
    lines = report_lines(upload, imported.problems)
    report = report_of(upload, lines, saved=imported.count, replace=replace)
    listed, first = saved_sources(declaration, imported.ids)
    for kept, line in zip(report["lines"], lines, strict=False):
        kept |= task_of(declaration, listed, first + line.source - 1, line)
    report["shares"] = shares_problem(declaration)
    return keep_report(request, declaration, report)


def refused_upload(
    request: HttpRequest, declaration: ProvenanceDeclaration, upload: SourcesFile
) -> HttpResponse:
    """Report why nothing was saved: every rule over every row, not only what stopped it, so
    the file is corrected in one round rather than two."""
    problems = source_row_problems(upload.rows, upload.problems)
    lines = report_lines(upload, problems)
    lines.sort(key=lambda line: not line.stops_upload)
    return keep_report(request, declaration, report_of(upload, lines, saved=None, replace=False))


def report_of(
    upload: SourcesFile,
    lines: list[ReportLine],
    *,
    saved: int | None,
    replace: bool,
) -> dict[str, Any]:
    """An upload's report as the session keeps it: plain values, at most REPORT_LIMIT lines."""
    warnings = report_lines(upload, upload.warnings)
    return {
        "file": upload.name,
        "sheet": upload.sheet,
        "other_sheets": [echo(name) for name in upload.other_sheets[:SHEETS_NAMED]],
        "other_sheet_count": len(upload.other_sheets),
        "other_sheets_more": max(0, len(upload.other_sheets) - SHEETS_NAMED),
        "saved": saved,
        "replace": replace,
        "problem_count": len(lines),
        "stopping_count": sum(line.stops_upload for line in lines),
        "row_count": len({line.row for line in lines}),
        "lines": [kept_line(line) for line in lines[:REPORT_LIMIT]],
        "warning_count": len(warnings),
        "warnings": [kept_line(line) for line in warnings[:WARNING_LIMIT]],
    }


def kept_line(line: ReportLine) -> dict[str, Any]:
    """What the report shows of a line: where it is, what it holds, what is wrong."""
    return {
        "row": line.row,
        "column": line.column,
        "letter": line.letter,
        "value": line.value,
        "message": line.message,
        "stops_upload": line.stops_upload,
    }


def saved_sources(declaration: ProvenanceDeclaration, ids: list[int]) -> tuple[dict[str, Any], int]:
    """The declaration's sources as the task list numbers them (by id, from 0), with the id and
    name of those just saved; and the number of the first of those."""
    saved = list(declaration.sources.filter(id__in=ids).order_by("id").values("id", "name"))
    first = declaration.sources.filter(id__lt=min(ids, default=0)).count()
    return {"sources": [{}] * first + saved}, first


def task_of(
    declaration: ProvenanceDeclaration,
    listed: dict[str, Any],
    number: int,
    line: ReportLine,
) -> dict[str, str]:
    """A saved row's problem as the task list says it, with the link that fixes it there."""
    problem = Problem("", f"sources.{number}.{line.field}", line.message)
    return {
        "task": checklist_message(listed, problem),
        "url": problem_url(declaration, listed, problem),
    }


def shares_problem(declaration: ProvenanceDeclaration) -> str:
    """What the shares rule says of the declaration's sources now, or "" if they add up."""
    shares = declaration.sources.values("share_percent")
    return " ".join(p.message for p in validation.validate_source_shares(list(shares)))


def keep_report(
    request: HttpRequest, declaration: ProvenanceDeclaration, report: dict[str, Any]
) -> HttpResponse:
    request.session[REPORT.format(declaration_id=declaration.pk)] = report
    return redirect("declarations:sources-upload-report", declaration.pk)


def kept_report(request: HttpRequest, declaration: ProvenanceDeclaration) -> dict | None:
    return request.session.get(REPORT.format(declaration_id=declaration.pk))


def saved_heading(count: int, replace: bool) -> str:
    sources = f"{count:,} source{'s' if count != 1 else ''}"
    return f"{sources} now replace the ones listed before" if replace else f"{sources} added"


@editable_declaration
@require_GET
def sources_upload_report(
    request: MemberRequest, declaration: ProvenanceDeclaration
) -> HttpResponse:
    """What the last upload held: why it was refused, or what its saved rows still need."""
    report = kept_report(request, declaration)
    if report is None:
        return redirect("declarations:sources-upload", declaration.pk)
    lines = [shown_line(line) for line in report["lines"]]
    refused_file = report["saved"] is None
    context = {
        "form": SourcesUploadForm(),
        "declaration": declaration,
        "report": report,
        "refused": refused_file,
        "stopping": [line for line in lines if line["stops_upload"]],
        "to_complete": [line for line in lines if not line["stops_upload"]],
        "warnings": [shown_line(line) for line in report["warnings"]],
        "saved_heading": "" if refused_file else saved_heading(report["saved"], report["replace"]),
    }
    return page(request, "sources_upload", context)


def shown_line(line: dict[str, Any]) -> dict[str, Any]:
    """A line of the report as the page shows it: with its column's allowed values, and the
    column's name in parts, so that a narrow screen wraps it at its underscores."""
    column = line["column"]
    return line | {"allowed": allowed_values(column), "column_parts": column.split("_")}


@editable_declaration
@require_GET
def sources_upload_report_csv(
    request: MemberRequest, declaration: ProvenanceDeclaration
) -> HttpResponse:
    """The last upload's report as CSV: a line a problem, safe to open in a spreadsheet."""
    report = kept_report(request, declaration)
    if report is None:
        return redirect("declarations:sources-upload", declaration.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="data-sources-upload-report.csv"'
    # A byte-order mark, so a spreadsheet opens the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(["row", "column", "value", "problem", "stops_upload"])
    said = [(line, "") for line in report["lines"]]
    said += [(line, "Warning: ") for line in report["warnings"]]
    for line, kind in said:
        allowed = allowed_text(line["column"])
        problem = kind + line["message"] + (f". {allowed}" if allowed else "")
        cells = [line["row"], line["column"], line["value"], problem, line["stops_upload"]]
        writer.writerow([spreadsheet_cell(value) for value in cells])
    return response


@member_required
@require_GET
def sources_dictionary(request: MemberRequest) -> HttpResponse:
    """Every column of a sources upload: what it holds, when it is required, and its values."""
    context = {
        "columns": dictionary.sources_dictionary(),
        "max_rows": MAX_SOURCE_ROWS,
    }
    return page(request, "sources_dictionary", context)


def dictionary_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("declarations:sources-dictionary"))


def dictionary_link(request: HttpRequest) -> str:
    """A Link header (RFC 8288) to the columns' explanation: a CSV can't say where it is."""
    return f'<{dictionary_url(request)}>; rel="describedby"'


@member_required
@require_GET
def sources_template(request: MemberRequest) -> HttpResponse:
    """The CSV template for a sources upload: the header row, and two example rows."""
    response = HttpResponse(template.sources_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="data-sources-template.csv"'
    response["Link"] = dictionary_link(request)
    return response


@member_required
@require_GET
def sources_template_xlsx(request: MemberRequest) -> HttpResponse:
    """The Excel template: the CSV template's rows as typed cells, with drop-down choices."""
    workbook = template.sources_template_xlsx(dictionary_url(request))
    response = HttpResponse(workbook, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="data-sources-template.xlsx"'
    response["Link"] = dictionary_link(request)
    return response
