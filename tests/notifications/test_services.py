"""The outbox: written with its cause, sent after the commit, exactly once."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from registry.notifications import services
from registry.notifications.models import Delivery, Kind, Notification
from registry.notifications.services import Recipient, notification_create, notification_send
from tests.base import PersonaTestCase

MESSAGE = {
    "subject": "Filing received",
    "body_text": "We have it.",
    "body_html": "<p>We have it.</p>",
}


def create(case, cause="transition:1", recipients=None, **options):
    with mock.patch.object(services, "render_message", return_value=MESSAGE):
        return notification_create(
            kind=Kind.FILING_RECEIVED,
            cause=cause,
            recipients=recipients or [Recipient.of(case.alice), Recipient.of(case.bob)],
            context={},
            link="/dashboard/",
            **options,
        )


class CreateTests(PersonaTestCase):
    def test_one_notification_per_recipient_sent_only_once_the_cause_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            written = create(self)
        self.assertEqual([n.recipient for n in written], [self.alice, self.bob])
        self.assertEqual(mail.outbox, [])  # nothing leaves before the commit
        for callback in callbacks:
            callback()
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), [self.alice.email, self.bob.email])
        self.assertEqual(
            set(Notification.objects.values_list("delivery", "attempts")), {(Delivery.SENT, 1)}
        )

    def test_the_same_cause_twice_writes_and_sends_nothing_new(self):
        with self.captureOnCommitCallbacks(execute=True):
            create(self)
            again = create(self)
        self.assertEqual(again, [])
        self.assertEqual(Notification.objects.count(), 2)
        self.assertEqual(len(mail.outbox), 2)

    def test_a_recipient_named_twice_gets_one_message(self):
        twice = [Recipient.of(self.alice), Recipient(email=self.alice.email.upper())]
        self.assertEqual(len(create(self, recipients=twice)), 1)

    def test_a_cause_that_rolls_back_leaves_no_notification_and_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    create(self)
                    raise RuntimeError("the decision failed")
            except RuntimeError:
                pass
        self.assertIs(Notification.objects.exists(), False)
        self.assertEqual(mail.outbox, [])

    def test_someone_without_an_account_is_emailed_but_has_no_inbox(self):
        (invitee,) = create(self, recipients=[Recipient(email="new@acme.example")])
        self.assertIsNone(invitee.recipient)
        self.assertEqual(invitee.key, "transition:1:new@acme.example")


class SendTests(PersonaTestCase):
    def setUp(self):
        (self.notification,) = create(self, recipients=[Recipient.of(self.alice)])

    def test_sent_once_however_often_the_task_runs(self):
        self.assertIs(notification_send(self.notification.pk), True)
        self.assertIs(notification_send(self.notification.pk), False)
        self.assertEqual(len(mail.outbox), 1)

    @override_settings(SITE_URL="https://register.example.gov.uk")
    def test_the_email_has_both_bodies_and_a_message_id_kept_across_attempts(self):
        notification_send(self.notification.pk)
        (message,) = mail.outbox
        self.assertEqual((message.subject, message.body), ("Filing received", "We have it."))
        self.assertEqual(message.alternatives[0][0], "<p>We have it.</p>")
        self.assertEqual(
            message.extra_headers["Message-ID"],
            f"<notification-{self.notification.pk}@register.example.gov.uk>",
        )

    def test_a_secret_body_is_erased_once_sent_and_the_subject_kept(self):
        (invitation,) = create(
            self, cause="invitation:1", recipients=[Recipient(email="n@x.example")], secret=True
        )
        notification_send(invitation.pk)
        invitation.refresh_from_db()
        self.assertEqual((invitation.body_text, invitation.body_html), ("", ""))
        self.assertEqual(invitation.subject, "Filing received")
        self.assertIn("We have it.", mail.outbox[0].body)

    def test_a_mail_error_counts_the_attempt_and_keeps_it_pending(self):
        with (
            mock.patch.object(services.EmailMultiAlternatives, "send", side_effect=OSError("down")),
            self.assertRaisesMessage(services.SendFailed, "OSError: down"),
        ):
            notification_send(self.notification.pk)
        self.notification.refresh_from_db()
        self.assertEqual(
            (self.notification.delivery, self.notification.attempts), (Delivery.PENDING, 1)
        )
        self.assertEqual(self.notification.last_error, "OSError: down")

    def test_only_the_recipient_marks_it_read(self):
        services.notification_mark_read(user=self.bob, notification=self.notification)
        self.notification.refresh_from_db()
        self.assertIsNone(self.notification.read_at)
        services.notification_mark_read(user=self.alice, notification=self.notification)
        self.notification.refresh_from_db()
        self.assertIsNotNone(self.notification.read_at)


class SweepTests(PersonaTestCase):
    def test_the_sweep_sends_what_is_still_unsent_after_the_grace_period_only(self):
        with self.captureOnCommitCallbacks(execute=False):  # the task asked for is lost
            (lost,) = create(self, recipients=[Recipient.of(self.alice)])
        now = timezone.now()
        self.assertEqual(services.notifications_resend(now), 0)
        later = now + services.SWEEP_GRACE + timedelta(seconds=1)
        self.assertEqual(services.notifications_resend(later), 1)
        self.assertEqual(services.notifications_resend(later), 0)
        self.assertEqual([m.to for m in mail.outbox], [[self.alice.email]])
        lost.refresh_from_db()
        self.assertEqual(lost.delivery, Delivery.SENT)

    def test_the_sweep_leaves_failed_ones_to_an_administrator(self):
        with self.captureOnCommitCallbacks(execute=False):
            (failed,) = create(self, recipients=[Recipient.of(self.alice)])
        Notification.objects.filter(pk=failed.pk).update(delivery=Delivery.FAILED)
        later = timezone.now() + services.SWEEP_GRACE + timedelta(seconds=1)
        self.assertEqual(services.notifications_resend(later), 0)
        self.assertEqual(mail.outbox, [])
