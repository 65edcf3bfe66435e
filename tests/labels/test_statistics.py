"""The register in numbers: sums of what the labels publish, against a register whose answers are
known, with withdrawn models left out and an empty register counted without dividing by nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.accounts.roles import MemberRole
from registry.declarations.models import ProvenanceDeclaration
from registry.filings.states import Status
from registry.labels import selectors
from registry.labels.selectors import statistics
from registry.labels.selectors.statistics import (
    AlertCount,
    CategoryShare,
    CountryCount,
    MonthCount,
    VerdictCount,
)
from registry.providers.models import OwnershipStatement
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    DataSourceFactory,
    MembershipFactory,
    ProviderFactory,
    UserFactory,
    complete_declaration,
)
from tests.labels import accepted_ownership, publish, published_model, withdraw
from tests.labels.test_selectors import CN_STATE, GB_FOUNDERS

US_MAJORITY = {
    "investor_name": "Western Holdings Inc",
    "investor_kind": "company",
    "country": "US",
    "share_percent": Decimal("60"),
    "votes_percent": Decimal("60"),
}
# The factory's trait for each kind of source used here.
TRAITS = {
    "public_dataset": {},
    "web_crawl": {"web_crawl": True},
    "synthetic": {"synthetic": True},
    "licensed": {"licensed": True},
}
UNKNOWN_GENERATOR = [
    {"name": "Closed Teacher", "provider": "Closed Models Inc", "terms_permit_training": "unknown"}
]


def labelled(case, name, mix, *, provider=None, submitter=None, red_teamed_days_ago=30):
    """A model whose accepted label's sources are `mix` (kind, share, and any other answers),
    red-teamed `red_teamed_days_ago` days before today."""
    model = AIModelFactory(provider=provider or case.acme, name=name)
    declaration = complete_declaration(model=model, sources=0)
    for index, (category, share, *answers) in enumerate(mix):
        DataSourceFactory(
            declaration=declaration,
            name=f"{name} {index + 1}",
            share_percent=Decimal(share),
            **TRAITS[category],
            **(answers[0] if answers else {}),
        )
    performed = timezone.localdate() - timedelta(days=red_teamed_days_ago)
    declaration.red_team_attestations.update(
        performed_on=performed, next_due=performed + timedelta(days=365)
    )
    return publish(case, declaration, submitter)


def provider_with_owner(legal_name: str, email: str):
    provider = ProviderFactory(legal_name=legal_name)
    owner = UserFactory(email=email)
    MembershipFactory(user=owner, provider=provider, role=MemberRole.OWNER)
    return provider, owner


class KnownRegisterTestCase(PersonaTestCase):
    """Five current models, one of each control verdict, and a withdrawn one:

    - Atlas (Acme: foreign state influence, China): public 60, crawl 40; state control
    - Beacon (Acme): public 100; state control
    - Cirrus (Beta: foreign-controlled, US): synthetic 50 (generator's terms unknown),
      licensed 50; foreign control, generator terms
    - Delta (Gamma: UK-controlled): crawl 70 (TDM opt-outs ignored), public 20 and 10;
      crawl without opt-out, red-teaming overdue
    - Echo (Omega: not declared): public 100; no alert
    - Foxtrot (Acme), withdrawn: crawl 100 ignoring robots.txt; never counted
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.gamma, cls.gina = provider_with_owner("Gamma Ltd", "gina@gamma.example")
        cls.omega, cls.otto = provider_with_owner("Omega Ltd", "otto@omega.example")
        accepted_ownership(cls, links=[CN_STATE])
        accepted_ownership(cls, provider=cls.beta, submitter=cls.charlie, links=[US_MAJORITY])
        accepted_ownership(cls, provider=cls.gamma, submitter=cls.gina, links=[GB_FOUNDERS])
        cls.atlas = labelled(cls, "Atlas", [("public_dataset", 60), ("web_crawl", 40)])
        cls.beacon = labelled(cls, "Beacon", [("public_dataset", 100)])
        cls.cirrus = labelled(
            cls,
            "Cirrus",
            [("synthetic", 50, {"generator_models": UNKNOWN_GENERATOR}), ("licensed", 50)],
            provider=cls.beta,
            submitter=cls.charlie,
        )
        cls.delta = labelled(
            cls,
            "Delta",
            [
                ("web_crawl", 70, {"tdm_opt_out_respected": False}),
                ("public_dataset", 20),
                ("public_dataset", 10),
            ],
            provider=cls.gamma,
            submitter=cls.gina,
            red_teamed_days_ago=400,
        )
        cls.echo = labelled(
            cls, "Echo", [("public_dataset", 100)], provider=cls.omega, submitter=cls.otto
        )
        # Not declared: Omega's statement was in force when Echo was accepted, withdrawn since.
        OwnershipStatement.objects.filter(provider=cls.omega).update(status=Status.WITHDRAWN)
        cls.foxtrot = labelled(
            cls, "Foxtrot", [("web_crawl", 100, {"robots_txt_respected": False})]
        )
        withdraw(cls, cls.foxtrot, "Retired")


class SourceMixTests(KnownRegisterTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Shares the provider left unstated after acceptance: what a label may hold when its
        # shares add up to a little less than 100 (here more, to make the sum plain).
        cls.delta.sources.filter(share_percent=10).update(share_percent=None)

    def test_the_average_share_of_each_kind_over_current_labels_every_kind_listed(self):
        numbers = statistics.register_numbers()
        self.assertEqual(numbers.current_models, 5)
        # public: (60 + 100 + 20 + 100) / 5; crawl: (40 + 70) / 5; synthetic and licensed: 50 / 5
        self.assertEqual(
            numbers.source_mix.categories,
            [
                CategoryShare("public_dataset", Decimal("56.0"), 4),
                CategoryShare("web_crawl", Decimal("22.0"), 2),
                CategoryShare("licensed", Decimal("10.0"), 1),
                CategoryShare("synthetic", Decimal("10.0"), 1),
                CategoryShare("private_third_party", Decimal("0.0"), 0),
                CategoryShare("user_data", Decimal("0.0"), 0),
                CategoryShare("proprietary", Decimal("0.0"), 0),
                CategoryShare("other", Decimal("0.0"), 0),
            ],
        )
        # Delta's unstated 10 %, over five models
        self.assertEqual(numbers.source_mix.not_stated, Decimal("2.0"))

    def test_a_withdrawn_model_s_sources_are_not_counted(self):
        withdraw(self, self.atlas, "Retired")
        mix = statistics.register_numbers().source_mix
        shares = {row.category: (row.average_share, row.models) for row in mix.categories}
        # public: (100 + 20 + 100) / 4; crawl: Delta's 70 / 4 (Foxtrot's 100 never counts)
        self.assertEqual(shares["public_dataset"], (Decimal("55.0"), 3))
        self.assertEqual(shares["web_crawl"], (Decimal("17.5"), 1))
        self.assertEqual(mix.not_stated, Decimal("2.5"))


class ControlTests(KnownRegisterTestCase):
    def test_models_by_verdict_each_model_once(self):
        control = statistics.register_numbers().control
        self.assertEqual(
            control.verdicts,
            [
                VerdictCount("uk_controlled", 1, Decimal("20.0")),
                VerdictCount("foreign_controlled", 1, Decimal("20.0")),
                VerdictCount("foreign_state_influence", 2, Decimal("40.0")),
                VerdictCount("not_declared", 1, Decimal("20.0")),
            ],
        )

    def test_models_by_the_country_behind_a_foreign_verdict(self):
        control = statistics.register_numbers().control
        # Foxtrot, withdrawn, would make China's 3
        self.assertEqual(
            control.countries,
            [
                CountryCount("CN", 0, 2, 2, Decimal("40.0")),
                CountryCount("US", 1, 0, 1, Decimal("20.0")),
            ],
        )

    def test_the_verdicts_are_those_the_register_s_filter_finds(self):
        for row in statistics.register_numbers().control.verdicts:
            with self.subTest(row.verdict):
                self.assertEqual(row.models, selectors.public_models(control=[row.verdict]).count())

    def test_a_model_under_several_countries_counts_under_each(self):
        accepted_ownership(
            self,
            provider=self.beta,
            submitter=self.charlie,
            links=[
                US_MAJORITY | {"share_percent": 30, "votes_percent": 30},
                US_MAJORITY | {"country": "FR", "share_percent": 25, "votes_percent": 25},
            ],
        )
        countries = statistics.register_numbers().control.countries
        self.assertEqual(
            [(row.country, row.foreign_controlled, row.share) for row in countries],
            [("CN", 0, Decimal("40.0")), ("FR", 1, Decimal("20.0")), ("US", 1, Decimal("20.0"))],
        )


class AlertTests(KnownRegisterTestCase):
    def test_current_labels_showing_each_alert_most_severe_first(self):
        numbers = statistics.register_numbers()
        self.assertEqual(
            [(row.code, row.severity, row.models, row.share) for row in numbers.alerts],
            [
                ("foreign_state_control", "high", 2, Decimal("40.0")),
                ("foreign_control", "high", 1, Decimal("20.0")),
                ("generator_terms", "high", 1, Decimal("20.0")),
                ("crawl_without_opt_out", "high", 1, Decimal("20.0")),
                ("no_red_team", "high", 0, Decimal("0.0")),
                ("red_team_overdue", "medium", 1, Decimal("20.0")),
                ("red_team_open_findings", "medium", 0, Decimal("0.0")),
                ("personal_data_unknown", "medium", 0, Decimal("0.0")),
                ("confidential_heavy", "medium", 0, Decimal("0.0")),
            ],
        )
        self.assertEqual(
            numbers.alerts[0],
            AlertCount(
                "foreign_state_control",
                "Foreign state control or influence",
                "high",
                2,
                Decimal("40.0"),
            ),
        )
        self.assertEqual(numbers.models_without_alerts, 1)  # Echo

    def test_each_count_is_what_the_register_s_alert_filter_finds(self):
        today = timezone.localdate()
        numbers = statistics.register_numbers(today)
        for row in numbers.alerts:
            with self.subTest(row.code):
                found = selectors.public_models(alerts=[row.code], today=today)
                self.assertEqual(row.models, found.count())
        none = selectors.public_models(alerts=[selectors.NO_ALERTS], today=today)
        self.assertEqual(numbers.models_without_alerts, none.count())

    def test_red_teaming_falls_overdue_by_the_day_counted(self):
        in_a_year = timezone.localdate() + timedelta(days=366)
        overdue = statistics.register_numbers(in_a_year).alerts
        # every current label's latest red-teaming is then more than 12 months old
        self.assertEqual(next(r.models for r in overdue if r.code == "red_team_overdue"), 5)


class AcceptanceTests(KnownRegisterTestCase):
    TODAY = date(2026, 3, 15)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.echo_v2 = publish(cls, complete_declaration(model=cls.echo.model), cls.otto)
        accepted = {
            cls.atlas: datetime(2024, 1, 10, 12, tzinfo=UTC),  # before the 24 months shown
            cls.beacon: datetime(2025, 5, 31, 23, 30, tzinfo=UTC),  # 1 June in London
            cls.cirrus: datetime(2025, 11, 3, 9, tzinfo=UTC),
            cls.delta: datetime(2025, 11, 20, 9, tzinfo=UTC),
            cls.echo: datetime(2026, 3, 1, 9, tzinfo=UTC),
            cls.foxtrot: datetime(2026, 3, 2, 9, tzinfo=UTC),  # since withdrawn: still accepted
            cls.echo_v2: datetime(2026, 3, 10, 9, tzinfo=UTC),
        }
        for declaration, decided_at in accepted.items():
            ProvenanceDeclaration.objects.filter(pk=declaration.pk).update(decided_at=decided_at)

    def test_the_last_24_months_each_counted_in_london_time(self):
        months = statistics.acceptances_by_month(self.TODAY)
        self.assertEqual(len(months), 24)
        self.assertEqual((months[0].month, months[-1].month), (date(2024, 4, 1), date(2026, 3, 1)))
        counted = [row for row in months if row.accepted]
        self.assertEqual(
            counted,
            [
                MonthCount(date(2025, 6, 1), 1, 1),
                MonthCount(date(2025, 11, 1), 2, 2),
                MonthCount(date(2026, 3, 1), 3, 2),
            ],
        )
        self.assertEqual(counted[-1].new_versions, 1)  # Echo's second label
        self.assertEqual(sum(row.accepted for row in months), 6)  # Atlas's is too old

    def test_since_the_first_acceptance_if_that_was_more_recent(self):
        ProvenanceDeclaration.objects.filter(pk=self.atlas.pk).update(
            decided_at=datetime(2025, 5, 2, 9, tzinfo=UTC)
        )
        months = statistics.acceptances_by_month(self.TODAY)
        self.assertEqual([row.month for row in months[:2]], [date(2025, 5, 1), date(2025, 6, 1)])
        self.assertEqual(len(months), 11)  # May 2025 to March 2026
        self.assertEqual(months[0], MonthCount(date(2025, 5, 1), 1, 1))

    def test_months_until(self):
        self.assertEqual(
            statistics.months_until(date(2026, 2, 1), 4),
            [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)],
        )


class EmptyRegisterTests(PersonaTestCase):
    def test_nothing_to_count_divides_by_nothing(self):
        numbers = statistics.register_numbers()
        self.assertEqual(numbers.current_models, 0)
        self.assertEqual({row.average_share for row in numbers.source_mix.categories}, {0})
        self.assertEqual(numbers.source_mix.not_stated, 0)
        self.assertEqual({(row.models, row.share) for row in numbers.control.verdicts}, {(0, 0)})
        self.assertEqual(numbers.control.countries, [])
        self.assertEqual({(row.models, row.share) for row in numbers.alerts}, {(0, 0)})
        self.assertEqual((numbers.models_without_alerts, numbers.acceptances), (0, []))

    def test_the_page_says_there_is_nothing_to_count(self):
        cache.clear()
        response = Client().get(reverse("labels:statistics"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No model is on the register yet", count=3)
        self.assertContains(response, "No label has been accepted yet")
        self.assertNotContains(response, "<svg")

    def test_a_register_of_withdrawn_models_counts_their_acceptances_only(self):
        withdraw(self, published_model(self, name="Gone"), "Retired")
        cache.clear()
        response = Client().get(reverse("labels:statistics"))
        self.assertContains(response, "0 models are counted")
        self.assertContains(response, "No model is on the register yet", count=3)
        self.assertContains(response, 'aria-labelledby="chart-months-title"')


def table_rows(html: str, caption_id: str) -> list[list[str]]:
    """The text of each body row of the table captioned `caption_id`."""
    table = html.split(f'id="{caption_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in row] for row in cells]


class PageTests(KnownRegisterTestCase):
    # The page, for a visitor, whatever the register's size:
    #  1. current labels by control verdict and countries (which counts them)
    #  2. their sources' shares added up by kind
    #  3. current labels by the alerts they show
    #  4. published labels by month accepted
    PAGE_QUERIES = 4

    def setUp(self):
        cache.clear()

    def test_each_chart_s_table_gives_its_figures_by_name(self):
        html = Client().get(reverse("labels:statistics")).content.decode()
        self.assertEqual(
            table_rows(html, "table-sources-caption")[:2],
            # (60 + 100 + 20 + 10 + 100) / 5 and (40 + 70) / 5
            [["Publicly available dataset", "58%", "4"], ["Crawled from the web", "22%", "2"]],
        )
        self.assertEqual(
            table_rows(html, "table-countries-caption"),
            [["China", "0", "2", "40%"], ["United States", "1", "0", "20%"]],
        )
        self.assertIn(
            ["Foreign state control or influence", "High", "2", "40%"],
            table_rows(html, "table-alerts-caption"),
        )
        self.assertIn(
            ["Foreign-controlled", "1", "20%"], table_rows(html, "table-verdicts-caption")
        )

    def test_each_chart_is_an_image_named_by_its_title_drawn_without_style_attributes(self):
        html = Client().get(reverse("labels:statistics")).content.decode()
        charts = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
        self.assertEqual(len(charts), 5)
        for chart in charts:
            title_id = re.search(r'aria-labelledby="([^"]+)"', chart)[1]
            with self.subTest(title_id):
                self.assertIn('role="img"', chart)
                self.assertIn(f'<title id="{title_id}">', chart)
                self.assertIn('viewBox="0 0 420 ', chart)
                self.assertIn('width="100%"', chart)
                self.assertNotIn("style=", chart)
        self.assertNotIn("<script", html.split("<main", 1)[1])

    def test_the_same_queries_for_a_register_of_6_and_30_models(self):
        for count in (6, 30):
            while selectors.registered_models().count() < count:
                published_model(self, name=f"Model {selectors.registered_models().count()}")
            cache.clear()
            with self.subTest(models=count):
                with self.assertNumQueries(self.PAGE_QUERIES):
                    response = Client().get(reverse("labels:statistics"))
                self.assertContains(response, f"{count - 1} models are counted")

    def test_visitors_after_the_first_are_served_the_counts_without_a_query(self):
        Client().get(reverse("labels:statistics"))
        withdraw(self, self.beacon, "Retired")
        with self.assertNumQueries(0):
            again = Client().get(reverse("labels:statistics"))
        self.assertContains(again, "5 models are counted")

    def test_signed_in_people_get_the_register_counted_afresh(self):
        Client().get(reverse("labels:statistics"))
        withdraw(self, self.beacon, "Retired")
        self.sign_in(self.diana)
        response = self.client.get(reverse("labels:statistics"))
        self.assertContains(response, "4 models are counted")
