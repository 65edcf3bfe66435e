"""The statutory clock: 28 days from submission, stopped while changes are requested."""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase

from registry.review.clock import Clock, clock_of, months_before

DAYS = 28


class ClockTests(SimpleTestCase):
    def test_a_submission_is_due_28_days_later(self):
        clock = clock_of([("submit", date(2026, 3, 2))])
        self.assertEqual(clock.due_on(DAYS), date(2026, 3, 30))
        self.assertEqual(clock.days_left(DAYS, date(2026, 3, 2)), 28)
        self.assertEqual(clock.days_left(DAYS, date(2026, 3, 30)), 0)
        self.assertEqual(clock.days_left(DAYS, date(2026, 4, 2)), -3)

    def test_taking_into_review_does_not_touch_the_clock(self):
        clock = clock_of([("submit", date(2026, 3, 2)), ("start_review", date(2026, 3, 9))])
        self.assertEqual(clock, Clock(days_used=0, running_since=date(2026, 3, 2)))

    def test_requesting_changes_stops_it_and_the_days_left_are_frozen(self):
        clock = clock_of(
            [
                ("submit", date(2026, 3, 2)),
                ("start_review", date(2026, 3, 3)),
                ("request_changes", date(2026, 3, 12)),
            ]
        )
        self.assertIs(clock.running, False)
        self.assertIsNone(clock.due_on(DAYS))
        self.assertEqual(clock.days_used, 10)
        for today in (date(2026, 3, 12), date(2026, 6, 1)):
            self.assertEqual(clock.days_left(DAYS, today), 18)

    def test_resubmission_restarts_it_where_it_left_off(self):
        clock = clock_of(
            [
                ("submit", date(2026, 3, 2)),
                ("start_review", date(2026, 3, 3)),
                ("request_changes", date(2026, 3, 12)),  # 10 days used
                ("submit", date(2026, 4, 20)),  # 18 left: due on 8 May
            ]
        )
        self.assertEqual(clock.due_on(DAYS), date(2026, 5, 8))
        self.assertEqual(clock.days_left(DAYS, date(2026, 4, 20)), 18)

    def test_two_rounds_of_changes_add_up(self):
        clock = clock_of(
            [
                ("submit", date(2026, 1, 1)),
                ("request_changes", date(2026, 1, 6)),  # 5 used
                ("submit", date(2026, 2, 1)),
                ("request_changes", date(2026, 2, 8)),  # 12 used
                ("submit", date(2026, 3, 1)),
            ]
        )
        self.assertEqual(clock.days_used, 12)
        self.assertEqual(clock.due_on(DAYS), date(2026, 3, 17))

    def test_a_decision_stops_it_for_good(self):
        for decision in ("accept", "reject"):
            with self.subTest(decision):
                clock = clock_of([("submit", date(2026, 3, 2)), (decision, date(2026, 3, 20))])
                self.assertIsNone(clock.due_on(DAYS))
                self.assertEqual(clock.days_used, 18)

    def test_moves_that_do_not_apply_change_nothing(self):
        stopped = Clock(days_used=4)
        self.assertEqual(stopped.after("request_changes", date(2026, 5, 1)), stopped)
        running = Clock(running_since=date(2026, 5, 1))
        self.assertEqual(running.after("submit", date(2026, 5, 9)), running)
        self.assertEqual(running.after("withdraw", date(2026, 5, 9)), running)

    def test_a_review_done_late_is_overdue_by_the_right_number_of_days(self):
        clock = clock_of([("submit", date(2026, 2, 1))])
        self.assertEqual(clock.due_on(DAYS), date(2026, 3, 1))  # February 2026 has 28 days
        self.assertEqual(clock.days_left(DAYS, date(2026, 3, 31)), -30)


class MonthsBeforeTests(SimpleTestCase):
    def test_the_same_day_a_number_of_months_earlier(self):
        cases = {
            (date(2026, 11, 28), 12): date(2025, 11, 28),
            (date(2026, 3, 15), 1): date(2026, 2, 15),
            (date(2026, 1, 10), 1): date(2025, 12, 10),
            (date(2026, 5, 31), 3): date(2026, 2, 28),
            (date(2024, 3, 31), 1): date(2024, 2, 29),
            (date(2026, 2, 28), 24): date(2024, 2, 28),
            (date(2026, 7, 4), 0): date(2026, 7, 4),
        }
        for (day, months), expected in cases.items():
            with self.subTest(day=day, months=months):
                self.assertEqual(months_before(day, months), expected)
