"""The extraction question: names found across filings, the named-model page, and the flag raised
when a filer says a generator's terms permit training that the generator's own provider says not.

The scenario (built once): Acme registers Acme Atlas 2.0 and distils Acme Echo from it, saying
Atlas's terms forbid training on its output; Beta distils Beta Mini from it too, naming it its own
way ("acme-atlas 2.0" by "Acme AI Ltd"), says the terms permit it, and submits.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.models import User
from registry.declarations.models import AIModel, DataSource, ModelDependency
from registry.declarations.services import declaration_submit
from registry.filings.states import Status
from registry.review import risks
from registry.review.extraction import (
    generator_terms_disputes,
    named_in_filings,
    named_model,
)
from registry.review.models import Case, CaseFlag
from registry.review.selectors import console_search
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    InvestmentLinkFactory,
    OwnershipStatementFactory,
    SupplyChainPartyFactory,
    complete_declaration,
)

ATLAS_SAYS_NO = {"name": "Acme Atlas 2.0", "provider": "Acme AI", "terms_permit_training": "no"}
BETA_SAYS_YES = {
    "name": "acme-atlas 2.0",
    "provider": "Acme AI Ltd",
    "terms_permit_training": "yes",
}
DISPUTE_MESSAGE = (
    "Beta Labs Ltd says the terms of Acme Atlas 2.0 (MOD-000101) of Acme AI permit training "
    "Beta Mini 1.0 on its output (source 'Source 3'); Acme AI says they do not"
)


def generators(declaration, *entries: dict[str, str]) -> None:
    """Name these generators in the declaration's synthetic source (complete_declaration's 3rd)."""
    DataSource.objects.filter(declaration=declaration, category="synthetic").update(
        generator_models=list(entries)
    )


def filed(model_name: str, *entries: dict[str, str]) -> dict[str, Any]:
    """A declaration's data as submitted, with one synthetic source naming these generators."""
    name, version = model_name.rsplit(" ", 1)
    source = {"name": "Distilled answers", "category": "synthetic", "generator_models": entries}
    return {"model": {"name": name, "version": version}, "sources": [source]}


class ExtractionTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.atlas = AIModelFactory(
            provider=cls.acme, name="Acme Atlas", version="2.0", registration_number="MOD-000101"
        )
        cls.echo = AIModelFactory(provider=cls.acme, name="Acme Echo", version="1.0")
        cls.echo_declaration = complete_declaration(
            model=cls.echo, created_by=cls.alice, status=Status.SUBMITTED
        )
        generators(cls.echo_declaration, ATLAS_SAYS_NO)
        cls.mini = AIModelFactory(provider=cls.beta, name="Beta Mini", version="1.0")
        for model in (cls.echo, cls.mini):
            ModelDependency.objects.create(
                model=model, depends_on=cls.atlas, relation="distillation"
            )
        ModelDependency.objects.create(
            model=cls.mini,
            external_name="Open Base 8B",
            external_provider="Open Models Ltd",
            relation="continued_pretraining",
        )
        cls.mini_declaration = complete_declaration(model=cls.mini, created_by=cls.charlie)
        generators(cls.mini_declaration, BETA_SAYS_YES)
        SupplyChainPartyFactory(
            declaration=cls.mini_declaration, name="Northern Compute Ltd", role="compute"
        )
        SupplyChainPartyFactory(
            declaration=cls.mini_declaration, name="O'Brien Data Ltd", role="data_vendor"
        )
        DataSource.objects.filter(declaration=cls.mini_declaration, name="Source 1").update(
            name="Fleet Street news archive", owner="Fleet Street Publishing plc"
        )
        declaration_submit(
            actor=cls.charlie, declaration=cls.mini_declaration, expected_lock_version=None
        )
        cls.mini_case = Case.objects.get(
            filing_kind="declaration", filing_id=cls.mini_declaration.pk
        )
        statement = OwnershipStatementFactory(provider=cls.acme, status=Status.ACCEPTED)
        InvestmentLinkFactory(
            statement=statement,
            investor_name="Gulf Horizon Investment Authority",
            investor_kind="sovereign_fund",
            country="AE",
        )


