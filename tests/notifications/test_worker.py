"""A real Celery worker, in its own process, on the real broker and the test database.

The review loop's label PDF and emails are made by the worker, each exactly once; a worker whose
pool process is killed mid-send or mid-render has the task redelivered to the process that
replaces it, which does the work once.

These tests need a broker both processes reach and a database the worker can open (the test
database, on PostgreSQL): CI's `.ci/run` sets CELERY_BROKER_URL and DATABASE_URL, so they run
there; anywhere else without both they are skipped.
"""

from __future__ import annotations

import email
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid
from collections import Counter
from collections.abc import Callable
from email import policy
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings

from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER, REGULATOR_GROUPS, MemberRole
from registry.audit.models import AuditEvent
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.services import (
    declaration_submit,
    declaration_update_general,
    statement_sign,
)
from registry.filings.states import Status
from registry.labels.models import LabelPdf
from registry.lib.background import dispatch
from registry.notifications.models import Delivery, Kind, Notification
from registry.notifications.services import site_host
from registry.notifications.tasks import send_notification
from registry.review.models import Case
from registry.review.services import case_decide, finding_add
from tests.background import BROKER_URL
from tests.factories import (
    AIModelFactory,
    MembershipFactory,
    ProviderFactory,
    UserFactory,
    complete_declaration,
    ownership_in_force,
    regulator,
)
from tests.labels import publish
from tests.notifications.backends import (
    HOLD_VARIABLE,
    MARKER_VARIABLE,
    celery_broker,
    sending_processes,
)

ROOT = Path(__file__).resolve().parents[2]
NEEDS = (
    "needs a real broker and PostgreSQL: set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1) and "
    "DATABASE_URL (postgres://…), as CI's .ci/run does; a worker process can't reach this run's "
    "SQLite database"
)
WAIT = 60  # seconds, at most, for anything the worker is asked to do
FINDING = "Say whether you honour ai.txt, and whether opt-outs are checked again before training."
NEW_MEASURES = "We honour robots.txt, TDM-Rep and ai.txt opt-outs, checked again before training."


def worker_database_url() -> str:
    """The test database, as a URL for the worker's settings."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{quote(db['NAME'], safe='')}"


# Django's file backend ends each message with a line of dashes.
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"


def mail_files(folder: Path) -> list[email.message.EmailMessage]:
    """The emails Django's file backend wrote. A file is named by the second and the connection
    object's id, so two connections in one second can share a file: each holds one message or
    more, each ended by a line of dashes."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for raw in path.read_bytes().split(MESSAGE_END):
            if raw.strip():
                messages.append(email.message_from_bytes(raw, policy=policy.default))
    return messages


