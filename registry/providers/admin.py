from django.contrib import admin

from registry.audit.admin_mixins import AuditedAdminMixin
from registry.providers.models import Provider


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
