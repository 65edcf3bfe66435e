"""Cases follow their filings; regulators assign, find, write, rule and decide through them."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from registry.accounts.roles import REGULATOR_GROUPS, MemberRole
from registry.audit.models import AuditEvent
from registry.declarations.services import declaration_submit
from registry.filings.models import FilingTransition
from registry.filings.selectors import latest_submission, snapshot_data
from registry.filings.states import Status
from registry.lib.problems import ProblemsError
from registry.providers.models import OwnershipStatement
from registry.providers.services import ownership_transition
from registry.review.models import Case, CaseNote, ConfidentialityRuling, Finding
from registry.review.services import (
    case_assign,
    case_decide,
    confidentiality_rule,
    finding_add,
    finding_remove,
    note_add,
)
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    DataSourceFactory,
    MembershipFactory,
    UserFactory,
    complete_declaration,
    complete_ownership_statement,
    ownership_in_force,
    regulator,
)
from tests.labels import accepted_ownership
from tests.review import offered_paths

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int):
    """Patch the clock to noon, London time, on that day."""
    moment = datetime(year, month, day, 12, tzinfo=LONDON)
    return mock.patch("django.utils.timezone.now", return_value=moment)


class ReviewTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = regulator("decision_maker", email="dora@regulator.example")

    def submitted_declaration(self, **fields):
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme), **fields)
        declaration_submit(actor=self.alice, declaration=declaration, expected_lock_version=None)
        return declaration

    def case_of(self, filing) -> Case:
        return Case.objects.get(filing_kind=filing.kind, filing_id=filing.pk)

    def under_review(self, **fields) -> Case:
        case = self.case_of(self.submitted_declaration(**fields))
        case_decide(actor=self.olivia, case=case, action="start_review")
        return self.fresh(case)

    def fresh(self, case: Case) -> Case:
        return Case.objects.get(pk=case.pk)

    def assertRefused(self, code: str, write, field: str | None = None) -> ProblemsError:
        with self.assertRaises(ProblemsError) as caught:
            write()
        self.assertEqual([p.code for p in caught.exception.problems], [code])
        if field is not None:
            self.assertEqual(caught.exception.problems[0].field, field)
        return caught.exception


class CaseFollowsItsFilingTests(ReviewTestCase):
    def test_submitting_opens_a_case_due_in_28_days_with_its_risk_flags(self):
        with at(2026, 3, 2):
            declaration = self.submitted_declaration()
        case = self.case_of(declaration)
        self.assertEqual(
            (case.status, case.provider, case.reference, case.submissions, case.assignee),
            (Status.SUBMITTED, self.acme, declaration.reference, 1, None),
        )
        self.assertEqual(case.subject, f"{declaration.model.name} 1.0")
        self.assertEqual(str(case.due_on), "2026-03-30")
        # The factory's attestation was performed on 2025-03-01: more than 12 months before.
        self.assertEqual(list(case.flags.values_list("code", flat=True)), ["red_team_overdue"])

    def test_an_ownership_statement_has_a_case_with_ownership_flags(self):
        statement = complete_ownership_statement(provider=self.acme)
        link = statement.links.first()
        link.country, link.share_percent, link.state_affiliation = "CN", 30, "state_owned"
        link.save()
        ownership_transition(actor=self.alice, statement=statement, action="submit")
        case = self.case_of(statement)
        self.assertEqual((case.filing_kind, case.subject), ("ownership", self.acme.legal_name))
        self.assertEqual(list(case.flags.values_list("code", flat=True)), ["foreign_state_control"])

    def test_the_clock_stops_for_changes_and_restarts_on_resubmission(self):
        with at(2026, 3, 2):
            case = self.under_review()
        with at(2026, 3, 12):
            finding_add(actor=self.olivia, case=case, field="sources.1", message="Say more")
            case_decide(actor=self.olivia, case=case, action="request_changes", reason="See")
        case = self.fresh(case)
        self.assertEqual(
            (case.status, case.due_on, case.clock_days_used), (Status.CHANGES_REQUESTED, None, 10)
        )
        self.assertEqual(case.days_left(), 18)
        declaration = case.filing_id
        with at(2026, 4, 20):
            filing = self.alice_resubmits(declaration)
        case = self.fresh(case)
        self.assertEqual((case.status, case.submissions), (Status.SUBMITTED, 2))
        self.assertEqual(str(case.due_on), "2026-05-08")
        self.assertEqual(case.last_submitted_at.date().isoformat(), "2026-04-20")
        self.assertEqual(filing.status, Status.SUBMITTED)

    def alice_resubmits(self, declaration_id: int):
        from registry.declarations.models import ProvenanceDeclaration

        declaration = ProvenanceDeclaration.objects.get(pk=declaration_id)
        return declaration_submit(
            actor=self.alice, declaration=declaration, expected_lock_version=None
        )

    def test_a_decision_closes_the_case(self):
        case = self.under_review()
        case_decide(actor=self.diana, case=case, action="reject", reason="Incomplete")
        case = self.fresh(case)
        self.assertEqual((case.status, case.due_on, case.is_open), (Status.REJECTED, None, False))
        self.assertIsNotNone(case.closed_at)

    def test_a_draft_has_no_case(self):
        complete_declaration(model=AIModelFactory(provider=self.acme))
        self.assertFalse(Case.objects.exists())


class RequestChangesTests(ReviewTestCase):
    def test_needs_a_finding_and_changes_nothing_without_one(self):
        case = self.under_review()
        self.assertRefused(
            "findings_required",
            lambda: case_decide(actor=self.olivia, case=case, action="request_changes", reason="x"),
        )
        self.assertEqual(self.fresh(case).status, Status.UNDER_REVIEW)

    def test_sends_the_findings_raised_since_the_last_request(self):
        case = self.under_review()
        finding = finding_add(
            actor=self.olivia, case=case, field="tdm_opt_out_measures", message="Which?"
        )
        self.assertIsNone(finding.sent_at)
        case_decide(actor=self.olivia, case=case, action="request_changes", reason="See findings")
        finding.refresh_from_db()
        self.assertIsNotNone(finding.sent_at)
        self.assertEqual(finding.submission, 1)


class DecideTests(ReviewTestCase):
    def test_only_the_regulators_four_moves(self):
        case = self.under_review()
        for action in ("submit", "withdraw", "supersede", "explode"):
            with self.subTest(action):
                self.assertRefused(
                    "decision_unknown",
                    lambda a=action: case_decide(actor=self.diana, case=case, action=a, reason="x"),
                    field="action",
                )
        self.assertEqual(self.fresh(case).status, Status.UNDER_REVIEW)


class FindingTests(ReviewTestCase):
    def test_a_finding_on_a_row_keeps_the_rows_id(self):
        case = self.under_review()
        source = Finding.objects.none()
        finding = finding_add(
            actor=self.olivia, case=case, field="sources.2.licence", message="Licence?"
        )
        from registry.declarations.models import DataSource

        source = DataSource.objects.filter(declaration_id=case.filing_id).order_by("id")[2]
        self.assertEqual((finding.field, finding.row_id), ("sources.2.licence", source.pk))
        event = AuditEvent.objects.get(action="case.finding_raised")
        self.assertEqual(event.after, {"field": "sources.2.licence", "message": "Licence?"})

    def test_a_field_the_filing_does_not_have_is_refused_by_name(self):
        case = self.under_review()
        unknown = ("colour", "sources.99.licence", "sources.0.colour", "reference", "version")
        for field in (*unknown, "sources.0.id", ""):
            with self.subTest(field=field):
                error = self.assertRefused(
                    "finding_field_unknown",
                    lambda f=field: finding_add(actor=self.olivia, case=case, field=f, message="x"),
                    field="field",
                )
                self.assertIn(field or "Nothing", error.problems[0].message)
        self.assertFalse(Finding.objects.exists())

    def test_every_field_the_console_offers_can_hold_a_finding(self):
        case = self.under_review()
        data = snapshot_data(latest_submission(case.filing_kind, case.filing_id))
        offered = offered_paths(case.filing_kind, data)
        self.assertIn("model.version", offered)
        for field in offered:
            with self.subTest(field=field):
                finding_add(actor=self.olivia, case=case, field=field, message="Check this")
        self.assertEqual(Finding.objects.filter(case=case).count(), len(offered))

    def test_a_finding_needs_a_message_and_a_case_under_review(self):
        case = self.under_review()
        self.assertRefused(
            "finding_message_required",
            lambda: finding_add(actor=self.olivia, case=case, field="sources", message="  "),
        )
        submitted = self.case_of(self.submitted_declaration())
        self.assertRefused(
            "case_not_under_review",
            lambda: finding_add(actor=self.olivia, case=submitted, field="sources", message="x"),
        )

    def test_providers_cannot_raise_findings(self):
        case = self.under_review()
        self.assertRefused(
            "not_permitted",
            lambda: finding_add(actor=self.alice, case=case, field="sources", message="x"),
        )

    def test_only_unsent_findings_can_be_removed(self):
        case = self.under_review()
        kept = finding_add(actor=self.olivia, case=case, field="sources", message="Kept")
        dropped = finding_add(actor=self.olivia, case=case, field="languages", message="Dropped")
        finding_remove(actor=self.olivia, finding=dropped)
        case_decide(actor=self.olivia, case=case, action="request_changes", reason="See")
        kept.refresh_from_db()
        self.assertRefused(
            "finding_not_removable", lambda: finding_remove(actor=self.olivia, finding=kept)
        )
        self.assertEqual(list(Finding.objects.values_list("message", flat=True)), ["Kept"])
        self.assertTrue(AuditEvent.objects.filter(action="case.finding_removed").exists())


class AcceptTests(ReviewTestCase):
    def setUp(self):
        super().setUp()
        # A label says who controls its provider: Acme's ownership statement is accepted.
        accepted_ownership(self, links=[{}])

    def test_a_declaration_waits_for_its_providers_ownership_statement(self):
        OwnershipStatement.objects.filter(provider=self.acme).delete()
        case = self.under_review()
        self.assertRefused(
            "ownership_not_accepted",
            lambda: case_decide(actor=self.diana, case=case, action="accept", reason="Fine"),
        )
        self.assertEqual(self.fresh(case).status, Status.UNDER_REVIEW)

    def test_a_case_officer_cannot_accept(self):
        case = self.under_review()
        self.assertRefused(
            "not_permitted",
            lambda: case_decide(actor=self.olivia, case=case, action="accept", reason="Fine"),
        )
        self.assertEqual(self.fresh(case).status, Status.UNDER_REVIEW)

    def test_four_eyes_whoever_raised_findings_does_not_accept(self):
        case = self.under_review()
        finding_add(actor=self.diana, case=case, field="sources", message="Check the mix")
        case_decide(actor=self.diana, case=case, action="request_changes", reason="See")
        self.alice_resubmits(case)
        case_decide(actor=self.olivia, case=case, action="start_review")
        self.assertRefused(
            "four_eyes",
            lambda: case_decide(actor=self.diana, case=case, action="accept", reason="Now fine"),
        )
        self.assertEqual(self.fresh(case).status, Status.UNDER_REVIEW)
        case_decide(actor=self.dora, case=case, action="accept", reason="Now fine")
        self.assertEqual(self.fresh(case).status, Status.ACCEPTED)

    def alice_resubmits(self, case: Case) -> None:
        from registry.declarations.models import ProvenanceDeclaration

        declaration = ProvenanceDeclaration.objects.get(pk=case.filing_id)
        declaration_submit(actor=self.alice, declaration=declaration, expected_lock_version=None)

    def test_every_confidentiality_claim_must_be_decided_first(self):
        case = self.under_review()
        from registry.declarations.models import ProvenanceDeclaration

        declaration = ProvenanceDeclaration.objects.get(pk=case.filing_id)
        claims = [
            DataSourceFactory(
                declaration=declaration,
                confidential=True,
                confidentiality_reason="Customer names",
                share_percent=0,
            )
            for _ in range(2)
        ]
        error = self.assertRefused(
            "confidentiality_undecided",
            lambda: case_decide(actor=self.diana, case=case, action="accept", reason="Fine"),
        )
        self.assertIn("2 claims", error.problems[0].message)
        confidentiality_rule(
            actor=self.olivia, case=case, source=claims[0], accepted=True, reason="Sensitive"
        )
        confidentiality_rule(
            actor=self.olivia, case=case, source=claims[1], accepted=False, reason="Public data"
        )
        case_decide(actor=self.diana, case=case, action="accept", reason="Fine")
        self.assertEqual(self.fresh(case).status, Status.ACCEPTED)
        self.assertEqual(
            sorted(ConfidentialityRuling.objects.values_list("accepted", flat=True)), [False, True]
        )

    def test_two_decisions_on_one_case_the_second_is_told(self):
        case = self.under_review()
        case_decide(actor=self.diana, case=case, action="accept", reason="Fine")
        error = self.assertRefused(
            "transition_not_allowed",
            lambda: case_decide(actor=self.dora, case=case, action="reject", reason="No"),
        )
        self.assertIn("accepted, so it cannot be rejected now", error.problems[0].message)
        self.assertEqual(self.fresh(case).status, Status.ACCEPTED)


class RulingTests(ReviewTestCase):
    def claim(self, case: Case):
        from registry.declarations.models import ProvenanceDeclaration

        declaration = ProvenanceDeclaration.objects.get(pk=case.filing_id)
        return DataSourceFactory(
            declaration=declaration, confidential=True, confidentiality_reason="Names customers"
        )

    def test_a_ruling_needs_a_reason_and_a_claim(self):
        case = self.under_review()
        source = self.claim(case)
        self.assertRefused(
            "ruling_reason_required",
            lambda: confidentiality_rule(
                actor=self.olivia, case=case, source=source, accepted=True, reason=" "
            ),
        )
        plain = DataSourceFactory(declaration_id=case.filing_id)
        self.assertRefused(
            "ruling_not_claimed",
            lambda: confidentiality_rule(
                actor=self.olivia, case=case, source=plain, accepted=True, reason="x"
            ),
        )
        self.assertFalse(ConfidentialityRuling.objects.exists())

    def test_a_second_ruling_replaces_the_first_and_both_are_audited(self):
        case = self.under_review()
        source = self.claim(case)
        confidentiality_rule(actor=self.olivia, case=case, source=source, accepted=True, reason="a")
        confidentiality_rule(actor=self.diana, case=case, source=source, accepted=False, reason="b")
        ruling = ConfidentialityRuling.objects.get()
        self.assertEqual(
            (ruling.accepted, ruling.reason, ruling.decided_by), (False, "b", self.diana)
        )
        self.assertEqual(AuditEvent.objects.filter(action="case.confidentiality_ruled").count(), 2)


class AssignAndNoteTests(ReviewTestCase):
    def test_assign_to_oneself_a_colleague_or_nobody(self):
        case = self.under_review()
        case_assign(actor=self.olivia, case=case, assignee=self.olivia)
        case_assign(actor=self.olivia, case=case, assignee=self.diana)
        self.assertEqual(self.fresh(case).assignee, self.diana)
        case_assign(actor=self.diana, case=case, assignee=None)
        self.assertIsNone(self.fresh(case).assignee)
        moves = AuditEvent.objects.filter(action="case.assigned").order_by("id")
        self.assertEqual(
            [e.after["assignee"] for e in moves], [self.olivia.email, self.diana.email, None]
        )

    def test_only_regulators_hold_cases_and_closed_cases_are_not_reassigned(self):
        case = self.under_review()
        self.assertRefused(
            "assignee_not_regulator",
            lambda: case_assign(actor=self.olivia, case=case, assignee=self.alice),
        )
        case_decide(actor=self.diana, case=case, action="reject", reason="No")
        self.assertRefused(
            "case_closed", lambda: case_assign(actor=self.olivia, case=case, assignee=self.olivia)
        )

    def test_notes_stay_out_of_the_audit_text_and_messages_are_recorded(self):
        case = self.under_review()
        note_add(actor=self.olivia, case=case, kind="note", body="SENTINEL internal view")
        note_add(actor=self.olivia, case=case, kind="message", body="Please call us")
        self.assertEqual(
            list(CaseNote.objects.values_list("kind", "body")),
            [("note", "SENTINEL internal view"), ("message", "Please call us")],
        )
        trail = list(
            AuditEvent.objects.filter(action__startswith="case.").values("action", "after")
        )
        self.assertNotIn("SENTINEL", str(trail))
        self.assertIn({"action": "case.message_sent", "after": {"body": "Please call us"}}, trail)

    def test_a_note_needs_a_kind_and_a_body(self):
        case = self.under_review()
        self.assertRefused(
            "note_kind_invalid",
            lambda: note_add(actor=self.olivia, case=case, kind="gossip", body="x"),
        )
        self.assertRefused(
            "note_body_required",
            lambda: note_add(actor=self.olivia, case=case, kind="note", body=""),
        )


class DueDateTests(ReviewTestCase):
    def test_overdue_once_the_due_date_has_passed(self):
        case = self.under_review()
        case.due_on = timezone.localdate() - timedelta(days=1)
        self.assertIs(case.is_overdue, True)
        case.due_on = timezone.localdate()
        self.assertIs(case.is_overdue, False)


class ConcurrentDecisionTests(TransactionTestCase):
    """Two decision makers decide one case at the same moment: one wins, the other is told."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("SQLite locks the whole database; row locks need PostgreSQL")
        for name in REGULATOR_GROUPS:
            Group.objects.get_or_create(name=name)
        owner = UserFactory()
        model = AIModelFactory()
        MembershipFactory(user=owner, provider=model.provider, role=MemberRole.OWNER)
        ownership_in_force(model.provider)  # so that the declaration can be accepted
        declaration = complete_declaration(model=model, created_by=owner)
        declaration_submit(actor=owner, declaration=declaration, expected_lock_version=None)
        self.case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        case_decide(actor=regulator("case_officer"), case=self.case, action="start_review")
        self.deciders = [regulator("decision_maker"), regulator("decision_maker")]

    def _fixture_teardown(self):
        super()._fixture_teardown()
        # The flush took the regulator groups a migration made; tests after this one need them.
        for name in REGULATOR_GROUPS:
            Group.objects.get_or_create(name=name)

    def test_one_decision_wins_and_the_other_changes_nothing(self):
        barrier = threading.Barrier(2, timeout=10)
        outcomes: dict[str, str] = {}

        def decide(person, action):
            try:
                barrier.wait()
                case_decide(actor=person, case=self.case, action=action, reason="Decided")
                outcomes[action] = "done"
            except ProblemsError as error:
                outcomes[action] = ",".join(p.code for p in error.problems)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=(person, action))
            for person, action in zip(self.deciders, ("accept", "reject"), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(outcomes.values()), ["done", "transition_not_allowed"], outcomes)
        winner = next(action for action, outcome in outcomes.items() if outcome == "done")
        case = Case.objects.get(pk=self.case.pk)
        self.assertEqual(case.status, {"accept": "accepted", "reject": "rejected"}[winner])
        decisions = FilingTransition.objects.filter(
            filing_id=self.case.filing_id, action__in=["accept", "reject"]
        )
        self.assertEqual(decisions.count(), 1)
