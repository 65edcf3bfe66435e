"""Deadline reminders: each sent once, at its threshold, to the people who can act on it.

Every run is given its day (`today`); the filings are dated relative to a fixed TODAY by
patching the clock while they are submitted and accepted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER, MemberRole
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.services import declaration_decide, declaration_submit
from registry.notifications import tasks
from registry.notifications.models import Kind, Notification
from registry.notifications.reminders import (
    REVIEW_DUE_SOON_DAYS,
    red_team_remind,
    redeclarations_remind,
    review_deadlines_remind,
)
from registry.review.clock import months_before
from registry.review.models import Case
from registry.review.services import case_assign, case_decide
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    MembershipFactory,
    RedTeamAttestationFactory,
    UserFactory,
    complete_declaration,
    raise_finding,
    regulator,
)
from tests.labels import publish, withdraw

LONDON = ZoneInfo("Europe/London")
# A day well inside its month, so that 12 months on from it is never clamped to a month's end.
TODAY = date(2026, 6, 10)
REMINDER_KINDS = [
    Kind.REVIEW_DUE_SOON,
    Kind.REVIEW_OVERDUE,
    Kind.REDECLARATION_DUE,
    Kind.REDECLARATION_OVERDUE,
    Kind.RED_TEAM_DUE,
]


def at(day: date):
    """Patch the clock to noon, London time, on that day."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def days_from_today(count: int) -> date:
    return TODAY + timedelta(days=count)


def reminders(kind: str | None = None):
    """The reminders written (not the filings' own messages), oldest first."""
    written = Notification.objects.filter(kind__in=[kind] if kind else REMINDER_KINDS)
    return written.order_by("created_at", "id")


def day_by_day(remind, due_on: date, days_after_due: range) -> dict[int, set[str]]:
    """Run `remind` once a day over the days around `due_on` (given as days after it: -30 is 30
    days before), and say which reminders (causes) each run wrote, by days left to the due date."""
    sent: dict[int, set[str]] = {}
    for offset in days_after_due:
        before = set(reminders().values_list("key", flat=True))
        remind(due_on + timedelta(days=offset))
        written = set(reminders().values_list("key", flat=True)) - before
        if written:
            sent[-offset] = {key.rsplit(":", 1)[0] for key in written}  # drop the recipient
    return sent


