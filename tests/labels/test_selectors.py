"""The public label and register: what they show, what they never show, and their query bounds."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from registry.api.v1.public import PublicLabel
from registry.declarations.models import (
    AIModel,
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.declarations.services import declaration_decide, declaration_start
from registry.filings.states import Status
from registry.labels import selectors
from registry.providers.models import OwnershipStatement
from registry.review import risks
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    ProviderFactory,
    SupplyChainPartyFactory,
    complete_declaration,
)
from tests.labels import (
    accepted_ownership,
    publish,
    published_model,
    stored_downloads,
    withdraw,
)

US_FUND = {
    "investor_name": "Northern Ventures LP",
    "investor_kind": "fund",
    "country": "US",
    "share_percent": Decimal("30"),
    "votes_percent": Decimal("30"),
    "board_appointment": True,
}
CN_STATE = {
    "investor_name": "Eastern Capital Co",
    "investor_kind": "state_body",
    "country": "CN",
    "share_percent": Decimal("25"),
    "votes_percent": Decimal("20"),
    "state_affiliation": "state_owned",
    "significant_influence": True,
}
GB_FOUNDERS = {
    "investor_name": "The Founders",
    "investor_kind": "individual",
    "country": "GB",
    "share_percent": Decimal("40"),
    "votes_percent": Decimal("45"),
}


def label_for(declaration: ProvenanceDeclaration) -> dict:
    return selectors.label_data(
        ProvenanceDeclaration.objects.select_related("model__provider").get(pk=declaration.pk)
    )


class LabelContentTests(PersonaTestCase):
    """A label with four sources: a dataset, a crawl, a synthetic source and a confidential one."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        model = AIModelFactory(provider=cls.acme, name="Acme Chat", version="2.1")
        declaration = complete_declaration(model=model, sources=4)
        first, _, _, fourth = declaration.sources.order_by("id")
        DataSource.objects.filter(pk=first.pk).update(
            personal_data="yes", personal_data_measures="Names removed before training."
        )
        DataSource.objects.filter(pk=fourth.pk).update(
            name="Newswire archive",
            category="licensed",
            acquisition="licensed",
            owner="News Publisher plc",
            licence="LicenseRef-news-2024",
            ip_status="copyrighted",
            personal_data="unknown",
            confidential=True,
            confidentiality_reason="Commercially sensitive terms",
        )
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        cls.declaration = publish(cls, declaration)
        cls.label = label_for(cls.declaration)

    def test_model_provider_version_and_dates(self):
        label, model = self.label, AIModel.objects.get(name="Acme Chat")
        self.assertEqual(label["kind"], "label")
        self.assertEqual(
            label["model"] | {"registration_number": None},
            {
                "registration_number": None,
                "name": "Acme Chat",
                "version": "2.1",
                "model_type": "foundation",
                "modalities_in": ["text"],
                "modalities_out": ["text"],
                "parameter_count": 7_000_000_000,
                "release_date": date(2025, 1, 15),
                "distribution": "api",
                "intended_uses": model.intended_uses,
            },
        )
        self.assertRegex(label["model"]["registration_number"], r"^MOD-\d{6}$")
        self.assertEqual(
            label["provider"],
            {
                "registration_number": self.acme.registration_number,
                "name": "Acme AI",
                "legal_name": "Acme Intelligence Ltd",
                "country": "GB",
            },
        )
        self.assertEqual((label["version"], label["status"]), (1, Status.ACCEPTED))
        self.declaration.refresh_from_db()
        self.assertEqual(label["accepted_on"], self.declaration.decided_at.date())
        self.assertEqual(label["submitted_on"], self.declaration.submitted_at.date())
        self.assertEqual((label["withdrawn"], label["withdrawal"]), (False, None))

    def test_training_data_shows_bands_languages_and_dates(self):
        self.assertEqual(
            self.label["training_data"],
            {
                "size_bands": [{"modality": "text", "band": "1b_10t"}],
                "languages": [
                    {"code": "en", "share_percent": 80},
                    {"code": "fr", "share_percent": 20},
                ],
                "latest_collection_date": date(2024, 12, 31),
                "continuous_training": False,
                "content_types": ["news articles", "source code"],
                "tdm_opt_out_measures": "We honour robots.txt and TDM-Rep opt-outs at crawl time.",
                "illegal_content_measures": (
                    "Hash matching against known illegal material; manual review."
                ),
                "code_of_practice_signatory": True,
            },
        )

    def test_composition_counts_confidential_sources_by_category_and_share(self):
        quarter = Decimal("25.000")
        self.assertEqual(
            self.label["composition"],
            [
                {
                    "category": category,
                    "share_percent": quarter,
                    "sources": 1,
                    "confidential_sources": int(category == "licensed"),
                }
                for category in ("licensed", "public_dataset", "synthetic", "web_crawl")
            ],
        )
        self.assertEqual(self.label["confidential_sources"], {"count": 1, "share_percent": quarter})

    def test_sources_that_are_not_confidential_are_listed_with_their_public_answers(self):
        sources = self.label["sources"]
        self.assertEqual([s["name"] for s in sources], ["Source 1", "Source 2", "Source 3"])
        self.assertEqual(
            sources[0],
            {
                "name": "Source 1",
                "category": "public_dataset",
                "description": "Openly published encyclopaedia articles.",
                "url": "https://data.example/dataset",
                "dataset_version": "2024-06",
                "owner": "Example Foundation",
                "licence": "CC-BY-4.0",
                "licence_use_category": "commercial",
                "acquisition": "public",
                "modalities": ["text"],
                "languages": ["en"],
                "share_percent": Decimal("25.000"),
                "collection_start": date(2023, 1, 1),
                "collection_end": date(2024, 6, 30),
                "collection_ongoing": False,
                "first_used_on": date(2024, 7, 1),
                "purpose": "Broad general knowledge.",
                "personal_data": "yes",
                "personal_data_measures": "Names removed before training.",
                "aggregate_consumer_data": False,
                "ip_status": "mixed",
                "processing": ["deduplication"],
                "processing_notes": "",
                "countries": ["GB"],
            },
        )

    def test_a_refused_confidentiality_claim_leaves_the_source_public(self):
        model = AIModelFactory(provider=self.acme)
        declaration = complete_declaration(model=model, sources=3)
        DataSource.objects.filter(declaration=declaration, name="Source 2").update(
            confidential=True, confidentiality_reason="We would rather not say"
        )
        label = label_for(publish(self, declaration, refused={"Source 2"}))
        self.assertEqual(
            [s["name"] for s in label["sources"]], ["Source 1", "Source 2", "Source 3"]
        )
        self.assertEqual(label["confidential_sources"]["count"], 0)

    def test_summaries_count_every_source(self):
        label = self.label
        self.assertEqual(
            label["personal_data"],
            {"yes": 1, "no": 2, "unknown": 1, "aggregate_consumer_data": 0},
        )
        self.assertEqual(
            label["ip_status"],
            {"copyrighted": 1, "mixed": 2, "public_domain": 0, "own": 1, "unknown": 0},
        )
        self.assertEqual(
            label["licence_use"],
            {"commercial": 2, "non_commercial": 0, "academic": 0, "unspecified": 2},
        )

    def test_synthetic_data_and_its_generators(self):
        self.assertEqual(
            self.label["synthetic"],
            {
                "sources": 1,
                "share_percent": Decimal("25.000"),
                "generator_terms": {"yes": 1, "no": 0, "unknown": 0},
                "generators": [
                    {
                        "source_name": "Source 3",
                        "generator_models": [
                            {
                                "name": "Open Teacher 70B",
                                "provider": "Open Models Ltd",
                                "terms_permit_training": "yes",
                            }
                        ],
                    }
                ],
            },
        )

    def test_crawl_opt_outs_crawlers_and_top_domains(self):
        self.assertEqual(
            self.label["crawling"],
            {
                "sources": 1,
                "share_percent": Decimal("25.000"),
                "robots_txt": {"yes": 1, "no": 0, "unknown": 0},
                "tdm_opt_out": {"yes": 1, "no": 0, "unknown": 0},
                "crawls": [
                    {
                        "source_name": "Source 2",
                        "crawler_name": "AcmeBot",
                        "crawler_user_agent": "AcmeBot/2.1 (+https://acme.example/bot)",
                        "robots_txt_respected": True,
                        "tdm_opt_out_respected": True,
                        "top_domains": ["en.wikipedia.org", "bbc.co.uk"],
                    }
                ],
            },
        )

    def test_supply_chain_by_role_and_country_and_the_latest_red_team(self):
        supply_chain = self.label["supply_chain"]
        self.assertEqual(len(supply_chain["parties"]), 1)
        self.assertEqual(
            set(supply_chain["parties"][0]), {"name", "role", "country", "company_number"}
        )
        self.assertEqual(
            supply_chain["by_role"], [{"role": "compute", "country": "GB", "parties": 1}]
        )
        self.assertEqual(
            self.label["red_teaming"],
            {
                "attestations": 1,
                "latest": {
                    "assessor": "Independent Assurance LLP",
                    "assessor_independent": True,
                    "scope": ["supply_chain", "model_extraction"],
                    "performed_on": date(2025, 3, 1),
                    "outcome": "pass",
                    "summary": "No exploitable weaknesses found in the data supply chain.",
                    "next_due": date(2026, 3, 1),
                },
            },
        )

    def test_ownership_in_bands_with_foreign_control_by_country(self):
        ownership = self.label["ownership"]
        self.assertEqual(
            [
                (i["investor_name"], i["share_band"], i["votes_band"])
                for i in ownership["investors"]
            ],
            [
                ("Northern Ventures LP", "25_50", "25_50"),
                ("Eastern Capital Co", "10_25", "10_25"),
                ("The Founders", "25_50", "25_50"),
            ],
        )
        # 30 % + 25 % of the shares are foreign: more than half, though the votes are not.
        self.assertEqual(
            {key: ownership[key] for key in ("foreign_share_band", "foreign_votes_band")},
            {"foreign_share_band": "50_75", "foreign_votes_band": "25_50"},
        )
        self.assertEqual(
            ownership["foreign_by_country"],
            [
                {"country": "CN", "investors": 1, "share_band": "10_25", "votes_band": "10_25"},
                {"country": "US", "investors": 1, "share_band": "25_50", "votes_band": "25_50"},
            ],
        )
        # The state-owned investor has significant influence: that decides the verdict.
        self.assertEqual(
            self.label["control"], {"verdict": "foreign_state_influence", "countries": ["CN"]}
        )
        self.assertIs(ownership["state_affiliated"], True)
        self.assertEqual(
            [i["investor_name"] for i in ownership["state_affiliated_investors"]],
            ["Eastern Capital Co"],
        )
        self.assertEqual(ownership["statement_version"], 1)
        self.assertNotIn("share_percent", ownership["investors"][0])

    def test_a_provider_without_an_accepted_statement_has_no_ownership_section(self):
        declaration = published_model(self, provider=self.beta, submitter=self.charlie)
        # Published with its statement in force, which has since been withdrawn.
        OwnershipStatement.objects.filter(provider=self.beta).update(status=Status.WITHDRAWN)
        self.assertIsNone(label_for(declaration)["ownership"])


class VersionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = published_model(cls, name="Acme Chat")
        amendment = declaration_start(actor=cls.alice, model=cls.first.model, amend=True)
        ProvenanceDeclaration.objects.filter(pk=amendment.pk).update(
            signatory_name="Alice Owner", signatory_role="Director", signed_at=cls.first.signed_at
        )
        cls.second = publish(cls, amendment)
        cls.registration_number = cls.first.model.registration_number

    def test_the_latest_accepted_version_is_the_label_and_the_older_one_is_superseded(self):
        latest = selectors.label_declaration(self.registration_number)
        self.assertEqual(latest, self.second)
        label = selectors.model_label(latest)
        self.assertEqual((label["version"], label["status"]), (2, Status.ACCEPTED))
        self.assertEqual(
            [(v["version"], v["status"]) for v in label["versions"]],
            [(2, Status.ACCEPTED), (1, Status.SUPERSEDED)],
        )
        older = selectors.label_declaration(self.registration_number, version=1)
        self.assertEqual(label_for(older)["status"], Status.SUPERSEDED)

    def test_withdrawing_the_latest_version_leaves_a_tombstone_and_every_version_readable(self):
        withdraw(self, self.second, reason="Model retired")
        latest = selectors.label_declaration(self.registration_number)
        tombstone = selectors.model_label(latest)
        self.second.refresh_from_db()
        self.assertEqual(
            tombstone,
            {
                "kind": "tombstone",
                "withdrawn": True,
                "model": {
                    "registration_number": self.registration_number,
                    "name": "Acme Chat",
                    "version": "1.0",
                },
                "provider": selectors.provider_data(self.acme),
                "version": 2,
                "reason": "Model retired",
                "withdrawn_at": self.second.withdrawn_at,
                "accepted_on": self.second.decided_at.date(),
                "versions": tombstone["versions"],
            },
        )
        self.assertEqual(
            [(v["version"], v["status"]) for v in tombstone["versions"]],
            [(2, Status.WITHDRAWN), (1, Status.SUPERSEDED)],
        )
        withdrawn = label_for(self.second)
        self.assertEqual(
            withdrawn["withdrawal"],
            {"reason": "Model retired", "withdrawn_at": self.second.withdrawn_at},
        )

    def test_versions_that_were_never_published_have_no_label(self):
        draft = declaration_start(actor=self.alice, model=self.first.model, amend=True)
        self.assertIsNone(selectors.label_declaration(self.registration_number, draft.version))
        self.assertIsNone(selectors.label_declaration("MOD-999999"))