class FlagOnSubmitTests(ExtractionTestCase):
    def test_the_filers_case_gets_the_flag_naming_both_models_and_providers(self):
        flag = CaseFlag.objects.get(case=self.mini_case, code="generator_terms_disputed")
        self.assertEqual((flag.severity, flag.public), ("high", False))
        self.assertEqual(flag.message, DISPUTE_MESSAGE)
        # The filer said "permit": the per-filing rule about forbidden terms stays silent.
        self.assertFalse(CaseFlag.objects.filter(case=self.mini_case, code="generator_terms"))

    def test_the_rule_is_regulator_only_and_high(self):
        rule = risks.RULES["generator_terms_disputed"]
        self.assertEqual((rule.severity, rule.public), ("high", False))
        self.assertIn("generator_terms_disputed", risks.CROSS_FILING)

    def test_raised_exactly_when_registered_filer_permits_and_owner_forbids(self):
        answers = ("yes", "no", "unknown")
        for registered in (True, False):
            for filer_says in answers:
                for owner_says in (*answers, None):
                    expected = registered and filer_says == "yes" and owner_says == "no"
                    with self.subTest(registered=registered, filer=filer_says, owner=owner_says):
                        self.assertIs(
                            self.disputed(filer_says, owner_says, registered=registered), expected
                        )

    def test_not_raised_on_the_owners_own_declaration(self):
        data = filed("Acme Forge 1.0", BETA_SAYS_YES)
        self.assertEqual(generator_terms_disputes(data, self.acme.pk), [])

    def test_only_the_owners_current_declarations_speak_for_it(self):
        for status, expected in (
            (Status.SUBMITTED, True),
            (Status.UNDER_REVIEW, True),
            (Status.ACCEPTED, True),
            (Status.DRAFT, False),
            (Status.CHANGES_REQUESTED, False),
            (Status.REJECTED, False),
            (Status.SUPERSEDED, False),
            (Status.WITHDRAWN, False),
        ):
            with self.subTest(status=status):
                self.assertIs(self.disputed("yes", "no", owner_status=status), expected)

    def test_the_generator_must_be_the_registered_model_of_its_provider(self):
        cases = {
            "another provider named": ({"provider": "Other Models Inc"}, False),
            "no provider named": ({"provider": ""}, True),
            "by its MOD- number": ({"name": "MOD-000999", "provider": ""}, True),
            "another version": ({"name": "Gen Model 2.0"}, False),
        }
        for label, (change, expected) in cases.items():
            with self.subTest(label):
                self.assertIs(self.disputed("yes", "no", generator=change), expected)

    def disputed(
        self,
        filer_says: str,
        owner_says: str | None,
        *,
        registered: bool = True,
        owner_status: str = Status.SUBMITTED,
        generator: dict[str, str] | None = None,
    ) -> bool:
        """Whether Beta's filing naming Acme's "Gen Model 1.0" is flagged (nothing kept)."""
        with transaction.atomic():
            if registered:
                AIModelFactory(
                    provider=self.acme,
                    name="Gen Model",
                    version="1.0",
                    registration_number="MOD-000999",
                )
            if owner_says is not None:
                own = complete_declaration(
                    model=AIModelFactory(provider=self.acme), created_by=self.alice
                )
                type(own).objects.filter(pk=own.pk).update(status=owner_status)
                generators(
                    own,
                    {"name": "Gen Model 1.0", "provider": "", "terms_permit_training": owner_says},
                )
            entry = {"name": "Gen Model 1.0", "provider": "Acme AI", "terms_permit_training": ""}
            entry |= {"terms_permit_training": filer_says} | (generator or {})
            found = generator_terms_disputes(filed("Beta Mini 1.0", entry), self.beta.pk)
            transaction.set_rollback(True)
        return bool(found)