def outside_the_outbox(queries: CaptureQueriesContext) -> list[str]:
    """The queries a run made other than the outbox's own (its rows and their savepoints)."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if "notifications_notification" not in query["sql"]
        and "SAVEPOINT" not in query["sql"].upper()
    ]


class ReminderTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = regulator(DECISION_MAKER, email="dora@regulator.example", full_name="Dora")
        cls.oscar = regulator(CASE_OFFICER, email="oscar@regulator.example", full_name="Oscar")
        cls.retired = regulator(DECISION_MAKER, email="retired@regulator.example", is_active=False)
        cls.left = UserFactory(email="left@acme.example", is_active=False)
        MembershipFactory(user=cls.left, provider=cls.acme, role=MemberRole.SUBMITTER)

    def setUp(self):
        mail.outbox = []

    def recipients(self, kind: str | None = None) -> list[str]:
        return sorted(reminders(kind).values_list("email", flat=True))


# --- The statutory review clock


class ReviewDeadlineTests(ReminderTestCase):
    def case_due_in(self, days: int, model_name: str = "") -> Case:
        """A declaration submitted so that its review falls due `days` from TODAY."""
        submitted_on = days_from_today(days - settings.REVIEW_DAYS)
        model = AIModelFactory(provider=self.acme, **({"name": model_name} if model_name else {}))
        declaration = complete_declaration(model=model, sources=1)
        with at(submitted_on):
            declaration_submit(
                actor=self.alice, declaration=declaration, expected_lock_version=None
            )
        case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        self.assertEqual(case.due_on, days_from_today(days))
        return case

    def kinds_by_case(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for key, kind in reminders().values_list("key", "kind"):
            found.setdefault(int(key.split(":")[1]), set()).add(kind)
        return found

    def test_due_soon_from_5_days_before_to_the_due_day_then_overdue_from_the_day_after(self):
        cases = {days: self.case_due_in(days) for days in (6, 5, 1, 0, -1, -30)}
        review_deadlines_remind(TODAY)
        self.assertEqual(
            self.kinds_by_case(),
            {
                cases[5].pk: {Kind.REVIEW_DUE_SOON},
                cases[1].pk: {Kind.REVIEW_DUE_SOON},
                cases[0].pk: {Kind.REVIEW_DUE_SOON},
                cases[-1].pk: {Kind.REVIEW_OVERDUE},
                cases[-30].pk: {Kind.REVIEW_OVERDUE},
            },
        )

    def test_day_by_day_one_due_soon_reminder_and_one_overdue_reminder_per_due_date(self):
        case = self.case_due_in(7)
        sent = day_by_day(review_deadlines_remind, case.due_on, range(-8, 4))
        self.assertEqual(
            sent,
            {
                REVIEW_DUE_SOON_DAYS: {f"review-due-soon:{case.pk}:2026-06-17"},
                -1: {f"review-overdue:{case.pk}:2026-06-17"},
            },
        )

    def test_a_run_twice_on_the_same_day_writes_and_sends_one_reminder(self):
        self.case_due_in(3)
        with self.captureOnCommitCallbacks(execute=True):
            first = review_deadlines_remind(TODAY)
            second = review_deadlines_remind(TODAY)
        self.assertEqual((first, second), (2, 0))  # diana and dora, once each
        self.assertEqual(self.recipients(), [self.diana.email, "dora@regulator.example"])
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            [self.diana.email, "dora@regulator.example"],
        )

    def test_the_assignee_and_every_active_decision_maker_are_reminded(self):
        case = self.case_due_in(2)
        case_decide(actor=self.olivia, case=case, action="start_review")
        case_assign(actor=self.olivia, case=Case.objects.get(pk=case.pk), assignee=self.olivia)
        review_deadlines_remind(TODAY)
        # Not oscar, a case officer it is not assigned to; not a decision maker who has left.
        self.assertEqual(
            self.recipients(), [self.diana.email, "dora@regulator.example", self.olivia.email]
        )

    def test_an_unassigned_case_reminds_the_decision_makers_only(self):
        self.case_due_in(2)
        review_deadlines_remind(TODAY)
        self.assertEqual(self.recipients(), [self.diana.email, "dora@regulator.example"])

    def test_a_decision_maker_assigned_the_case_is_reminded_once(self):
        case = self.case_due_in(2)
        case_assign(actor=self.diana, case=case, assignee=self.diana)
        review_deadlines_remind(TODAY)
        self.assertEqual(self.recipients(), [self.diana.email, "dora@regulator.example"])

    def test_a_stopped_clock_is_not_reminded_of(self):
        case = self.case_due_in(-3)
        with at(days_from_today(-10)):
            case_decide(actor=self.olivia, case=case, action="start_review")
            raise_finding(ProvenanceDeclaration.objects.get(pk=case.filing_id), self.olivia)
            case_decide(
                actor=self.olivia,
                case=Case.objects.get(pk=case.pk),
                action="request_changes",
                reason="See the findings",
            )
        self.assertEqual(review_deadlines_remind(TODAY), 0)
        self.assertIs(reminders().exists(), False)

    def test_a_clock_restarted_with_a_new_due_date_is_reminded_again(self):
        case = self.case_due_in(3)
        review_deadlines_remind(TODAY)
        declaration = ProvenanceDeclaration.objects.get(pk=case.filing_id)
        with at(TODAY):
            case_decide(actor=self.olivia, case=case, action="start_review")
            raise_finding(declaration, self.olivia)
            case_decide(
                actor=self.olivia,
                case=Case.objects.get(pk=case.pk),
                action="request_changes",
                reason="See the findings",
            )
        with at(days_from_today(4)):
            declaration_submit(
                actor=self.alice, declaration=declaration, expected_lock_version=None
            )
        restarted = Case.objects.get(pk=case.pk)
        self.assertEqual(restarted.due_on, days_from_today(7))
        review_deadlines_remind(days_from_today(4))
        self.assertEqual(
            sorted(set(reminders().values_list("key", flat=True))),
            [
                f"review-due-soon:{case.pk}:{days_from_today(3)}:{self.diana.pk}",
                f"review-due-soon:{case.pk}:{days_from_today(3)}:{self.dora.pk}",
                f"review-due-soon:{case.pk}:{days_from_today(7)}:{self.diana.pk}",
                f"review-due-soon:{case.pk}:{days_from_today(7)}:{self.dora.pk}",
            ],
        )

    def test_a_decided_case_is_not_reminded_of(self):
        case = self.case_due_in(1)
        case_decide(actor=self.olivia, case=case, action="start_review")
        case_decide(
            actor=self.diana, case=Case.objects.get(pk=case.pk), action="reject", reason="No"
        )
        self.assertEqual(review_deadlines_remind(TODAY), 0)

    def test_the_reads_are_two_queries_however_many_cases(self):
        for days in (5, 3, 0, -2):
            self.case_due_in(days)
        with CaptureQueriesContext(connection) as queries:
            written = review_deadlines_remind(TODAY)
        self.assertEqual(written, 8)
        # The decision makers; the cases due, with their providers and assignees.
        self.assertEqual(len(outside_the_outbox(queries)), 2, outside_the_outbox(queries))

    def test_the_due_soon_email(self):
        case = self.case_due_in(5, model_name="Acme <Mini> & Co")
        case_assign(actor=self.olivia, case=case, assignee=self.olivia)
        with self.captureOnCommitCallbacks(execute=True):
            review_deadlines_remind(TODAY)
        message = next(m for m in mail.outbox if m.to == [self.olivia.email])
        self.assertEqual(
            message.subject, f"Review due in 5 days: {case.reference}, Acme <Mini> & Co 1.0"
        )
        self.assertIn(
            f"The statutory review of {case.reference}, Acme <Mini> & Co 1.0 from Acme "
            "Intelligence Ltd, is due on 15 June 2026, in 5 days.",
            message.body,
        )
        self.assertIn("It is assigned to Olivia Officer.", message.body)
        self.assertIn("Reach a decision by then, or request changes", message.body)
        case_url = settings.SITE_URL + reverse("review:case", args=[case.pk])
        self.assertIn(case_url, message.body)
        html = message.alternatives[0][0]
        self.assertIn("Acme &lt;Mini&gt; &amp; Co 1.0", html)
        self.assertNotIn("<Mini>", html)
        self.assertIn(f'href="{case_url}"', html)
        self.assertIn("<strong>15 June 2026</strong>, in 5 days", html)

    def test_the_overdue_email(self):
        case = self.case_due_in(-3)
        with self.captureOnCommitCallbacks(execute=True):
            review_deadlines_remind(TODAY)
        message = mail.outbox[0]
        self.assertEqual(message.subject, f"Review overdue: {case.reference}, {case.subject}")
        self.assertIn("was due on 7 June 2026, 3 days ago. It is overdue.", message.body)
        self.assertIn("It is not assigned to anyone yet.", message.body)
        self.assertIn("as soon as you can", message.body)
        self.assertIn("7 June 2026</strong>, 3 days ago", message.alternatives[0][0])


# --- Annual re-declaration


class RedeclarationTests(ReminderTestCase):
    def accepted_due_in(self, days: int, provider=None, submitter=None, **model_fields):
        """A model whose declaration was accepted so that re-declaration falls due `days` from
        TODAY."""
        accepted_on = months_before(days_from_today(days), settings.REDECLARATION_MONTHS)
        model = AIModelFactory(provider=provider or self.acme, **model_fields)
        with at(accepted_on):
            return publish(self, complete_declaration(model=model, sources=1), submitter)

    def thresholds_by_model(self) -> dict[int, set[str]]:
        """Each model's reminders, by threshold: "30", "7" or "overdue"."""
        found: dict[int, set[str]] = {}
        for key in reminders().values_list("key", flat=True):
            _, model_id, _, threshold, _ = key.split(":")
            found.setdefault(int(model_id), set()).add(threshold)
        return found

    def test_30_days_before_7_days_before_and_overdue_the_day_after(self):
        declarations = {days: self.accepted_due_in(days) for days in (31, 30, 29, 8, 7, 1, 0, -1)}
        redeclarations_remind(TODAY)
        self.assertEqual(
            self.thresholds_by_model(),
            {
                # Run late, or first told within the month: the 30-day reminder, then.
                declarations[30].model_id: {"30"},
                declarations[29].model_id: {"30"},
                declarations[8].model_id: {"30"},
                # Within 7 days, only the 7-day one: the 30-day one would come too late.
                declarations[7].model_id: {"7"},
                declarations[1].model_id: {"7"},
                declarations[0].model_id: {"7"},
                declarations[-1].model_id: {"overdue"},
            },
        )
        self.assertEqual(
            set(reminders().values_list("kind", flat=True)),
            {Kind.REDECLARATION_DUE, Kind.REDECLARATION_OVERDUE},
        )

    def test_day_by_day_one_reminder_at_each_threshold(self):
        model_id = self.accepted_due_in(40).model_id
        sent = day_by_day(redeclarations_remind, days_from_today(40), range(-40, 5))
        self.assertEqual(
            sent,
            {
                30: {f"redeclaration:{model_id}:2026-07-20:30"},
                7: {f"redeclaration:{model_id}:2026-07-20:7"},
                -1: {f"redeclaration:{model_id}:2026-07-20:overdue"},
            },
        )

    def test_a_run_twice_on_the_same_day_writes_and_sends_one_reminder(self):
        self.accepted_due_in(7)
        with self.captureOnCommitCallbacks(execute=True):
            mail.outbox = []
            first = redeclarations_remind(TODAY)
            second = redeclarations_remind(TODAY)
        self.assertEqual((first, second), (2, 0))
        self.assertEqual(reminders().count(), 2)
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox), [self.alice.email, self.bob.email]
        )

    def test_the_owners_and_submitters_of_its_provider_are_reminded(self):
        self.accepted_due_in(7)
        self.accepted_due_in(30, provider=self.beta, submitter=self.charlie)
        redeclarations_remind(TODAY)
        # Not victor (a viewer), nor a submitter who has left; charlie only of Beta's model.
        self.assertEqual(
            self.recipients(Kind.REDECLARATION_DUE),
            [self.alice.email, self.bob.email, self.charlie.email],
        )
        self.assertEqual(
            list(reminders().filter(recipient=self.charlie).values_list("link", flat=True)),
            [reverse("declarations:model", args=[self.beta.models.get().pk])],
        )

    def test_no_reminder_while_a_newer_declaration_is_with_the_regulator(self):
        accepted = self.accepted_due_in(5)
        newer = complete_declaration(model=accepted.model, sources=1)
        declaration_submit(actor=self.bob, declaration=newer, expected_lock_version=None)
        self.assertEqual(redeclarations_remind(TODAY), 0)

    def test_a_newer_declaration_still_in_draft_does_not_stop_the_reminder(self):
        accepted = self.accepted_due_in(5)
        complete_declaration(model=accepted.model, sources=1)
        self.assertEqual(redeclarations_remind(TODAY), 2)

    def test_a_withdrawn_declaration_is_not_reminded_of(self):
        declaration = self.accepted_due_in(5)
        withdraw(self, declaration, "No longer offered in the UK")
        self.assertEqual(redeclarations_remind(TODAY), 0)

    def test_a_newly_accepted_declaration_starts_a_new_year(self):
        old = self.accepted_due_in(-1)
        newer = complete_declaration(model=old.model, sources=1)
        with at(TODAY):
            publish(self, newer)
        self.assertEqual(redeclarations_remind(TODAY), 0)

    def test_the_reads_are_two_queries_however_many_models(self):
        for days in (30, 7, -1):
            self.accepted_due_in(days)
        with CaptureQueriesContext(connection) as queries:
            written = redeclarations_remind(TODAY)
        self.assertEqual(written, 6)
        # The declarations due, with models and providers; their owners and submitters.
        self.assertEqual(len(outside_the_outbox(queries)), 2, outside_the_outbox(queries))

    def test_the_due_email(self):
        declaration = self.accepted_due_in(7, name="Acme <Mini> & Co")
        model = declaration.model
        with self.captureOnCommitCallbacks(execute=True):
            mail.outbox = []
            redeclarations_remind(TODAY)
        message = next(m for m in mail.outbox if m.to == [self.alice.email])
        self.assertEqual(message.subject, "Re-declaration due in 7 days: Acme <Mini> & Co 1.0")
        self.assertIn(
            f"Your provenance declaration of Acme <Mini> & Co 1.0 ({model.registration_number}) "
            "was accepted on 17 June 2025. Each model on the register must be declared again "
            "every 12 months, so its next declaration is due on 17 June 2026, in 7 days.",
            message.body,
        )
        self.assertIn("Sign the statement of truth and submit it by 17 June 2026.", message.body)
        model_url = settings.SITE_URL + reverse("declarations:model", args=[model.pk])
        self.assertIn(model_url, message.body)
        html = message.alternatives[0][0]
        self.assertIn("Acme &lt;Mini&gt; &amp; Co 1.0", html)
        self.assertNotIn("<Mini>", html)
        self.assertIn(f'href="{model_url}"', html)

    def test_the_overdue_email(self):
        declaration = self.accepted_due_in(-2)
        with self.captureOnCommitCallbacks(execute=True):
            mail.outbox = []
            redeclarations_remind(TODAY)
        message = mail.outbox[0]
        self.assertEqual(
            message.subject,
            f"Re-declaration overdue: {declaration.model.name} {declaration.model.version}",
        )
        self.assertIn(
            "its next declaration was due on 8 June 2026, 2 days ago. It is overdue, and the "
            "model is on the regulator's list of overdue re-declarations.",
            message.body,
        )
        self.assertIn("Declare it again as soon as you can", message.body)


