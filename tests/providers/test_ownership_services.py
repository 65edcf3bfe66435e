"""Writes for ownership statements: starting, links, signing, discarding and the lifecycle."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from unittest import mock

from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.audit.models import AuditEvent
from registry.filings import services as filing_services
from registry.filings.models import FilingSnapshot, FilingTransition
from registry.filings.states import OPEN, Status
from registry.lib.canonical import canonical_json
from registry.lib.problems import ProblemsError
from registry.providers.models import InvestmentLink, OwnershipStatement
from registry.providers.selectors import (
    accepted_ownership_statement,
    open_ownership_statement,
    ownership_data,
)
from registry.providers.services import (
    link_remove,
    link_save,
    ownership_discard,
    ownership_sign,
    ownership_start,
    ownership_transition,
)
from tests.base import PersonaTestCase
from tests.factories import (
    InvestmentLinkFactory,
    OwnershipStatementFactory,
    complete_ownership_statement,
    raise_finding,
)
from tests.providers.test_ownership_validation import VALID_LINK


def codes(error: ProblemsError) -> list[str]:
    return [p.code for p in error.problems]


class OwnershipTestCase(PersonaTestCase):
    def statement(self, status=Status.DRAFT, links=2, **fields) -> OwnershipStatement:
        return complete_ownership_statement(
            provider=self.acme, links=links, status=status, created_by=self.alice, **fields
        )

    def written(self) -> dict[str, int]:
        tables = (OwnershipStatement, InvestmentLink, FilingSnapshot, FilingTransition, AuditEvent)
        return {table.__name__: table.objects.count() for table in tables}

    def assertRefused(self, expected_codes, call, statement=None):
        """The call raises these problems and writes nothing, not even an audit event."""
        before = self.written()
        state = (statement.status, statement.lock_version) if statement else None
        with self.assertRaises(ProblemsError) as raised:
            call()
        self.assertEqual(codes(raised.exception), expected_codes)
        self.assertEqual(self.written(), before)
        if statement is not None:
            statement.refresh_from_db()
            self.assertEqual((statement.status, statement.lock_version), state)
        return raised.exception

    def move(self, statement, action, actor, reason=""):
        return ownership_transition(actor=actor, statement=statement, action=action, reason=reason)


class StartTests(OwnershipTestCase):
    def test_a_blank_first_version(self):
        statement = ownership_start(actor=self.bob, provider=self.acme, amend=False)
        self.assertEqual(
            (statement.version, statement.status, statement.created_by, statement.amends),
            (1, Status.DRAFT, self.bob, None),
        )
        self.assertFalse(statement.links.exists())
        self.assertEqual(open_ownership_statement(self.acme), statement)
        event = AuditEvent.objects.get(action="ownership.started")
        self.assertEqual(event.after, {"version": 1, "amends": None})

    def test_viewers_other_providers_and_regulators_may_not_start(self):
        for person in (self.victor, self.charlie, self.olivia, self.nadia):
            with self.subTest(person.email):
                self.assertRefused(
                    ["not_permitted"],
                    lambda p=person: ownership_start(actor=p, provider=self.acme, amend=False),
                )

    def test_refused_while_a_statement_is_open(self):
        for status in sorted(OPEN):
            with self.subTest(status):
                open_one = self.statement(status)
                for amend in (False, True):
                    self.assertRefused(
                        ["open_filing_exists"],
                        lambda a=amend: ownership_start(
                            actor=self.alice, provider=self.acme, amend=a
                        ),
                    )
                OwnershipStatement.objects.filter(pk=open_one.pk).update(status=Status.REJECTED)

    def test_nothing_to_amend_until_a_version_is_accepted(self):
        self.statement(Status.REJECTED)
        self.assertRefused(
            ["nothing_to_amend"],
            lambda: ownership_start(actor=self.alice, provider=self.acme, amend=True),
        )
        self.assertEqual(
            ownership_start(actor=self.alice, provider=self.acme, amend=False).version, 2
        )

    def test_an_amendment_copies_every_link_but_not_the_signature(self):
        accepted = self.statement(Status.ACCEPTED, links=3)
        amendment = ownership_start(actor=self.alice, provider=self.acme, amend=True)
        self.assertEqual((amendment.version, amendment.amends), (2, accepted))
        self.assertEqual((amendment.signatory_name, amendment.signed_at), ("", None))
        old, new = ownership_data(accepted)["links"], ownership_data(amendment)["links"]

        def without_ids(links):
            return [{k: v for k, v in link.items() if k != "id"} for link in links]

        self.assertEqual(without_ids(new), without_ids(old))
        self.assertFalse({link["id"] for link in new} & {link["id"] for link in old})
        self.assertEqual(set(amendment.links.values_list("lock_version", flat=True)), {1})
        self.assertEqual(accepted.links.count(), 3)


class LinkTests(OwnershipTestCase):
    def test_adding_a_link_voids_the_signature_and_is_audited(self):
        statement = self.statement()
        version = statement.lock_version
        link = link_save(actor=self.bob, statement=statement, values=VALID_LINK)
        link.refresh_from_db()
        self.assertEqual(
            (link.investor_name, link.share_percent, link.share_band),
            ("Northern Ventures LP", Decimal("12.5"), "10_25"),
        )
        statement.refresh_from_db()
        self.assertEqual(statement.lock_version, version + 1)
        self.assertIsNone(statement.signed_at)
        event = AuditEvent.objects.get(action="ownership.link_saved")
        self.assertEqual(
            (event.before, event.after["investor_name"]), (None, "Northern Ventures LP")
        )

    def test_changing_a_link_keeps_what_was_not_sent_and_checks_its_version(self):
        statement = self.statement()
        link = statement.links.first()
        changed = link_save(
            actor=self.alice,
            statement=statement,
            link=link,
            values={"state_affiliation": "state_owned"},
            expected_lock_version=link.lock_version,
        )
        self.assertEqual(
            (changed.investor_name, changed.state_affiliation, changed.lock_version),
            (link.investor_name, "state_owned", link.lock_version + 1),
        )
        statement.refresh_from_db()
        self.assertRefused(
            ["stale_edit"],
            lambda: link_save(
                actor=self.alice,
                statement=statement,
                link=link,
                values={"investor_name": "Overwritten"},
                expected_lock_version=link.lock_version,
            ),
            statement,
        )
        link.refresh_from_db()
        self.assertNotEqual(link.investor_name, "Overwritten")

    def test_invalid_links_are_refused_and_nothing_is_written(self):
        statement = self.statement()
        self.assertRefused(
            ["investor_country_invalid", "percent_invalid"],
            lambda: link_save(
                actor=self.alice,
                statement=statement,
                values=VALID_LINK | {"country": "XX", "share_percent": 140},
            ),
            statement,
        )
        statement.refresh_from_db()
        self.assertIsNotNone(statement.signed_at)

    def test_a_null_optional_field_is_stored_empty(self):
        statement = self.statement()
        link = link_save(
            actor=self.alice,
            statement=statement,
            values=VALID_LINK | {"registration_number": None, "nsi_notified": None},
        )
        link.refresh_from_db()
        self.assertEqual((link.registration_number, link.nsi_notified), ("", False))

    def test_edits_are_refused_to_viewers_others_regulators_and_once_submitted(self):
        draft, submitted = (
            self.statement(),
            complete_ownership_statement(provider=self.beta, status=Status.SUBMITTED),
        )
        cases = [
            (self.victor, draft, "not_permitted"),
            (self.charlie, draft, "not_permitted"),
            (self.olivia, draft, "not_permitted"),
            (self.charlie, submitted, "not_editable"),
        ]
        for person, statement, code in cases:
            link = statement.links.first()
            with self.subTest(person=person.email, status=statement.status):
                self.assertRefused(
                    [code],
                    lambda p=person, s=statement: link_save(
                        actor=p, statement=s, values=VALID_LINK
                    ),
                    statement,
                )
                self.assertRefused(
                    [code], lambda p=person, li=link: link_remove(actor=p, link=li), statement
                )

    def test_a_link_of_another_statement_cannot_be_changed_through_this_one(self):
        statement = self.statement()
        other = InvestmentLinkFactory(statement=OwnershipStatementFactory(provider=self.beta))
        with self.assertRaises(InvestmentLink.DoesNotExist):
            link_save(
                actor=self.alice,
                statement=statement,
                link=other,
                values={"investor_name": "Hijacked"},
                expected_lock_version=other.lock_version,
            )

    def test_removing_a_link_is_audited_and_voids_the_signature(self):
        statement = self.statement()
        link = statement.links.first()
        pk = link.pk
        link_remove(actor=self.bob, link=link)
        self.assertFalse(InvestmentLink.objects.filter(pk=pk).exists())
        statement.refresh_from_db()
        self.assertIsNone(statement.signed_at)
        event = AuditEvent.objects.get(action="ownership.link_removed")
        self.assertEqual(event.before, {"link": pk, "name": "Investor 1 Ltd"})

    def test_a_failing_save_leaves_no_link_and_no_audit_event(self):
        statement = self.statement()
        before = self.written()
        with (
            mock.patch.object(
                filing_services, "filing_touch", side_effect=RuntimeError("disk full")
            ),
            self.assertRaises(RuntimeError),
        ):
            link_save(actor=self.alice, statement=statement, values=VALID_LINK)
        self.assertEqual(self.written(), before)


class SignAndDiscardTests(OwnershipTestCase):
    def test_signing_and_its_refusals(self):
        statement = self.statement(signed_at=None)
        self.assertRefused(
            ["stale_edit"],
            lambda: ownership_sign(
                actor=self.alice,
                statement=statement,
                name="Alice Owner",
                role="Director",
                expected_lock_version=statement.lock_version - 1,
            ),
            statement,
        )
        self.assertRefused(
            ["signatory_role_required"],
            lambda: ownership_sign(
                actor=self.alice,
                statement=statement,
                name="Alice Owner",
                role="",
                expected_lock_version=statement.lock_version,
            ),
            statement,
        )
        signed = ownership_sign(
            actor=self.alice,
            statement=statement,
            name="Alice Owner",
            role="Director",
            expected_lock_version=statement.lock_version,
        )
        self.assertIsNotNone(signed.signed_at)
        self.assertTrue(AuditEvent.objects.filter(action="ownership.signed").exists())

    def test_a_draft_never_submitted_is_discarded_with_its_links(self):
        statement = self.statement()
        pk = statement.pk
        ownership_discard(actor=self.bob, statement=statement)
        self.assertFalse(OwnershipStatement.objects.filter(pk=pk).exists())
        self.assertFalse(InvestmentLink.objects.filter(statement_id=pk).exists())
        self.assertEqual(AuditEvent.objects.get(action="ownership.discarded").target_id, str(pk))

    def test_anything_once_submitted_is_kept(self):
        returned = self.statement(Status.CHANGES_REQUESTED, submitted_at=timezone.now())
        self.assertRefused(
            ["not_discardable"], lambda: ownership_discard(actor=self.alice, statement=returned)
        )
        OwnershipStatement.objects.filter(pk=returned.pk).update(status=Status.REJECTED)
        submitted = self.statement(Status.SUBMITTED)
        self.assertRefused(
            ["not_editable"], lambda: ownership_discard(actor=self.alice, statement=submitted)
        )
        self.assertRefused(
            ["not_permitted"], lambda: ownership_discard(actor=self.victor, statement=submitted)
        )


class LifecycleTests(OwnershipTestCase):
    def test_submit_freezes_a_snapshot_of_the_statement(self):
        statement = self.statement()
        expected = canonical_json(ownership_data(statement))
        ownership_transition(
            actor=self.alice,
            statement=statement,
            action="submit",
            expected_lock_version=statement.lock_version,
        )
        snapshot = FilingSnapshot.objects.get(filing_kind="ownership", filing_id=statement.pk)
        self.assertEqual(snapshot.content, expected)
        self.assertEqual(snapshot.sha256, hashlib.sha256(expected.encode()).hexdigest())
        self.assertEqual(
            [link["share_band"] for link in json.loads(snapshot.content)["links"]],
            ["10_25", "10_25"],
        )

    def test_the_submit_gate_refuses_and_writes_nothing(self):
        unsigned = self.statement(signed_at=None)
        self.assertRefused(
            ["statement_not_confirmed"],
            lambda: self.move(unsigned, "submit", self.alice),
            unsigned,
        )
        unsigned.delete()
        over = self.statement()
        over.links.update(share_percent=60)
        self.assertRefused(["shares_over_100"], lambda: self.move(over, "submit", self.alice), over)

    def test_the_whole_journey_with_an_amendment_superseding_the_first_version(self):
        first = self.statement()
        self.move(first, "submit", self.bob)
        self.move(first, "start_review", self.olivia)
        raise_finding(first, self.olivia)
        self.move(first, "request_changes", self.olivia, reason="Name the fund's general partner")
        ownership_sign(
            actor=self.alice,
            statement=first,
            name="Alice Owner",
            role="Director",
            expected_lock_version=OwnershipStatement.objects.get(pk=first.pk).lock_version,
        )
        self.move(first, "submit", self.alice)
        self.move(first, "start_review", self.olivia)
        self.move(first, "accept", self.diana, reason="Complete")
        self.assertEqual(accepted_ownership_statement(self.acme), first)
        self.assertEqual(
            list(
                FilingSnapshot.objects.filter(
                    filing_id=first.pk, filing_kind="ownership"
                ).values_list("submission", flat=True)
            ),
            [1, 2],
        )

        second = ownership_start(actor=self.alice, provider=self.acme, amend=True)
        ownership_sign(
            actor=self.alice,
            statement=second,
            name="Alice Owner",
            role="Director",
            expected_lock_version=second.lock_version,
        )
        self.move(second, "submit", self.alice)
        self.move(second, "start_review", self.diana)
        self.move(second, "accept", self.diana, reason="Complete")
        first.refresh_from_db()
        self.assertEqual(first.status, Status.SUPERSEDED)
        self.assertEqual(accepted_ownership_statement(self.acme), second)

        withdrawn = self.move(second, "withdraw", self.alice, reason="Company restructured")
        self.assertEqual(
            (withdrawn.status, withdrawn.withdrawal_reason),
            (Status.WITHDRAWN, "Company restructured"),
        )

    def test_who_may_move_an_ownership_statement(self):
        cases = [
            ("submit", Status.DRAFT, self.victor),
            ("submit", Status.DRAFT, self.charlie),
            ("submit", Status.DRAFT, self.olivia),
            ("start_review", Status.SUBMITTED, self.alice),
            ("accept", Status.UNDER_REVIEW, self.olivia),
            ("reject", Status.UNDER_REVIEW, self.alice),
            ("withdraw", Status.ACCEPTED, self.diana),
        ]
        for action, status, person in cases:
            with self.subTest(action=action, person=person.email):
                statement = self.statement(status)
                self.assertRefused(
                    ["not_permitted"],
                    lambda s=statement, a=action, p=person: self.move(s, a, p, reason="x"),
                    statement,
                )
                OwnershipStatement.objects.filter(pk=statement.pk).update(status=Status.REJECTED)


class ConstraintTests(OwnershipTestCase):
    def test_at_most_one_open_and_one_accepted_statement_per_provider(self):
        OwnershipStatementFactory(provider=self.acme, status=Status.ACCEPTED)
        OwnershipStatementFactory(provider=self.acme, status=Status.SUBMITTED)
        for status in (Status.DRAFT, Status.ACCEPTED):
            with self.subTest(status), self.assertRaises(IntegrityError), transaction.atomic():
                OwnershipStatementFactory(provider=self.acme, status=status)
        OwnershipStatementFactory(provider=self.beta, status=Status.DRAFT)
        self.assertEqual(OwnershipStatement.objects.count(), 3)

    def test_status_and_version_are_checked_by_the_database(self):
        statement = OwnershipStatementFactory(provider=self.acme)
        with self.assertRaises(IntegrityError), transaction.atomic():
            OwnershipStatement.objects.filter(pk=statement.pk).update(status="approved")
        with self.assertRaises(IntegrityError), transaction.atomic():
            OwnershipStatementFactory(
                provider=self.acme, version=statement.version, status=Status.REJECTED
            )

    def test_holdings_are_percentages_in_the_database_too(self):
        link = InvestmentLinkFactory()
        for field in ("share_percent", "votes_percent"):
            with self.subTest(field), self.assertRaises(IntegrityError), transaction.atomic():
                InvestmentLink.objects.filter(pk=link.pk).update(**{field: Decimal("100.5")})

    def test_reference(self):
        statement = OwnershipStatementFactory(provider=self.acme)
        self.assertEqual(statement.reference, f"OWN-{statement.pk:06d}-v1")
