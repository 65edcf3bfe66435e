"""Models and declarations in the Django admin: to find and read them; changes go through services.

Providers file through their own pages, which number versions, validate, snapshot and audit; here
administrators look things up. A declaration is read-only once submitted, and nothing is deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from registry.audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.filings.admin import DraftOnlyAdmin

# The lifecycle, versions and signature change only through the services, which audit them.
LIFECYCLE_FIELDS = [
    "model",
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


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


DEPENDENCY_COLUMNS = ("depends_on", "external_name", "external_provider", "relation")
PARTY_COLUMNS = ("name", "role", "country", "company_number")
ATTESTATION_COLUMNS = ("assessor", "assessor_independent", "performed_on", "outcome", "next_due")


class DependencyInline(ReadOnlyInline):
    model = ModelDependency
    fk_name = "model"
    fields = DEPENDENCY_COLUMNS
    readonly_fields = DEPENDENCY_COLUMNS


@admin.register(AIModel)
class AIModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "version",
        "provider",
        "registration_number",
        "model_type",
        "distribution",
        "created_at",
    ]
    list_filter = ["model_type", "distribution", "release_date"]
    search_fields = [
        "name",
        "registration_number",
        "provider__legal_name",
        "provider__trading_name",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["provider"]
    readonly_fields = ["provider", "registration_number", "created_at", "lock_version"]
    inlines = [DependencyInline]

    def has_add_permission(self, request):
        # Providers register their models, which checks the name and records who did it.
        return False

    def has_delete_permission(self, request, obj=None):
        # Declarations, snapshots and the audit trail refer to models: they are never deleted.
        return False

    def save_model(self, request, obj, form, change):
        # As for the provider's own edits: a form opened on the old version is refused.
        obj.lock_version += 1
        super().save_model(request, obj, form, change)


@admin.register(ModelDependency)
class ModelDependencyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lineage, read-only: providers add and remove it through their pages, which validate it."""

    list_display = ["model", "relation", "depends_on", "external_name", "external_provider"]
    list_filter = ["relation"]
    search_fields = [
        "model__name",
        "model__registration_number",
        "depends_on__name",
        "external_name",
        "external_provider",
    ]
    list_select_related = ["model", "depends_on"]


class PartyInline(ReadOnlyInline):
    model = SupplyChainParty
    fields = PARTY_COLUMNS
    readonly_fields = PARTY_COLUMNS


class AttestationInline(ReadOnlyInline):
    model = RedTeamAttestation
    fields = ATTESTATION_COLUMNS
    readonly_fields = ATTESTATION_COLUMNS


def rows_url(model: type[models.Model], declaration_id: int) -> str:
    """The list of one declaration's rows of a kind, a page at a time."""
    changelist = reverse(f"admin:declarations_{model._meta.model_name}_changelist")
    return f"{changelist}?declaration__id__exact={declaration_id}"


@admin.register(ProvenanceDeclaration)
class ProvenanceDeclarationAdmin(DraftOnlyAdmin):
    list_display = ["reference", "model", "version", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "code_of_practice_signatory", "continuous_training"]
    search_fields = [
        "model__name",
        "model__registration_number",
        "model__provider__legal_name",
        "model__provider__registration_number",
    ]
    date_hierarchy = "submitted_at"
    list_select_related = ["model"]
    readonly_fields = [*LIFECYCLE_FIELDS, "data_sources"]
    # Sources are not inlined: a declaration may hold thousands. They have their own list.
    inlines = [PartyInline, AttestationInline]

    @admin.display(description="data sources")
    def data_sources(self, declaration: ProvenanceDeclaration) -> str:
        count = declaration.sources.count()
        url = rows_url(DataSource, declaration.pk)
        return format_html('<a href="{}">{} data sources</a>', url, count)


class DeclarationRowAdmin(DraftOnlyAdmin):
    """A row of a declaration: changeable only while its declaration is a draft."""

    list_select_related = ["declaration__model"]

    def filing_of(self, obj) -> ProvenanceDeclaration:
        return obj.declaration

    @admin.display(description="declaration", ordering="declaration")
    def declaration_link(self, row) -> str:
        # To this declaration's rows alone: its sources may be thousands among millions.
        url = rows_url(self.model, row.declaration_id)
        return format_html('<a href="{}">{}</a>', url, row.declaration)


@admin.register(DataSource)
class DataSourceAdmin(DeclarationRowAdmin):
    list_display = [
        "name",
        "declaration_link",
        "category",
        "licence",
        "licence_use_category",
        "share_percent",
        "confidential",
    ]
    list_filter = [
        "category",
        "licence_use_category",
        "personal_data",
        "confidential",
        "declaration__status",
    ]
    search_fields = ["name", "owner", "licence", "declaration__model__name"]
    readonly_fields = ["declaration", "lock_version"]
    # An address typed without a scheme is taken as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Millions of rows: counting them all for "of N" on every page is not worth it.
    show_full_result_count = False

    def get_queryset(self, request):
        # The list never needs each source's top domains, which may be 10,000 hosts long.
        return super().get_queryset(request).defer("top_domains")


@admin.register(SupplyChainParty)
class SupplyChainPartyAdmin(DeclarationRowAdmin):
    list_display = ["name", "declaration_link", "role", "country", "company_number"]
    list_filter = ["role", "country", "declaration__status"]
    search_fields = ["name", "company_number", "declaration__model__name"]
    readonly_fields = ["declaration", "lock_version"]


@admin.register(RedTeamAttestation)
class RedTeamAttestationAdmin(DeclarationRowAdmin):
    list_display = [
        "assessor",
        "declaration_link",
        "assessor_independent",
        "performed_on",
        "outcome",
        "next_due",
    ]
    list_filter = ["outcome", "assessor_independent", "declaration__status"]
    search_fields = ["assessor", "declaration__model__name"]
    date_hierarchy = "performed_on"
    # The report is regulator-only and served through a checked view: named here, never linked.
    exclude = ["report"]
    readonly_fields = ["declaration", "lock_version", "report_name", "report_sha256"]

    @admin.display(description="report")
    def report_name(self, attestation: RedTeamAttestation) -> str:
        return attestation.report.name or "-"
