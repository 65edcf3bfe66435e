"""Keep feedback on the service, at most a few pieces an hour from any one client."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from registry.lib.problems import Problem, ProblemsError
from registry.service.models import Feedback

FEEDBACK_WINDOW_SECONDS = 60 * 60
RATE_LIMITED = (
    "You can send feedback up to {limit} times an hour. Try again later, or email us at {email}"
)


def feedback_submit(
    *, trying_to_do: str, how_to_improve: str, page: str, client_address: str
) -> Feedback:
    """Keep one piece of feedback, unless its client has already sent its hour's share."""
    if not feedback_allowance_take(client_address):
        message = RATE_LIMITED.format(
            limit=settings.FEEDBACK_LIMIT_PER_HOUR, email=settings.REGISTER_CONTACT_EMAIL
        )
        raise ProblemsError([Problem("feedback_rate_limited", "", message)])
    return Feedback.objects.create(
        trying_to_do=trying_to_do, how_to_improve=how_to_improve, page=page
    )


def feedback_allowance_take(client_address: str) -> bool:
    """Count one sending by this client in the current hour; False once it is over the limit.

    The cache is shared by every web process when Redis is configured, so the limit holds across
    them. The address is kept only as a keyed hash, and only for the hour.
    """
    key = "service:feedback:" + salted_hmac("service.feedback", client_address).hexdigest()
    # `add` starts the hour's count if there is none; `incr` is atomic and keeps the expiry.
    cache.add(key, 0, timeout=FEEDBACK_WINDOW_SECONDS)
    try:
        sent = cache.incr(key)
    except ValueError:
        # The count expired between the two calls: this sending starts a new hour.
        cache.set(key, 1, timeout=FEEDBACK_WINDOW_SECONDS)
        sent = 1
    return sent <= settings.FEEDBACK_LIMIT_PER_HOUR