class RedeclarationDueDateTests(ReminderTestCase):
    def test_a_declaration_accepted_on_29_february_is_due_on_28_february(self):
        # 30 days before 28 February is the first day it is reminded of, as the console dates it.
        model = AIModelFactory(provider=self.acme)
        with at(date(2028, 2, 29)):
            publish(self, complete_declaration(model=model, sources=1))
        self.assertEqual(redeclarations_remind(date(2029, 1, 28)), 0)
        self.assertEqual(redeclarations_remind(date(2029, 1, 29)), 2)
        self.assertEqual(
            {key.rsplit(":", 1)[0] for key in reminders().values_list("key", flat=True)},
            {f"redeclaration:{model.pk}:2029-02-28:30"},
        )


# --- Red-teaming


class RedTeamTests(ReminderTestCase):
    def accepted_with_red_team_due_in(self, days: int, provider=None, submitter=None, **fields):
        """A model's accepted declaration whose red-teaming is next due `days` from TODAY."""
        declaration = complete_declaration(
            model=AIModelFactory(provider=provider or self.acme, **fields), sources=1
        )
        declaration.red_team_attestations.update(
            performed_on=date(2025, 9, 1), next_due=days_from_today(days)
        )
        return publish(self, declaration, submitter)

    def thresholds_by_attestation(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for key in reminders(Kind.RED_TEAM_DUE).values_list("key", flat=True):
            _, attestation_id, _, threshold, _ = key.split(":")
            found.setdefault(int(attestation_id), set()).add(threshold)
        return found

    def test_30_days_before_and_7_days_before_and_nothing_once_passed(self):
        attestations = {
            days: self.accepted_with_red_team_due_in(days).red_team_attestations.get().pk
            for days in (31, 30, 29, 8, 7, 0, -1)
        }
        red_team_remind(TODAY)
        self.assertEqual(
            self.thresholds_by_attestation(),
            {
                attestations[30]: {"30"},
                attestations[29]: {"30"},
                attestations[8]: {"30"},
                attestations[7]: {"7"},
                attestations[0]: {"7"},
            },
        )

    def test_day_by_day_one_reminder_at_each_threshold(self):
        declaration = self.accepted_with_red_team_due_in(35)
        attestation = declaration.red_team_attestations.get()
        sent = day_by_day(red_team_remind, days_from_today(35), range(-36, 3))
        self.assertEqual(
            sent,
            {
                30: {f"red-team:{attestation.pk}:2026-07-15:30"},
                7: {f"red-team:{attestation.pk}:2026-07-15:7"},
            },
        )

    def test_a_run_twice_on_the_same_day_writes_and_sends_one_reminder(self):
        self.accepted_with_red_team_due_in(20)
        with self.captureOnCommitCallbacks(execute=True):
            mail.outbox = []
            first = red_team_remind(TODAY)
            second = red_team_remind(TODAY)
        self.assertEqual((first, second), (2, 0))
        self.assertEqual(reminders().count(), 2)
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox), [self.alice.email, self.bob.email]
        )

    def test_the_owners_and_submitters_of_its_provider_are_reminded(self):
        self.accepted_with_red_team_due_in(7)
        self.accepted_with_red_team_due_in(7, provider=self.beta, submitter=self.charlie)
        red_team_remind(TODAY)
        self.assertEqual(self.recipients(), [self.alice.email, self.bob.email, self.charlie.email])

    def test_a_superseded_declaration_is_not_reminded_of(self):
        old = self.accepted_with_red_team_due_in(7)
        newer = complete_declaration(model=old.model, sources=1)
        newer.red_team_attestations.update(next_due=days_from_today(300))
        publish(self, newer)
        self.assertEqual(ProvenanceDeclaration.objects.get(pk=old.pk).status, "superseded")
        self.assertEqual(red_team_remind(TODAY), 0)

    def test_a_withdrawn_declaration_is_not_reminded_of(self):
        declaration = self.accepted_with_red_team_due_in(7)
        withdraw(self, declaration, "No longer offered in the UK")
        self.assertEqual(red_team_remind(TODAY), 0)

    def test_a_declaration_under_review_is_not_reminded_of(self):
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme), sources=1)
        declaration.red_team_attestations.update(next_due=days_from_today(7))
        declaration_submit(actor=self.alice, declaration=declaration, expected_lock_version=None)
        declaration_decide(actor=self.olivia, declaration=declaration, action="start_review")
        self.assertEqual(red_team_remind(TODAY), 0)

    def test_only_the_latest_attestation_counts(self):
        # The label shows the latest red-teaming; an earlier one's next due date is history.
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme), sources=1)
        declaration.red_team_attestations.update(
            performed_on=date(2025, 6, 20), next_due=days_from_today(7)
        )
        RedTeamAttestationFactory(
            declaration=declaration, performed_on=date(2026, 5, 1), next_due=date(2027, 5, 1)
        )
        publish(self, declaration)
        self.assertEqual(red_team_remind(TODAY), 0)
        self.assertEqual(red_team_remind(date(2027, 4, 24)), 2)

    def test_the_reads_are_two_queries_however_many_models(self):
        for days in (30, 12, 7):
            self.accepted_with_red_team_due_in(days)
        with CaptureQueriesContext(connection) as queries:
            written = red_team_remind(TODAY)
        self.assertEqual(written, 6)
        # The latest attestations due, with declarations, models and providers; the filers.
        self.assertEqual(len(outside_the_outbox(queries)), 2, outside_the_outbox(queries))

    def test_the_email(self):
        declaration = self.accepted_with_red_team_due_in(7, name="Acme <Mini> & Co")
        declaration.red_team_attestations.update(assessor="Assure <Red> & Partners LLP")
        with self.captureOnCommitCallbacks(execute=True):
            mail.outbox = []
            red_team_remind(TODAY)
        message = next(m for m in mail.outbox if m.to == [self.bob.email])
        self.assertEqual(message.subject, "Red-teaming due in 7 days: Acme <Mini> & Co 1.0")
        self.assertIn(
            f"Your accepted declaration of Acme <Mini> & Co 1.0 "
            f"({declaration.model.registration_number}) says its supply chain is next due to be "
            "red-teamed on 17 June 2026, in 7 days. The latest red-teaming was by "
            "Assure <Red> & Partners LLP on 1 September 2025.",
            message.body,
        )
        self.assertIn("Have the supply chain red-teamed again by 17 June 2026.", message.body)
        self.assertIn('Add the new attestation under "Red-teaming"', message.body)
        html = message.alternatives[0][0]
        self.assertIn("Acme &lt;Mini&gt; &amp; Co 1.0", html)
        self.assertIn("Assure &lt;Red&gt; &amp; Partners LLP", html)
        self.assertNotIn("<Red>", html)
        model_url = reverse("declarations:model", args=[declaration.model_id])
        self.assertIn(f'href="{settings.SITE_URL}{model_url}"', html)


