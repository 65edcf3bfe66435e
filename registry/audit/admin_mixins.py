"""Make changes made in the Django admin part of the audit trail, like every other change."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from registry.audit.services import record

NEVER_RECORDED = {"password"}


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
            if "groups" in form.changed_data:
                groups = sorted(obj.groups.values_list("name", flat=True))
                record(
                    actor=request.user,
                    action=f"admin.{obj._meta.model_name}_groups_changed",
                    target=obj,
                    after={"groups": groups},
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
