"""The demo data `make run` loads: filings in every state, made through the services, once."""

from __future__ import annotations

import hashlib
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db.models import Q
from django.test import TestCase, TransactionTestCase, override_settings

from registry.audit.models import AuditEvent
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.declarations.selectors import declaration_data
from registry.declarations.validation import validate_declaration
from registry.filings.models import FilingSnapshot, FilingTransition
from registry.filings.states import Status
from registry.notifications.models import Delivery, Kind, Notification
from registry.providers.models import InvestmentLink, OwnershipStatement, Provider

FILING_TABLES = (
    AIModel,
    ModelDependency,
    ProvenanceDeclaration,
    DataSource,
    SupplyChainParty,
    RedTeamAttestation,
    OwnershipStatement,
    InvestmentLink,
    FilingSnapshot,
    FilingTransition,
)
FILING_EVENTS = Q(action__startswith="declaration.") | Q(action__startswith="model.")
FILING_EVENTS |= Q(action__startswith="ownership.")


def counts() -> dict[str, int]:
    found = {table.__name__: table.objects.count() for table in FILING_TABLES}
    return found | {"filing audit events": AuditEvent.objects.filter(FILING_EVENTS).count()}


@override_settings(DEBUG=True)
class DemoFilingsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("load_demo_data", stdout=cls.output)
        cls.acme = Provider.objects.get(legal_name="Acme Intelligence Ltd")
        cls.nordlicht = Provider.objects.get(legal_name="Nordlicht KI GmbH")

    def declaration(self, model_name, version=1) -> ProvenanceDeclaration:
        return ProvenanceDeclaration.objects.get(model__name=model_name, version=version)

    def test_declarations_in_every_state(self):
        statuses = set(ProvenanceDeclaration.objects.values_list("status", flat=True))
        self.assertEqual(statuses, set(Status.values))

    def test_acme_shows_each_state_on_its_own_model(self):
        expected = {
            ("Acme Atlas", 1): Status.SUPERSEDED,
            ("Acme Atlas", 2): Status.ACCEPTED,
            ("Acme Beacon", 1): Status.ACCEPTED,
            ("Acme Compass", 1): Status.UNDER_REVIEW,
            ("Acme Drift", 1): Status.CHANGES_REQUESTED,
            ("Acme Echo", 1): Status.SUBMITTED,
            ("Acme Forge", 1): Status.DRAFT,
            ("Acme Glint", 1): Status.REJECTED,
            ("Acme Harbor", 1): Status.WITHDRAWN,
        }
        found = {
            (d.model.name, d.version): d.status
            for d in ProvenanceDeclaration.objects.filter(model__provider=self.acme)
        }
        self.assertEqual(found, expected)

    def test_loading_again_changes_nothing(self):
        before = counts()
        numbers = dict(AIModel.objects.values_list("name", "registration_number"))
        out = StringIO()
        call_command("load_demo_data", stdout=out)
        self.assertEqual(counts(), before)
        self.assertEqual(dict(AIModel.objects.values_list("name", "registration_number")), numbers)
        self.assertIn("backup codes:", out.getvalue())
        self.assertIn("alice@acme-ai.example", out.getvalue())

    def test_every_model_ever_accepted_has_a_number_and_no_other_does(self):
        for model in AIModel.objects.all():
            ever_accepted = model.declarations.filter(
                status__in=[Status.ACCEPTED, Status.SUPERSEDED, Status.WITHDRAWN]
            ).exists()
            with self.subTest(model.name):
                if ever_accepted:
                    self.assertRegex(model.registration_number, r"^MOD-[0-9]{6}$")
                else:
                    self.assertIsNone(model.registration_number)
        self.assertEqual(AIModel.objects.filter(registration_number__isnull=False).count(), 3)

    def test_the_superseded_version_and_its_successor_share_the_number(self):
        first, second = self.declaration("Acme Atlas", 1), self.declaration("Acme Atlas", 2)
        self.assertEqual(second.amends, first)
        self.assertEqual(
            FilingTransition.objects.get(filing_id=first.pk, action="supersede").actor, None
        )
        self.assertEqual(second.sources.count(), first.sources.count() + 1)

    def test_moves_that_need_a_reason_have_one(self):
        drift = self.declaration("Acme Drift")
        returned = FilingTransition.objects.get(filing_id=drift.pk, action="request_changes")
        self.assertIn("synthetic", returned.reason)
        self.assertEqual(returned.actor.email, "olivia@regulator.example")
        harbor = self.declaration("Acme Harbor")
        self.assertIn("retired", harbor.withdrawal_reason)
        glint = FilingTransition.objects.get(
            filing_id=self.declaration("Acme Glint").pk, action="reject"
        )
        self.assertEqual(glint.actor.email, "diana@regulator.example")

    def test_the_trail_is_real_every_move_audited_and_every_submission_snapshotted(self):
        for move in FilingTransition.objects.all():
            with self.subTest(move=str(move)):
                self.assertTrue(
                    AuditEvent.objects.filter(
                        action=f"{move.filing_kind}.{move.action}",
                        target_id=str(move.filing_id),
                    ).exists()
                )
        submits = FilingTransition.objects.filter(action="submit").count()
        self.assertEqual(FilingSnapshot.objects.count(), submits)
        for snapshot in FilingSnapshot.objects.all():
            self.assertEqual(snapshot.sha256, hashlib.sha256(snapshot.content.encode()).hexdigest())

    def test_every_declaration_past_draft_is_valid(self):
        for declaration in ProvenanceDeclaration.objects.exclude(status=Status.DRAFT):
            with self.subTest(str(declaration)):
                self.assertEqual(validate_declaration(declaration_data(declaration)), [])

    def test_content_is_realistic(self):
        beacon = self.declaration("Acme Beacon")
        categories = set(beacon.sources.values_list("category", flat=True))
        self.assertLessEqual(
            {"web_crawl", "public_dataset", "licensed", "synthetic", "user_data"}, categories
        )
        crawl = beacon.sources.get(category="web_crawl")
        self.assertGreaterEqual(len(crawl.top_domains), 10)
        synthetic = beacon.sources.get(category="synthetic")
        self.assertEqual(
            {g["terms_permit_training"] for g in synthetic.generator_models}, {"yes", "unknown"}
        )
        self.assertEqual(beacon.supply_chain.count(), 3)
        self.assertEqual(beacon.red_team_attestations.count(), 2)
        self.assertEqual(beacon.model.dependencies.get().depends_on.name, "Acme Atlas")

    def test_ownership_accepted_for_acme_with_a_foreign_state_investor_and_a_nordlicht_draft(self):
        acme = self.acme.ownership_statements.get()
        self.assertEqual(acme.status, Status.ACCEPTED)
        state_backed = acme.links.get(state_affiliation="state_owned")
        self.assertTrue(state_backed.is_foreign)
        self.assertGreater(state_backed.share_percent, 25)
        self.assertEqual(self.nordlicht.ownership_statements.get().status, Status.DRAFT)

    def test_the_report_lists_the_filings(self):
        text = self.output.getvalue()
        self.assertIn("Acme Atlas 2.0 (MOD-", text)
        self.assertIn("v1 superseded, v2 accepted", text)
        self.assertIn("ownership statement v1: draft", text)


class DemoMessagesTests(TransactionTestCase):
    """With real commits: the demo's messages are sent as its transaction commits."""

    @override_settings(DEBUG=True, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    def test_the_history_is_told_through_the_inboxes_not_printed_to_the_console(self):
        with mock.patch("sys.stdout", new_callable=StringIO) as printed:
            call_command("load_demo_data", stdout=StringIO())
        self.assertNotIn("Subject:", printed.getvalue())
        alice = Notification.objects.filter(recipient__email="alice@acme-ai.example")
        self.assertEqual(set(alice.values_list("delivery", flat=True)), {Delivery.SENT})
        self.assertIn(Kind.ACCEPTED, set(alice.values_list("kind", flat=True)))
