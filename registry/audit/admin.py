from __future__ import annotations

from django.contrib import admin

from registry.audit.admin_mixins import ReadOnlyAdminMixin
from registry.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: nobody, superusers included, may add, change or delete an audit event."""

    list_display = ["occurred_at", "action", "actor_label", "target_type", "target_label"]
    list_filter = ["action", "target_type", "occurred_at"]
    search_fields = ["actor_label", "target_label", "target_id", "reason", "request_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