class DisputeQueryTests(ExtractionTestCase):
    # A disputed claim:
    #  1. the registered models it could name, with their providers
    #  2. their providers' own current synthetic sources, with their models
    #  3. the filer's name, for the flag's message
    def test_a_dispute_is_found_in_three_queries(self):
        data = filed("Beta Mini 1.0", BETA_SAYS_YES, BETA_SAYS_YES | {"name": "Acme Atlas 2.0"})
        with self.assertNumQueries(3):
            found = generator_terms_disputes(data, self.beta.pk)
        self.assertEqual(len(found), 2)

    def test_nothing_is_read_when_no_generator_is_said_to_permit(self):
        data = filed("Beta Mini 1.0", BETA_SAYS_YES | {"terms_permit_training": "unknown"})
        with self.assertNumQueries(0):
            self.assertEqual(generator_terms_disputes(data, self.beta.pk), [])


class SearchTests(ExtractionTestCase):
    def hits(self, query: str) -> dict[str, list[tuple[str, str, str]]]:
        return {
            group.code: [
                (hit.field, hit.match.value, hit.provider.legal_name) for hit in group.hits
            ]
            for group in named_in_filings(query)
        }

    def test_every_field_that_names_someone(self):
        cases = {
            "an investor": (
                "gulf horizon",
                "investors",
                ("Investor", "Gulf Horizon Investment Authority", "Acme Intelligence Ltd"),
            ),
            "a party whose name has an apostrophe": (
                "OBrien data",
                "parties",
                ("Supply-chain party (data vendor)", "O'Brien Data Ltd", "Beta Labs Ltd"),
            ),
            "a supply-chain party": (
                "Northern Compute Limited",
                "parties",
                ("Supply-chain party (compute)", "Northern Compute Ltd", "Beta Labs Ltd"),
            ),
            "a generator model": (
                "ACME ATLAS 2.0",
                "generators",
                ("Generator model", "acme-atlas 2.0", "Beta Labs Ltd"),
            ),
            "a crawler": ("acmebot", "crawlers", ("Crawler", "AcmeBot", "Beta Labs Ltd")),
            "a source": (
                "fleet street news",
                "sources",
                ("Source", "Fleet Street news archive", "Beta Labs Ltd"),
            ),
            "a source's owner": (
                "Fleet Street Publishing Limited",
                "sources",
                ("Source owner", "Fleet Street Publishing plc", "Beta Labs Ltd"),
            ),
            "an external base model": (
                "open-base 8b",
                "base_models",
                ("External base model", "Open Base 8B", "Beta Labs Ltd"),
            ),
        }
        for label, (query, group, hit) in cases.items():
            with self.subTest(label):
                self.assertIn(hit, self.hits(query).get(group, []))

    def test_each_hit_says_how_it_matched_and_where(self):
        [group] = named_in_filings("Northern Compute Limited")
        [hit] = group.hits
        self.assertEqual(
            hit.match.text,
            "matched 'Northern Compute Limited' to 'Northern Compute Ltd' ignoring the "
            "company suffixes 'Limited' and 'Ltd'",
        )
        self.assertEqual(
            (hit.filing, hit.case_id), (self.mini_declaration.reference, self.mini_case.pk)
        )
        generator = next(g for g in named_in_filings("acme atlas 2.0") if g.code == "generators")
        beta = next(h for h in generator.hits if h.provider == self.beta)
        self.assertEqual((beta.named_model, beta.terms), ("acme-atlas-2.0", "permit"))

    def test_answers_not_yet_filed_are_not_searched(self):
        for status in (Status.DRAFT, Status.CHANGES_REQUESTED):
            with self.subTest(status=status), transaction.atomic():
                draft = complete_declaration(
                    model=AIModelFactory(provider=self.acme), created_by=self.alice, status=status
                )
                SupplyChainPartyFactory(declaration=draft, name="Quiet Partner Ltd")
                self.assertEqual(named_in_filings("Quiet Partner"), [])
                transaction.set_rollback(True)

    def test_nothing_to_search_for(self):
        with self.assertNumQueries(0):
            self.assertEqual(named_in_filings("--"), [])
        self.assertEqual(named_in_filings("Zebra Unfound"), [])

    # A search, however many rows match:
    #  1. investors of filed ownership statements, with their provider and case
    #  2. supply-chain parties of filed declarations, with model, provider and case
    #  3. external base models, with the model and provider built on them
    #  4. sources of filed declarations (names, owners, crawlers, generators), with case
    def test_four_queries_for_a_few_rows_as_for_many(self):
        for extra in (0, 12):
            with self.subTest(extra=extra), transaction.atomic():
                for _ in range(extra):
                    declaration = complete_declaration(
                        model=AIModelFactory(provider=self.beta),
                        created_by=self.charlie,
                        status=Status.SUBMITTED,
                    )
                    SupplyChainPartyFactory(declaration=declaration, name="Acme Hosting Ltd")
                    generators(declaration, ATLAS_SAYS_NO)
                with self.assertNumQueries(4):
                    groups = named_in_filings("acme")
                self.assertGreater(sum(len(g.hits) for g in groups), extra * 2)
                transaction.set_rollback(True)