class LabelAlertTests(PersonaTestCase):
    """The label's alerts are the public flags of the risk rules on its declaration and on the
    provider's accepted ownership statement, and nothing regulator-only."""

    def red_teamed(self, declaration: ProvenanceDeclaration, days_ago: int, **changes) -> date:
        performed_on = timezone.localdate() - timedelta(days=days_ago)
        RedTeamAttestation.objects.filter(declaration=declaration).update(
            performed_on=performed_on, **changes
        )
        return performed_on

    def test_a_label_without_risks_has_no_alerts(self):
        declaration = published_model(self, name="Careful")
        self.red_teamed(declaration, days_ago=365)
        accepted_ownership(self, links=[GB_FOUNDERS, US_FUND])
        self.assertEqual(label_for(declaration)["public_alerts"], [])

    def test_alerts_from_the_declaration_and_the_ownership_most_severe_first(self):
        declaration = published_model(self, name="Risky", sources=4)
        crawl, _, hidden = declaration.sources.order_by("id")[1:]
        DataSource.objects.filter(pk=crawl.pk).update(robots_txt_respected=False)
        DataSource.objects.filter(pk=hidden.pk).update(
            name="Hidden archive",
            confidential=True,
            confidentiality_reason="Terms",
            personal_data="unknown",
        )
        # A regulator-only flag: it must not reach the label.
        SupplyChainParty.objects.filter(declaration=declaration).update(role="api_aggregator")
        performed_on = self.red_teamed(declaration, days_ago=10, outcome="findings_open")
        accepted_ownership(self, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        label = label_for(declaration)
        self.assertEqual(
            label["public_alerts"],
            [
                {
                    "code": "crawl_without_opt_out",
                    "severity": "high",
                    "title": "Crawled without respecting opt-outs",
                    "explanation": "Crawled without respecting opt-outs: Source 2 (robots.txt)",
                },
                {
                    "code": "foreign_control",
                    "severity": "high",
                    "title": "Foreign control",
                    "explanation": "Foreign investors together hold more than 50% of the shares",
                },
                {
                    "code": "foreign_state_control",
                    "severity": "high",
                    "title": "Foreign state control or influence",
                    "explanation": (
                        "State-affiliated foreign investors with control or influence: "
                        "Eastern Capital Co (China, state-owned: significant influence)"
                    ),
                },
                {
                    "code": "personal_data_unknown",
                    "severity": "medium",
                    "title": "Personal data unknown",
                    "explanation": (
                        "Not known whether these sources hold personal data: 1 confidential source"
                    ),
                },
                {
                    "code": "red_team_open_findings",
                    "severity": "medium",
                    "title": "Red-teaming findings open",
                    "explanation": (
                        f"The latest red-teaming on {performed_on.day} {performed_on:%B %Y} "
                        "left findings open"
                    ),
                },
            ],
        )
        self.assertEqual(PublicLabel(label).data["public_alerts"], label["public_alerts"])

    def test_only_public_rules_ever_reach_the_label(self):
        declaration = published_model(self, name="Odd shares")
        self.red_teamed(declaration, days_ago=400)
        DataSource.objects.filter(declaration=declaration, name="Source 1").update(
            share_percent=Decimal("50")
        )
        SupplyChainParty.objects.filter(declaration=declaration).update(role="api_aggregator")
        alerts = label_for(declaration)["public_alerts"]
        self.assertEqual([alert["code"] for alert in alerts], ["red_team_overdue"])
        self.assertTrue(all(risks.RULES[alert["code"]].public for alert in alerts))


class RegisterTests(PersonaTestCase):
    def test_only_models_with_a_published_declaration_are_registered(self):
        accepted = published_model(self, name="Accepted").model
        withdrawn = published_model(self, name="Withdrawn")
        withdraw(self, withdrawn, reason="Retired")
        complete_declaration(model=AIModelFactory(provider=self.acme, name="Draft"))
        rejected = complete_declaration(model=AIModelFactory(provider=self.acme, name="Rejected"))
        from registry.declarations.services import declaration_submit

        declaration_submit(actor=self.alice, declaration=rejected, expected_lock_version=None)
        declaration_decide(actor=self.olivia, declaration=rejected, action="start_review")
        declaration_decide(actor=self.diana, declaration=rejected, action="reject", reason="No")
        self.assertEqual(
            sorted(m.name for m in selectors.registered_models()), ["Accepted", "Withdrawn"]
        )
        self.assertEqual(list(selectors.public_models(q="accepted")), [accepted])

    def test_providers_on_the_register(self):
        published_model(self, provider=self.beta, submitter=self.charlie)
        gamma = ProviderFactory(legal_name="Gamma Ltd")
        ProviderFactory(legal_name="Delta Ltd")  # neither a model nor a statement
        from tests.factories import MembershipFactory

        gina = MembershipFactory(provider=gamma, role="owner").user
        accepted_ownership(self, provider=gamma, submitter=gina, links=[GB_FOUNDERS])
        self.assertEqual(
            [p.legal_name for p in selectors.public_providers()], ["Beta Labs Ltd", "Gamma Ltd"]
        )


def amend(case, declaration: ProvenanceDeclaration, submitter=None) -> ProvenanceDeclaration:
    """Publish a new version of the declaration's model; the old one is superseded."""
    amendment = declaration_start(
        actor=submitter or case.alice, model=declaration.model, amend=True
    )
    ProvenanceDeclaration.objects.filter(pk=amendment.pk).update(
        signatory_name="Alice Owner", signatory_role="Director", signed_at=declaration.signed_at
    )
    return publish(case, amendment, submitter)


def varied_register(case) -> list[ProvenanceDeclaration]:
    """Every published declaration of a register with a bit of everything, models in order.

    - Acme (foreign-controlled, a state-owned investor) with a model in two versions, a withdrawn
      model (a tombstone over a superseded version), one with confidential sources (a claim
      refused, two accepted) and one with public alerts (an ignored robots.txt, open red-team
      findings, an API aggregator, several parties and attestations);
    - Beta Labs, whose ownership statement was withdrawn after its model (without red-teaming or
      a supply chain) was published, so none is in force;
    - Gamma (US, a second statement superseding the first, an ended holding) with two models.
    """
    from tests.factories import MembershipFactory, RedTeamAttestationFactory

    accepted_ownership(case, links=[US_FUND, CN_STATE, GB_FOUNDERS])
    chat = published_model(case, name="Acme Chat", sources=4)
    chat_two = amend(case, chat)
    retired = published_model(case, name="Acme Old", sources=2)
    retired_two = amend(case, retired)
    withdraw(case, retired_two, "Retired: replaced by Acme Chat")
    secret = complete_declaration(
        model=AIModelFactory(provider=case.acme, name="Secret"), sources=5
    )
    DataSource.objects.filter(
        declaration=secret, name__in=["Source 2", "Source 3", "Source 4"]
    ).update(
        confidential=True, confidentiality_reason="Commercially sensitive", personal_data="unknown"
    )
    secret = publish(case, secret, refused={"Source 4"})
    risky = complete_declaration(model=AIModelFactory(provider=case.acme, name="Risky"), sources=3)
    DataSource.objects.filter(declaration=risky, category="web_crawl").update(
        robots_txt_respected=False
    )
    SupplyChainPartyFactory(declaration=risky, role="api_aggregator", country="US")
    SupplyChainPartyFactory(declaration=risky, role="cloud_hosting", country="IE")
    RedTeamAttestationFactory(
        declaration=risky,
        performed_on=timezone.localdate() - timedelta(days=10),
        next_due=timezone.localdate() + timedelta(days=355),
        outcome="findings_open",
        summary="Open findings in the crawler's supply chain.",
    )
    # The same day as the factory's attestation: the later one filed is the latest.
    RedTeamAttestationFactory(declaration=risky, outcome="findings_remediated")
    risky = publish(case, risky)
    bare = published_model(case, provider=case.beta, submitter=case.charlie, name="Bare", sources=1)
    RedTeamAttestation.objects.filter(declaration=bare).delete()
    SupplyChainParty.objects.filter(declaration=bare).delete()
    OwnershipStatement.objects.filter(provider=case.beta).update(status=Status.WITHDRAWN)
    gamma = ProviderFactory(legal_name="Gamma Inc", country="US", uk_representative="Gamma UK Ltd")
    gina = MembershipFactory(provider=gamma, role="owner").user
    accepted_ownership(case, provider=gamma, submitter=gina, links=[GB_FOUNDERS])
    ended = US_FUND | {"share_percent": Decimal("60"), "ceased_on": date(2024, 1, 1)}
    accepted_ownership(case, provider=gamma, submitter=gina, links=[CN_STATE, ended])
    first = published_model(case, provider=gamma, submitter=gina, name="Gamma One")
    second = published_model(case, provider=gamma, submitter=gina, name="Gamma Two", sources=6)
    return [chat, chat_two, retired, retired_two, secret, risky, bare, first, second]


class QueryBoundTests(PersonaTestCase):
    # The label, whatever the number of sources:
    #  1. the declaration with its model and provider (label_declaration)
    #  2-3. the sources that are not confidential, and the confidential ones (counted only)
    #  4. the accepted ownership statement
    #  5. its investors
    #  6-7. the supply chain and the red-team attestations
    #  8. the published versions
    #  9. the model's lineage, both ways
    #  10. the hash of the accepted snapshot
    LABEL_QUERIES = 10

    def test_the_label_runs_the_same_queries_for_10_and_1000_sources(self):
        accepted_ownership(self, links=[US_FUND])
        small = published_model(self, name="Small", sources=10)
        large = published_model(self, name="Large", sources=1000)
        DataSource.objects.filter(declaration=large, name="Source 4").update(confidential=True)
        for declaration in (small, large):
            number = declaration.model.registration_number
            with self.subTest(sources=declaration.sources.count()):
                with self.assertNumQueries(self.LABEL_QUERIES):
                    label = selectors.model_label(selectors.label_declaration(number))
                self.assertEqual(label["kind"], "label")


class ChunkTests(PersonaTestCase):
    """A chunk's labels, read together (the open data), are each declaration's label read alone
    (the label page): one code path, so they can't drift."""

    # A chunk's labels, whatever its size:
    #  1-2. the sources that are not confidential, and the confidential ones (counted only)
    #  3-4. the supply chains and the red-team attestations
    #  5. the published versions
    #  6-7. the accepted ownership statements and their investors
    #  8-9. the models' lineage and the accepted snapshots' hashes
    CHUNK_QUERIES = 9

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        sentinel_filing(cls)
        varied_register(cls)

    def chunk(self) -> list[ProvenanceDeclaration]:
        """Every published version of every model, as the export loads declarations."""
        return list(
            selectors.published_declarations()
            .select_related("model__provider")
            .order_by("model__registration_number", "version")
        )

    def test_the_register_is_varied(self):
        chunk = self.chunk()
        self.assertEqual(
            {d.status for d in chunk}, {Status.ACCEPTED, Status.SUPERSEDED, Status.WITHDRAWN}
        )
        self.assertEqual(len({d.model.provider_id for d in chunk}), 3)
        labels = selectors.labels_data(chunk)
        self.assertGreater(sum(label["confidential_sources"]["count"] for label in labels), 0)
        self.assertGreater(sum(len(label["public_alerts"]) for label in labels), 0)
        self.assertIn(None, [label["ownership"] for label in labels])

    def test_a_chunk_s_labels_are_each_declaration_s_label_read_alone(self):
        alone = [
            selectors.label_data(
                selectors.label_declaration(d.model.registration_number, d.version)
            )
            for d in self.chunk()
        ]
        self.assertEqual(len(alone), 10)
        self.assertEqual(selectors.labels_data(self.chunk()), alone)
        self.assertEqual(selectors.labels_data(self.chunk()[::-1]), alone[::-1])

    def test_a_chunk_s_model_labels_are_each_model_s_page(self):
        latest = list({d.model_id: d for d in self.chunk()}.values())  # ordered by version
        alone = [
            selectors.model_label(selectors.label_declaration(d.model.registration_number))
            for d in latest
        ]
        self.assertEqual([label["kind"] for label in alone].count("tombstone"), 1)
        self.assertEqual(selectors.model_labels(latest), alone)

    def test_a_chunk_runs_the_same_queries_whatever_its_size(self):
        for size in (1, 10):
            chunk = self.chunk()[:size]
            with self.subTest(declarations=size):
                with self.assertNumQueries(self.CHUNK_QUERIES):
                    labels = selectors.labels_data(chunk)
                self.assertEqual(len(labels), size)


# --- Nothing regulator-only leaks

TAG = "q7x"
SENTINEL_TEXT = {
    "confidential source name": f"Sentinel Source {TAG}",
    "confidential source owner": f"Sentinel Owner {TAG}",
    "confidential source url": f"https://sentinel-{TAG}.example/data",
    "confidential source description": f"Sentinel description {TAG}",
    "confidentiality reason": f"Sentinel reason {TAG}",
    "confidential crawler": f"SentinelBot{TAG}",
    "confidential crawler agent": f"SentinelBot{TAG}/1.0",
    "confidential top domain": f"sentinel-domain-{TAG}.example",
    "confidential generator": f"Sentinel Generator {TAG}",
    "red-team report": f"red-team-reports/sentinel-{TAG}.pdf",
    "red-team report hash": "5e17" * 16,
    "NSI reference": f"NSI-SENTINEL-{TAG}",
    "signatory name": f"Sentinel Signer {TAG}",
    "signatory role": f"Sentinel Role {TAG}",
}
SENTINEL_NUMBERS = {
    "total_tokens": 1_918_273_645_501,
    "total_images": 7_364_555_012,
    "total_audio_hours": Decimal("73645.5"),
    "total_video_hours": Decimal("64531.5"),
    "size_tokens": 6_172_839_455,
    "size_records": 5_172_839_466,
    "size_bytes": 4_172_839_477,
    "share_percent of an investor": Decimal("12.345"),
    "votes_percent of an investor": Decimal("13.579"),
}
REGULATOR_ONLY_KEYS = {
    "total_tokens",
    "total_images",
    "total_audio_hours",
    "total_video_hours",
    "size_tokens",
    "size_records",
    "size_bytes",
    "confidential",
    "confidentiality_reason",
    "report",
    "report_sha256",
    "nsi_reference",
    "votes_percent",
    "signatory_name",
    "signatory_role",
}


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_in(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_in(item)}
    return set()


def sentinel_filing(case) -> ProvenanceDeclaration:
    """An accepted declaration of Acme's "Leaky" with a sentinel in every regulator-only field
    and three confidential sources, and Acme's accepted ownership with a sentinel investor."""
    numbers = SENTINEL_NUMBERS
    declaration = complete_declaration(
        model=AIModelFactory(provider=case.acme, name="Leaky"),
        sources=6,
        training_data_size={
            "text": "1b_10t",
            "image": "gt_1b",
            "audio": "10k_1m_h",
            "video": "10k_1m_h",
        },
        **{field: numbers[field] for field in list(numbers)[:4]},
        signatory_name=SENTINEL_TEXT["signatory name"],
        signatory_role=SENTINEL_TEXT["signatory role"],
    )
    DataSource.objects.filter(declaration=declaration).update(
        size_tokens=numbers["size_tokens"],
        size_records=numbers["size_records"],
        size_bytes=numbers["size_bytes"],
    )
    sources = list(declaration.sources.order_by("id"))
    hidden = {
        "confidential": True,
        "confidentiality_reason": SENTINEL_TEXT["confidentiality reason"],
        "owner": SENTINEL_TEXT["confidential source owner"],
        "description": SENTINEL_TEXT["confidential source description"],
    }
    DataSource.objects.filter(pk=sources[3].pk).update(
        name=SENTINEL_TEXT["confidential source name"],
        url=SENTINEL_TEXT["confidential source url"],
        **hidden,
    )
    DataSource.objects.filter(pk=sources[4].pk).update(
        name=f"{SENTINEL_TEXT['confidential source name']} crawl",
        category="web_crawl",
        acquisition="scraped",
        url="",
        licence="",
        licence_use_category="unspecified",
        crawler_name=SENTINEL_TEXT["confidential crawler"],
        crawler_user_agent=SENTINEL_TEXT["confidential crawler agent"],
        robots_txt_respected=False,
        tdm_opt_out_respected=True,
        top_domains=[SENTINEL_TEXT["confidential top domain"]],
        **hidden,
    )
    DataSource.objects.filter(pk=sources[5].pk).update(
        name=f"{SENTINEL_TEXT['confidential source name']} synthetic",
        category="synthetic",
        acquisition="generated",
        url="",
        licence="",
        licence_use_category="unspecified",
        ip_status="own",
        generator_models=[
            {
                "name": SENTINEL_TEXT["confidential generator"],
                "provider": SENTINEL_TEXT["confidential generator"],
                "terms_permit_training": "no",
            }
        ],
        **hidden,
    )
    RedTeamAttestation.objects.filter(declaration=declaration).update(
        report=SENTINEL_TEXT["red-team report"],
        report_sha256=SENTINEL_TEXT["red-team report hash"],
    )
    published = publish(case, declaration)
    accepted_ownership(
        case,
        links=[
            US_FUND
            | {
                "share_percent": numbers["share_percent of an investor"],
                "votes_percent": numbers["votes_percent of an investor"],
                "nsi_notified": True,
                "nsi_reference": SENTINEL_TEXT["NSI reference"],
            }
        ],
    )
    return published


class LeakTests(PersonaTestCase):
    """Every regulator-only field and a confidential source filled with sentinels, accepted."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = sentinel_filing(cls)

    def setUp(self):
        cache.clear()  # the anonymous rate limit, untouched by earlier tests

    def public_texts(self) -> dict[str, str]:
        number = AIModel.objects.get(name="Leaky").registration_number
        provider = self.acme.registration_number
        client = Client()
        urls = {
            "label": f"/api/v1/public/models/{number}/",
            "label version": f"/api/v1/public/models/{number}/versions/1/",
            "model list": "/api/v1/public/models/",
            "model search": f"/api/v1/public/models/?q={number}",
            "provider list": "/api/v1/public/providers/",
            "provider record": f"/api/v1/public/providers/{provider}/",
        }
        texts = {}
        for name, url in urls.items():
            response = client.get(url)
            self.assertEqual(response.status_code, 200, name)
            texts[name] = response.content.decode()
        # The selectors' own data too, as the register's pages will render it.
        label = label_for(self.declaration)
        raw = {
            "label data": label,
            "label serializer": PublicLabel(label).data,
            "provider data": selectors.public_provider_data(self.acme),
        }
        for name, data in raw.items():
            texts[name] = json.dumps(data, cls=DjangoJSONEncoder)
        return texts

    def test_the_sentinel_filing_was_accepted_with_its_confidential_sources(self):
        self.declaration.refresh_from_db()
        self.assertEqual(self.declaration.status, Status.ACCEPTED)
        self.assertEqual(self.declaration.sources.filter(confidential=True).count(), 3)
        label = label_for(self.declaration)
        self.assertEqual(label["confidential_sources"]["count"], 3)
        self.assertEqual(label["crawling"]["robots_txt"], {"yes": 1, "no": 1, "unknown": 0})
        self.assertEqual(label["synthetic"]["generator_terms"], {"yes": 1, "no": 1, "unknown": 0})
        # The confidential crawl and synthetic source raise public alerts, counted, not named.
        alerts = {alert["code"]: alert["explanation"] for alert in label["public_alerts"]}
        self.assertEqual(
            alerts["crawl_without_opt_out"],
            "Crawled without respecting opt-outs: 1 confidential source",
        )
        self.assertEqual(
            alerts["generator_terms"],
            "Synthetic data from models whose terms forbid training or are unknown: "
            "1 confidential source",
        )

    def test_no_sentinel_appears_in_any_public_response(self):
        for where, text in self.public_texts().items():
            for name, sentinel in [*SENTINEL_TEXT.items(), *SENTINEL_NUMBERS.items()]:
                with self.subTest(where=where, sentinel=name):
                    self.assertNotIn(str(sentinel), text)

    def test_no_regulator_only_key_appears_not_even_as_null(self):
        for where, text in self.public_texts().items():
            with self.subTest(where=where):
                self.assertEqual(keys_in(json.loads(text)) & REGULATOR_ONLY_KEYS, set())

    def test_investors_have_bands_and_no_exact_holdings(self):
        label = json.loads(self.public_texts()["label"])
        (investor,) = label["ownership"]["investors"]
        self.assertEqual((investor["share_band"], investor["votes_band"]), ("10_25", "10_25"))
        self.assertNotIn("share_percent", investor)


class LabelStampTests(PersonaTestCase):
    """The label's validators change with whatever the label shows, and only then."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat")
        cls.registration_number = cls.declaration.model.registration_number

    def stamp(self) -> dict:
        return selectors.label_stamp(self.registration_number)

    def test_last_modified_is_the_latest_decision_as_an_aware_time(self):
        before = self.stamp()
        self.assertEqual(before["last_modified"], self.declaration.decided_at)
        statement = accepted_ownership(self, links=[GB_FOUNDERS])
        after = self.stamp()
        self.assertEqual(after["last_modified"], statement.decided_at)
        self.assertTrue(timezone.is_aware(after["last_modified"]))
        self.assertNotEqual(after["etag"], before["etag"])

    def test_the_etag_is_the_same_while_nothing_changes(self):
        self.assertEqual(self.stamp(), self.stamp())

    def test_a_change_to_the_model_or_provider_or_pdf_changes_the_etag(self):
        model, provider = self.declaration.model, self.declaration.model.provider
        changes = {
            "model name": lambda: AIModel.objects.filter(pk=model.pk).update(name="Acme Talk"),
            "provider name": lambda: (
                type(provider).objects.filter(pk=provider.pk).update(legal_name="Acme Holdings Ltd")
            ),
            "PDF rendered": lambda: stored_downloads(self.declaration),
        }
        for change, make in changes.items():
            with self.subTest(change=change):
                before = self.stamp()["etag"]
                make()
                self.assertNotEqual(self.stamp()["etag"], before)

    def test_a_version_or_model_never_published_has_no_stamp(self):
        self.assertIsNone(selectors.label_stamp(self.registration_number, version=2))
        self.assertIsNone(selectors.label_stamp("MOD-999999"))
