"""The lifecycle in the Django admin: snapshots and transitions to read, drafts to correct.

Snapshots and transitions are the record of what was filed and when: nobody changes them. Filings
and their rows are changed only while a draft, and then the way the provider's own edits are: the
filing is locked, its lock version bumped and its statement of truth voided.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html

from registry.audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from registry.filings.models import Filing, FilingKind, FilingSnapshot, FilingTransition
from registry.filings.services import filing_touch
from registry.filings.states import Status

FILING_CHANGE_PAGES = {
    FilingKind.DECLARATION: "admin:declarations_provenancedeclaration_change",
    FilingKind.OWNERSHIP: "admin:providers_ownershipstatement_change",
}


def is_draft(filing: Filing) -> bool:
    return filing.status == Status.DRAFT


class FilingHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Snapshots and transitions, each linking to the filing it belongs to."""

    @admin.display(description="filing", ordering="filing_id")
    def filing_link(self, obj: FilingSnapshot | FilingTransition) -> str:
        url = reverse(FILING_CHANGE_PAGES[FilingKind(obj.filing_kind)], args=[obj.filing_id])
        kind = obj.get_filing_kind_display()
        return format_html('<a href="{}">{} {}</a>', url, kind, obj.filing_id)


@admin.register(FilingSnapshot)
class FilingSnapshotAdmin(FilingHistoryAdmin):
    list_display = [
        "__str__",
        "filing_link",
        "filing_version",
        "submission",
        "submitted_at",
        "submitted_by",
        "sha256",
    ]
    list_filter = ["filing_kind", "submitted_at"]
    search_fields = ["=filing_id", "=sha256", "submitted_by__email"]
    date_hierarchy = "submitted_at"
    list_select_related = ["submitted_by"]
    readonly_fields = ["filing_link", *(f.name for f in FilingSnapshot._meta.fields)]

    def get_queryset(self, request):
        # A snapshot holds the whole filing, thousands of sources: only its own page loads it.
        return super().get_queryset(request).defer("content")


@admin.register(FilingTransition)
class FilingTransitionAdmin(FilingHistoryAdmin):
    list_display = ["occurred_at", "filing_link", "action", "from_status", "to_status", "actor"]
    list_filter = ["filing_kind", "action", "to_status", "occurred_at"]
    search_fields = ["=filing_id", "actor__email", "reason"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor"]
    readonly_fields = ["filing_link", *(f.name for f in FilingTransition._meta.fields)]


class DraftOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A filing or one of its rows: always readable, changeable only while the filing is a draft.

    Nothing is added or deleted here: versions and rows come and go through the provider's pages.
    """

    def filing_of(self, obj) -> Filing:
        """The filing the record belongs to (the record itself for a filing)."""
        return obj

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Once submitted a filing is a record of what the provider declared: read only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or is_draft(self.filing_of(obj)))

    def has_delete_permission(self, request, obj=None):
        # Snapshots, transitions and the audit trail refer to filings: they are never deleted here.
        return False

    def save_model(self, request, obj, form, change):
        """Save a correction to a draft as the provider's own edits are saved.

        1. Lock the filing; refuse if it was submitted or edited since this request read it.
        2. Save the record, audited; a row's own lock version is bumped.
        3. Touch the filing, so forms opened before are refused and the signature is void.
        """
        if change and not form.has_changed():
            return  # Saved as it was: nothing to record, and no reason to void the signature.
        filing = self.filing_of(obj)
        locked = type(filing)._default_manager.select_for_update().get(pk=filing.pk)
        if not is_draft(locked) or locked.lock_version != filing.lock_version:
            raise PermissionDenied
        if obj is not filing:
            obj.lock_version += 1
        super().save_model(request, obj, form, change)
        filing_touch(filing if obj is filing else locked)
