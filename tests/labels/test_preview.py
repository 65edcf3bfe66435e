"""The label a declaration would publish, previewed before it is submitted.

Built by the label's own code from the draft, its figures and its public alerts are those of the
label once the same declaration is accepted: no provider is surprised by a high alert.
"""

from __future__ import annotations

from decimal import Decimal

from registry.declarations.models import DataSource, ProvenanceDeclaration
from registry.declarations.services import declaration_decide, declaration_submit
from registry.labels.selectors.label import NUMBER_ON_ACCEPTANCE, draft_label, label_data
from registry.review.models import Case
from registry.review.services import confidentiality_rule
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    InvestmentLinkFactory,
    OwnershipStatementFactory,
    SupplyChainPartyFactory,
    complete_declaration,
    raise_finding,
)
from tests.labels import accepted_ownership, publish
from tests.labels.test_selectors import CN_STATE, GB_FOUNDERS, US_FUND

# What only acceptance gives a label, so the preview can't have it yet.
GIVEN_ON_ACCEPTANCE = {
    "model",
    "status",
    "submitted_on",
    "accepted_on",
    "redeclaration_due",
    "versions",
    "snapshot_sha256",
}


def risky_declaration(case, name: str = "Acme Preview") -> ProvenanceDeclaration:
    """A complete declaration of Acme's whose answers raise alerts of every severity: a crawl
    ignoring opt-outs, generators' terms unknown, personal data unknown, a confidential source
    (claimed, not yet ruled on), an old red-team attestation and an API aggregator."""
    declaration = complete_declaration(
        model=AIModelFactory(provider=case.acme, name=name), sources=5
    )
    _, crawl, synthetic, fourth, fifth = declaration.sources.order_by("id")
    DataSource.objects.filter(pk=crawl.pk).update(robots_txt_respected=False)
    DataSource.objects.filter(pk=synthetic.pk).update(
        generator_models=[
            {"name": "Frontier Chat", "provider": "Frontier AI", "terms_permit_training": "unknown"}
        ]
    )
    DataSource.objects.filter(pk=fourth.pk).update(personal_data="unknown")
    DataSource.objects.filter(pk=fifth.pk).update(
        name="Private newswire",
        owner="News Publisher plc",
        confidential=True,
        confidentiality_reason="REASON-SENTINEL commercially sensitive terms",
    )
    SupplyChainPartyFactory(declaration=declaration, name="Model Hub", role="api_aggregator")
    return ProvenanceDeclaration.objects.select_related("model__provider").get(pk=declaration.pk)


class PreviewMatchesTheAcceptedLabelTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        cls.declaration = risky_declaration(cls)
        cls.preview = draft_label(cls.declaration)
        cls.label = label_data(publish(cls, cls.declaration))

    def test_the_preview_raises_the_alerts_of_the_accepted_label(self):
        self.assertEqual(self.preview["public_alerts"], self.label["public_alerts"])
        codes = [alert["code"] for alert in self.preview["public_alerts"]]
        # Most severe first; the regulator-only flags (the aggregator) are never among them.
        self.assertEqual(
            codes,
            [
                "crawl_without_opt_out",
                "foreign_control",
                "foreign_state_control",
                "generator_terms",
                "personal_data_unknown",
                "red_team_overdue",
            ],
        )
        for alert in self.preview["public_alerts"]:
            with self.subTest(alert["code"]):
                self.assertTrue(alert["title"] and alert["explanation"])
                self.assertIn(alert["severity"], ("high", "medium", "low"))

    def test_the_panels_figures_are_those_of_the_accepted_label(self):
        self.assertEqual(self.preview["facts"], self.label["facts"])
        for key in self.label.keys() - GIVEN_ON_ACCEPTANCE:
            with self.subTest(key):
                self.assertEqual(self.preview[key], self.label[key])
        # The preview says it is one, so the panel can say what acceptance will give.
        self.assertEqual(self.preview.keys() - {"preview"}, self.label.keys())
        self.assertIs(self.preview["preview"], True)

    def test_a_claimed_source_counts_as_withheld_and_is_never_named(self):
        withheld = self.preview["confidential_sources"]
        self.assertEqual(withheld["count"], 1)
        self.assertEqual(withheld["share_percent"], Decimal(20))
        names = [source["name"] for source in self.preview["sources"]]
        self.assertNotIn("Private newswire", names)
        self.assertNotIn("REASON-SENTINEL", repr(self.preview))

    def test_what_only_acceptance_gives_is_left_out(self):
        self.assertEqual(self.preview["model"]["registration_number"], NUMBER_ON_ACCEPTANCE)
        self.assertRegex(self.label["model"]["registration_number"], r"^MOD-\d{6}$")
        self.assertIsNone(self.preview["snapshot_sha256"])
        self.assertIsNone(self.preview["accepted_on"])
        self.assertEqual(self.preview["version"], self.label["version"])

    def test_the_control_is_the_accepted_ownership_statements(self):
        self.assertEqual(self.preview["control"]["verdict"], "foreign_state_influence")
        self.assertEqual(self.preview["control"], self.label["control"])