# --- The beat's tasks, on the register's local date


class BeatTaskTests(ReminderTestCase):
    def test_the_review_task_reminds_as_of_today(self):
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme), sources=1)
        with at(days_from_today(2 - settings.REVIEW_DAYS)):
            declaration_submit(
                actor=self.alice, declaration=declaration, expected_lock_version=None
            )
        with at(TODAY):
            self.assertEqual(tasks.remind_review_deadlines(), 2)
        self.assertEqual(set(reminders().values_list("kind", flat=True)), {Kind.REVIEW_DUE_SOON})

    def test_the_redeclaration_task_reminds_as_of_today(self):
        model = AIModelFactory(provider=self.acme)
        with at(months_before(days_from_today(-1), settings.REDECLARATION_MONTHS)):
            publish(self, complete_declaration(model=model, sources=1))
        with at(TODAY):
            self.assertEqual(tasks.remind_redeclarations(), 2)
        self.assertEqual(
            set(reminders().values_list("kind", flat=True)), {Kind.REDECLARATION_OVERDUE}
        )

    def test_the_red_team_task_reminds_as_of_today(self):
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme), sources=1)
        declaration.red_team_attestations.update(next_due=days_from_today(30))
        publish(self, declaration)
        with at(TODAY):
            self.assertEqual(tasks.remind_red_team_attestations(), 2)
        with at(days_from_today(1)):
            self.assertEqual(tasks.remind_red_team_attestations(), 0)
        self.assertEqual(set(reminders().values_list("kind", flat=True)), {Kind.RED_TEAM_DUE})
