"""The review in the Django admin, to read: regulators act on cases in the console, through the
services, so that every act is checked and audited the same way."""

from __future__ import annotations

from django.contrib import admin

from registry.audit.admin_mixins import ReadOnlyAdminMixin
from registry.review.models import (
    Case,
    CaseFlag,
    CaseNote,
    ConfidentialityRuling,
    Finding,
    SavedFilter,
)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "subject",
        "provider",
        "status",
        "assignee",
        "due_on",
        "submissions",
        "opened_at",
    ]
    list_filter = ["filing_kind", "status", "due_on"]
    search_fields = [
        "reference",
        "subject",
        "provider__legal_name",
        "provider__registration_number",
    ]
    date_hierarchy = "opened_at"
    list_select_related = ["provider", "assignee"]


@admin.register(CaseFlag)
class CaseFlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "severity", "public", "case"]
    list_filter = ["code", "severity", "public"]
    search_fields = ["case__reference", "message"]
    list_select_related = ["case"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "submission", "field", "raised_by", "raised_at", "sent_at"]
    list_filter = ["raised_at", "sent_at"]
    search_fields = ["case__reference", "field", "message"]
    date_hierarchy = "raised_at"
    list_select_related = ["case", "raised_by"]


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "author", "written_at"]
    list_filter = ["kind", "written_at"]
    search_fields = ["case__reference", "body"]
    date_hierarchy = "written_at"
    list_select_related = ["case", "author"]


@admin.register(ConfidentialityRuling)
class ConfidentialityRulingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["source", "accepted", "decided_by", "decided_at"]
    list_filter = ["accepted", "decided_at"]
    search_fields = ["source__name", "reason"]
    list_select_related = ["source", "decided_by"]
    raw_id_fields = ["source"]


@admin.register(SavedFilter)
class SavedFilterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """An officer's own filters: they save and delete them in the console."""

    list_display = ["name", "owner", "view", "query", "created_at"]
    list_filter = ["view"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
