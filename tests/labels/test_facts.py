"""The facts panel: its figures are shares of the mix or verdicts, in the same rows for every
model, and each demo model's panel says what its data says."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

from django.core.management import call_command
from django.db.models import Sum
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from registry.declarations.models import DataSource, ProvenanceDeclaration, SupplyChainParty
from registry.filings.models import FilingSnapshot
from registry.filings.states import Status
from registry.labels import selectors
from registry.labels.selectors import facts
from registry.lib.codes import country_name
from registry.providers.models import ControlVerdict, OwnershipStatement
from registry.review import risks
from tests.base import PersonaTestCase
from tests.labels import accepted_ownership, published_model, visitor_stamps_expire
from tests.labels.test_selectors import US_FUND


def source(**fields) -> dict:
    """A source as the label's rows hold it, with a share and whatever is asked."""
    base = {
        "category": "public_dataset",
        "share_percent": Decimal(10),
        "personal_data": "no",
        "ip_status": "public_domain",
        "licence_use_category": "commercial",
        "robots_txt_respected": None,
        "tdm_opt_out_respected": None,
        "generator_models": [],
    }
    return base | fields


class ShareTests(SimpleTestCase):
    def test_personal_data_is_a_share_of_the_mix_not_a_count(self):
        sources = [
            source(personal_data="yes", share_percent=Decimal(60)),
            *[source(personal_data="no", share_percent=Decimal(1)) for _ in range(30)],
            source(personal_data="", share_percent=Decimal("9.5")),  # unanswered: unknown
            source(personal_data="unknown", share_percent=None),  # no share: counts nothing
        ]
        self.assertEqual(
            facts.personal_data(sources),
            {"yes": Decimal(60), "no": Decimal(30), "unknown": Decimal("9.5")},
        )

    def test_copyright_puts_mixed_with_copyrighted(self):
        sources = [
            source(ip_status="copyrighted", share_percent=Decimal(20)),
            source(ip_status="mixed", share_percent=Decimal(30)),
            source(ip_status="own", share_percent=Decimal(5)),
            source(ip_status="", share_percent=Decimal(5)),
        ]
        self.assertEqual(
            facts.copyright_status(sources),
            {
                "copyrighted": Decimal(50),
                "public_domain": Decimal(0),
                "own": Decimal(5),
                "unknown": Decimal(5),
            },
        )

    def test_licence_use_by_share(self):
        sources = [
            source(licence_use_category="academic", share_percent=Decimal(12)),
            source(licence_use_category="", share_percent=Decimal(8)),
        ]
        self.assertEqual(
            facts.licence_use(sources),
            {
                "commercial": Decimal(0),
                "non_commercial": Decimal(0),
                "academic": Decimal(12),
                "unspecified": Decimal(8),
            },
        )

    def test_what_the_shares_leave_unstated(self):
        self.assertEqual(facts.unstated([source(share_percent=Decimal("72.5"))]), Decimal("27.5"))
        self.assertEqual(facts.unstated([source(share_percent=Decimal(101))]), Decimal(0))
        self.assertEqual(facts.unstated([]), Decimal(100))


