"""Tasks after commit: on the broker when there is one, in-process when not, never raising."""

from __future__ import annotations

from unittest import mock

from celery import shared_task
from django.db import transaction
from django.test import SimpleTestCase, TestCase, override_settings
from kombu.exceptions import OperationalError

from registry.lib.background import after_commit, dispatch

calls: list[int] = []


@shared_task
def remember(value: int) -> None:
    calls.append(value)


@shared_task
def fail(value: int) -> None:
    raise OSError("disk full")


class DispatchTests(SimpleTestCase):
    def setUp(self):
        calls.clear()

    @override_settings(CELERY_BROKER_URL="")
    def test_with_no_broker_the_task_runs_here(self):
        dispatch(remember, 7)
        self.assertEqual(calls, [7])

    @override_settings(CELERY_BROKER_URL="")
    def test_a_task_failing_in_process_is_logged_not_raised(self):
        with self.assertLogs("registry.lib.background", "ERROR") as logged:
            dispatch(fail, 7)
        self.assertIn("tests.lib.test_background.fail(7,) failed in-process", logged.output[0])

    @override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    def test_with_a_broker_the_task_is_queued_not_run(self):
        with mock.patch.object(remember, "apply_async") as queued:
            dispatch(remember, 7)
        queued.assert_called_once_with(args=(7,))
        self.assertEqual(calls, [])

    @override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    def test_an_unreachable_broker_is_logged_not_raised(self):
        refused = OperationalError("Connection refused")
        with (
            mock.patch.object(remember, "apply_async", side_effect=refused),
            self.assertLogs("registry.lib.background", "WARNING") as logged,
        ):
            dispatch(remember, 7)
        self.assertIn("left for the sweep", logged.output[0])
        self.assertEqual(calls, [])


@override_settings(CELERY_BROKER_URL="")
class AfterCommitTests(TestCase):
    def setUp(self):
        calls.clear()

    def test_the_task_runs_once_the_transaction_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            after_commit(remember, 1)
        self.assertEqual(calls, [])
        for callback in callbacks:
            callback()
        self.assertEqual(calls, [1])

    def test_never_if_it_rolls_back(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    after_commit(remember, 2)
                    raise RuntimeError
            except RuntimeError:
                pass
        self.assertEqual(calls, [])
