"""The notifications' tasks: sending one, and the sweep that hands on what is still unsent.

Every task here takes ids, is safe to run twice, and is acknowledged only when it finishes
(`acks_late` in settings), so a worker that dies mid-task has it redelivered.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from registry.notifications import reminders, services


@shared_task(
    bind=True,
    autoretry_for=(services.SendFailed,),
    retry_backoff=30,  # up to 30, 60, 120, … seconds (with jitter), then the sweep takes over
    retry_backoff_max=600,
    max_retries=services.MAX_ATTEMPTS - 1,
)
def send_notification(self, notification_id: int) -> bool:
    return services.notification_send(notification_id)


@shared_task
def resend_unsent_notifications() -> int:
    return services.notifications_resend()


# The deadline reminders: each writes a reminder once per recipient and day it is about, so a run
# repeated on the same day (a restart, a second beat) sends nothing twice.


@shared_task
def remind_review_deadlines() -> int:
    return reminders.review_deadlines_remind(timezone.localdate())


@shared_task
def remind_redeclarations() -> int:
    return reminders.redeclarations_remind(timezone.localdate())


@shared_task
def remind_red_team_attestations() -> int:
    return reminders.red_team_remind(timezone.localdate())
