"""Make changes made in the Django admin part of the audit trail, like every other change."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from registry.audit.services import record

# Secrets and their hashes: the audit trail is shown in the admin, so they never reach it.
NEVER_RECORDED = {"password", "key", "key_hash", "token_hash"}


def recordable(obj) -> dict:
    values = model_to_dict(obj)
    return {k: str(v) for k, v in values.items() if k not in NEVER_RECORDED}


class AuditedAdminMixin(admin.ModelAdmin):
    """Record every admin save and delete, with before and after, in the same transaction."""

    def save_model(self, request, obj, form, change):
        before = recordable(type(obj).objects.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = "changed" if change else "created"
            record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}_{action}",
                target=obj,
                before=before,
                after=recordable(obj),
            )

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            # Many-to-many values (a user's groups, a group's permissions) are saved only now.
            for field in obj._meta.many_to_many:
                if field.name in form.changed_data and field.name not in NEVER_RECORDED:
                    values = sorted(str(v) for v in getattr(obj, field.name).all())
                    record(
                        actor=request.user,
                        action=f"admin.{obj._meta.model_name}_{field.name}_changed",
                        target=obj,
                        after={field.name: values},
                    )

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}_deleted",
                target=obj,
                before=recordable(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdminMixin(admin.ModelAdmin):
    """Let administrators read a record kept for good; nobody, superusers included, may change it.

    Viewing needs the view (or change) permission as usual; add, change and delete are refused
    whatever permissions a user holds, so the admin answers 403 to any attempt.
    """

    # Such tables grow without end (audit events, snapshots): counting them all is not worth it.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
