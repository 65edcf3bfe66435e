"""Feedback in the Django admin: to read, never to change, as the visitor sent it."""

from __future__ import annotations

from django.contrib import admin
from django.template.defaultfilters import truncatechars

from registry.audit.admin_mixins import ReadOnlyAdminMixin
from registry.service.models import Feedback

SHOWN = ("received_at", "page", "trying_to_do", "how_to_improve")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "trying_to_do_start", "how_to_improve_start", "page"]
    list_filter = ["page"]
    search_fields = ["trying_to_do", "how_to_improve"]
    date_hierarchy = "received_at"
    fields = SHOWN
    readonly_fields = SHOWN

    @admin.display(description="What they were trying to do")
    def trying_to_do_start(self, feedback: Feedback) -> str:
        return truncatechars(feedback.trying_to_do, 80)

    @admin.display(description="How we could improve it")
    def how_to_improve_start(self, feedback: Feedback) -> str:
        return truncatechars(feedback.how_to_improve, 80)
