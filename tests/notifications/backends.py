"""The background side's test doubles: an email backend that lets a test catch a worker
mid-send, and this process's Celery app pointed at another broker.

A worker started with `EMAIL_BACKEND=tests.notifications.backends.BlockingFileBackend` and the
two paths below in its environment writes each email to EMAIL_FILE_PATH as Django's file backend
does, but first:

1. appends the id of the process sending (the pool child) to the file named by `MAIL_MARKER`;
2. waits while the file named by `MAIL_HOLD` exists (at most `HOLD_LIMIT` seconds, so a test
   that fails never leaves a worker stuck), which gives the test time to kill that process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.core.mail.backends import filebased
from django.test import override_settings

from registry.celery import app

MARKER_VARIABLE = "MAIL_MARKER"
HOLD_VARIABLE = "MAIL_HOLD"
HOLD_LIMIT = 60  # seconds


class BlockingFileBackend(filebased.EmailBackend):
    """Django's file backend that says which process is sending, then waits for a hold to lift."""

    def send_messages(self, email_messages):
        marker = Path(os.environ[MARKER_VARIABLE])
        hold = Path(os.environ[HOLD_VARIABLE])
        with marker.open("a") as file:
            file.write(f"{os.getpid()}\n")
        deadline = time.monotonic() + HOLD_LIMIT
        while hold.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return super().send_messages(email_messages)


def sending_processes(marker: Path) -> list[int]:
    """The ids written to the marker so far, one per send begun, complete lines only."""
    if not marker.exists():
        return []
    lines = marker.read_text().split("\n")[:-1]  # the last piece is unfinished or empty
    return [int(line) for line in lines]


@contextmanager
def celery_broker(url: str, queue: str | None = None) -> Iterator[None]:
    """Have this process publish its tasks to the broker at `url` (on `queue`, if given).

    Both what `dispatch` reads (the CELERY_BROKER_URL setting) and what the Celery app connects
    to change, and the app's pooled connections to the broker before are dropped; on the way out,
    all are as they were. Celery takes its broker from the CELERY_BROKER_URL environment variable
    before its own settings (CI sets it), so that is where the app's broker is changed.
    """
    changes = app.conf.changes  # what is set on the app itself, over the Django settings
    saved = changes.get("task_default_queue")
    if queue:
        changes["task_default_queue"] = queue  # the router reads it at each publish
    forget_broker_connections()
    try:
        with (
            override_settings(CELERY_BROKER_URL=url),
            mock.patch.dict(os.environ, {"CELERY_BROKER_URL": url}),
        ):
            if app.conf.broker_url != url:  # never publish a test's tasks to a real broker
                raise RuntimeError(f"The Celery app would publish to {app.conf.broker_url}")
            yield
    finally:
        changes.pop("task_default_queue", None)
        if saved is not None:
            changes["task_default_queue"] = saved
        forget_broker_connections()


def forget_broker_connections() -> None:
    """Drop the app's pooled broker connections, so the next publish connects afresh."""
    app._pool = None
    app.amqp._producer_pool = None
