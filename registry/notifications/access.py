"""Who may open an inbox, and the only way its pages fetch a notification (404 if not theirs)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest

from registry.accounts.access import needs_two_factor_step, two_factor_redirect
from registry.accounts.models import User
from registry.notifications import selectors
from registry.notifications.models import Notification


class SignedInRequest(HttpRequest):
    """A request from someone signed in, as the pages behind `signed_in_required` receive it."""

    user: User


def signed_in_required(view):
    """Let in anyone signed in; regulator staff and administrators once past two-factor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_two_factor_step(request):
            return two_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def access_notification_for_user(user: User, notification_id: int) -> Notification:
    """One of the person's own notifications; anyone else's, or none, is a 404."""
    if not user.is_authenticated:
        raise Http404
    notification = selectors.notification_for_recipient(user, notification_id)
    if notification is None:
        raise Http404
    return notification
