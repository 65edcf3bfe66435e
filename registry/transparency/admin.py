"""The log in the admin: read-only, since nothing integrated may change (the salts stay out)."""

from django.contrib import admin

from registry.transparency.models import Checkpoint, Cosignature, LogEntry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnly):
    list_display = ["index", "act", "filing_kind", "filing_id", "integrated_at"]
    list_filter = ["act", "filing_kind"]
    exclude = ["data", "leaf_hash"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnly):
    list_display = ["id", "size", "created_at"]


@admin.register(Cosignature)
class CosignatureAdmin(ReadOnly):
    list_display = ["checkpoint", "witness", "signed_at", "received_at"]