@unittest.skipUnless(BROKER_URL and connection.vendor == "postgresql", NEEDS)
class WorkerTestCase(TransactionTestCase):
    """Each test starts its own worker, on a queue of its own, and stops it however it ends."""

    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory(prefix="worker-test-")))
        self.mailbox, self.media = self.folder / "mail", self.folder / "media"
        self.mailbox.mkdir()
        self.log = self.folder / "worker.log"
        self.queue = f"registry-test-{uuid.uuid4().hex[:12]}"
        self.worker: subprocess.Popen | None = None
        self.enterContext(celery_broker(BROKER_URL, self.queue))
        self.enterContext(override_settings(MEDIA_ROOT=self.media))
        self.addCleanup(self.remove_queue)  # cleanups run last to first: after the worker stops
        self.personas()

    def personas(self) -> None:
        """The people of tests.base, written for good here: the worker reads them."""
        self.acme = ProviderFactory(legal_name="Acme Intelligence Ltd", trading_name="Acme AI")
        self.alice = UserFactory(email="alice@acme.example", full_name="Alice Owner")
        self.bob = UserFactory(email="bob@acme.example", full_name="Bob Submitter")
        self.victor = UserFactory(email="victor@acme.example", full_name="Victor Viewer")
        for person, role in [
            (self.alice, MemberRole.OWNER),
            (self.bob, MemberRole.SUBMITTER),
            (self.victor, MemberRole.VIEWER),
        ]:
            MembershipFactory(user=person, provider=self.acme, role=role)
        self.olivia = regulator(CASE_OFFICER, email="olivia@regulator.example")
        self.diana = regulator(DECISION_MAKER, email="diana@regulator.example")

    def _fixture_teardown(self):
        super()._fixture_teardown()
        # The flush took the regulator groups a migration made; tests after this one need them.
        for name in REGULATOR_GROUPS:
            Group.objects.get_or_create(name=name)

    # --- The worker

    def start_worker(self, **environment: str) -> None:
        """Start a worker (one pool process) on this test's queue, and wait until it is ready."""
        variables = os.environ | {
            "DJANGO_SETTINGS_MODULE": "registry.settings",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": BROKER_URL,
            # django-environ drops the path's first slash: filemail:////tmp/… is /tmp/….
            "EMAIL_URL": f"filemail:///{self.mailbox}",
            "MEDIA_ROOT": str(self.media),
            "SITE_URL": settings.SITE_URL,
            "SECRET_KEY": "worker-test-only",
            # The key the test run's log signs with (tests/conftest.py), so both sign alike.
            "TRANSPARENCY_LOG_KEY": settings.TRANSPARENCY_LOG_KEY,
            "DEBUG": "false",
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
        variables.pop("REDIS_URL", None)  # the worker keeps its cache to itself
        command = [sys.executable, "-m", "celery", "-A", "registry", "worker"]
        command += ["--pool", "prefork", "--concurrency", "1", "-Q", self.queue]
        command += ["--hostname", f"{self.queue}@%h", "--loglevel", "INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with self.log.open("ab") as log:
            self.worker = subprocess.Popen(  # noqa: S603 (our own fixed command line)
                command,
                cwd=ROOT,
                env=variables | environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, to end it and its pool together
            )
        self.addCleanup(self.stop_worker)
        self.wait_for(lambda: " ready." in self.worker_log(), "the worker to start")

    def stop_worker(self) -> None:
        """Stop the worker: a warm shutdown, else kill it and its pool; then show its log."""
        worker = self.worker
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=20)
        # Captured by pytest, and shown only when the test fails.
        print(f"--- worker log ---\n{self.worker_log()}")

    def remove_queue(self) -> None:
        """Delete what this test's queue and worker left in the broker, and nothing else."""
        client = redis.Redis.from_url(BROKER_URL)
        try:
            for key in client.scan_iter(match=f"*{self.queue}*"):
                client.delete(key)
            for bindings in client.scan_iter(match="_kombu.binding.*"):
                for member in client.smembers(bindings):
                    if self.queue.encode() in member:
                        client.srem(bindings, member)
        finally:
            client.close()

    def worker_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def pool_processes(self) -> list[int]:
        """The worker's live pool processes: its children that are not zombies."""
        assert self.worker is not None
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            except (OSError, IndexError):
                continue  # ended while we looked
            if int(parent) == self.worker.pid and state != "Z":
                children.append(int(stat.parent.name))
        return children

    def kill_pool_process(self, pid: int) -> None:
        """SIGKILL one of our worker's pool processes, as the kernel's OOM killer would."""
        self.assertIn(pid, self.pool_processes(), "only ever kill our own worker's pool process")
        os.kill(pid, signal.SIGKILL)

    def wait_for(self, condition: Callable[[], object], what: str, timeout: float = WAIT) -> None:
        """Poll until `condition` holds; fail, with the worker's log, after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.worker is not None and self.worker.poll() is not None:
                code, log = self.worker.returncode, self.worker_log()
                self.fail(
                    f"The worker exited ({code}) waiting for {what}\n--- worker log ---\n{log}"
                )
            if time.monotonic() > deadline:
                self.fail(f"Waited {timeout} s for {what}\n--- worker log ---\n{self.worker_log()}")
            time.sleep(0.1)

    def succeeded(self, task: str, after: str = "") -> bool:
        """Whether the worker logged `task` succeeding (after the first `after` in its log)."""
        log = self.worker_log()
        if after:
            log = log.partition(after)[2]
        return re.search(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", log) is not None

    # --- What the worker made

    def assertSentOnce(self, notifications: list[Notification]) -> None:
        """Each notification is sent, once: one file in the mailbox each, and no other file."""
        self.assertEqual(
            [(n.delivery, n.attempts, n.last_error) for n in notifications],
            [(Delivery.SENT, 1, "")] * len(notifications),
        )
        host = site_host()
        expected = {f"<notification-{n.pk}@{host}>": (n.email, n.subject) for n in notifications}
        written = [
            (message["Message-ID"], (message["To"], message["Subject"]))
            for message in mail_files(self.mailbox)
        ]
        self.assertEqual(len(written), len(expected), written)  # no message twice
        self.assertEqual(dict(written), expected)
        self.assertEqual(mail.outbox, [])  # this process sent nothing: the worker did

    def assertOnePdf(self, declaration: ProvenanceDeclaration) -> LabelPdf:
        """One PDF stored for the declaration, the file's SHA-256 as recorded, rendered once."""
        label_pdf = LabelPdf.objects.select_related("declaration__model").get(
            declaration=declaration
        )
        number = label_pdf.declaration.model.registration_number
        self.assertEqual(label_pdf.file.name, f"labels/{number}/v1.pdf")
        content = (self.media / label_pdf.file.name).read_bytes()
        self.assertTrue(content.startswith(b"%PDF-"))
        self.assertEqual(
            (label_pdf.sha256, label_pdf.size), (hashlib.sha256(content).hexdigest(), len(content))
        )
        stored = [path.relative_to(self.media) for path in self.media.rglob("*.pdf")]
        self.assertEqual(stored, [Path(label_pdf.file.name)])  # no half-written twin
        self.assertEqual(AuditEvent.objects.filter(action="label.pdf_rendered").count(), 1)
        return label_pdf


class ReviewLoopTests(WorkerTestCase):
    def test_the_worker_renders_the_pdf_and_sends_each_email_of_the_loop_once(self):
        self.start_worker()
        ownership_in_force(self.acme)  # so that its declaration can be accepted
        model = AIModelFactory(provider=self.acme, name="Delta Chat", version="1.0")
        declaration = complete_declaration(model=model, created_by=self.bob)

        # The provider submits; the case officer raises a finding and sends it back.
        declaration_submit(actor=self.bob, declaration=declaration, expected_lock_version=None)
        case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        case_decide(actor=self.olivia, case=case, action="start_review")
        finding_add(actor=self.olivia, case=case, field="tdm_opt_out_measures", message=FINDING)
        case_decide(actor=self.olivia, case=case, action="request_changes", reason="See finding")

        # The provider answers, signs again and resubmits; a decision maker accepts.
        values = {"tdm_opt_out_measures": NEW_MEASURES}
        declaration = declaration_update_general(
            actor=self.bob, declaration=declaration, values=values, expected_lock_version=None
        )
        declaration = statement_sign(
            actor=self.bob,
            declaration=declaration,
            name="Bob Submitter",
            role="Head of data",
            expected_lock_version=declaration.lock_version,
        )
        declaration_submit(actor=self.bob, declaration=declaration, expected_lock_version=None)
        case_decide(actor=self.olivia, case=case, action="start_review")
        case_decide(actor=self.diana, case=case, action="accept", reason="Complete")

        def done() -> bool:
            pending = Notification.objects.filter(delivery=Delivery.PENDING).exists()
            return not pending and LabelPdf.objects.filter(declaration=declaration).exists()

        self.wait_for(done, "the label PDF and every email")
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, Status.ACCEPTED)
        self.assertOnePdf(declaration)

        # Every move a provider hears of, to its owner and its submitter (not its viewer).
        notifications = list(Notification.objects.order_by("pk"))
        heard = Counter((n.kind, n.email) for n in notifications)
        expected = Counter()
        for kind, times in [
            (Kind.FILING_RECEIVED, 2),
            (Kind.CHANGES_REQUESTED, 1),
            (Kind.ACCEPTED, 1),
        ]:
            for person in (self.alice, self.bob):
                expected[(kind, person.email)] = times
        self.assertEqual(heard, expected)
        self.assertSentOnce(notifications)
        for notification in notifications:
            self.assertIn("Delta Chat 1.0", notification.subject)


