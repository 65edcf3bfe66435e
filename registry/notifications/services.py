"""Writes of the outbox: notifications recorded with their cause, then sent exactly once.

1. `notification_create` writes the message, rendered, in the caller's transaction, and asks for it
   to be sent after the commit.
2. `notification_send` (the task's body) sends it under a row lock and marks it sent, so a second
   delivery of the same task, or the sweep, finds it sent and does nothing.
3. `notifications_resend` (the sweep) hands on whatever is still unsent after a grace period.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from registry.accounts.models import User
from registry.audit.services import record
from registry.lib.background import after_commit, dispatch
from registry.notifications.models import Delivery, Notification

logger = logging.getLogger(__name__)

# An email is tried this many times (by the task's own retries, then by the sweep) before it is
# marked failed and left for an administrator.
MAX_ATTEMPTS = 5
# The sweep leaves a just-written notification to the task that was asked to send it.
SWEEP_GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: a person with an account, or just an address (an invitee)."""

    email: str
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> Recipient:
        return cls(email=user.email, user=user)


def notification_create(
    *,
    kind: str,
    cause: str,
    recipients: Iterable[Recipient],
    context: dict[str, Any],
    link: str = "",
    secret: bool = False,
) -> list[Notification]:
    """Write one notification of `kind` per recipient, rendered from `emails/<kind>.*`.

    `cause` names the event (e.g. `transition:42`, `redeclaration:7:2027-01-31:30`): with the
    recipient it is the row's key, so calling this again for the same cause writes nothing new.
    Returns the notifications written now.
    """
    written = []
    for recipient in unique(recipients):
        key = f"{cause}:{recipient.user.pk if recipient.user else recipient.email}"
        if Notification.objects.filter(key=key).exists():
            continue
        message = render_message(kind, context | {"recipient": recipient, "link": link})
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin loses, the caller goes on
                notification = Notification.objects.create(
                    key=key,
                    kind=kind,
                    recipient=recipient.user,
                    email=recipient.email,
                    link=link,
                    secret=secret,
                    **message,
                )
        except IntegrityError:
            continue
        after_commit(send_task(), notification.pk)
        written.append(notification)
    return written


def unique(recipients: Iterable[Recipient]) -> list[Recipient]:
    seen: dict[str, Recipient] = {}
    for recipient in recipients:
        seen.setdefault(recipient.email.lower(), recipient)
    return list(seen.values())


def render_message(kind: str, context: dict[str, Any]) -> dict[str, str]:
    """The subject and both bodies of a message, from its three templates."""
    context = context | {"site_url": settings.SITE_URL}
    subject = render_to_string(f"emails/{kind}.subject.txt", context)
    return {
        "subject": " ".join(subject.split())[:300],
        "body_text": render_to_string(f"emails/{kind}.txt", context),
        "body_html": render_to_string(f"emails/{kind}.html", context),
    }


def send_task():
    from registry.notifications.tasks import send_notification  # tasks import this module

    return send_notification


class SendFailed(Exception):
    """The mail server refused or couldn't be reached; the attempt is counted."""


def notification_send(notification_id: int) -> bool:
    """Send one notification unless it was sent already; True if it was sent now.

    1. Lock its row, skipping it if another worker holds the lock (that worker is sending it).
    2. If it is sent or failed, do nothing: a redelivered task or the sweep changes nothing.
    3. Send it while holding the lock, then mark it sent in the same transaction. A worker that
       dies before the commit leaves it unsent, and the redelivered task sends it.
    4. On a mail error, count the attempt (in its own transaction, so it survives) and raise
       `SendFailed`; after `MAX_ATTEMPTS` it is marked failed for an administrator to see.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, delivery=Delivery.PENDING)
            .first()
        )
        if notification is None:
            return False
        try:
            email_message(notification).send()
        except Exception as error:
            error_text = f"{type(error).__name__}: {error}"
        else:
            mark_sent(notification)
            return True
    attempt_failed(notification_id, error_text)
    raise SendFailed(error_text)


def email_message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.email],
        # The same id on every attempt, so a mail system can drop a duplicate delivery.
        headers={"Message-ID": f"<notification-{notification.pk}@{site_host()}>"},
    )
    message.attach_alternative(notification.body_html, "text/html")
    return message


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def mark_sent(notification: Notification) -> None:
    notification.delivery = Delivery.SENT
    notification.sent_at = timezone.now()
    notification.attempts += 1
    notification.last_error = ""
    fields = ["delivery", "sent_at", "attempts", "last_error"]
    if notification.secret:
        notification.body_text = notification.body_html = ""
        fields += ["body_text", "body_html"]
    notification.save(update_fields=fields)


@transaction.atomic
def attempt_failed(notification_id: int, error: str) -> None:
    notification = Notification.objects.select_for_update().get(pk=notification_id)
    notification.attempts += 1
    notification.last_error = error[:2000]
    if notification.attempts >= MAX_ATTEMPTS:
        notification.delivery = Delivery.FAILED
        logger.error(
            "Notification %s failed after %s attempts: %s",
            notification_id,
            notification.attempts,
            error,
        )
    notification.save(update_fields=["attempts", "last_error", "delivery"])


@transaction.atomic
def notification_retry(*, actor: User, notification: Notification) -> bool:
    """Give a failed notification another round of attempts (an administrator's action); True
    if it was failed, False if it was not and is left as it is."""
    failed = Notification.objects.select_for_update().filter(
        pk=notification.pk, delivery=Delivery.FAILED
    )
    found = failed.first()
    if found is None:
        return False
    before = {
        "delivery": found.delivery,
        "attempts": found.attempts,
        "last_error": found.last_error,
    }
    found.delivery, found.attempts = Delivery.PENDING, 0
    found.save(update_fields=["delivery", "attempts"])
    record(
        actor=actor,
        action="notification.retried",
        target=found,
        before=before,
        after={"delivery": found.delivery, "attempts": 0},
    )
    after_commit(send_task(), found.pk)
    return True


def notifications_resend(now: datetime | None = None) -> int:
    """Hand on every notification still unsent after the grace period; return how many."""
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    unsent = Notification.objects.filter(delivery=Delivery.PENDING, created_at__lt=cutoff)
    ids = list(unsent.order_by("created_at").values_list("pk", flat=True)[:1000])
    for notification_id in ids:
        dispatch(send_task(), notification_id)
    return len(ids)


def notification_mark_read(*, user: User, notification: Notification) -> None:
    """Mark one of the user's notifications read; someone else's is not theirs to mark."""
    if notification.recipient_id == user.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; return how many."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    return unread.update(read_at=timezone.now())
