"""The lifecycle as the services run it, through the declaration spec: moves, people, snapshots."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import timedelta
from unittest import mock

from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase
from django.utils import timezone

from registry.accounts.roles import REGULATOR_GROUPS, MemberRole
from registry.audit.models import AuditEvent
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.selectors import declaration_data
from registry.declarations.services import (
    DECLARATION,
    declaration_start,
    declaration_submit,
    source_save,
    statement_sign,
)
from registry.filings import services
from registry.filings.models import FilingSnapshot, FilingTransition
from registry.filings.selectors import filing_history, filing_snapshots
from registry.filings.services import (
    filing_for_edit,
    filing_sign,
    filing_touch,
    filing_transition,
    may_edit,
    may_take,
)
from registry.filings.states import TRANSITIONS, Actor, Status, allowed
from registry.lib.canonical import canonical_json
from registry.lib.problems import ProblemsError
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    MembershipFactory,
    ProvenanceDeclarationFactory,
    UserFactory,
    complete_declaration,
    ownership_in_force,
    raise_finding,
)

# Who takes each action when the test is about something else.
TAKER = {
    "submit": "alice",
    "start_review": "olivia",
    "request_changes": "olivia",
    "accept": "diana",
    "reject": "diana",
    "supersede": None,
    "withdraw": "bob",
}
# Who may take each action; everyone else in PEOPLE is refused.
PERMITTED = {
    "submit": {"alice", "bob"},
    "start_review": {"olivia", "diana"},
    "request_changes": {"olivia", "diana"},
    "accept": {"diana"},
    "reject": {"diana"},
    "supersede": {None},
    "withdraw": {"alice", "bob"},
}
PEOPLE = ["alice", "bob", "victor", "charlie", "nadia", "olivia", "diana", "ada", None]


def codes(error: ProblemsError) -> list[str]:
    return [p.code for p in error.problems]


class FilingTestCase(PersonaTestCase):
    def person(self, name):
        return getattr(self, name) if name else None

    def declaration(self, status=Status.DRAFT, **fields) -> ProvenanceDeclaration:
        """A complete, signed declaration of a new Acme model, in the given status."""
        model = fields.pop("model", None) or AIModelFactory(provider=self.acme)
        return complete_declaration(model=model, status=status, created_by=self.alice, **fields)

    def move(self, declaration, action, actor="", reason=None, **options):
        actor = self.person(TAKER[action]) if actor == "" else actor
        if reason is None:
            reason = "Because the register says so" if TRANSITIONS[action].needs_reason else ""
        return filing_transition(
            spec=DECLARATION,
            filing_id=declaration.pk,
            action=action,
            actor=actor,
            reason=reason,
            **options,
        )

    def written(self) -> tuple[int, int, int]:
        """How many transitions, snapshots and audit events exist."""
        return (
            FilingTransition.objects.count(),
            FilingSnapshot.objects.count(),
            AuditEvent.objects.count(),
        )

    def assertRefused(self, code, declaration, call):
        """The call raises one problem with this code and writes nothing at all."""
        before = self.written()
        status, lock_version = declaration.status, declaration.lock_version
        with self.assertRaises(ProblemsError) as raised:
            call()
        self.assertEqual(codes(raised.exception), [code])
        declaration.refresh_from_db()
        self.assertEqual((declaration.status, declaration.lock_version), (status, lock_version))
        self.assertEqual(self.written(), before)
        return raised.exception


class EveryActionOnEveryStatusTests(FilingTestCase):
    def test_allowed_moves_change_status_and_record_the_move_and_the_audit_event(self):
        for action, transition in TRANSITIONS.items():
            for status in sorted(transition.sources):
                with self.subTest(action=action, status=status):
                    declaration = self.declaration(status)
                    actor = self.person(TAKER[action])
                    reason = "  Because the register says so " if transition.needs_reason else ""
                    self.move(declaration, action, reason=reason)
                    declaration.refresh_from_db()
                    self.assertEqual(declaration.status, transition.target)
                    move = FilingTransition.objects.get(
                        filing_kind="declaration", filing_id=declaration.pk
                    )
                    self.assertEqual(
                        (move.action, move.from_status, move.to_status, move.actor, move.reason),
                        (action, status, transition.target, actor, reason.strip()),
                    )
                    event = AuditEvent.objects.get(
                        action=f"declaration.{action}", target_id=str(declaration.pk)
                    )
                    self.assertEqual(event.actor, actor)
                    self.assertEqual(event.before, {"status": status})
                    self.assertEqual(event.after, {"status": transition.target})
                    self.assertEqual(event.reason, reason.strip())

    def test_refused_moves_raise_transition_not_allowed_and_change_nothing(self):
        for action in TRANSITIONS:
            for status in Status:
                if allowed(action, status):
                    continue
                with self.subTest(action=action, status=status.value):
                    declaration = self.declaration(status)
                    self.assertRefused(
                        "transition_not_allowed",
                        declaration,
                        lambda declaration=declaration, action=action: self.move(
                            declaration, action
                        ),
                    )

    def test_the_refusal_says_where_the_filing_is_and_what_cannot_happen(self):
        cases = {
            (Status.DRAFT, "start_review"): (
                "This filing is draft, so it cannot be taken into review now"
            ),
            (Status.SUBMITTED, "submit"): (
                "This filing is submitted, so it cannot be submitted now"
            ),
            (Status.CHANGES_REQUESTED, "accept"): (
                "This filing is changes requested, so it cannot be accepted now"
            ),
            (Status.WITHDRAWN, "withdraw"): (
                "This filing is withdrawn, so it cannot be withdrawn now"
            ),
            (Status.DRAFT, "request_changes"): (
                "This filing is draft, so it cannot be sent back for changes now"
            ),
        }
        for (status, action), message in cases.items():
            with self.subTest(action=action, status=status):
                declaration = self.declaration(status)
                with self.assertRaisesMessage(ProblemsError, message):
                    self.move(declaration, action)

    def test_the_dates_each_move_sets(self):
        submitted = self.move(self.declaration(Status.DRAFT), "submit")
        self.assertIsNotNone(submitted.submitted_at)
        for action in ("accept", "reject"):
            with self.subTest(action):
                decided = self.move(self.declaration(Status.UNDER_REVIEW), action)
                self.assertIsNotNone(decided.decided_at)
        withdrawn = self.move(
            self.declaration(Status.ACCEPTED), "withdraw", reason=" Model retired "
        )
        self.assertIsNotNone(withdrawn.withdrawn_at)
        self.assertEqual(withdrawn.withdrawal_reason, "Model retired")

    def test_every_move_bumps_the_lock_version(self):
        declaration = self.declaration(Status.DRAFT)
        moved = self.move(declaration, "submit")
        self.assertEqual(moved.lock_version, declaration.lock_version + 1)


class WhoMayMoveTests(FilingTestCase):
    def test_each_action_by_each_person(self):
        for action, transition in TRANSITIONS.items():
            status = sorted(transition.sources)[0]
            for name in PEOPLE:
                with self.subTest(action=action, person=name):
                    declaration = self.declaration(status)
                    if name in PERMITTED[action]:
                        moved = self.move(declaration, action, actor=self.person(name))
                        self.assertEqual(moved.status, transition.target)
                    else:
                        self.assertRefused(
                            "not_permitted",
                            declaration,
                            lambda d=declaration, a=action, n=name: self.move(
                                d, a, actor=self.person(n)
                            ),
                        )

    def test_who_is_asked_before_where_the_filing_is(self):
        # A viewer learns only that they may not, not where someone else's filing stands.
        declaration = self.declaration(Status.ACCEPTED)
        self.assertRefused(
            "not_permitted",
            declaration,
            lambda: self.move(declaration, "submit", actor=self.victor),
        )

    def test_may_edit_is_for_owners_and_submitters_of_the_filings_provider(self):
        expected = {"alice": True, "bob": True, "victor": False, "charlie": False}
        expected |= {"nadia": False, "olivia": False, "diana": False, "ada": False}
        for name, may in expected.items():
            with self.subTest(name):
                self.assertIs(may_edit(self.person(name), self.acme.pk), may)
        self.assertIs(may_edit(self.charlie, self.beta.pk), True)

    def test_may_take_by_kind_of_actor(self):
        cases = [
            (Actor.SYSTEM, None, True),
            (Actor.SYSTEM, "diana", False),
            (Actor.PROVIDER, None, False),
            (Actor.REGULATOR, None, False),
            (Actor.REGULATOR, "olivia", True),
            (Actor.REGULATOR, "alice", False),
            (Actor.DECISION_MAKER, "olivia", False),
            (Actor.DECISION_MAKER, "diana", True),
            (Actor.DECISION_MAKER, "ada", False),
        ]
        for who, name, may in cases:
            with self.subTest(who=who, person=name):
                self.assertIs(may_take(self.person(name), who, self.acme.pk), may)


class ReasonTests(FilingTestCase):
    def test_moves_that_need_a_reason_refuse_a_blank_one(self):
        needing = [a for a, t in TRANSITIONS.items() if t.needs_reason]
        self.assertEqual(needing, ["request_changes", "accept", "reject", "withdraw"])
        for action in needing:
            status = sorted(TRANSITIONS[action].sources)[0]
            for reason in ("", "   \n"):
                with self.subTest(action=action, reason=reason):
                    declaration = self.declaration(status)
                    error = self.assertRefused(
                        "reason_required",
                        declaration,
                        lambda d=declaration, a=action, r=reason: self.move(d, a, reason=r),
                    )
                    self.assertEqual(error.problems[0].field, "reason")
                    self.assertEqual(error.problems[0].message, "Give a reason")

    def test_moves_that_need_no_reason_keep_one_if_given(self):
        declaration = self.declaration(Status.SUBMITTED)
        self.move(declaration, "start_review", reason="Picked up from the queue")
        self.assertEqual(
            FilingTransition.objects.get(filing_id=declaration.pk).reason,
            "Picked up from the queue",
        )


class SubmitTests(FilingTestCase):
    def snapshot(self, declaration, submission=1) -> FilingSnapshot:
        return FilingSnapshot.objects.get(
            filing_kind="declaration", filing_id=declaration.pk, submission=submission
        )

    def test_submit_freezes_the_whole_declaration_as_canonical_json_with_its_sha256(self):
        declaration = self.declaration(Status.DRAFT)
        expected = canonical_json(declaration_data(declaration))
        declaration_submit(
            actor=self.bob, declaration=declaration, expected_lock_version=declaration.lock_version
        )
        snapshot = self.snapshot(declaration)
        self.assertEqual(snapshot.content, expected)
        self.assertEqual(snapshot.sha256, hashlib.sha256(expected.encode()).hexdigest())
        self.assertEqual(
            (snapshot.filing_version, snapshot.submission, snapshot.submitted_by),
            (declaration.version, 1, self.bob),
        )
        content = json.loads(snapshot.content)
        self.assertEqual(content["reference"], declaration.reference)
        self.assertEqual(
            [s["name"] for s in content["sources"]], ["Source 1", "Source 2", "Source 3"]
        )
        self.assertEqual(content["signatory_name"], "Alice Owner")

    def test_each_submission_is_kept_and_numbered_and_the_first_never_changes(self):
        declaration = self.declaration(Status.DRAFT)
        self.move(declaration, "submit")
        first = self.snapshot(declaration)
        self.move(declaration, "start_review")
        raise_finding(declaration, self.olivia)
        self.move(declaration, "request_changes", reason="Say where Source 2 came from")
        source = declaration.sources.get(name="Source 2")
        source_save(
            actor=self.alice,
            declaration=declaration,
            source=source,
            values={"description": "Crawled by AcmeBot from news sites, 2023 to 2024."},
            expected_lock_version=source.lock_version,
        )
        declaration.refresh_from_db()
        statement_sign(
            actor=self.alice,
            declaration=declaration,
            name="Alice Owner",
            role="Director",
            expected_lock_version=declaration.lock_version,
        )
        self.move(declaration, "submit")
        snapshots = list(filing_snapshots("declaration", declaration.pk))
        self.assertEqual([s.submission for s in snapshots], [1, 2])
        self.assertEqual(snapshots[0].content, first.content)
        self.assertEqual(snapshots[0].sha256, first.sha256)
        self.assertNotEqual(snapshots[1].sha256, first.sha256)
        self.assertIn("Crawled by AcmeBot", snapshots[1].content)
        self.assertNotIn("Crawled by AcmeBot", snapshots[0].content)

    def test_the_submit_gate_refuses_an_invalid_declaration_and_writes_nothing(self):
        cases = {
            "unsigned": (self.declaration(signed_at=None), ["statement_not_confirmed"]),
            "no sources": (self.declaration(sources=0), ["sources_required"]),
        }
        shares = self.declaration()
        shares.sources.update(share_percent=70)
        cases["shares 210%"] = (shares, ["shares_total"])
        for name, (declaration, expected) in cases.items():
            with self.subTest(name):
                before = self.written()
                with self.assertRaises(ProblemsError) as raised:
                    self.move(declaration, "submit")
                self.assertEqual(codes(raised.exception), expected)
                declaration.refresh_from_db()
                self.assertEqual(declaration.status, Status.DRAFT)
                self.assertIsNone(declaration.submitted_at)
                self.assertEqual(self.written(), before)

    def test_a_submit_from_a_page_opened_before_a_change_is_refused(self):
        declaration = self.declaration(Status.DRAFT)
        opened_at = declaration.lock_version
        filing_touch(declaration, keep_signature=True)
        self.assertRefused(
            "stale_edit",
            declaration,
            lambda: declaration_submit(
                actor=self.alice, declaration=declaration, expected_lock_version=opened_at
            ),
        )
        declaration_submit(
            actor=self.alice, declaration=declaration, expected_lock_version=opened_at + 1
        )
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, Status.SUBMITTED)

    def test_submitting_twice_submits_once(self):
        declaration = self.declaration(Status.DRAFT)
        version = declaration.lock_version
        declaration_submit(actor=self.alice, declaration=declaration, expected_lock_version=version)
        with self.assertRaisesMessage(
            ProblemsError, "This filing is submitted, so it cannot be submitted now"
        ):
            declaration_submit(
                actor=self.alice, declaration=declaration, expected_lock_version=version
            )
        self.assertEqual(filing_snapshots("declaration", declaration.pk).count(), 1)
        self.assertEqual(filing_history("declaration", declaration.pk).count(), 1)


class AcceptanceTests(FilingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ownership_in_force(cls.acme)  # so that its declarations can be accepted

    def test_first_acceptance_numbers_the_model_and_a_later_one_supersedes_and_keeps_it(self):
        model = AIModelFactory(provider=self.acme, name="Atlas")
        first = self.declaration(Status.UNDER_REVIEW, model=model)
        self.move(first, "accept")
        model.refresh_from_db()
        number = model.registration_number
        self.assertRegex(number, r"^MOD-[0-9]{6}$")

        second = declaration_start(actor=self.alice, model=model, amend=True)
        statement_sign(
            actor=self.alice,
            declaration=second,
            name="Alice Owner",
            role="Director",
            expected_lock_version=second.lock_version,
        )
        for action in ("submit", "start_review", "accept"):
            self.move(second, action)

        first.refresh_from_db()
        second.refresh_from_db()
        model.refresh_from_db()
        self.assertEqual((first.status, second.status), (Status.SUPERSEDED, Status.ACCEPTED))
        self.assertEqual(model.registration_number, number)
        self.assertEqual(AuditEvent.objects.filter(action="model.numbered").count(), 1)
        superseded = FilingTransition.objects.get(filing_id=first.pk, action="supersede")
        self.assertEqual(
            (superseded.from_status, superseded.to_status, superseded.actor),
            (Status.ACCEPTED, Status.SUPERSEDED, None),
        )
        event = AuditEvent.objects.get(action="declaration.supersede", target_id=str(first.pk))
        self.assertEqual((event.actor, event.actor_label), (None, "system"))

    def test_numbers_are_handed_out_in_order_one_per_model(self):
        numbers = []
        for _ in range(3):
            declaration = self.declaration(Status.UNDER_REVIEW)
            self.move(declaration, "accept")
            declaration.model.refresh_from_db()
            numbers.append(int(declaration.model.registration_number[4:]))
        self.assertEqual(numbers, [numbers[0], numbers[0] + 1, numbers[0] + 2])

    def test_rejection_gives_no_number(self):
        declaration = self.declaration(Status.UNDER_REVIEW)
        self.move(declaration, "reject")
        declaration.model.refresh_from_db()
        self.assertIsNone(declaration.model.registration_number)

    def test_a_withdrawn_model_keeps_its_number_and_the_next_acceptance_does_not_renumber(self):
        model = AIModelFactory(provider=self.acme)
        first = self.declaration(Status.UNDER_REVIEW, model=model)
        self.move(first, "accept")
        self.move(first, "withdraw", reason="Model retired")
        model.refresh_from_db()
        number = model.registration_number
        second = self.declaration(Status.UNDER_REVIEW, model=model)
        self.move(second, "accept")
        model.refresh_from_db()
        first.refresh_from_db()
        self.assertEqual(model.registration_number, number)
        self.assertEqual(first.status, Status.WITHDRAWN)

    def test_if_numbering_fails_the_acceptance_is_undone(self):
        declaration = self.declaration(Status.UNDER_REVIEW)
        before = self.written()
        with (
            mock.patch(
                "registry.declarations.services.registration_number_allocate",
                side_effect=RuntimeError("sequence unavailable"),
            ),
            self.assertRaises(RuntimeError),
        ):
            self.move(declaration, "accept")
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, Status.UNDER_REVIEW)
        self.assertEqual(self.written(), before)


class AuditInSameTransactionTests(FilingTestCase):
    def test_if_the_audit_event_cannot_be_written_the_move_is_undone(self):
        declaration = self.declaration(Status.DRAFT)
        before = self.written()
        with (
            mock.patch.object(services, "record", side_effect=RuntimeError("audit down")),
            self.assertRaises(RuntimeError),
        ):
            self.move(declaration, "submit")
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, Status.DRAFT)
        self.assertEqual(self.written(), before)


class ConstraintTests(FilingTestCase):
    def test_at_most_one_open_declaration_per_model(self):
        model = AIModelFactory(provider=self.acme)
        ProvenanceDeclarationFactory(model=model, status=Status.ACCEPTED)
        ProvenanceDeclarationFactory(model=model, status=Status.DRAFT)
        for status in (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW):
            with self.subTest(status), self.assertRaises(IntegrityError), transaction.atomic():
                ProvenanceDeclarationFactory(model=model, status=status)
        self.assertEqual(model.declarations.count(), 2)

    def test_closed_declarations_may_be_many(self):
        model = AIModelFactory(provider=self.acme)
        for status in (Status.SUPERSEDED, Status.SUPERSEDED, Status.REJECTED, Status.WITHDRAWN):
            ProvenanceDeclarationFactory(model=model, status=status)
        ProvenanceDeclarationFactory(model=model, status=Status.ACCEPTED)
        ProvenanceDeclarationFactory(model=model, status=Status.CHANGES_REQUESTED)
        self.assertEqual(model.declarations.count(), 6)

    def test_at_most_one_accepted_declaration_per_model(self):
        model = AIModelFactory(provider=self.acme)
        ProvenanceDeclarationFactory(model=model, status=Status.ACCEPTED)
        second = ProvenanceDeclarationFactory(model=model, status=Status.SUPERSEDED)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ProvenanceDeclaration.objects.filter(pk=second.pk).update(status=Status.ACCEPTED)
        second.refresh_from_db()
        self.assertEqual(second.status, Status.SUPERSEDED)

    def test_the_status_must_be_one_of_the_lifecycle(self):
        declaration = ProvenanceDeclarationFactory()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ProvenanceDeclaration.objects.filter(pk=declaration.pk).update(status="approved")
        with self.assertRaises(IntegrityError), transaction.atomic():
            ProvenanceDeclarationFactory(status="")

    def test_versions_are_unique_per_model(self):
        declaration = ProvenanceDeclarationFactory(status=Status.ACCEPTED)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ProvenanceDeclarationFactory(
                model=declaration.model, version=declaration.version, status=Status.DRAFT
            )

    def test_a_submission_number_is_used_once_per_filing(self):
        declaration = self.declaration(Status.DRAFT)
        self.move(declaration, "submit")
        snapshot = FilingSnapshot.objects.get(filing_id=declaration.pk)
        with self.assertRaises(IntegrityError), transaction.atomic():
            FilingSnapshot.objects.create(
                filing_kind="declaration",
                filing_id=declaration.pk,
                filing_version=1,
                submission=1,
                submitted_by=self.alice,
                content="{}",
                sha256=snapshot.sha256,
            )


class EditingTests(FilingTestCase):
    def test_who_may_change_a_filing_in_which_status(self):
        cases = [
            ("alice", Status.DRAFT, None),
            ("bob", Status.CHANGES_REQUESTED, None),
            ("victor", Status.DRAFT, "not_permitted"),
            ("charlie", Status.DRAFT, "not_permitted"),
            ("olivia", Status.DRAFT, "not_permitted"),
            ("alice", Status.SUBMITTED, "not_editable"),
            ("alice", Status.UNDER_REVIEW, "not_editable"),
            ("alice", Status.ACCEPTED, "not_editable"),
            ("alice", Status.WITHDRAWN, "not_editable"),
        ]
        for name, status, code in cases:
            with self.subTest(person=name, status=status):
                declaration = self.declaration(status)
                if code is None:
                    locked = filing_for_edit(DECLARATION, declaration.pk, self.person(name))
                    self.assertEqual(locked.pk, declaration.pk)
                else:
                    with self.assertRaises(ProblemsError) as raised:
                        filing_for_edit(DECLARATION, declaration.pk, self.person(name))
                    self.assertEqual(codes(raised.exception), [code])

    def test_a_stale_lock_version_is_refused_with_a_clear_message(self):
        declaration = self.declaration()
        message = "Someone else changed this since you opened it. Your changes have not been saved"
        with self.assertRaisesMessage(ProblemsError, message):
            filing_for_edit(DECLARATION, declaration.pk, self.alice, declaration.lock_version - 1)
        filing_for_edit(DECLARATION, declaration.pk, self.alice, declaration.lock_version)

    def test_touching_a_filing_bumps_its_version_and_voids_the_signature(self):
        declaration = self.declaration()
        version, updated = declaration.lock_version, declaration.updated_at
        filing_touch(declaration)
        declaration.refresh_from_db()
        self.assertEqual(declaration.lock_version, version + 1)
        self.assertGreaterEqual(declaration.updated_at, updated)
        self.assertIsNone(declaration.signed_at)

    def test_touching_may_keep_the_signature(self):
        declaration = self.declaration()
        filing_touch(declaration, keep_signature=True)
        declaration.refresh_from_db()
        self.assertIsNotNone(declaration.signed_at)

    def test_signing_records_who_signed_in_what_role(self):
        declaration = self.declaration(signed_at=None, signatory_name="", signatory_role="")
        signed = filing_sign(declaration, self.bob, "  Bob Submitter ", " Head of Data ")
        signed.refresh_from_db()
        self.assertEqual(
            (signed.signatory_name, signed.signatory_role), ("Bob Submitter", "Head of Data")
        )
        self.assertIsNotNone(signed.signed_at)
        event = AuditEvent.objects.get(action="declaration.signed")
        self.assertEqual(
            event.after, {"signatory_name": "Bob Submitter", "signatory_role": "Head of Data"}
        )

    def test_signing_without_name_or_role_is_refused_and_writes_nothing(self):
        declaration = self.declaration(signed_at=None, signatory_name="", signatory_role="")
        for name, role, code in (
            ("", "Director", "signatory_name_required"),
            ("Bob", " ", "signatory_role_required"),
        ):
            with self.subTest(code):
                self.assertRefused(
                    code,
                    declaration,
                    lambda n=name, r=role: filing_sign(declaration, self.bob, n, r),
                )
                declaration.refresh_from_db()
                self.assertIsNone(declaration.signed_at)


class FilingRecordTests(FilingTestCase):
    def test_reference_and_editability(self):
        declaration = self.declaration(Status.CHANGES_REQUESTED)
        self.assertEqual(declaration.reference, f"DEC-{declaration.pk:06d}-v1")
        self.assertIs(declaration.is_editable, True)
        declaration.status = Status.SUBMITTED
        self.assertIs(declaration.is_editable, False)

    def test_the_history_lists_moves_in_order_and_knows_the_regulators_ones(self):
        declaration = self.declaration(Status.DRAFT)
        for action in ("submit", "start_review"):
            self.move(declaration, action)
        raise_finding(declaration, self.olivia)
        self.move(declaration, "request_changes", reason="More detail")
        history = list(filing_history("declaration", declaration.pk))
        self.assertEqual(
            [(m.action, m.by_regulator) for m in history],
            [("submit", False), ("start_review", True), ("request_changes", True)],
        )


class ConcurrentSubmitTests(TransactionTestCase):
    """Two people press submit at the same moment: the row lock lets exactly one through."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("SQLite locks the whole database; row locks need PostgreSQL")
        for name in REGULATOR_GROUPS:
            Group.objects.get_or_create(name=name)
        self.alice, self.bob = UserFactory(), UserFactory()
        model = AIModelFactory()
        for person in (self.alice, self.bob):
            MembershipFactory(user=person, provider=model.provider, role=MemberRole.OWNER)
        self.declaration = complete_declaration(model=model, created_by=self.alice)

    def _fixture_teardown(self):
        super()._fixture_teardown()
        # The flush took the regulator groups a migration made; tests after this one need them.
        for name in REGULATOR_GROUPS:
            Group.objects.get_or_create(name=name)

    def test_two_simultaneous_submits_submit_once(self):
        barrier = threading.Barrier(2, timeout=10)
        outcomes: dict[str, str] = {}
        freeze = services.snapshot_freeze

        def slow_freeze(*args, **kwargs):
            # Hold the row lock a moment so the other submit really waits on it.
            snapshot = freeze(*args, **kwargs)
            threading.Event().wait(0.3)
            return snapshot

        def submit(person):
            try:
                barrier.wait()
                declaration_submit(
                    actor=person,
                    declaration=self.declaration,
                    expected_lock_version=self.declaration.lock_version,
                )
                outcomes[person.email] = "submitted"
            except ProblemsError as error:
                outcomes[person.email] = ",".join(codes(error))
            finally:
                connection.close()

        with mock.patch.object(services, "snapshot_freeze", slow_freeze):
            threads = [threading.Thread(target=submit, args=(p,)) for p in (self.alice, self.bob)]
            started = timezone.now()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        self.assertLess(timezone.now() - started, timedelta(seconds=30))
        self.assertEqual(
            sorted(outcomes.values()), ["submitted", "transition_not_allowed"], outcomes
        )
        self.assertEqual(FilingSnapshot.objects.filter(filing_id=self.declaration.pk).count(), 1)
        self.assertEqual(FilingTransition.objects.filter(filing_id=self.declaration.pk).count(), 1)
        self.declaration.refresh_from_db()
        self.assertEqual(self.declaration.status, Status.SUBMITTED)


