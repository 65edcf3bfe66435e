"""What survives the background side's faults: the broker down when a decision is made, a worker
dying mid-task, a mail server that hangs up. In each, nothing the decision asked for is lost, and
nothing is done twice.

No real broker or worker is needed: an address where nothing listens stands for a broker that is
down, an exception no service catches for a worker killed mid-task, and tasks run in this
process (`tests/notifications/test_worker.py` does the same with a real worker).
"""

from __future__ import annotations

import hashlib
import smtplib
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.core.files.storage import default_storage
from django.core.mail.backends import locmem
from django.test import override_settings
from django.utils import timezone

from registry.audit.models import AuditEvent
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.services import declaration_decide, declaration_submit
from registry.filings.states import Status
from registry.labels import services as label_services
from registry.labels.models import LabelPdf
from registry.labels.services import PDF_SWEEP_GRACE, label_pdfs_reconcile
from registry.labels.tasks import render_label_pdf
from registry.lib.pdf import RenderedPdf
from registry.notifications.models import Delivery, Kind, Notification
from registry.notifications.services import (
    MAX_ATTEMPTS,
    SWEEP_GRACE,
    SendFailed,
    notification_retry,
    notification_send,
    notifications_resend,
)
from registry.notifications.tasks import send_notification
from registry.review.models import Case
from registry.transparency.models import LogEntry, PendingLeaf
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration, ownership_in_force
from tests.labels.test_exports import IN_MEMORY
from tests.notifications.backends import celery_broker

# Nothing listens on port 1: a broker that is down refuses the connection at once.
BROKER_DOWN = "redis://127.0.0.1:1/0"
PDF = b"%PDF-1.7 the label"
HUNG_UP = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class WorkerLost(BaseException):
    """The process running a task is killed: no `except Exception` sees it, nothing after runs."""


def past_the_grace_periods():
    """A moment when both sweeps take everything written until now."""
    return timezone.now() + max(SWEEP_GRACE, PDF_SWEEP_GRACE) + timedelta(seconds=1)


@override_settings(STORAGES=IN_MEMORY)
class FaultTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ownership_in_force(cls.acme)  # so that its declarations can be accepted

    def setUp(self):
        # Rendering is tested in tests/labels; here a PDF's bytes are a stand-in, made at once.
        self.render = self.enterContext(
            mock.patch.object(
                label_services, "html_to_pdf", return_value=RenderedPdf(content=PDF, pages=1)
            )
        )

    def under_review(self) -> ProvenanceDeclaration:
        """A declaration submitted and taken into review, its "received" emails sent."""
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme))
        with self.captureOnCommitCallbacks(execute=True):
            declaration_submit(actor=self.bob, declaration=declaration, expected_lock_version=None)
            declaration_decide(actor=self.olivia, declaration=declaration, action="start_review")
        mail.outbox.clear()
        return declaration

    def accept(self, declaration: ProvenanceDeclaration) -> ProvenanceDeclaration:
        return declaration_decide(
            actor=self.diana, declaration=declaration, action="accept", reason="Complete"
        )

    def accepted_unsent(self) -> tuple[ProvenanceDeclaration, list[Notification]]:
        """Accepted, the tasks it asked for still on the broker (never run here)."""
        declaration = self.under_review()
        with self.captureOnCommitCallbacks(execute=False):
            self.accept(declaration)
        notifications = list(Notification.objects.filter(kind=Kind.ACCEPTED).order_by("pk"))
        return declaration, notifications

    def assertEachSentOnce(self, notifications: list[Notification]) -> None:
        """One email in the outbox for each notification, and no other; each marked sent once."""
        for notification in notifications:
            notification.refresh_from_db()
        self.assertEqual(
            sorted((m.to[0], m.subject) for m in mail.outbox),
            sorted((n.email, n.subject) for n in notifications),
        )
        self.assertEqual(
            {(n.delivery, n.attempts) for n in notifications}, {(Delivery.SENT, 1)}, notifications
        )

    def assertOnePdf(self, declaration: ProvenanceDeclaration) -> LabelPdf:
        """One PDF of the declaration, stored under its name, its SHA-256 that of the bytes."""
        label_pdf = LabelPdf.objects.get(declaration=declaration)
        number = declaration.model.registration_number
        # Under its own name: a render that died after writing its file leaves nothing in the way.
        self.assertEqual(label_pdf.file.name, f"labels/{number}/v1.pdf")
        with label_pdf.file.open("rb") as file:
            self.assertEqual(file.read(), PDF)
        self.assertEqual(label_pdf.sha256, hashlib.sha256(PDF).hexdigest())
        self.assertEqual(default_storage.listdir(f"labels/{number}")[1], ["v1.pdf"])
        self.assertEqual(AuditEvent.objects.filter(action="label.pdf_rendered").count(), 1)
        return label_pdf


