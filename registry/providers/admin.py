from __future__ import annotations

from django.contrib import admin

from registry.audit.admin_mixins import AuditedAdminMixin
from registry.providers.models import InvestmentLink, OwnershipStatement, Provider


@admin.register(Provider)
class ProviderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "registration_number",
        "legal_name",
        "country",
        "contact_email",
        "registered_at",
    ]
    list_filter = ["country"]
    search_fields = ["registration_number", "legal_name", "trading_name", "company_number"]
    readonly_fields = ["registration_number", "registered_at"]

    def has_add_permission(self, request):
        # Providers register themselves, which assigns their PRV- number and first owner.
        return False


# The lifecycle, versions and signature change only through the services, which audit them.
LIFECYCLE_FIELDS = [
    "provider",
    "version",
    "status",
    "lock_version",
    "amends",
    "created_at",
    "created_by",
    "updated_at",
    "submitted_at",
    "decided_at",
    "withdrawn_at",
    "withdrawal_reason",
    "signatory_name",
    "signatory_role",
    "signed_at",
]


LINK_SUMMARY_FIELDS = (
    "investor_name",
    "investor_kind",
    "country",
    "share_percent",
    "votes_percent",
    "state_affiliation",
    "ceased_on",
)


class InvestmentLinkInline(admin.TabularInline):
    model = InvestmentLink
    fields = LINK_SUMMARY_FIELDS
    readonly_fields = LINK_SUMMARY_FIELDS
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OwnershipStatement)
class OwnershipStatementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "provider", "version", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["provider__registration_number", "provider__legal_name"]
    list_select_related = ["provider"]
    readonly_fields = LIFECYCLE_FIELDS
    inlines = [InvestmentLinkInline]

    def has_add_permission(self, request):
        # A statement starts through the provider's journey, which numbers its version.
        return False

    def has_change_permission(self, request, obj=None):
        # Once submitted a statement is a record of what the provider declared: read only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        # Snapshots and the audit trail refer to statements: they are never deleted here.
        return False


@admin.register(InvestmentLink)
class InvestmentLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "investor_name",
        "statement",
        "investor_kind",
        "country",
        "share_band",
        "votes_band",
        "state_affiliation",
        "ceased_on",
    ]
    list_filter = ["investor_kind", "state_affiliation", "statement__status", "country"]
    search_fields = ["investor_name", "registration_number", "statement__provider__legal_name"]
    list_select_related = ["statement__provider"]
    readonly_fields = ["statement", "lock_version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.statement.is_editable)

    def has_delete_permission(self, request, obj=None):
        return False
