"""The embeddable badge: facts from the model's current label (its number, the label's version,
its public alerts by severity, or that it was withdrawn), never an endorsement; sized to its text,
cached by ETag and readable from any site."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree

from django.core.cache import cache
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from registry.declarations.models import DataSource, ProvenanceDeclaration, RedTeamAttestation
from registry.labels import selectors, svg
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration
from tests.labels import accepted_ownership, publish, withdraw
from tests.labels.test_selectors import CN_STATE, GB_FOUNDERS
from tests.labels.test_views import amend

SVG = "{http://www.w3.org/2000/svg}"
# Words that would make a statement of fact read as the regulator's approval.
ENDORSEMENTS = re.compile(
    r"approv|certif|verif|complian|endors|accredit|trust|safe|passed|guarantee", re.I
)


def current_red_team(declaration: ProvenanceDeclaration) -> None:
    """Red-teamed a month ago: no alert that comes with time."""
    RedTeamAttestation.objects.filter(declaration=declaration).update(
        performed_on=timezone.localdate() - timedelta(days=30),
        next_due=timezone.localdate() + timedelta(days=335),
    )


def parsed(body: bytes) -> ElementTree.Element:
    """The badge as XML: it must be well formed, whatever the model's name."""
    return ElementTree.fromstring(body)  # noqa: S314 (the register's own SVG, just drawn)


def badge_url(declaration: ProvenanceDeclaration) -> str:
    return reverse("labels:model-badge", args=[declaration.model.registration_number])


class BadgeTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        quiet = complete_declaration(model=AIModelFactory(provider=cls.beta, name="Quiet"))
        current_red_team(quiet)
        cls.quiet = publish(cls, quiet, submitter=cls.charlie)
        # Four public alerts: a crawl that ignored robots.txt (high), a source whose personal
        # data is unknown (medium), open red-team findings (medium), and a state-owned foreign
        # investor with significant influence (high, from the provider's ownership).
        loud = complete_declaration(model=AIModelFactory(provider=cls.acme, name="Loud"), sources=4)
        current_red_team(loud)
        DataSource.objects.filter(declaration=loud, category="web_crawl").update(
            robots_txt_respected=False
        )
        DataSource.objects.filter(declaration=loud, name="Source 4").update(personal_data="unknown")
        RedTeamAttestation.objects.filter(declaration=loud).update(outcome="findings_open")
        cls.loud = publish(cls, loud)
        accepted_ownership(cls, links=[CN_STATE, GB_FOUNDERS])

    def setUp(self):
        cache.clear()

    def badge(self, declaration: ProvenanceDeclaration, **headers):
        return self.client.get(badge_url(declaration), **headers)

    def texts(self, body: bytes) -> list[str]:
        return [text.text or "" for text in parsed(body).iter(f"{SVG}text")]

    def test_it_states_the_number_the_label_version_and_no_public_alerts(self):
        response = self.badge(self.quiet)
        number = self.quiet.model.registration_number
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertEqual(
            self.texts(response.content),
            ["UK AI register", f"{number} · label v1 · no public alerts"],
        )
        self.assertIn(
            f"<title>UK AI register: Quiet 1.0 ({number}), label version 1, no public alerts"
            "</title>",
            response.content.decode(),
        )
        self.assertIn(
            f'href="http://testserver/register/models/{number}/"', response.content.decode()
        )

    def test_it_counts_the_label_s_public_alerts_by_severity(self):
        label = selectors.model_label(self.loud)
        self.assertEqual(
            sorted(alert["code"] for alert in label["public_alerts"]),
            [
                "crawl_without_opt_out",
                "foreign_state_control",
                "personal_data_unknown",
                "red_team_open_findings",
            ],
        )
        self.assertEqual(
            Counter(alert["severity"] for alert in label["public_alerts"]),
            {"high": 2, "medium": 2},
        )
        response = self.badge(self.loud)
        number = self.loud.model.registration_number
        self.assertEqual(
            self.texts(response.content)[1], f"{number} · label v1 · 2 high, 2 medium alerts"
        )
        self.assertIn(
            f"<title>UK AI register: Loud 1.0 ({number}), label version 1, "
            "2 high, 2 medium public alerts</title>",
            response.content.decode(),
        )

    def test_a_new_version_is_shown_at_once_not_the_badge_drawn_before(self):
        self.assertIn("label v1", self.badge(self.loud).content.decode())
        amend(self, self.loud)
        # The visitor's stamp expires; the badge drawn for the old one is still in the cache.
        cache.delete(f"label-stamp:{self.loud.model.registration_number}:None")
        self.assertIn("label v2", self.badge(self.loud).content.decode())

    def test_a_withdrawn_model_s_badge_says_withdrawn_and_counts_nothing(self):
        withdraw(self, self.loud, reason="Model retired from the UK market")
        response = self.badge(self.loud)
        body = response.content.decode()
        self.assertEqual(self.texts(response.content), ["UK AI register", "withdrawn"])
        self.assertIn(
            f"<title>UK AI register: Loud 1.0 ({self.loud.model.registration_number}), "
            "withdrawn from the register</title>",
            body,
        )
        self.assertNotIn("alert", body)
        self.assertIn('fill="#505a5f"', body)

    def test_no_badge_reads_as_an_endorsement(self):
        bodies = [self.badge(self.quiet).content, self.badge(self.loud).content]
        withdraw(self, self.loud, reason="Retired")
        bodies.append(self.badge(self.loud).content)
        for body in bodies:
            with self.subTest(body=body[:120]):
                words = " ".join([*self.texts(body), parsed(body)[0].text or ""])
                self.assertIsNone(ENDORSEMENTS.search(words), words)
                self.assertNotIn(b"#00703c", body)  # no green "pass" either

    def test_each_half_is_as_wide_as_its_text(self):
        root = parsed(self.badge(self.loud).content)
        halves = list(root.iter(f"{SVG}rect"))
        texts = list(root.iter(f"{SVG}text"))
        widths = [Decimal(rect.get("width")) for rect in halves]
        self.assertEqual(Decimal(root.get("width")), sum(widths))
        for rect, text in zip(halves, texts, strict=True):
            with self.subTest(text.text):
                text_width = Decimal(text.get("textLength"))
                self.assertEqual(text_width, svg.badge_text_width(text.text))
                self.assertGreaterEqual(Decimal(rect.get("width")), text_width + 2 * 6)
                self.assertLess(Decimal(rect.get("width")), text_width + 2 * 6 + 1)

    def test_a_model_name_with_markup_in_it_stays_text(self):
        name = """<script>alert("x")</script> & Co's"""
        model = AIModelFactory(provider=self.acme, name=name)
        odd = publish(self, complete_declaration(model=model))
        body = self.badge(odd).content
        self.assertNotIn(b"<script", body)
        title = parsed(body).find(f"{SVG}title").text
        self.assertTrue(title.startswith(f"UK AI register: {name} 1.0 ("), title)

    def test_any_site_may_load_it(self):
        self.assertEqual(self.badge(self.quiet)["Access-Control-Allow-Origin"], "*")

    def test_if_none_match_is_answered_304(self):
        etag = self.badge(self.loud)["ETag"]
        response = self.badge(self.loud, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response.content, b"")
        self.assertEqual(self.badge(self.loud, HTTP_IF_NONE_MATCH='"stale"').status_code, 200)

    def test_an_unknown_or_unpublished_model_has_no_badge(self):
        draft = AIModelFactory(provider=self.acme, name="Draft")
        for number in ("MOD-999999", draft.registration_number or "MOD-000000"):
            with self.subTest(number):
                response = self.client.get(reverse("labels:model-badge", args=[number]))
                self.assertEqual(response.status_code, 404)


class BadgeQueryTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.small = publish(cls, complete_declaration(model=AIModelFactory(provider=cls.acme)))
        large = complete_declaration(model=AIModelFactory(provider=cls.acme), sources=300)
        cls.large = publish(cls, large)
        accepted_ownership(cls, links=[CN_STATE, GB_FOUNDERS])

    def setUp(self):
        cache.clear()

    # Drawing a badge reads, whatever the label's size:
    #  1. the caching validators (label_stamp: versions, model, provider, ownership statement);
    #  2. the declaration, with its model, provider and PDF (label_declaration);
    #  3-4. the public and the confidential sources;
    #  5. the supply chain;  6. the red-team attestations;  7. the published versions;
    #  8-9. the accepted ownership statement and its investors;  10. the lineage;
    #  11. the accepted snapshots' hashes.
    BADGE_QUERIES = 11

    def test_a_badge_costs_the_same_queries_whatever_the_label_s_size(self):
        for declaration in (self.small, self.large):
            sources = declaration.sources.count()
            with self.subTest(sources=sources), self.assertNumQueries(self.BADGE_QUERIES):
                self.assertEqual(self.client.get(badge_url(declaration)).status_code, 200)

    def test_the_badge_is_drawn_once_per_state_of_the_label(self):
        first = self.client.get(badge_url(self.large))
        with self.assertNumQueries(0):  # the visitor's stamp and the badge drawn, both cached
            again = self.client.get(badge_url(self.large))
        self.assertEqual(again.content, first.content)


class BadgeTextTests(SimpleTestCase):
    def test_alerts_are_counted_most_severe_first_and_none_are_said_so(self):
        def alerts(*severities):
            return [{"severity": severity} for severity in severities]

        for given, expected in [
            (alerts(), "no public alerts"),
            (alerts("medium"), "1 medium alert"),
            (alerts("low", "high", "medium", "high"), "2 high, 1 medium, 1 low alerts"),
            (alerts("low", "low"), "2 low alerts"),
        ]:
            with self.subTest(expected):
                self.assertEqual(svg.badge_alert_counts(given), expected)

    def test_a_character_the_table_does_not_know_is_given_a_whole_em(self):
        self.assertEqual(svg.badge_text_width("Ω"), Decimal(11))
        self.assertEqual(svg.badge_text_width("MOD"), Decimal("26.7"))