class BrokerDownTests(FaultTestCase):
    def test_a_decision_made_while_the_broker_is_down_stands_and_the_sweeps_finish_it(self):
        declaration = self.under_review()
        with (
            celery_broker(BROKER_DOWN),
            self.assertLogs("registry.lib.background", "WARNING") as logged,
            self.captureOnCommitCallbacks(execute=True),  # the commit hands tasks to the broker
        ):
            self.accept(declaration)

        # The decision stands, whole: accepted, numbered, its case closed.
        declaration = ProvenanceDeclaration.objects.select_related("model").get(pk=declaration.pk)
        case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        self.assertEqual(declaration.status, Status.ACCEPTED)
        self.assertRegex(declaration.model.registration_number, r"^MOD-\d{6}$")
        self.assertEqual(case.status, Status.ACCEPTED)
        self.assertIsNotNone(case.closed_at)
        # What the broker didn't take is written down, to be done: an email each to the owner
        # and the submitter, waiting; the PDF not made; the log's leaf pending. Each hand-over
        # (two emails, the PDF, the log's integration) is logged.
        notifications = list(Notification.objects.filter(kind=Kind.ACCEPTED).order_by("pk"))
        self.assertEqual(
            [(n.email, n.delivery, n.attempts) for n in notifications],
            [(self.alice.email, Delivery.PENDING, 0), (self.bob.email, Delivery.PENDING, 0)],
        )
        self.assertIs(LabelPdf.objects.exists(), False)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(PendingLeaf.objects.filter(filing_id=declaration.pk).count(), 1)
        self.assertEqual(len(logged.output), 4)
        for line in logged.output:
            self.assertIn("Broker unreachable", line)

        # The broker is back (tasks run here): the sweeps do what was skipped, once.
        later = past_the_grace_periods()
        self.assertEqual((notifications_resend(now=later), label_pdfs_reconcile(now=later)), (2, 1))
        self.assertEachSentOnce(notifications)
        self.assertOnePdf(declaration)
        # The PDF's render integrated the pending leaf first, so the PDF carries its proof; its
        # own leaf waits for the commit.
        self.assertEqual(
            list(LogEntry.objects.filter(filing_id=declaration.pk).values_list("act", flat=True)),
            ["accepted"],
        )
        self.assertEqual(
            list(
                PendingLeaf.objects.filter(filing_id=declaration.pk).values_list("act", flat=True)
            ),
            ["pdf_issued"],
        )

        # And running them again changes nothing.
        self.assertEqual((notifications_resend(now=later), label_pdfs_reconcile(now=later)), (0, 0))
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(LabelPdf.objects.count(), 1)
        self.assertEqual(self.render.call_count, 1)


class WorkerLostTests(FaultTestCase):
    def test_an_email_interrupted_mid_send_is_sent_once_when_the_task_is_redelivered(self):
        _, notifications = self.accepted_unsent()
        first = notifications[0]
        with (
            mock.patch.object(locmem.EmailBackend, "send_messages", side_effect=WorkerLost),
            self.assertRaises(WorkerLost),
        ):
            send_notification.apply(args=[first.pk])
        # The attempt died with its transaction: nothing sent, nothing counted.
        first.refresh_from_db()
        self.assertEqual(
            (first.delivery, first.attempts, first.last_error), (Delivery.PENDING, 0, "")
        )
        self.assertEqual(mail.outbox, [])

        # Redelivered, each task sends its email; delivered once more, it sends nothing.
        for notification in notifications:
            self.assertIs(send_notification.apply(args=[notification.pk]).get(), True)
        for notification in notifications:
            self.assertIs(send_notification.apply(args=[notification.pk]).get(), False)
        self.assertEachSentOnce(notifications)

    def test_a_pdf_interrupted_mid_render_is_stored_once_when_the_task_is_redelivered(self):
        declaration, _ = self.accepted_unsent()
        self.render.side_effect = WorkerLost
        with self.assertRaises(WorkerLost):
            render_label_pdf.apply(args=[declaration.pk])
        self.assertIs(LabelPdf.objects.exists(), False)
        # No label file; only the log's tiles, written as the render integrated the log first.
        self.assertEqual(default_storage.listdir(""), (["log"], []))

        self.render.side_effect = None
        sha256 = render_label_pdf.apply(args=[declaration.pk]).get()
        self.assertEqual(render_label_pdf.apply(args=[declaration.pk]).get(), sha256)
        self.assertEqual(self.render.call_count, 2)  # the one that died, and the one stored
        declaration.refresh_from_db()
        self.assertEqual(self.assertOnePdf(declaration).sha256, sha256)

    def test_a_pdf_interrupted_while_stored_is_stored_once_under_its_name(self):
        declaration, _ = self.accepted_unsent()
        # Killed after the file is written, before the row and the audit event commit.
        with (
            mock.patch.object(label_services, "record", side_effect=WorkerLost),
            self.assertRaises(WorkerLost),
        ):
            render_label_pdf.apply(args=[declaration.pk])
        self.assertIs(LabelPdf.objects.exists(), False)

        render_label_pdf.apply(args=[declaration.pk]).get()
        declaration.refresh_from_db()
        self.assertOnePdf(declaration)


