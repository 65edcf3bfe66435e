"""The number of unread messages, for the "Messages" item of the service navigation."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from registry.accounts.access import needs_two_factor_step
from registry.notifications import selectors


def inbox(request) -> dict[str, Callable[[], int | None]]:
    """Offer the unread count as a callable, counted only if a page shows it, and only once.

    Admin pages, emails and error pages render with this context too; none of them pays for a
    count they don't show. Someone still to pass two-factor authentication gets no count.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def inbox_unread() -> int | None:
        return None if needs_two_factor_step(request) else selectors.unread_count(user)

    return {"inbox_unread": inbox_unread}
