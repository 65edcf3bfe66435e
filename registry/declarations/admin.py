"""Models and declarations in the Django admin: to find and read them; changes go through services.

Providers file through their own pages, which number versions, validate, snapshot and audit; here
administrators look things up. A declaration is read-only once submitted, and nothing is deleted.
"""

from __future__ import annotations

from django.contrib import admin

from registry.audit.admin_mixins import AuditedAdminMixin
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)

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
    list_filter = ["model_type", "distribution"]
    search_fields = [
        "name",
        "registration_number",
        "provider__legal_name",
        "provider__trading_name",
    ]
    list_select_related = ["provider"]
    readonly_fields = ["provider", "registration_number", "created_at", "lock_version"]
    inlines = [DependencyInline]

    def has_add_permission(self, request):
        # Providers register their models, which checks the name and records who did it.
        return False

    def has_delete_permission(self, request, obj=None):
        # Declarations, snapshots and the audit trail refer to models: they are never deleted.
        return False


class PartyInline(ReadOnlyInline):
    model = SupplyChainParty
    fields = PARTY_COLUMNS
    readonly_fields = PARTY_COLUMNS


class AttestationInline(ReadOnlyInline):
    model = RedTeamAttestation
    fields = ATTESTATION_COLUMNS
    readonly_fields = ATTESTATION_COLUMNS


@admin.register(ProvenanceDeclaration)
class ProvenanceDeclarationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "model", "version", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "code_of_practice_signatory", "continuous_training"]
    search_fields = [
        "model__name",
        "model__registration_number",
        "model__provider__legal_name",
        "model__provider__registration_number",
    ]
    list_select_related = ["model"]
    readonly_fields = LIFECYCLE_FIELDS
    # Sources are not inlined: a declaration may hold thousands. They have their own list.
    inlines = [PartyInline, AttestationInline]

    def has_add_permission(self, request):
        # A declaration starts through the provider's journey, which numbers its version.
        return False

    def has_change_permission(self, request, obj=None):
        # Once submitted a declaration is a record of what the provider declared: read only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataSource)
class DataSourceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "declaration", "category", "licence", "share_percent", "confidential"]
    list_filter = ["category", "licence_use_category", "personal_data", "confidential"]
    search_fields = ["name", "owner", "licence", "declaration__model__name"]
    list_select_related = ["declaration__model"]
    readonly_fields = ["declaration", "lock_version"]

    def get_queryset(self, request):
        # The list never needs each source's top domains, which may be 10,000 hosts long.
        return super().get_queryset(request).defer("top_domains")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.declaration.is_editable)

    def has_delete_permission(self, request, obj=None):
        return False
