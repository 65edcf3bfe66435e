"""The open data: the page that lists the exports, each file, and the CSV's data dictionary."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from registry.labels.exports import COLUMNS, KEEP, open_data_history, open_data_latest
from registry.labels.models import ExportFormat, OpenDataExport

# --- Open data


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    """The latest export's files to download, and every export kept."""
    history = open_data_history()
    context = {"latest": history.latest, "kept": history.kept, "keep": KEEP}
    return render(request, "labels/open_data.html", context)


@require_safe
def data_dictionary(request: HttpRequest) -> HttpResponse:
    """Every column of the CSV: its type, meaning, an example and the values it may hold."""
    latest_csv = next((e for e in open_data_latest() if e.format == ExportFormat.CSV), None)
    return render(
        request, "labels/data_dictionary.html", {"columns": COLUMNS, "latest_csv": latest_csv}
    )


OPEN_DATA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}


@require_safe
def open_data_file(request: HttpRequest, export_id: int) -> FileResponse:
    export = get_object_or_404(OpenDataExport, pk=export_id)
    stamp = export.created_at.strftime("%Y-%m-%d")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"provenance-register-{stamp}.{export.format}",
        content_type=OPEN_DATA_TYPES[export.format],
    )
    response["ETag"] = f'"{export.sha256}"'
    return response