class ConsoleSearchTests(ExtractionTestCase):
    # The console's search:
    #  1-6. providers, models and cases matching, each list and its count
    #  7-10. the fields naming it (as in SearchTests)
    def test_the_console_search_runs_ten_queries(self):
        with self.assertNumQueries(10):
            found = console_search("Acme")
        self.assertEqual([group.code for group in found["named"]], ["generators", "crawlers"])


class NamedModelTests(ExtractionTestCase):
    def test_what_is_built_on_it_and_who_trained_on_its_output(self):
        with self.assertNumQueries(3):
            page = named_model("acme-atlas-2.0")
        self.assertEqual(page.name, "Acme Atlas 2.0")
        [row] = page.registered
        self.assertEqual((row.model, row.terms), (self.atlas, "no"))
        self.assertEqual(
            row.how, "matched 'acme-atlas-2.0' to 'Acme Atlas 2.0' ignoring case and punctuation"
        )
        self.assertEqual([b.dependency.model for b in page.built_on], [self.echo, self.mini])
        claims = {c.declaration.model.name: c for c in page.claims}
        self.assertEqual(set(claims), {"Acme Echo", "Beta Mini"})
        self.assertEqual(
            (claims["Acme Echo"].own, claims["Acme Echo"].terms, claims["Acme Echo"].disputed),
            (True, "no", False),
        )
        beta = claims["Beta Mini"]
        self.assertEqual((beta.own, beta.terms, beta.owner_terms), (False, "yes", "no"))
        self.assertIs(beta.disputed, True)
        self.assertEqual(beta.case_id, self.mini_case.pk)
        self.assertEqual(page.disputed, [beta])

    def test_the_same_page_by_number_or_by_name_as_filed(self):
        for name in ("MOD-000101", "Acme Atlas 2.0", "acme-atlas 2.0"):
            with self.subTest(name=name):
                page = named_model(name)
                self.assertEqual([r.model for r in page.registered], [self.atlas])
                self.assertEqual(len(page.claims), 2)
                self.assertEqual(page.slug, "acme-atlas-2.0")

    def test_an_external_model_named_only_in_filings(self):
        page = named_model("open-base-8b")
        self.assertEqual(page.registered, [])
        self.assertEqual(page.name, "Open Base 8B")
        [built] = page.built_on
        self.assertEqual(built.dependency.model, self.mini)
        self.assertIn("named as an external base model", built.how)

    def test_a_claim_under_another_providers_name_is_not_taken_for_the_registered_model(self):
        other = complete_declaration(
            model=AIModelFactory(provider=self.beta),
            created_by=self.charlie,
            status=Status.ACCEPTED,
        )
        generators(other, BETA_SAYS_YES | {"provider": "Other Models Inc"})
        claim = next(
            c for c in named_model("acme-atlas-2.0").claims if c.source.declaration_id == other.pk
        )
        self.assertIsNone(claim.registered)
        self.assertIs(claim.disputed, False)
        self.assertIn("is not the registered model's provider", claim.how)