class SigningNeedsAConfirmedEmailTests(FilingTestCase):
    """`filing_sign`, where both kinds of filing sign, refuses someone whose address is unproven."""

    def unconfirmed_bob(self):
        self.bob.email_verified_at = None
        self.bob.save(update_fields=["email_verified_at"])
        return self.bob

    def test_an_unconfirmed_person_is_refused_and_nothing_is_written(self):
        bob = self.unconfirmed_bob()
        declaration = self.declaration(signed_at=None, signatory_name="", signatory_role="")
        error = self.assertRefused(
            "email_not_verified",
            declaration,
            lambda: filing_sign(declaration, bob, "Bob Submitter", "Head of Data"),
        )
        self.assertIn("Confirm your email address", error.problems[0].message)
        declaration.refresh_from_db()
        self.assertEqual((declaration.signed_at, declaration.signatory_name), (None, ""))

    def test_the_refusal_comes_with_the_statements_other_problems_in_one_round(self):
        bob = self.unconfirmed_bob()
        declaration = self.declaration(signed_at=None, signatory_name="", signatory_role="")
        with self.assertRaises(ProblemsError) as raised:
            filing_sign(declaration, bob, "", "")
        self.assertEqual(
            codes(raised.exception),
            ["email_not_verified", "signatory_name_required", "signatory_role_required"],
        )

    def test_once_the_address_is_confirmed_the_same_person_signs(self):
        bob = self.unconfirmed_bob()
        bob.email_verified_at = timezone.now()
        bob.save(update_fields=["email_verified_at"])
        declaration = self.declaration(signed_at=None, signatory_name="", signatory_role="")
        signed = filing_sign(declaration, bob, "Bob Submitter", "Head of Data")
        self.assertIsNotNone(signed.signed_at)
