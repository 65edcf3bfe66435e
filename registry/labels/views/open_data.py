"""The open data: the page that lists the exports, and each file."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from registry.labels.exports import open_data_latest
from registry.labels.models import OpenDataExport

# --- Open data


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "labels/open_data.html", {"exports": open_data_latest()})


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
