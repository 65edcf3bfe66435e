"""The public register's pages: search, the label (HTML, JSON, badge), the provider page,
their caching validators and their query bounds."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from registry.declarations.models import AIModel, DataSource, ProvenanceDeclaration
from registry.declarations.services import declaration_start
from registry.labels.views import register as register_views
from registry.labels.views.label import VISITOR_STAMP_SECONDS
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration
from tests.labels import (
    accepted_ownership,
    publish,
    published_model,
    stored_downloads,
    visitor_stamps_expire,
    withdraw,
)
from tests.labels.test_selectors import CN_STATE, GB_FOUNDERS, US_FUND


def label_url(declaration, version: int | None = None) -> str:
    number = declaration.model.registration_number
    if version is None:
        return reverse("labels:model", args=[number])
    return reverse("labels:model-version", args=[number, version])


class LabelPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        model = AIModelFactory(provider=cls.acme, name="Acme Chat", version="2.1")
        declaration = complete_declaration(model=model, sources=4)
        fourth = declaration.sources.order_by("id").last()
        DataSource.objects.filter(pk=fourth.pk).update(
            name="Newswire archive",
            category="licensed",
            confidential=True,
            confidentiality_reason="Commercially sensitive terms",
        )
        DataSource.objects.filter(declaration=declaration, category="web_crawl").update(
            robots_txt_respected=False
        )
        cls.declaration = publish(cls, declaration)
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        cls.number = cls.declaration.model.registration_number

    def setUp(self):
        cache.clear()

    def test_the_label_shows_every_section_of_design_4(self):
        response = self.client.get(label_url(self.declaration))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "labels/_label.html")
        for text in [
            "Acme Chat",
            self.number,
            self.acme.registration_number,
            "What it was trained on",
            'role="img"',
            f'<title id="label-bar-{self.number}-v1">',
            f'<title id="facts-bar-{self.number}-v1">',
            "Training data facts",
            "Share of the training data by kind of source",
            "Crawled from the web",
            "1 confidential source (25% of the training data) is counted",
            "Contains personal data",
            "Copyright status",
            "Licences allow",
            "Synthetic data",
            "Respected robots.txt",
            "Who owns the provider",
            "More than 50% to 75%",  # foreign shares: 30 % + 25 %
            "State-owned",
            "Supply chain",
            "Red-teaming",
            "Alerts",
            "not findings of the regulator",
            "Version history",
            reverse("labels:model-version-json", args=[self.number, 1]),
            reverse("labels:model-badge", args=[self.number]),
        ]:
            with self.subTest(text=text):
                self.assertContains(response, text)
        self.assertNotContains(response, "Newswire archive")
        self.assertNotContains(response, reverse("labels:model-version-pdf", args=[self.number, 1]))
        self.assertContains(response, "The PDF of this label is being made")

    def test_public_alerts_are_tagged_by_severity(self):
        response = self.client.get(label_url(self.declaration))
        self.assertContains(response, "Crawled without respecting opt-outs")
        self.assertContains(response, "govuk-tag--red")

    def test_the_pdf_link_appears_once_a_pdf_exists_with_its_size_and_hash(self):
        label_pdf, _ = stored_downloads(self.declaration)
        response = self.client.get(label_url(self.declaration))
        pdf = reverse("labels:model-version-pdf", args=[self.number, 1])
        self.assertContains(response, f'href="{pdf}" download>Download this label')
        self.assertContains(response, "(PDF, 16 bytes)")
        self.assertContains(response, label_pdf.sha256)

    def test_the_page_offers_the_badge_to_embed(self):
        response = self.client.get(label_url(self.declaration))
        badge = f"http://testserver/register/models/{self.number}/badge.svg"
        self.assertContains(response, f'&lt;img src="{badge}"')

    def test_the_json_is_the_public_apis(self):
        for page, api in [
            (
                reverse("labels:model-json", args=[self.number]),
                f"/api/v1/public/models/{self.number}/",
            ),
            (
                reverse("labels:model-version-json", args=[self.number, 1]),
                f"/api/v1/public/models/{self.number}/versions/1/",
            ),
        ]:
            with self.subTest(page=page):
                ours = Client().get(page)
                self.assertEqual(ours["Content-Type"], "application/json")
                self.assertEqual(ours.content, Client().get(api).content)

    def test_the_badge_links_to_the_label(self):
        response = self.client.get(reverse("labels:model-badge", args=[self.number]))
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        body = response.content.decode()
        self.assertIn(f"{self.number} · label v1 · ", body)
        self.assertIn(f'href="http://testserver/register/models/{self.number}/"', body)
        self.assertIn("<title>UK AI register: Acme Chat", body)


def amend(case, declaration):
    """Start version 2 as an amendment of `declaration` and publish it."""
    amendment = declaration_start(actor=case.alice, model=declaration.model, amend=True)
    ProvenanceDeclaration.objects.filter(pk=amendment.pk).update(
        signatory_name="Alice Owner", signatory_role="Director", signed_at=declaration.signed_at
    )
    return publish(case, amendment)


class VersionPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = published_model(cls, name="Versioned")
        cls.second = amend(cls, cls.first)

    def setUp(self):
        cache.clear()

    def test_older_versions_stay_readable_and_say_so(self):
        latest = self.client.get(label_url(self.first))
        self.assertContains(latest, "Version 2 (this label)")
        self.assertContains(latest, label_url(self.first, 1))
        self.assertNotContains(latest, "This is version")
        older = self.client.get(label_url(self.first, 1))
        self.assertContains(older, "This is version 1 of the label, superseded")
        self.assertContains(older, f'href="{label_url(self.first)}"')

    def test_a_withdrawn_model_shows_a_tombstone_and_every_version(self):
        withdraw(self, self.second, reason="Model retired from the UK market")
        tombstone = self.client.get(label_url(self.first))
        self.assertTemplateUsed(tombstone, "labels/tombstone.html")
        self.assertContains(tombstone, "Model retired from the UK market")
        for version in (1, 2):
            with self.subTest(version=version):
                self.assertEqual(self.client.get(label_url(self.first, version)).status_code, 200)
        withdrawn = self.client.get(label_url(self.first, 2))
        self.assertContains(withdrawn, "This version was withdrawn on")
        number = self.first.model.registration_number
        badge = self.client.get(reverse("labels:model-badge", args=[number]))
        self.assertIn(">withdrawn</text>", badge.content.decode())
        data = self.client.get(reverse("labels:model-json", args=[number])).json()
        self.assertEqual(data["kind"], "tombstone")


class CachingTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Cached")
        number = cls.declaration.model.registration_number
        cls.urls = {
            "page": reverse("labels:model", args=[number]),
            "version page": reverse("labels:model-version", args=[number, 1]),
            "JSON": reverse("labels:model-json", args=[number]),
            "version JSON": reverse("labels:model-version-json", args=[number, 1]),
            "badge": reverse("labels:model-badge", args=[number]),
        }

    def setUp(self):
        cache.clear()

    def test_every_label_response_has_validators(self):
        for name, url in self.urls.items():
            with self.subTest(name=name):
                response = self.client.get(url)
                self.assertTrue(response["ETag"].startswith('"'))
                self.assertIn("GMT", response["Last-Modified"])

    def test_if_none_match_is_answered_304(self):
        for name, url in self.urls.items():
            with self.subTest(name=name):
                etag = self.client.get(url)["ETag"]
                response = self.client.get(url, HTTP_IF_NONE_MATCH=etag)
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")
                stale = self.client.get(url, HTTP_IF_NONE_MATCH='"stale"')
                self.assertEqual(stale.status_code, 200)

    def test_if_modified_since_is_answered_304(self):
        for name, url in self.urls.items():
            with self.subTest(name=name):
                since = self.client.get(url)["Last-Modified"]
                self.assertEqual(
                    self.client.get(url, HTTP_IF_MODIFIED_SINCE=since).status_code, 304
                )
                earlier = http_date((timezone.now() - timedelta(days=2)).timestamp())
                self.assertEqual(
                    self.client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code, 200
                )

    def test_a_new_version_changes_the_validators(self):
        before = {name: self.client.get(url)["ETag"] for name, url in self.urls.items()}
        amend(self, self.declaration)
        visitor_stamps_expire()
        for name, url in self.urls.items():
            with self.subTest(name=name):
                response = self.client.get(url, HTTP_IF_NONE_MATCH=before[name])
                self.assertEqual(response.status_code, 200)

    def test_visitors_see_a_change_once_their_stamp_expires_and_signed_in_people_at_once(self):
        page = self.urls["page"]
        with mock.patch.object(cache, "set", wraps=cache.set) as cache_set:
            before = self.client.get(page)
        stamp_kept_for = {c.args[0]: c.args[2] for c in cache_set.call_args_list}
        self.assertEqual(
            stamp_kept_for[f"label-stamp:{self.declaration.model.registration_number}:None"],
            VISITOR_STAMP_SECONDS,
        )
        amend(self, self.declaration)
        self.assertEqual(self.client.get(page)["ETag"], before["ETag"])
        self.sign_in(self.nadia)
        self.assertContains(self.client.get(page), "Version 2")
        self.client.logout()
        visitor_stamps_expire()
        self.assertContains(self.client.get(page), "Version 2")

    def test_a_signed_in_reader_gets_another_page_etag_but_the_same_data_etag(self):
        anonymous = {name: self.client.get(url)["ETag"] for name, url in self.urls.items()}
        self.sign_in(self.nadia)
        signed_in = {name: self.client.get(url)["ETag"] for name, url in self.urls.items()}
        self.assertNotEqual(anonymous["page"], signed_in["page"])
        self.assertEqual(anonymous["JSON"], signed_in["JSON"])


class ProviderPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat")
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])

    def test_details_ownership_and_models(self):
        response = self.client.get(reverse("labels:provider", args=[self.acme.registration_number]))
        for text in [
            "Acme AI",
            "Acme Intelligence Ltd",
            self.acme.registration_number,
            "Northern Ventures LP",
            "State-owned",
            "Foreign holdings by country",
            "Acme Chat",
            label_url(self.declaration),
        ]:
            with self.subTest(text=text):
                self.assertContains(response, text)
        self.assertNotContains(response, "30.000")


class RegisterSearchTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.chat = published_model(cls, name="Acme Chat", modalities_in=["text"])
        declaration = complete_declaration(
            model=AIModelFactory(provider=cls.beta, name="Beta Vision", modalities_in=["image"]),
            sources=3,
        )
        DataSource.objects.filter(declaration=declaration, category="web_crawl").update(
            robots_txt_respected=False
        )
        cls.vision = publish(cls, declaration, submitter=cls.charlie)
        accepted_ownership(cls, links=[US_FUND, CN_STATE, GB_FOUNDERS])
        accepted_ownership(cls, provider=cls.beta, submitter=cls.charlie, links=[GB_FOUNDERS])
        AIModelFactory(provider=cls.acme, name="Acme Draft")  # never accepted: not listed

    def search(self, **params) -> list[str]:
        response = self.client.get(reverse("labels:register"), params)
        self.assertEqual(response.status_code, 200)
        return [model["name"] for model in response.context["models"]]

    def test_everything_registered_is_listed_with_a_count(self):
        response = self.client.get(reverse("labels:register"))
        self.assertContains(response, "2 models")
        self.assertEqual(self.search(), ["Acme Chat", "Beta Vision"])

    def test_search_by_name_provider_or_registration_number(self):
        chat, vision = ["Acme Chat"], ["Beta Vision"]
        for q, expected in [
            ("chat", chat),
            ("Beta", vision),
            ("Acme AI", chat),
            (self.chat.model.registration_number, chat),
            (self.beta.registration_number, vision),
            ("nothing like it", []),
        ]:
            with self.subTest(q=q):
                self.assertEqual(self.search(q=q), expected)

    def test_search_lists_matching_providers(self):
        response = self.client.get(reverse("labels:register"), {"q": "Beta"})
        self.assertContains(response, "1 provider matching")
        self.assertContains(
            response, reverse("labels:provider", args=[self.beta.registration_number])
        )

    def test_filters(self):
        for filters, expected in [
            ({"modality": "image"}, ["Beta Vision"]),
            ({"category": "web_crawl"}, ["Acme Chat", "Beta Vision"]),
            ({"category": "user_data"}, []),
            ({"modality": ["image", "text"]}, ["Acme Chat", "Beta Vision"]),
            ({"control": "foreign_state_influence"}, ["Acme Chat"]),
            ({"control": "uk_controlled"}, ["Beta Vision"]),
            ({"control": ["uk_controlled", "foreign_controlled"]}, ["Beta Vision"]),
            ({"alert": "crawl_without_opt_out"}, ["Beta Vision"]),
            ({"alert": "foreign_state_control"}, ["Acme Chat"]),
            ({"alert": "none"}, []),
            ({"alert": "foreign_state_control", "modality": "image"}, []),
        ]:
            with self.subTest(filters=filters):
                self.assertEqual(self.search(**filters), expected)

    def test_alerts_filter_finds_only_flagged_filings(self):
        # Beta's crawl ignored robots.txt; Acme is foreign-controlled with a state investor.
        self.assertEqual(self.search(alert="crawl_without_opt_out", q="Beta"), ["Beta Vision"])

    def test_an_invalid_search_names_each_problem_and_applies_the_rest(self):
        response = self.client.get(
            reverse("labels:register"),
            {"q": "x" * 201, "modality": ["smell", "image"]},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Search must be 200 characters or fewer (it has 201)")
        self.assertContains(
            response, "&#x27;smell&#x27; is not an option of &#x27;Takes in or puts out&#x27;"
        )
        self.assertEqual([m["name"] for m in response.context["models"]], ["Beta Vision"])

    def test_results_are_paginated(self):
        with mock.patch.object(register_views, "RESULTS_PER_PAGE", 1):
            response = self.client.get(reverse("labels:register"), {"page": 2})
        self.assertEqual([m["name"] for m in response.context["models"]], ["Beta Vision"])
        self.assertContains(response, "Page 2 of 2")


class HomeTests(PersonaTestCase):
    def test_the_home_page_leads_to_the_register(self):
        response = self.client.get(reverse("home"))
        self.assertContains(response, f'href="{reverse("labels:register")}"')


class QueryBoundTests(PersonaTestCase):
    # The label page, whatever the number of sources (anonymous: no session, no user):
    #  1. the caching validators (label_stamp: versions, model, provider, ownership statement)
    #  2. the declaration with its model and provider (label_declaration)
    #  3-4. the sources that are not confidential, and the confidential ones (counted only)
    #  5-6. the accepted ownership statement and its investors
    #  7-8. the supply chain and the red-team attestations
    #  9. the published versions
    #  10. the model's lineage, both ways
    #  11. the hash of the accepted snapshot
    #  12-14. the log's latest checkpoint, and the declaration's and ownership statement's
    #  latest leaves (tests.transparency counts a label whose leaves are integrated)
    LABEL_PAGE_QUERIES = 14
    # The register's search page, whatever the number of models:
    #  1. the count of matching models (the paginator)
    #  2. the page of models with their providers
    #  3. their published versions
    #  4-5. providers matching the search: the first ten, and their count
    SEARCH_QUERIES = 5

    def setUp(self):
        cache.clear()

    def test_the_label_page_runs_the_same_queries_for_10_and_1000_sources(self):
        accepted_ownership(self, links=[US_FUND])
        small = published_model(self, name="Small", sources=10)
        large = published_model(self, name="Large", sources=1000)
        DataSource.objects.filter(declaration=large, name="Source 4").update(confidential=True)
        for declaration in (small, large):
            with self.subTest(sources=declaration.sources.count()):
                with self.assertNumQueries(self.LABEL_PAGE_QUERIES):
                    response = Client().get(label_url(declaration))
                self.assertEqual(response.status_code, 200)

    def test_visitors_after_the_first_are_served_the_rendered_page_without_a_query(self):
        declaration = published_model(self, name="Popular", sources=10)
        first = Client().get(label_url(declaration))
        # none: the caching validators and the page itself both come from the cache
        with self.assertNumQueries(0):
            again = Client().get(label_url(declaration))
        self.assertEqual(again.content, first.content)
        self.assertEqual(again["ETag"], first["ETag"])

    def test_signed_in_people_and_a_changed_label_get_the_page_rendered_afresh(self):
        accepted_ownership(self, links=[US_FUND])
        declaration = published_model(self, name="Popular", sources=10)
        Client().get(label_url(declaration))
        self.sign_in(self.alice)
        # + the session, the user, and their regulator roles, membership and unread messages
        # (for the navigation)
        with self.assertNumQueries(self.LABEL_PAGE_QUERIES + 5):
            mine = self.client.get(label_url(declaration))
        self.assertContains(mine, "Sign out")
        ProvenanceDeclaration.objects.filter(pk=declaration.pk).update(updated_at=timezone.now())
        visitor_stamps_expire()
        with self.assertNumQueries(self.LABEL_PAGE_QUERIES):
            Client().get(label_url(declaration))

    def test_the_search_page_runs_the_same_queries_for_5_and_50_models(self):
        for count in (5, 50):
            for _ in range(count - published_count()):
                published_model(self, name=f"Model {published_count()}", sources=1)
            with self.subTest(models=count):
                with self.assertNumQueries(self.SEARCH_QUERIES):
                    response = Client().get(reverse("labels:register"), {"q": "Model"})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f"{count} models")


def published_count() -> int:
    return AIModel.objects.filter(registration_number__isnull=False).count()