class VerdictWordTests(SimpleTestCase):
    def test_opt_outs_yes_partly_no_across_crawls(self):
        def crawl(respected):
            return source(category="web_crawl", robots_txt_respected=respected)

        cases = {
            "every crawl respected it": ([crawl(True), crawl(True)], "yes"),
            "some did": ([crawl(True), crawl(False)], "partly"),
            "an unanswered crawl is not shown to respect it": (
                [crawl(True), crawl(None)],
                "partly",
            ),
            "none did": ([crawl(False), crawl(None)], "no"),
            "no crawls": ([], None),
        }
        for name, (crawls, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(facts.honoured(crawls, "robots_txt_respected"), expected)

    def test_a_web_crawl_row_counts_only_crawls(self):
        sources = [
            source(category="web_crawl", share_percent=Decimal(40), tdm_opt_out_respected=True),
            source(category="licensed", share_percent=Decimal(60), tdm_opt_out_respected=False),
        ]
        row = facts.web_crawl(sources)
        self.assertEqual(
            (row["share_percent"], row["robots_txt"], row["tdm_opt_out"]),
            (Decimal(40), "no", "yes"),
        )

    def test_a_synthetic_source_is_as_permissive_as_its_least_permissive_generator(self):
        cases = {
            "every generator permits": (["yes", "yes"], "permit"),
            "one forbids": (["yes", "no", "unknown"], "forbid"),
            "one is unknown": (["yes", "unknown"], "unknown"),
            "one is unanswered": (["yes", None], "unknown"),
            "no generator named": ([], "unknown"),
        }
        for name, (answers, expected) in cases.items():
            with self.subTest(name):
                generators = [{"name": "G", "terms_permit_training": a} for a in answers]
                self.assertEqual(
                    facts.generators_terms(source(generator_models=generators)), expected
                )

    def test_synthetic_shares_and_named_generators_only_of_public_sources(self):
        teacher = {"name": "Teacher", "provider": "Open", "terms_permit_training": "yes"}
        secret = {"name": "Secret Gen", "provider": "Hidden", "terms_permit_training": "no"}
        public = [
            source(category="synthetic", share_percent=Decimal(5), generator_models=[teacher]),
            source(category="synthetic", share_percent=Decimal(3), generator_models=[teacher]),
        ]
        confidential = [
            source(category="synthetic", share_percent=Decimal(2), generator_models=[secret])
        ]
        row = facts.synthetic(public, confidential)
        self.assertEqual(row["share_percent"], Decimal(10))
        self.assertEqual(
            row["terms"], {"permit": Decimal(8), "forbid": Decimal(2), "unknown": Decimal(0)}
        )
        self.assertEqual([g["name"] for g in row["generators"]], ["Teacher"])  # once
        self.assertIs(row["unnamed_generators"], True)
        self.assertNotIn("Secret", repr(row["generators"]))

    def test_top_languages_largest_share_first(self):
        languages = [
            {"code": "fr", "share_percent": 10},
            {"code": "en", "share_percent": 70},
            {"code": "cy", "share_percent": 5},
            {"code": "de", "share_percent": 15},
        ]
        top = facts.top_languages(languages)
        self.assertEqual([language["code"] for language in top["top"]], ["en", "de", "fr"])
        self.assertEqual(top["more"], 1)

    def test_supply_chain_countries_by_role(self):
        parties = [
            {"role": "compute", "country": "US"},
            {"role": "cloud_hosting", "country": "GB"},
            {"role": "compute", "country": "IE"},
            {"role": "compute", "country": "US"},
            {"role": "data_vendor", "country": ""},
        ]
        self.assertEqual(
            facts.supply_chain(parties),
            [
                {"role": "compute", "countries": ["IE", "US"]},
                {"role": "cloud_hosting", "countries": ["GB"]},
                {"role": "data_vendor", "countries": []},
            ],
        )


class PanelReader(HTMLParser):
    """The facts panel's rows as (title, text) pairs, as a reader sees them."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_panel = self.in_key = self.in_value = False
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if "app-facts" in classes.split():
            self.in_panel = True
        if self.in_panel and tag == "dt":
            self.rows.append(["", ""])
            self.in_key = True
        if self.in_panel and tag == "dd":
            self.in_value = True

    def handle_endtag(self, tag):
        if tag == "dt":
            self.in_key = False
        if tag == "dd":
            self.in_value = False
        if tag == "section":
            self.in_panel = False

    def handle_data(self, data):
        if self.in_key:
            self.rows[-1][0] += data
        elif self.in_value:
            self.rows[-1][1] += data


def panel_rows(content: bytes) -> list[tuple[str, str]]:
    reader = PanelReader()
    reader.feed(content.decode())
    return [(" ".join(k.split()), " ".join(v.split())) for k, v in reader.rows]


def percent(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)).normalize():f}%".replace(".000", "")


@override_settings(DEBUG=True)
class DemoPanelTests(TestCase):
    """Each demo label's panel against the demo's own data, read here without the label code."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    def published(self) -> list[ProvenanceDeclaration]:
        labels = [
            ProvenanceDeclaration.objects.filter(model=model, status__in=["accepted", "withdrawn"])
            .select_related("model__provider")
            .order_by("-version")
            .first()
            for model in selectors.registered_models()
        ]
        self.assertGreaterEqual(len(labels), 3)
        return [label for label in labels if label.status == Status.ACCEPTED]

    def shares(self, declaration, **where) -> Decimal:
        total = DataSource.objects.filter(declaration=declaration, **where).aggregate(
            total=Sum("share_percent")
        )["total"]
        return total or Decimal(0)

    def test_every_demo_label_has_the_same_rows_in_the_same_order(self):
        for declaration in self.published():
            with self.subTest(declaration.model.name):
                response = self.client.get(
                    reverse("labels:model", args=[declaration.model.registration_number])
                )
                titles = [title for title, _ in panel_rows(response.content)]
                self.assertEqual(titles, [row.title for row in facts.FACT_ROWS])

    def test_each_row_says_what_the_data_says(self):
        for declaration in self.published():
            model, provider = declaration.model, declaration.model.provider
            response = self.client.get(reverse("labels:model", args=[model.registration_number]))
            rows = dict(panel_rows(response.content))
            statement = OwnershipStatement.objects.filter(
                provider=provider, status=Status.ACCEPTED
            ).first()
            verdict = ControlVerdict(statement.control_verdict if statement else "not_declared")
            snapshot = (
                FilingSnapshot.objects.filter(filing_kind="declaration", filing_id=declaration.pk)
                .order_by("-submission")
                .first()
            )
            expected = {
                "Model": [
                    model.name,
                    model.registration_number,
                    provider.registration_number,
                    f"label version {declaration.version}",
                ],
                "Personal data": [
                    f"Holds personal data {percent(self.shares(declaration, personal_data='yes'))}",
                    f"none {percent(self.shares(declaration, personal_data='no'))}",
                ],
                "Copyright and licences": [
                    "Copyrighted or mixed "
                    + percent(self.shares(declaration, ip_status__in=["copyrighted", "mixed"])),
                    f"own {percent(self.shares(declaration, ip_status='own'))}",
                    "commercial use "
                    + percent(self.shares(declaration, licence_use_category="commercial")),
                ],
                "Control": [verdict.label, *(country_name(c) for c in statement.control_countries)]
                if statement
                else [verdict.label],
                "Verify": [snapshot.sha256],
            }
            crawled = self.shares(declaration, category="web_crawl")
            if crawled:
                expected["Web crawl"] = [f"{percent(crawled)} of the mix"]
            for category in DataSource.objects.filter(declaration=declaration).values_list(
                "category", flat=True
            ):
                share = percent(self.shares(declaration, category=category))
                expected.setdefault("Trained on", []).append(share)
            stored = [*declaration.public_alerts, *(statement.public_alerts if statement else [])]
            expected["Alerts"] = [risks.RULES[code].title for code in stored]
            for title, phrases in expected.items():
                for phrase in phrases:
                    with self.subTest(model=model.name, row=title, phrase=phrase):
                        self.assertIn(phrase, rows[title])

    def test_lineage_both_ways_on_the_label_and_in_its_json(self):
        atlas, beacon = (
            selectors.registered_models().get(name=name) for name in ("Acme Atlas", "Acme Beacon")
        )
        beacon_page = self.client.get(reverse("labels:model", args=[beacon.registration_number]))
        rows = dict(panel_rows(beacon_page.content))
        self.assertIn(
            f"Acme Atlas {atlas.version} ({atlas.registration_number}) (fine-tune)",
            rows["Built on"],
        )
        self.assertContains(beacon_page, reverse("labels:model", args=[atlas.registration_number]))
        atlas_json = self.client.get(
            reverse("labels:model-json", args=[atlas.registration_number])
        ).json()
        self.assertEqual(
            atlas_json["lineage"]["built_into"],
            [
                {
                    "relation": "fine_tune",
                    "registration_number": beacon.registration_number,
                    "name": "Acme Beacon",
                    "version": beacon.version,
                    "provider": "Acme AI",
                }
            ],
        )
        beacon_json = self.client.get(
            reverse("labels:model-json", args=[beacon.registration_number])
        ).json()
        self.assertEqual(
            [(b["kind"], b["registration_number"]) for b in beacon_json["lineage"]["built_on"]],
            [("registered", atlas.registration_number)],
        )
        atlas_page = self.client.get(reverse("labels:model", args=[atlas.registration_number]))
        self.assertContains(atlas_page, "a fine-tune of this model")

    def test_the_panel_links_every_row_to_its_definition(self):
        declaration = self.published()[0]
        response = self.client.get(
            reverse("labels:model", args=[declaration.model.registration_number])
        )
        guide = self.client.get(reverse("labels:guide"))
        for row in facts.FACT_ROWS:
            with self.subTest(row.key):
                self.assertContains(response, f'href="{reverse("labels:guide")}#{row.key}"')
                self.assertContains(guide, f'id="{row.key}"')
        for code, rule in risks.RULES.items():
            with self.subTest(alert=code):
                if rule.public:
                    self.assertContains(guide, f'id="alert-{code}"')
                    self.assertContains(guide, rule.explanation)
                else:
                    self.assertNotContains(guide, f'id="alert-{code}"')
        self.assertContains(guide, "not findings of the regulator")


class NamesTests(PersonaTestCase):
    """Names, not codes, wherever a person reads; provider text isolated from the page."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(
            cls, name="Atlas \u202eevil", version="3.1", parameter_count=70_000_000_000
        )
        DataSource.objects.filter(declaration=cls.declaration).update(
            licence="Apache-2.0 OR LicenseRef-acme", languages=["cy"]
        )
        SupplyChainParty.objects.filter(declaration=cls.declaration).update(country="DE")
        ProvenanceDeclaration.objects.filter(pk=cls.declaration.pk).update(
            languages=[{"code": "cy", "share_percent": 60}, {"code": "en", "share_percent": 40}]
        )
        accepted_ownership(cls, links=[US_FUND])

    def setUp(self):
        number = self.declaration.model.registration_number
        self.page = self.client.get(reverse("labels:model", args=[number]))

    def test_countries_languages_licences_and_sizes_in_words(self):
        for text in (
            "Welsh 60%",
            "English 40%",
            "Germany",
            "Apache License 2.0 or custom licence",
            "70 billion parameters",
        ):
            with self.subTest(text):
                self.assertContains(self.page, text)
        for code in ("LicenseRef-acme", ">DE<", ">cy<"):
            with self.subTest(code):
                self.assertNotContains(self.page, code)

    def test_the_heading_gives_the_model_version_and_the_panel_the_label_version(self):
        self.assertContains(
            self.page, "<bdi>Atlas \u202eevil</bdi> <bdi>3.1</bdi></h1>", html=False
        )
        rows = dict(panel_rows(self.page.content))
        self.assertIn("label version 1", rows["Model"])
        self.assertNotIn("version 3.1", rows["Model"].replace("Atlas", ""))

    def test_a_source_without_dates_reads_not_stated(self):
        DataSource.objects.filter(declaration=self.declaration, name="Source 1").update(
            collection_start=None, collection_end=None, collection_ongoing=False
        )
        visitor_stamps_expire()  # the page setUp rendered is cached for visitors
        page = self.client.get(
            reverse("labels:model", args=[self.declaration.model.registration_number])
        )
        self.assertContains(page, '<th scope="col" class="govuk-table__header">Collected</th>')
        self.assertContains(page, "Not stated")
        self.assertContains(page, "Jan 2023 to Jun 2024")  # the other sources, as filed

    def test_provider_text_is_isolated(self):
        # Everywhere the name is shown it sits in its own bdi, or between Unicode isolates where
        # markup can't go (a title), so its right-to-left override can't reorder the page.
        content = self.page.content.decode()
        shown = content.count("Atlas \u202eevil")
        self.assertGreater(shown, 4)
        isolated = re.findall(r"(<bdi[^>]*>|\u2068)Atlas \u202eevil(</bdi>|\u2069)", content)
        self.assertEqual(len(isolated), shown)
