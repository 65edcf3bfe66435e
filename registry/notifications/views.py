"""The inbox: a signed-in person's messages from the register, and marking them read.

Opening a message leaves it unread: a GET changes nothing, so a browser's prefetch, a reload or
a link checker can't mark a message read for its recipient. Marking read is a POST, with the
CSRF token, for one message or for all of them.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from registry.accounts.access import signed_in_required
from registry.notifications import selectors, services
from registry.notifications.access import SignedInRequest, access_notification_for_user


@signed_in_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    """The person's messages, newest first, a page at a time."""
    page = selectors.inbox_page(request.user, request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@signed_in_required
@require_GET
def message(request: SignedInRequest, notification_id: int) -> HttpResponse:
    notification = access_notification_for_user(request.user, notification_id)
    context = {
        "notification": notification,
        "paragraphs": selectors.message_paragraphs(notification),
        "link": selectors.message_link(notification),
    }
    return render(request, "notifications/message.html", context)


@signed_in_required
@require_POST
def mark_read(request: SignedInRequest, notification_id: int) -> HttpResponse:
    notification = access_notification_for_user(request.user, notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    messages.success(request, "Message marked as read")
    return redirect("notifications:inbox")


@signed_in_required
@require_POST
def mark_all_read(request: SignedInRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, "All your messages are marked as read")
    return redirect("notifications:inbox")