class PreviewOfWhatIsStillOpenTests(PersonaTestCase):
    def test_an_ownership_statement_in_progress_changes_nothing_yet(self):
        accepted_ownership(self, links=[GB_FOUNDERS])
        draft = OwnershipStatementFactory(provider=self.acme)
        InvestmentLinkFactory(statement=draft, **CN_STATE)
        preview = draft_label(risky_declaration(self))
        self.assertEqual(preview["control"]["verdict"], "uk_controlled")
        self.assertNotIn("foreign_state_control", [a["code"] for a in preview["public_alerts"]])

    def test_without_an_accepted_ownership_statement_control_is_not_declared(self):
        preview = draft_label(risky_declaration(self))
        self.assertEqual(preview["control"]["verdict"], "not_declared")

    def test_an_amendment_keeps_the_models_number_and_shows_its_own_version(self):
        published = publish(self, risky_declaration(self))
        amendment = complete_declaration(model=published.model, sources=2)
        preview = draft_label(amendment)
        self.assertEqual(
            preview["model"]["registration_number"], published.model.registration_number
        )
        self.assertEqual(preview["version"], 2)
        self.assertEqual(preview["confidential_sources"]["count"], 0)

    def test_a_claim_the_regulator_refused_counts_as_public(self):
        declaration = risky_declaration(self)
        declaration_submit(actor=self.bob, declaration=declaration, expected_lock_version=None)
        declaration_decide(actor=self.olivia, declaration=declaration, action="start_review")
        review = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        confidentiality_rule(
            actor=self.olivia,
            case=review,
            source=declaration.sources.get(confidential=True),
            accepted=False,
            reason="Already public",
        )
        raise_finding(declaration, self.olivia)
        declaration_decide(
            actor=self.olivia, declaration=declaration, action="request_changes", reason="Fix"
        )
        preview = draft_label(ProvenanceDeclaration.objects.get(pk=declaration.pk))
        self.assertEqual(preview["confidential_sources"]["count"], 0)
        self.assertIn("Private newswire", [source["name"] for source in preview["sources"]])
        # Its earlier submission was never accepted: no hash is the label's yet.
        self.assertIsNone(preview["snapshot_sha256"])

    def test_a_draft_with_nothing_in_it_yet_has_a_preview(self):
        model = AIModelFactory(provider=self.acme, name="Acme Empty")
        declaration = ProvenanceDeclaration.objects.create(
            model=model, version=1, created_by=self.bob
        )
        preview = draft_label(declaration)
        self.assertEqual(preview["composition"], [])
        self.assertEqual(preview["facts"]["unstated"], Decimal(100))
        self.assertEqual([a["code"] for a in preview["public_alerts"]], ["no_red_team"])