class PagesTests(ExtractionTestCase):
    def setUp(self):
        self.sign_in(self.olivia)

    def test_the_console_search_has_named_in_filings(self):
        response = self.client.get(reverse("review:search"), {"q": "Gulf Horizon"})
        self.assertContains(response, "Named in filings")
        self.assertContains(response, "Gulf Horizon Investment Authority")
        self.assertContains(response, "Found &#x27;Gulf Horizon&#x27; in")
        self.assertContains(response, reverse("review:provider", args=[self.acme.pk]))
        response = self.client.get(reverse("review:search"), {"q": "acme-atlas 2.0"})
        named = reverse("review:named-model", args=["acme-atlas-2.0"])
        self.assertContains(response, named)
        self.assertContains(response, reverse("review:case", args=[self.mini_case.pk]))

    # The named-model page:
    #  1-4. the session, the user, their authenticator, their regulator groups
    #  5-7. the registered models, lineage, and the synthetic sources naming it (with cases)
    #  8. their unread messages (the navigation)
    NAMED_MODEL_QUERIES = 8

    def test_the_named_model_page(self):
        url = reverse("review:named-model", args=["acme-atlas-2.0"])
        with self.assertNumQueries(self.NAMED_MODEL_QUERIES):
            response = self.client.get(url)
        self.assertContains(response, "Disputed")
        self.assertContains(response, "1 declaration says this model")
        self.assertContains(response, reverse("review:model", args=[self.atlas.pk]))
        self.assertContains(response, reverse("review:provider", args=[self.beta.pk]))
        self.assertContains(response, reverse("review:case", args=[self.mini_case.pk]))

    def test_a_name_nobody_filed_is_an_empty_page_not_an_error(self):
        response = self.client.get(reverse("review:named-model", args=["nothing-here"]))
        self.assertContains(response, "No registered model has this name")


@override_settings(DEBUG=True)
class DistillationScenarioTests(TestCase):
    """The demo's distillation scenario, loaded as `make run` loads it."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_data", stdout=StringIO())
        cls.olivia = User.objects.get(email="olivia@regulator.example")

    def test_the_demo_dispute_is_flagged_on_the_filers_case(self):
        mini = AIModel.objects.get(name="Polarlicht Mini")
        case = Case.objects.get(filing_kind="declaration", filing_id=mini.declarations.get().pk)
        flag = case.flags.get(code="generator_terms_disputed")
        self.assertIn("Nordlicht KI GmbH says the terms of Acme Atlas 2.0 (MOD-", flag.message)
        self.assertIn("permit training Polarlicht Mini 1.0", flag.message)
        self.assertTrue(flag.message.endswith("Acme AI says they do not"))
        echo = AIModel.objects.get(name="Acme Echo")
        echo_case = Case.objects.get(
            filing_kind="declaration", filing_id=echo.declarations.get().pk
        )
        self.assertFalse(echo_case.flags.filter(code="generator_terms_disputed").exists())

    def test_the_named_model_page_answers_the_question(self):
        self.client.force_login(self.olivia)
        session = self.client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=self.olivia).persistent_id
        session.save()
        response = self.client.get(reverse("review:named-model", args=["acme-atlas-2.0"]))
        page = response.context["named"]
        self.assertEqual(
            [b.dependency.model.name for b in page.built_on],
            ["Acme Beacon", "Acme Echo", "Polarlicht Mini"],
        )
        self.assertEqual(
            [(c.declaration.model.name, c.terms, c.disputed) for c in page.claims],
            [("Acme Echo", "no", False), ("Polarlicht Mini", "yes", True)],
        )
        self.assertContains(response, "Disputed")
