"""California AB 2013's training data documentation: the statute's twelve items for every
dataset, the confidential sources as one unnamed entry, the system's own items, the page and the
JSON with the label's validators, tombstones, and nothing regulator-only."""

from __future__ import annotations

import copy
import json
import re
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.exchange import ab2013 as module
from registry.exchange.ab2013 import ITEMS, ab2013
from registry.exchange.eu_summary import NOT_DECLARED, WITHHELD
from registry.exchange.selectors import export_label
from registry.exchange.views import summaries
from registry.labels.views.label import stamp
from registry.review.models import Case, CaseNote, Finding
from tests.base import PersonaTestCase
from tests.exchange.test_eu_summary import CONFIDENTIAL, PLACED, rich_filing
from tests.labels import published_model, visitor_stamps_expire, withdraw
from tests.labels import test_selectors as sentinels
from tests.labels.test_leaks_pages import CASE_SENTINELS, spellings
from tests.matrix import PERSONAS, MatrixTestCase

LETTERS = list("ABCDEFGHIJKL")


def url(declaration, version: int = 1, name: str = "exchange:ab-2013") -> str:
    return reverse(name, args=[declaration.model.registration_number, version])


def items_of(document: dict, name: str) -> dict[str, dict]:
    """A dataset's items by letter."""
    found = next(d for d in document["datasets"] if d["name"] == name)
    return {item["item"]: item for item in found["items"]}


class DocumentTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = rich_filing(cls)
        cls.label = export_label(cls.declaration.model.registration_number, 1)

    def setUp(self):
        self.document = ab2013(self.label)

    def test_every_dataset_has_the_twelve_items_numbered_in_the_statutes_words(self):
        datasets = self.document["datasets"]
        self.assertEqual(len(datasets), len(PLACED) + 2)  # the tiny corpus too, and the withheld
        for dataset in datasets:
            with self.subTest(dataset=dataset["name"]):
                self.assertEqual([i["item"] for i in dataset["items"]], LETTERS)
                self.assertEqual([i["number"] for i in dataset["items"]], list(range(1, 13)))
                self.assertEqual([i["statute"] for i in dataset["items"]], [w for _, w in ITEMS])
                self.assertTrue(all(i["answer"] for i in dataset["items"]))
        self.assertEqual(ITEMS[0], ("A", "The sources or owners of the datasets."))
        self.assertEqual(
            ITEMS[9][1],
            "The time period during which the data in the datasets were collected, including a "
            "notice if the data collection is ongoing.",
        )

    def test_datasets_come_largest_first_and_the_confidential_ones_last(self):
        names = [d["name"] for d in self.document["datasets"]]
        self.assertEqual(names[:2], ["Open Encyclopaedia", "ExampleBot crawl"])
        self.assertEqual(names[-1], "Confidential sources (2)")
        self.assertEqual(names[-2], "Tiny Corpus")

    def test_the_confidential_sources_are_one_entry_counted_and_never_named(self):
        withheld = items_of(self.document, "Confidential sources (2)")
        self.assertEqual(
            withheld["A"]["answer"],
            f"{WITHHELD}: 2 sources, not named. Kinds of source: crawled from the web (1), "
            "commercially licensed (1).",
        )
        for letter in "BFIJK":
            with self.subTest(item=letter):
                self.assertEqual(withheld[letter]["answer"], f"{WITHHELD}.")
                self.assertIsNone(withheld[letter]["value"])
        self.assertIn("Together they are 10% of the training mix.", withheld["C"]["answer"])
        # What the label counts over every source, less the public sources' own answers.
        self.assertEqual(withheld["E"]["answer"], "Of the 2: 1 protected by copyright, 1 mixed.")
        self.assertEqual(withheld["G"]["answer"], "Of the 2: 2 without.")
        self.assertEqual(withheld["H"]["value"], {"aggregate_consumer_data": 0})
        self.assertEqual(withheld["L"]["answer"], "Of the 2: 0 synthetic.")
        everything = json.dumps(self.document, default=str)
        for name in [*CONFIDENTIAL, "HiddenBot", "hidden-domain.example", "Commercial terms"]:
            with self.subTest(name=name):
                self.assertNotIn(name, everything)

    def test_a_crawl_names_its_crawler_domains_and_the_ongoing_collection(self):
        crawl = items_of(self.document, "ExampleBot crawl")
        self.assertEqual(
            crawl["A"]["answer"],
            "Owner: Example Foundation. Crawled from the web by ExampleBot (ExampleBot/1.0 "
            "(+https://acme.example/bot)); the largest domains: en.wikipedia.org, bbc.co.uk. "
            "Version: 2024-06.",
        )
        self.assertEqual(crawl["A"]["value"]["top_domains"], ["en.wikipedia.org", "bbc.co.uk"])
        self.assertEqual(
            crawl["J"]["answer"],
            "From 1 January 2023. Notice: the data collection is ongoing.",
        )
        self.assertTrue(crawl["J"]["value"]["collection_ongoing"])
        self.assertIn(
            "Its collection is ongoing, so the figures are estimates.", crawl["C"]["answer"]
        )
        self.assertEqual(crawl["F"]["answer"], "Neither: collected by crawling the web.")
        self.assertEqual(crawl["G"]["answer"], "Yes. Measures: Emails and phone numbers removed.")

    def test_the_number_of_data_points_is_the_band_and_the_share_and_says_so(self):
        encyclopaedia = items_of(self.document, "Open Encyclopaedia")
        self.assertEqual(
            encyclopaedia["C"]["answer"],
            "Not published as a count: the register publishes sizes in bands only. The training "
            "data as a whole: Text: 1 billion to 10 trillion tokens. This dataset: 30% of the "
            "training mix.",
        )
        self.assertEqual(
            encyclopaedia["C"]["value"],
            {"size_bands": [{"modality": "text", "band": "1b_10t"}], "share_percent": "30.000"},
        )

    def test_answers_follow_the_sources_declared_values(self):
        cases = [
            (
                "News archive",
                "E",
                "Yes: it includes data protected by copyright. Licence: custom licence.",
            ),
            ("News archive", "F", "Licensed. Licence: custom licence."),
            ("Broker records", "F", "Purchased. Licence: custom licence."),
            (
                "Open Encyclopaedia",
                "E",
                "Yes: it mixes data protected by copyright with data in the public domain. "
                "Licence: Creative Commons Attribution Share Alike 4.0 International.",
            ),
            ("Open Encyclopaedia", "F", "Neither: publicly available."),
            (
                "Staff examples",
                "E",
                "It is the developer's own data, whose rights the developer holds. Licence: "
                "Creative Commons Attribution 4.0 International.",
            ),
            ("Staff examples", "F", "Neither: the developer's own data."),
            ("Chat logs", "G", "Yes. Measures: Pseudonymised."),
            ("Chat logs", "H", "Yes."),
            ("Open Encyclopaedia", "H", "No."),
            ("Open Encyclopaedia", "K", "1 July 2024"),
            ("Open Encyclopaedia", "J", "From 1 January 2023 to 30 June 2024."),
            ("Open Encyclopaedia", "I", "Yes: Deduplication (to remove repeated content)."),
            ("Open Encyclopaedia", "L", "No: this dataset is not synthetic data."),
            (
                "Reasoning dialogues",
                "L",
                "Yes: this dataset is synthetic data, generated with Open Teacher 70B (Open "
                "Models Ltd).",
            ),
            ("Open Encyclopaedia", "B", "Broad general knowledge."),
        ]
        for name, letter, expected in cases:
            with self.subTest(dataset=name, item=letter):
                self.assertEqual(items_of(self.document, name)[letter]["answer"], expected)

    def test_missing_answers_say_so(self):
        label = copy.deepcopy(self.label)
        source = next(s for s in label["sources"] if s["name"] == "Open Encyclopaedia")
        source |= {
            "owner": "",
            "url": "",
            "dataset_version": "",
            "purpose": "",
            "ip_status": "",
            "licence": "",
            "acquisition": "",
            "personal_data": "",
            "processing": [],
            "collection_start": None,
            "collection_end": None,
            "first_used_on": None,
        }
        found = items_of(ab2013(label), "Open Encyclopaedia")
        for letter in "ABEFG":
            with self.subTest(item=letter):
                self.assertEqual(found[letter]["answer"], NOT_DECLARED)
        self.assertEqual(found["I"]["answer"], "None declared to the register.")
        self.assertEqual(found["J"]["answer"], "Dates not stated.")
        self.assertEqual(found["K"]["answer"], module.NOT_STATED)

    def test_a_dataset_without_a_share_says_so(self):
        label = copy.deepcopy(self.label)
        source = next(s for s in label["sources"] if s["name"] == "News archive")
        source["share_percent"] = None
        found = items_of(ab2013(label), "News archive")
        self.assertTrue(
            found["C"]["answer"].endswith("This dataset: share of the training mix not stated.")
        )
        self.assertEqual(ab2013(label)["datasets"][-2]["name"], "News archive")  # last named

    def test_the_system_items_name_the_developer_purpose_and_synthetic_data(self):
        system = {entry["key"]: entry for entry in self.document["system"]}
        self.assertEqual(
            list(system),
            [
                "developer",
                "system",
                "release_date",
                "distribution",
                "intended_purpose",
                "datasets",
                "size",
                "collection",
                "synthetic_data",
            ],
        )
        self.assertEqual(
            system["developer"]["answer"],
            f"Acme Intelligence Ltd, trading as Acme AI ({self.acme.registration_number})",
        )
        self.assertEqual(
            system["intended_purpose"]["answer"],
            "A general-purpose assistant for drafting and summarising text.",
        )
        self.assertEqual(
            system["datasets"]["answer"],
            "10 named datasets and 2 confidential sources counted together, not named",
        )
        self.assertEqual(
            system["synthetic_data"]["answer"],
            "Yes: 1 synthetic source, 5% of the training mix, generated with Open Teacher 70B "
            "(Open Models Ltd).",
        )

    def test_a_withdrawn_version_is_a_tombstone(self):
        label = copy.deepcopy(self.label) | {
            "withdrawn": True,
            "withdrawal": {"reason": "Licence ended", "withdrawn_at": "2026-03-02T10:00:00Z"},
        }
        document = ab2013(label)
        self.assertEqual(
            set(document),
            {"kind", "withdrawn", "model", "provider", "version", "withdrawn_on", "reason"},
        )
        self.assertEqual((document["kind"], document["reason"]), ("tombstone", "Licence ended"))


class PageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = rich_filing(cls)

    def setUp(self):
        cache.clear()

    def test_each_dataset_is_a_summary_card_with_its_twelve_items(self):
        response = Client().get(url(self.declaration))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        cards = html.split('<div class="govuk-summary-card"')[1:]
        self.assertEqual(len(cards), len(PLACED) + 2)
        for card in cards:
            keys = re.findall(r'<dt class="govuk-summary-list__key">\((\w)\) ', card)
            self.assertEqual(keys, LETTERS)
        self.assertIn("<bdi>Confidential sources (2)</bdi>", cards[-1])
        self.assertContains(
            response,
            '<dt class="govuk-summary-list__key">(A) The sources or owners of the datasets.</dt>',
        )
        self.assertContains(
            response, f'href="{url(self.declaration, name="exchange:ab-2013-json")}"'
        )
        self.assertNotContains(response, "<table")
        for name in CONFIDENTIAL:
            self.assertNotContains(response, name)

    def test_past_the_largest_the_datasets_are_a_table_of_the_rest(self):
        with mock.patch.object(summaries, "AB2013_IN_FULL", 3):
            response = Client().get(url(self.declaration))
        html = response.content.decode()
        self.assertEqual(html.count('<div class="govuk-summary-card"'), 4)  # 3 and the withheld
        self.assertContains(response, "The other 7 datasets")
        rows = re.findall(
            r'<th scope="row" class="govuk-table__header app-wrap-anywhere"><bdi>([^<]+)</bdi>',
            html,
        )
        self.assertEqual(len(rows), 7)
        self.assertEqual(rows[-1], "Tiny Corpus")
        self.assertEqual(
            rows[0], "Broker records"
        )  # 5%, first of the equal shares by the label's order

    def test_the_breadcrumbs_lead_back_to_the_label(self):
        response = Client().get(url(self.declaration))
        label = reverse(
            "labels:model-version", args=[self.declaration.model.registration_number, 1]
        )
        self.assertContains(
            response,
            f'<a class="govuk-breadcrumbs__link" href="{label}">'
            "<bdi>Rich</bdi> label, version 1</a>",
            html=True,
        )

    def test_validators_headers_and_methods(self):
        client = Client()
        response = client.get(url(self.declaration))
        found = stamp(response.wsgi_request, self.declaration.model.registration_number, 1)
        self.assertEqual(response["ETag"], f'"{found["etag"]}-anonymous"')
        self.assertEqual(
            client.get(url(self.declaration), HTTP_IF_NONE_MATCH=response["ETag"]).status_code, 304
        )
        self.assertEqual(client.post(url(self.declaration)).status_code, 405)

    def test_a_withdrawn_version_shows_a_tombstone_and_nothing_else(self):
        withdraw(self, self.declaration, "Withdrawn: the news licence ended.")
        response = Client().get(url(self.declaration))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Withdrawn: the news licence ended.")
        self.assertContains(response, "label withdrawn")
        for name in [*PLACED, "The system", "(A) The sources"]:
            with self.subTest(name=name):
                self.assertNotContains(response, name)


class JsonTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = rich_filing(cls)

    def setUp(self):
        cache.clear()

    def test_the_json_is_the_document_open_to_any_origin_and_deterministic(self):
        first = Client().get(url(self.declaration, name="exchange:ab-2013-json"))
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first["Content-Type"], "application/json")
        self.assertEqual(first["Access-Control-Allow-Origin"], "*")
        visitor_stamps_expire()
        again = Client().get(url(self.declaration, name="exchange:ab-2013-json"))
        self.assertEqual(again.content, first.content)
        document = json.loads(first.content)
        expected = ab2013(export_label(self.declaration.model.registration_number, 1))
        self.assertEqual(document, json.loads(json.dumps(expected, default=str)))
        self.assertEqual(document["kind"], "ab2013")
        self.assertEqual(document["accepted_on"], timezone.localdate().isoformat())
        self.assertEqual(
            document["links"]["label"],
            f"{settings.SITE_URL}/register/models/"
            f"{self.declaration.model.registration_number}/v/1/",
        )

    def test_it_answers_with_the_labels_data_validators(self):
        response = Client().get(url(self.declaration, name="exchange:ab-2013-json"))
        label_json = Client().get(
            reverse(
                "labels:model-version-json", args=[self.declaration.model.registration_number, 1]
            )
        )
        self.assertEqual(response["ETag"], label_json["ETag"])
        self.assertEqual(response["Last-Modified"], label_json["Last-Modified"])
        again = Client().get(
            url(self.declaration, name="exchange:ab-2013-json"), HTTP_IF_NONE_MATCH=response["ETag"]
        )
        self.assertEqual(again.status_code, 304)

    def test_a_withdrawn_version_gives_a_tombstone(self):
        withdraw(self, self.declaration, "Withdrawn: the news licence ended.")
        document = json.loads(
            Client().get(url(self.declaration, name="exchange:ab-2013-json")).content
        )
        number = self.declaration.model.registration_number
        self.assertEqual(
            document,
            {
                "kind": "tombstone",
                "withdrawn": True,
                "model": {"registration_number": number, "name": "Rich", "version": "3.0"},
                "provider": {
                    "registration_number": self.acme.registration_number,
                    "name": "Acme AI",
                    "legal_name": "Acme Intelligence Ltd",
                },
                "version": 1,
                "withdrawn_on": document["withdrawn_on"],
                "reason": "Withdrawn: the news licence ended.",
            },
        )
        self.assertRegex(document["withdrawn_on"], r"^\d{4}-\d{2}-\d{2}$")


class NotFoundTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat", sources=3)
        cls.number = cls.declaration.model.registration_number

    def test_every_persona_reads_the_page_and_the_json(self):
        for name in ("exchange:ab-2013", "exchange:ab-2013-json"):
            for persona in PERSONAS:
                with self.subTest(page=name, persona=persona):
                    response = self.open_as(persona, reverse(name, args=[self.number, 1]))
                    self.assertEqual(response.status_code, 200)

    def test_unknown_numbers_and_versions_are_not_found_for_every_persona(self):
        asked = [("MOD-999999", 1), (self.number, 2), (self.number, 0)]
        for name in ("exchange:ab-2013", "exchange:ab-2013-json"):
            for number, version in asked:
                address = reverse(name, args=[number, version])
                for persona in PERSONAS:
                    with self.subTest(page=name, number=number, version=version, persona=persona):
                        self.assertEqual(self.open_as(persona, address).status_code, 404)

    def test_malformed_addresses_are_not_found(self):
        for path in (
            f"/register/models/{self.number}/v/x/ab-2013/",
            f"/register/models/{self.number}/v/1/ab-2013.xml",
            "/register/models/MOD-12/v/1/ab-2013.json",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)


class LeakTests(PersonaTestCase):
    """The sentinel filing of `tests.labels.test_selectors`, with a case note and an unsent
    finding, read through the page, the JSON and the document itself."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = sentinels.sentinel_filing(cls)
        case = Case.objects.get(filing_kind="declaration", filing_id=cls.declaration.pk)
        CaseNote.objects.create(
            case=case, kind="note", body=CASE_SENTINELS["internal case note"], author=cls.olivia
        )
        Finding.objects.create(
            case=case,
            submission=1,
            field="tdm_opt_out_measures",
            message=CASE_SENTINELS["unsent finding"],
            raised_by=cls.olivia,
        )
        cache.clear()
        number = cls.declaration.model.registration_number
        cls.texts = {
            "page": Client().get(reverse("exchange:ab-2013", args=[number, 1])).content.decode(),
            "json": Client()
            .get(reverse("exchange:ab-2013-json", args=[number, 1]))
            .content.decode(),
        }

    def test_the_outputs_show_the_sentinel_filing_with_its_confidential_entry(self):
        self.assertIn("Leaky", self.texts["page"])
        document = json.loads(self.texts["json"])
        self.assertEqual(document["datasets"][-1]["name"], "Confidential sources (3)")

    def test_no_sentinel_appears_in_the_page_or_the_json(self):
        found = [
            *sentinels.SENTINEL_TEXT.items(),
            *sentinels.SENTINEL_NUMBERS.items(),
            *CASE_SENTINELS.items(),
        ]
        for where, text in self.texts.items():
            for name, sentinel in found:
                for spelling in spellings(sentinel):
                    with self.subTest(where=where, sentinel=name, spelling=spelling):
                        self.assertNotIn(spelling, text)

    def test_the_json_has_no_regulator_only_key(self):
        keys = sentinels.keys_in(json.loads(self.texts["json"]))
        self.assertEqual(keys & sentinels.REGULATOR_ONLY_KEYS, set())


class QueryBoundTests(PersonaTestCase):
    # The page or the JSON for a visitor, whatever the number of sources:
    #  1. the caching validators (label_stamp)
    #  2. the declaration with its model and provider (label_declaration)
    #  3-4. the sources that are not confidential, and the confidential ones (counted only)
    #  5-6. the supply chain and the red-team attestations
    #  7. the published versions
    #  8-9. the accepted ownership statement and its investors
    #  10. the model's lineage, both ways
    #  11. the hash of the accepted snapshot
    QUERIES = 11

    def test_the_page_and_json_run_the_same_queries_for_10_and_1000_sources(self):
        small = published_model(self, name="Small", sources=10)
        large = published_model(self, name="Large", sources=1000)
        large.sources.filter(name="Source 4").update(confidential=True, confidentiality_reason="x")
        for declaration in (small, large):
            for name in ("exchange:ab-2013", "exchange:ab-2013-json"):
                with self.subTest(sources=declaration.sources.count(), page=name):
                    cache.clear()
                    with self.assertNumQueries(self.QUERIES):
                        response = Client().get(url(declaration, name=name))
                    self.assertEqual(response.status_code, 200)
        # The page once rendered for visitors: from the cache, with its validators.
        Client().get(url(large))
        with self.assertNumQueries(0):
            page = Client().get(url(large))
        self.assertContains(page, "The other 974 datasets")  # 999 named, one confidential
        self.assertEqual(page.content.decode().count('<div class="govuk-summary-card"'), 26)