class MailServerFailureTests(FaultTestCase):
    def setUp(self):
        super().setUp()
        _, (self.notification, sent) = self.accepted_unsent()  # alice's, and bob's sent already
        notification_send(sent.pk)
        mail.outbox.clear()

    def hang_up(self):
        return mock.patch.object(locmem.EmailBackend, "send_messages", side_effect=HUNG_UP)

    def test_a_failed_send_raises_and_counts_the_attempt(self):
        with self.hang_up(), self.assertRaises(SendFailed):
            notification_send(self.notification.pk)
        self.notification.refresh_from_db()
        self.assertEqual(
            (self.notification.delivery, self.notification.attempts, self.notification.last_error),
            (Delivery.PENDING, 1, "SMTPServerDisconnected: Connection unexpectedly closed"),
        )

    def test_the_task_retries_on_a_failed_send_until_the_last_attempt(self):
        self.assertEqual(send_notification.autoretry_for, (SendFailed,))
        self.assertEqual(send_notification.max_retries, MAX_ATTEMPTS - 1)
        # On a worker: after up to 30 s, then up to 60, 120, 240 s (jittered), never over 10 min.
        self.assertEqual(
            (send_notification.retry_backoff, send_notification.retry_backoff_max), (30, 600)
        )
        self.assertIs(send_notification.acks_late, True)
        with self.hang_up() as send, self.assertLogs("registry.notifications", "ERROR") as logged:
            result = send_notification.apply(args=[self.notification.pk])
        # Run eagerly, each retry runs at once: the first try and four retries, then it gives up.
        self.assertEqual(send.call_count, MAX_ATTEMPTS)
        self.assertEqual(result.state, "FAILURE")
        self.assertIsInstance(result.result, SendFailed)
        self.notification.refresh_from_db()
        self.assertEqual(
            (self.notification.delivery, self.notification.attempts),
            (Delivery.FAILED, MAX_ATTEMPTS),
        )
        self.assertEqual(
            self.notification.last_error, "SMTPServerDisconnected: Connection unexpectedly closed"
        )
        # An administrator is told, with which notification and why.
        self.assertEqual(len(logged.records), 1)
        self.assertEqual(
            logged.records[0].getMessage(),
            f"Notification {self.notification.pk} failed after {MAX_ATTEMPTS} attempts: "
            "SMTPServerDisconnected: Connection unexpectedly closed",
        )

    def test_a_failed_notification_waits_for_an_administrator_then_is_sent_once(self):
        with self.hang_up(), self.assertLogs("registry.notifications", "ERROR"):
            send_notification.apply(args=[self.notification.pk])
        # The sweep leaves it: trying again and again would not fix a mail server.
        with self.hang_up() as send:
            self.assertEqual(notifications_resend(now=past_the_grace_periods()), 0)
        send.assert_not_called()
        self.notification.refresh_from_db()
        self.assertEqual(self.notification.delivery, Delivery.FAILED)

        # "Send again": back in the outbox, with its attempts afresh, and sent after the commit.
        with self.captureOnCommitCallbacks(execute=True):
            notification_retry(actor=self.ada, notification=self.notification)
        self.notification.refresh_from_db()
        self.assertEqual(
            (self.notification.delivery, self.notification.attempts), (Delivery.SENT, 1)
        )
        self.assertEqual([m.to for m in mail.outbox], [[self.alice.email]])
        notification_retry(
            actor=self.ada, notification=self.notification
        )  # a sent notification is not sent again
        self.assertEqual(len(mail.outbox), 1)
