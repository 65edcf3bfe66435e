"""Label PDFs and open-data exports in the Django admin: to find and read, never to change.

Both are published files whose hashes the public may check; they are made only by the services.
"""

from __future__ import annotations

from django.contrib import admin

from registry.audit.admin_mixins import ReadOnlyAdminMixin
from registry.labels.models import LabelPdf, OpenDataExport


@admin.register(LabelPdf)
class LabelPdfAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["declaration", "rendered_at", "size", "pages", "sha256"]
    # Only a PDF stored before pages were counted, whose file didn't say, has no count.
    empty_value_display = "not counted"
    list_select_related = ["declaration__model"]
    search_fields = ["declaration__model__name", "declaration__model__registration_number"]
    date_hierarchy = "rendered_at"
    readonly_fields = [f.name for f in LabelPdf._meta.fields]


@admin.register(OpenDataExport)
class OpenDataExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "format", "rows", "size", "sha256"]
    list_filter = ["format"]
    search_fields = ["sha256"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OpenDataExport._meta.fields]
