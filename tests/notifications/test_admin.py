"""The outbox in the Django admin: failed messages found at a glance, and sent again on request."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.audit.models import AuditEvent
from registry.notifications.admin import WITHHELD
from registry.notifications.models import Delivery, Kind, Notification
from tests.base import PersonaTestCase
from tests.factories import UserFactory
from tests.notifications.test_views import notify

CHANGELIST = reverse("admin:notifications_notification_changelist")


def change_url(notification: Notification) -> str:
    return reverse("admin:notifications_notification_change", args=[notification.pk])


class NotificationAdminTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.failed = notify(
            cls.alice,
            "Bounced message",
            delivery=Delivery.FAILED,
            attempts=5,
            last_error="SMTPRecipientsRefused: mailbox unavailable",
        )
        cls.sent = notify(
            cls.bob, "Delivered message", delivery=Delivery.SENT, sent_at=timezone.now()
        )
        cls.pending = notify(cls.olivia, "Waiting message")

    def setUp(self):
        self.sign_in(self.ada)

    def listed(self, response) -> set[str]:
        return {n.subject for n in response.context["cl"].result_list}


class ListTests(NotificationAdminTestCase):
    def test_the_delivery_filter_finds_the_failed_messages_with_their_errors(self):
        response = self.client.get(CHANGELIST, {"delivery__exact": "failed"})
        self.assertEqual(self.listed(response), {"Bounced message"})
        self.assertContains(response, "SMTPRecipientsRefused: mailbox unavailable")

    def test_messages_can_be_filtered_by_kind(self):
        notify(self.diana, "Overdue", kind=Kind.REVIEW_OVERDUE)
        response = self.client.get(CHANGELIST, {"kind__exact": "review_overdue"})
        self.assertEqual(self.listed(response), {"Overdue"})

    def test_messages_can_be_searched_by_address_or_subject(self):
        by_address = self.client.get(CHANGELIST, {"q": "bob@acme"})
        self.assertEqual(self.listed(by_address), {"Delivered message"})
        by_subject = self.client.get(CHANGELIST, {"q": "waiting"})
        self.assertEqual(self.listed(by_subject), {"Waiting message"})


class ReadOnlyTests(NotificationAdminTestCase):
    def test_a_message_can_be_read_but_not_added_changed_or_deleted(self):
        page = self.client.get(change_url(self.failed))
        self.assertContains(page, "We have received your declaration.")
        self.assertNotContains(page, 'name="_save"')
        self.assertNotContains(page, "deletelink")
        posted = self.client.post(change_url(self.failed), {"subject": "Rewritten"})
        self.assertEqual(posted.status_code, 403)
        add = reverse("admin:notifications_notification_add")
        self.assertEqual(self.client.get(add).status_code, 403)
        delete = reverse("admin:notifications_notification_delete", args=[self.failed.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertEqual(Notification.objects.get(pk=self.failed.pk).subject, "Bounced message")

    def test_a_secret_body_is_never_shown_even_before_it_is_sent(self):
        invitation = notify(
            self.alice,
            "You are invited",
            kind=Kind.INVITATION,
            secret=True,
            body_text="Accept: https://register.example/invitations/s3cret-token/",
            body_html='<a href="https://register.example/invitations/s3cret-token/">Accept</a>',
        )
        page = self.client.get(change_url(invitation))
        self.assertContains(page, WITHHELD)
        self.assertNotContains(page, "s3cret-token")


class SendAgainTests(NotificationAdminTestCase):
    def send_again(self, *notifications: Notification, follow: bool = True):
        data = {"action": "send_again", "_selected_action": [n.pk for n in notifications]}
        return self.client.post(CHANGELIST, data, follow=follow)

    def test_a_failed_message_is_sent_again_after_the_commit_and_the_retry_audited(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.send_again(self.failed)
        self.assertContains(response, "1 message will be sent again.")
        self.failed.refresh_from_db()
        self.assertEqual((self.failed.delivery, self.failed.attempts), (Delivery.SENT, 1))
        self.assertEqual([m.to for m in mail.outbox], [[self.alice.email]])
        event = AuditEvent.objects.get(action="notification.retried")
        self.assertEqual((event.actor, event.target_id), (self.ada, str(self.failed.pk)))
        self.assertEqual(event.before["delivery"], "failed")

    def test_only_failed_messages_are_sent_again(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.send_again(self.failed, self.sent, self.pending)
        self.assertContains(response, "Only failed messages are sent again: 2 left alone.")
        self.assertEqual([m.subject for m in mail.outbox], ["Bounced message"])
        self.sent.refresh_from_db()
        self.pending.refresh_from_db()
        self.assertEqual((self.sent.delivery, self.sent.attempts), (Delivery.SENT, 0))
        self.assertEqual((self.pending.delivery, self.pending.attempts), (Delivery.PENDING, 0))
        self.assertEqual(AuditEvent.objects.filter(action="notification.retried").count(), 1)

    def test_an_administrator_who_may_only_view_messages_is_not_offered_the_action(self):
        viewer = UserFactory(email="sam@regulator.example", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_notification"))
        TOTPDevice.objects.create(user=viewer, name="Phone", confirmed=True)
        self.sign_in(viewer)
        changelist = self.client.get(CHANGELIST)
        self.assertEqual(changelist.status_code, 200)
        self.assertNotContains(changelist, "send_again")
        with self.captureOnCommitCallbacks(execute=True):
            self.send_again(self.failed)
        self.assertEqual(Notification.objects.get(pk=self.failed.pk).delivery, Delivery.FAILED)
        self.assertEqual(mail.outbox, [])
