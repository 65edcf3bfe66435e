"""The only way the inbox's pages fetch a notification: 404 if it is not the person's own."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from registry.accounts.models import User
from registry.notifications import selectors
from registry.notifications.models import Notification


class SignedInRequest(HttpRequest):
    """A request from someone signed in, as the pages behind `signed_in_required` receive it."""

    user: User


def access_notification_for_user(user: User, notification_id: int) -> Notification:
    """One of the person's own notifications; anyone else's, or none, is a 404."""
    if not user.is_authenticated:
        raise Http404
    notification = selectors.notification_for_recipient(user, notification_id)
    if notification is None:
        raise Http404
    return notification
