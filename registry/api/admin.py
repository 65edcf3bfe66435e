from __future__ import annotations

from django.contrib import admin

from registry.api.models import IdempotentRequest
from registry.audit.admin_mixins import ReadOnlyAdminMixin


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a stored response is replayed exactly, so nobody may alter or drop one."""

    list_display = ["created_at", "api_key", "method", "path", "key", "status_code"]
    list_filter = ["method", "status_code", "created_at"]
    search_fields = ["=key", "path", "api_key__prefix", "api_key__provider__legal_name"]
    date_hierarchy = "created_at"
    list_select_related = ["api_key"]
    readonly_fields = [f.name for f in IdempotentRequest._meta.fields]

    def get_queryset(self, request):
        # The list shows no response bodies, which may be large.
        return super().get_queryset(request).defer("response_body")