class WorkerLostTests(WorkerTestCase):
    def test_a_pool_process_killed_mid_send_has_the_email_sent_once_by_its_replacement(self):
        marker, hold = self.folder / "sending", self.folder / "hold"
        hold.touch()
        self.start_worker(
            EMAIL_BACKEND="tests.notifications.backends.BlockingFileBackend",
            **{MARKER_VARIABLE: str(marker), HOLD_VARIABLE: str(hold)},
        )
        notification = Notification.objects.create(
            key="worker-test:alice",
            kind=Kind.ACCEPTED,
            recipient=self.alice,
            email=self.alice.email,
            subject="Your provenance declaration for Delta Chat 1.0 has been accepted",
            body_text="Accepted.",
            body_html="<p>Accepted.</p>",
        )
        dispatch(send_notification, notification.pk)

        self.wait_for(lambda: sending_processes(marker), "the worker to begin sending")
        (killed,) = sending_processes(marker)
        self.kill_pool_process(killed)
        hold.unlink()

        self.wait_for(
            lambda: self.succeeded("registry.notifications.tasks.send_notification"),
            "the redelivered task to finish",
        )
        self.assertIn("WorkerLostError", self.worker_log())
        notification.refresh_from_db()
        self.assertSentOnce([notification])
        replacement = sending_processes(marker)[1:]
        self.assertEqual(len(replacement), 1)  # sent again exactly once …
        self.assertNotEqual(replacement[0], killed)  # … by the process that replaced the dead one
        self.assertIsNone(self.worker.poll())

    def test_a_pool_process_killed_mid_render_stores_nothing_and_its_replacement_one_pdf(self):
        # Accepted while no worker runs: the render (and the emails) wait on the queue.
        declaration = publish(self, complete_declaration(model=AIModelFactory(provider=self.acme)))
        with transaction.atomic():
            # The render stores its PDF under this row's lock: held here, it waits, rendered
            # but not stored, until this block ends.
            ProvenanceDeclaration.objects.select_for_update().get(pk=declaration.pk)
            self.start_worker()
            self.wait_for(lambda: self.waiting_for_my_lock() == 1, "the render to reach the lock")
            (rendering,) = self.pool_processes()
            self.kill_pool_process(rendering)
            # Redelivered to the new pool process, the render waits behind the dead one's.
            self.wait_for(lambda: self.waiting_for_my_lock() == 2, "the render to be redelivered")
            self.assertNotIn(rendering, self.pool_processes())
            self.assertIs(LabelPdf.objects.exists(), False)

        self.wait_for(
            lambda: self.succeeded("registry.labels.tasks.render_label_pdf", "WorkerLostError"),
            "the redelivered render to finish",
        )
        self.assertOnePdf(declaration)

    def waiting_for_my_lock(self) -> int:
        """How many database sessions wait for a lock this test's session holds.

        Only the first waits for it directly; the next waits for the first's lock on the row.
        """
        with connection.cursor() as cursor:
            cursor.execute(WAITING_FOR_MY_LOCK)
            return cursor.fetchone()[0]


WAITING_FOR_MY_LOCK = """
WITH RECURSIVE waiting(pid) AS (
    SELECT pid FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))
    UNION
    SELECT lock.pid FROM pg_locks lock, waiting
    WHERE NOT lock.granted AND waiting.pid = ANY(pg_blocking_pids(lock.pid))
)
SELECT count(*) FROM waiting
"""
