from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from registry.audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from registry.filings.admin import DraftOnlyAdmin
from registry.providers.models import (
    InvestmentLink,
    OwnershipStatement,
    Provider,
    RegistrationSequence,
)


@admin.register(Provider)
class ProviderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "registration_number",
        "legal_name",
        "trading_name",
        "country",
        "contact_email",
        "registered_at",
    ]
    list_filter = ["country"]
    search_fields = ["registration_number", "legal_name", "trading_name", "company_number"]
    date_hierarchy = "registered_at"
    readonly_fields = ["registration_number", "registered_at"]
    # An address typed without a scheme is taken as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        # Providers register themselves, which assigns their PRV- number and first owner.
        return False

    def has_delete_permission(self, request, obj=None):
        # Filings, labels and the audit trail refer to providers: they are never deleted.
        return False


@admin.register(RegistrationSequence)
class RegistrationSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The counters behind PRV- and MOD- numbers: changed by hand, they would repeat a number."""

    list_display = ["prefix", "last_value"]


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
class OwnershipStatementAdmin(DraftOnlyAdmin):
    list_display = ["reference", "provider", "version", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["provider__registration_number", "provider__legal_name"]
    date_hierarchy = "submitted_at"
    list_select_related = ["provider"]
    readonly_fields = LIFECYCLE_FIELDS
    inlines = [InvestmentLinkInline]


@admin.register(InvestmentLink)
class InvestmentLinkAdmin(DraftOnlyAdmin):
    list_display = [
        "investor_name",
        "statement_link",
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

    def filing_of(self, obj) -> OwnershipStatement:
        return obj.statement

    @admin.display(description="statement", ordering="statement")
    def statement_link(self, link: InvestmentLink) -> str:
        # To this statement's investors alone.
        changelist = reverse("admin:providers_investmentlink_changelist")
        url = f"{changelist}?statement__id__exact={link.statement_id}"
        return format_html('<a href="{}">{}</a>', url, link.statement)
