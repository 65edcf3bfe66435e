"""The outbox in the Django admin: to find a message and why it failed, and to send it again.

Messages are written only by the services, so every field is read-only. A secret message's body
(an invitation link) is never shown here, sent or not: the link would let an administrator in as
the person invited.
"""

from __future__ import annotations

from typing import cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize, truncatechars

from registry.accounts.models import User
from registry.audit.admin_mixins import ReadOnlyAdminMixin
from registry.notifications import services
from registry.notifications.models import Delivery, Notification

# Every field, in reading order; the bodies only through `text`.
SHOWN = (
    "key",
    "kind",
    "recipient",
    "email",
    "subject",
    "text",
    "link",
    "secret",
    "delivery",
    "attempts",
    "last_error",
    "created_at",
    "sent_at",
    "read_at",
)
WITHHELD = "Not shown: it holds a secret, such as an invitation link."


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "subject", "email", "kind", "delivery", "attempts", "error"]
    list_filter = ["delivery", "kind"]
    search_fields = ["email", "subject"]
    date_hierarchy = "created_at"
    fields = SHOWN
    readonly_fields = SHOWN
    actions = ["send_again"]

    @admin.display(description="Last error")
    def error(self, notification: Notification) -> str:
        return truncatechars(notification.last_error, 80)

    @admin.display(description="Text")
    def text(self, notification: Notification) -> str:
        return WITHHELD if notification.secret else notification.body_text

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description="Send again (failed messages only)", permissions=["retry"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        failed = list(queryset.filter(delivery=Delivery.FAILED))
        for notification in failed:
            # Admin pages are only ever served to a signed-in member of staff.
            actor = cast(User, request.user)
            services.notification_retry(actor=actor, notification=notification)
        self.tell_outcome(request, sent=len(failed), skipped=queryset.count() - len(failed))

    def tell_outcome(self, request: HttpRequest, *, sent: int, skipped: int) -> None:
        if sent:
            self.message_user(request, f"{sent} message{pluralize(sent)} will be sent again.")
        if skipped:
            self.message_user(
                request,
                f"Only failed messages are sent again: {skipped} left alone.",
                messages.WARNING,
            )
