"""Tasks run after the transaction that asks for them commits: on a Celery worker when a broker
is configured, else in this process (the `make run` default)."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(task: Task, *args: Any) -> None:
    """Have `task` run with `args` once the current transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: dispatch(task, *args))


def dispatch(task: Task, *args: Any) -> None:
    """Hand the task to the broker, or with none configured run it here and now.

    A failure is logged, never raised into whoever committed: everything a task does is recorded
    in the database first (an unsent notification, an accepted label without its PDF), and the
    reconciliation sweeps redo whatever a broker outage or a crash left undone.
    """
    if settings.CELERY_BROKER_URL:
        try:
            task.apply_async(args=args)
        except Exception:
            logger.warning("Broker unreachable: %s%r left for the sweep", task.name, args)
        return
    try:
        task(*args)  # called directly, a task's retry raises its error instead of queueing
    except Exception:
        logger.exception("%s%r failed in-process; left for the sweep", task.name, args)
