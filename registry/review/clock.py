"""The statutory clock, pure: how many review days a case has used, and when it is due.

A filing is due a decision `REVIEW_DAYS` calendar days after it is submitted. The clock stops
while the provider has the filing back for changes and starts again, where it left off, when
they resubmit; it stops for good at the decision. Dates are the register's local (UK) dates.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

# What each move through the lifecycle does to the clock.
STARTS = frozenset({"submit"})
STOPS = frozenset({"request_changes", "accept", "reject"})


@dataclass(frozen=True)
class Clock:
    """A case's clock: days used in earlier runs, and the day the current run began (if any)."""

    days_used: int = 0
    running_since: date | None = None

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def after(self, action: str, on: date) -> Clock:
        """The clock once `action` was taken on `on`."""
        if action in STARTS and not self.running:
            return replace(self, running_since=on)
        if action in STOPS and self.running_since is not None:
            return Clock(days_used=self.days_used + (on - self.running_since).days)
        return self

    def due_on(self, review_days: int) -> date | None:
        """The day a decision is due while the clock runs; None while it is stopped."""
        if self.running_since is None:
            return None
        return self.running_since + timedelta(days=review_days - self.days_used)

    def days_left(self, review_days: int, today: date) -> int:
        """Days until the decision is due: negative once overdue; frozen while stopped."""
        due = self.due_on(review_days)
        if due is None:
            return review_days - self.days_used
        return (due - today).days


def clock_of(moves: list[tuple[str, date]]) -> Clock:
    """The clock after these moves (action, local date), oldest first."""
    clock = Clock()
    for action, on in moves:
        clock = clock.after(action, on)
    return clock


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier; the month's last day when it is shorter (31 May → 28 Feb)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
