"""The EU AI Office's public summary of training content: every section of the template in its
own numbering, each source category in its section, confidential sources counted and never named,
the page and the PDF with the label's validators, tombstones, and nothing regulator-only."""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from unittest import mock

from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.declarations.choices import Acquisition, SourceCategory
from registry.declarations.models import ProvenanceDeclaration
from registry.exchange import eu_summary as module
from registry.exchange.eu_summary import (
    NO_SOURCE,
    NOT_DECLARED,
    TITLES,
    WITHHELD,
    eu_summary,
    source_section,
)
from registry.exchange.selectors import export_label
from registry.exchange.views import summaries
from registry.labels.views.label import stamp
from registry.lib.pdf import RenderedPdf, pdf_objects
from registry.review.models import Case, CaseNote, Finding
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, DataSourceFactory, complete_declaration
from tests.labels import publish, published_model, visitor_stamps_expire, withdraw
from tests.labels import test_selectors as sentinels
from tests.labels.test_leaks_pages import CASE_SENTINELS, spellings
from tests.lib.test_pdf import pdf_info, pdf_text
from tests.matrix import PERSONAS, MatrixTestCase

NUMBERS = [
    "1",
    "1.1",
    "1.2",
    "1.3",
    "2",
    "2.1",
    "2.2",
    "2.2.1",
    "2.2.2",
    "2.3",
    "2.4",
    "2.5",
    "2.6",
    "3",
    "3.1",
    "3.2",
]
# The rich filing's public sources, and the section of the template that names each (its
# "Tiny Corpus", a small public dataset, is described in 2.1 with the others, not named).
PLACED = {
    "Open Encyclopaedia": "2.1",
    "ExampleBot crawl": "2.3",
    "News archive": "2.2.1",
    "Broker records": "2.2.2",
    "Chat logs": "2.4",
    "Reasoning dialogues": "2.5",
    "Support tickets": "2.4",
    "Staff examples": "2.6",
    "Diagrams": "2.6",
}
CONFIDENTIAL = ["Secret licence deal", "HiddenBot crawl"]


def rich_filing(case, name: str = "Rich") -> ProvenanceDeclaration:
    """An accepted declaration with a source of every category (a catch-all one placed by its
    acquisition), two confidential sources (licensed, crawled) and shares adding up to 100."""
    declaration = complete_declaration(
        model=AIModelFactory(provider=case.acme, name=name, version="3.0"),
        sources=0,
        content_types=["encyclopaedia articles", "news", "dialogues"],
    )

    def source(name: str, share: str, **fields) -> None:
        DataSourceFactory(
            declaration=declaration, name=name, share_percent=Decimal(share), **fields
        )

    source(
        "Open Encyclopaedia",
        "30",
        url="https://encyclopaedia.example/dump",
        owner="Open Encyclopaedia Foundation",
        licence="CC-BY-SA-4.0",
    )
    source("Tiny Corpus", "0.5", url="", owner="Small Lab", licence="MIT")
    source(
        "ExampleBot crawl",
        "25",
        web_crawl=True,
        crawler_name="ExampleBot",
        crawler_user_agent="ExampleBot/1.0 (+https://acme.example/bot)",
        tdm_opt_out_respected=False,
        top_domains=["en.wikipedia.org", "bbc.co.uk"],
        collection_end=None,
        collection_ongoing=True,
        personal_data="yes",
        personal_data_measures="Emails and phone numbers removed.",
    )
    source("News archive", "10", licensed=True)
    source(
        "Broker records",
        "5",
        category=SourceCategory.PRIVATE_THIRD_PARTY,
        acquisition=Acquisition.PURCHASED,
        owner="Data Broker Ltd",
        licence="LicenseRef-broker-2024",
    )
    source(
        "Chat logs",
        "5",
        category=SourceCategory.USER_DATA,
        acquisition=Acquisition.USER_PROVIDED,
        personal_data="yes",
        personal_data_measures="Pseudonymised.",
        aggregate_consumer_data=True,
    )
    source("Reasoning dialogues", "5", synthetic=True)
    source(
        "Support tickets",
        "4",
        category=SourceCategory.PROPRIETARY,
        acquisition=Acquisition.USER_PROVIDED,
    )
    source(
        "Staff examples",
        "3",
        category=SourceCategory.PROPRIETARY,
        acquisition=Acquisition.INTERNAL,
        ip_status="own",
    )
    source(
        "Diagrams",
        "2.5",
        category=SourceCategory.OTHER,
        acquisition=Acquisition.PUBLIC,
        modalities=["image"],
    )
    source(
        CONFIDENTIAL[0],
        "5",
        licensed=True,
        confidential=True,
        confidentiality_reason="Commercial terms",
    )
    source(
        CONFIDENTIAL[1],
        "5",
        web_crawl=True,
        crawler_name="HiddenBot",
        crawler_user_agent="HiddenBot/9.9",
        robots_txt_respected=False,
        top_domains=["hidden-domain.example"],
        confidential=True,
        confidentiality_reason="Crawl strategy",
    )
    return publish(case, declaration)


def parts_of(summary: dict) -> list[dict]:
    """Every numbered part of a summary, in reading order."""
    found = []

    def walk(parts):
        for part in parts:
            found.append(part)
            walk(part["parts"])

    walk(summary["sections"])
    return found


def part(summary: dict, number: str) -> dict:
    return next(p for p in parts_of(summary) if p["number"] == number)


def answer(summary: dict, number: str, key: str) -> dict:
    return next(r for r in part(summary, number)["rows"] if r["key"] == key)


def text_of(part: dict) -> str:
    """Everything a part says, its items' names and details too."""
    words = []
    for row in part["rows"]:
        words += [row["key"], row["value"], row["hint"]]
        for item in row["items"]:
            words += [item["name"], *item["details"], item["href"]]
    return "\n".join(words)


def summary_url(declaration, version: int = 1, name: str = "exchange:eu-summary") -> str:
    return reverse(name, args=[declaration.model.registration_number, version])


class SectionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = rich_filing(cls)
        cls.label = export_label(cls.declaration.model.registration_number, 1)

    def setUp(self):
        self.summary = eu_summary(self.label)

    def test_every_section_of_the_template_is_there_in_its_numbering(self):
        found = [(p["number"], p["title"]) for p in parts_of(self.summary)]
        self.assertEqual(found, [(number, TITLES[number]) for number in NUMBERS])
        self.assertEqual(TITLES["2.3"], "Data crawled and scraped from online sources")
        self.assertEqual(
            [p["id"] for p in parts_of(self.summary)][:3],
            ["section-1", "section-1-1", "section-1-2"],
        )

    def test_each_public_source_is_listed_in_its_section_and_no_other(self):
        texts = {p["number"]: text_of(p) for p in parts_of(self.summary)}
        for name, number in PLACED.items():
            with self.subTest(source=name):
                holding = {n for n, text in texts.items() if name in text}
                self.assertEqual(holding, {number})

    def test_every_category_and_catch_all_acquisition_has_a_section(self):
        for category in SourceCategory.values:
            for acquisition in Acquisition.values:
                with self.subTest(category=category, acquisition=acquisition):
                    number = source_section({"category": category, "acquisition": acquisition})
                    if category in ("proprietary", "other") and acquisition in (
                        "scraped",
                        "user_provided",
                        "generated",
                    ):
                        expected = {"scraped": "2.3", "user_provided": "2.4", "generated": "2.5"}
                        self.assertEqual(number, expected[acquisition])
                    else:
                        self.assertEqual(number, module.CATEGORY_SECTIONS[category])
        self.assertEqual(
            module.CATEGORY_SECTIONS,
            {
                "public_dataset": "2.1",
                "licensed": "2.2.1",
                "private_third_party": "2.2.2",
                "web_crawl": "2.3",
                "user_data": "2.4",
                "synthetic": "2.5",
                "proprietary": "2.6",
                "other": "2.6",
            },
        )

    def test_confidential_sources_are_counted_in_their_section_and_never_named(self):
        for number in ("2.2.1", "2.3"):
            with self.subTest(section=number):
                row = answer(self.summary, number, "Confidential sources")
                self.assertEqual(
                    row["value"],
                    f"1 source, 5% of the training mix: counted here, not named. {WITHHELD}.",
                )
        self.assertEqual(answer(self.summary, "2.2.1", "Share of the training mix")["value"], "15%")
        self.assertEqual(answer(self.summary, "2.3", "Share of the training mix")["value"], "30%")
        everything = repr(self.summary)
        for name in [*CONFIDENTIAL, "HiddenBot", "hidden-domain.example", "Commercial terms"]:
            with self.subTest(name=name):
                self.assertNotIn(name, everything)

    def test_a_section_no_source_belongs_in_says_no_and_stays(self):
        label = copy.deepcopy(self.label)
        label["sources"] = [s for s in label["sources"] if s["category"] != "private_third_party"]
        label["composition"] = [
            row for row in label["composition"] if row["category"] != "private_third_party"
        ]
        rows = part(eu_summary(label), "2.2.2")["rows"]
        self.assertEqual(
            [(r["key"], r["value"]) for r in rows],
            [("Private datasets obtained from other third parties", NO_SOURCE)],
        )

    def test_large_public_datasets_are_named_and_the_others_described(self):
        large = answer(self.summary, "2.1", "Large publicly available datasets")
        self.assertEqual([i["name"] for i in large["items"]], ["Open Encyclopaedia"])
        self.assertEqual(large["items"][0]["href"], "https://encyclopaedia.example/dump")
        self.assertIn("Open Encyclopaedia Foundation", large["items"][0]["details"])
        others = answer(self.summary, "2.1", "Other publicly available datasets")["value"]
        self.assertEqual(
            others,
            "1 dataset, 0.5% of the training mix together; modalities: Text; languages: "
            "English; licences: MIT License.",
        )

    def test_general_information_gives_the_provider_model_and_size_bands(self):
        self.assertEqual(
            answer(self.summary, "1.1", "Provider name")["value"],
            "Acme Intelligence Ltd (trading as Acme AI)",
        )
        contact = answer(self.summary, "1.1", "Contact details")
        self.assertEqual(contact["href"], f"/register/providers/{self.acme.registration_number}/")
        self.assertEqual(
            answer(self.summary, "1.1", "Authorised representative in the Union")["value"],
            NOT_DECLARED,
        )
        self.assertEqual(answer(self.summary, "1.2", "Versioned model name")["value"], "Rich 3.0")
        self.assertEqual(
            answer(self.summary, "1.2", "Date of placement on the Union market")["value"],
            NOT_DECLARED,
        )
        self.assertEqual(answer(self.summary, "1.2", "Release date")["value"], "15 January 2025")
        self.assertEqual(
            answer(self.summary, "1.3", "Modalities of the training data")["value"], "Text, Image"
        )
        self.assertEqual(
            answer(self.summary, "1.3", "Training data size: text")["value"],
            "1 billion to 10 trillion tokens",
        )
        # The image source has no band: the register holds no answer, and says so.
        self.assertEqual(
            answer(self.summary, "1.3", "Training data size: image")["value"], NOT_DECLARED
        )
        self.assertEqual(
            answer(self.summary, "1.3", "Linguistic characteristics")["value"],
            "English (80%), French (20%)",
        )

    def test_the_crawl_section_names_crawlers_behaviour_period_and_domains(self):
        crawlers = answer(self.summary, "2.3", "Crawler names and identifiers")["items"]
        self.assertEqual(
            crawlers,
            [
                {
                    "name": "ExampleBot",
                    "details": ["ExampleBot/1.0 (+https://acme.example/bot)"],
                    "href": "",
                }
            ],
        )
        behaviour = answer(self.summary, "2.3", "Crawler behaviour")["value"]
        # Both crawls counted, the confidential one too, and neither named by it.
        self.assertEqual(
            behaviour,
            "Of 2 crawls: robots.txt respected by 1, not by 1; machine-readable TDM opt-outs "
            "respected by 1, not by 1.",
        )
        period = answer(self.summary, "2.3", "Period of data collection")["items"][0]
        self.assertEqual(period["details"], ["from 1 January 2023; collection is ongoing"])
        domains = answer(
            self.summary,
            "2.3",
            "Most relevant domain names crawled (the top 10% by size of content)",
        )
        self.assertEqual(domains["value"], "ExampleBot: 2 domains")
        self.assertEqual([i["name"] for i in domains["items"]], ["en.wikipedia.org", "bbc.co.uk"])
        self.assertEqual(
            answer(self.summary, "2.3", "Captchas, paywalls and other access restrictions")[
                "value"
            ],
            NOT_DECLARED,
        )

    def test_synthetic_data_names_its_generators(self):
        generators = answer(self.summary, "2.5", "General-purpose AI models used to generate it")
        self.assertEqual(
            generators["items"],
            [
                {
                    "name": "Open Teacher 70B",
                    "details": ["Open Models Ltd", "its terms permit training"],
                    "href": "",
                }
            ],
        )

    def test_data_processing_gives_the_opt_out_and_illegal_content_measures(self):
        self.assertEqual(
            answer(self.summary, "3.1", "Signatory of the General-Purpose AI Code of Practice")[
                "value"
            ],
            "Yes",
        )
        measures = part(self.summary, "3.1")["rows"][1]
        self.assertEqual(
            measures["value"], "We honour robots.txt and TDM-Rep opt-outs at crawl time."
        )
        self.assertEqual(
            part(self.summary, "3.2")["rows"][0]["value"],
            "Hash matching against known illegal material; manual review.",
        )

    def test_questions_the_register_holds_no_answer_to_say_so(self):
        label = copy.deepcopy(self.label)
        label["training_data"] |= {
            "tdm_opt_out_measures": "",
            "illegal_content_measures": "",
            "code_of_practice_signatory": None,
            "latest_collection_date": None,
            "continuous_training": None,
            "languages": [],
            "content_types": [],
        }
        label["model"]["release_date"] = None
        summary = eu_summary(label)
        for number, key in [
            ("1.2", "Release date"),
            ("1.3", "Types of content"),
            ("1.3", "Latest date of data collection"),
            ("1.3", "Continuously trained on new data after being placed on the market"),
            ("1.3", "Linguistic characteristics"),
            ("3.1", "Signatory of the General-Purpose AI Code of Practice"),
            (
                "3.1",
                "Measures taken before training to respect reservations of rights, including "
                "the opt-out protocols honoured",
            ),
            ("3.2", "Measures taken to remove illegal content from the training data"),
        ]:
            with self.subTest(section=number, question=key):
                self.assertEqual(answer(summary, number, key)["value"], NOT_DECLARED)

    def test_dependencies_name_the_models_it_was_built_on(self):
        label = copy.deepcopy(self.label)
        label["lineage"]["built_on"] = [
            {
                "relation": "fine_tune",
                "kind": "registered",
                "registration_number": "MOD-000123",
                "name": "Base",
                "version": "1.0",
                "provider": "Base Labs",
            },
            {
                "relation": "distillation",
                "kind": "unregistered",
                "registration_number": None,
                "name": "",
                "version": "",
                "provider": "",
            },
        ]
        row = answer(eu_summary(label), "1.2", "Model dependencies")
        self.assertEqual(
            row["items"],
            [
                {
                    "name": "Base 1.0",
                    "details": ["Fine-tune", "Base Labs", "MOD-000123"],
                    "href": "/register/models/MOD-000123/",
                },
                {
                    "name": "Distillation of a model of the same provider, not on the register",
                    "details": [],
                    "href": "",
                },
            ],
        )
        self.assertEqual(
            answer(self.summary, "1.2", "Model dependencies")["value"],
            "None declared to the register",
        )

    def test_a_source_without_a_share_says_so(self):
        label = copy.deepcopy(self.label)
        source = next(s for s in label["sources"] if s["name"] == "News archive")
        source["share_percent"] = None
        licensed = answer(eu_summary(label), "2.2.1", "Licensed content")["items"][0]
        self.assertEqual(licensed["details"][-1], "share of the training mix not stated")

    def test_a_withdrawn_version_is_a_tombstone_with_nothing_else(self):
        label = copy.deepcopy(self.label) | {
            "withdrawn": True,
            "status": "withdrawn",
            "withdrawal": {"reason": "Data licence ended", "withdrawn_at": "2026-03-02T10:00:00Z"},
        }
        self.assertEqual(
            eu_summary(label),
            {
                "kind": "tombstone",
                "withdrawn": True,
                "model": {
                    "registration_number": self.declaration.model.registration_number,
                    "name": "Rich",
                    "version": "3.0",
                },
                "provider": {
                    "registration_number": self.acme.registration_number,
                    "name": "Acme AI",
                    "legal_name": "Acme Intelligence Ltd",
                },
                "version": 1,
                "withdrawn_on": date(2026, 3, 2),
                "reason": "Data licence ended",
            },
        )


class PageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = rich_filing(cls)

    def setUp(self):
        cache.clear()

    def test_the_page_shows_the_numbered_sections_in_order_as_headings(self):
        response = Client().get(summary_url(self.declaration))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        html = response.content.decode()
        headings = re.findall(
            r'<h([234]) class="govuk-heading-[lms][^"]*" id="section-[^"]+">([^<]+)</h', html
        )
        self.assertEqual(
            [text for _, text in headings],
            [f"{n}. {TITLES[n]}" if "." not in n else f"{n} {TITLES[n]}" for n in NUMBERS],
        )
        self.assertEqual(
            [level for level, _ in headings],
            ["2", "3", "3", "3", "2", "3", "3", "4", "4", "3", "3", "3", "3", "2", "3", "3"],
        )
        self.assertContains(
            response, '<dt class="govuk-summary-list__key">Share of the training mix</dt>'
        )
        self.assertContains(
            response, f'href="{summary_url(self.declaration, name="exchange:eu-summary-pdf")}"'
        )
        self.assertNotContains(response, "<table")  # nothing wider than a phone's screen
        self.assertContains(response, f"accepted on {timezone.localdate():%-d %B %Y}")

    def test_the_breadcrumbs_lead_back_to_the_label(self):
        response = Client().get(summary_url(self.declaration))
        label = reverse(
            "labels:model-version", args=[self.declaration.model.registration_number, 1]
        )
        self.assertContains(
            response,
            f'<a class="govuk-breadcrumbs__link" href="{label}">'
            "<bdi>Rich</bdi> label, version 1</a>",
            html=True,
        )

    def test_long_lists_are_folded_away_after_the_first_ones(self):
        domains = [f"site{i}.example" for i in range(40)]
        self.declaration.sources.filter(name="ExampleBot crawl").update(top_domains=domains)
        visitor_stamps_expire()
        response = Client().get(summary_url(self.declaration))
        self.assertContains(response, "site24.example")
        self.assertContains(response, "Show 15 more")
        html = response.content.decode()
        self.assertLess(html.index("Show 15 more"), html.index("site25.example"))

    def test_provider_text_is_isolated_so_it_cannot_reorder_the_page(self):
        self.declaration.sources.filter(name="News archive").update(name="\u202eevil archive")
        visitor_stamps_expire()
        response = Client().get(summary_url(self.declaration))
        html = response.content.decode()
        self.assertGreater(html.count("<bdi>\u202eevil archive</bdi>"), 0)
        self.assertEqual(
            html.count("\u202eevil archive"), html.count("<bdi>\u202eevil archive</bdi>")
        )

    def test_a_superseded_version_points_to_the_latest(self):
        publish(self, complete_declaration(model=self.declaration.model, sources=3))
        response = Client().get(summary_url(self.declaration, 1))
        self.assertContains(response, "This summary is of version 1 of the label, superseded.")
        self.assertContains(response, f'href="{summary_url(self.declaration, 2)}"')
        latest = Client().get(summary_url(self.declaration, 2))
        self.assertNotContains(latest, "This summary is of version")

    def test_validators_headers_and_methods(self):
        client = Client()
        response = client.get(summary_url(self.declaration))
        found = stamp(response.wsgi_request, self.declaration.model.registration_number, 1)
        self.assertEqual(response["ETag"], f'"{found["etag"]}-anonymous"')
        self.assertIn("Last-Modified", response)
        again = client.get(summary_url(self.declaration), HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)
        head = client.head(summary_url(self.declaration))
        self.assertEqual((head.status_code, head.content), (200, b""))
        for method in ("post", "put", "delete"):
            with self.subTest(method=method):
                self.assertEqual(
                    getattr(client, method)(summary_url(self.declaration)).status_code, 405
                )

    def test_a_withdrawn_version_shows_a_tombstone_and_nothing_else(self):
        withdraw(self, self.declaration, "The licence for the news archive ended.")
        for url in (summary_url(self.declaration),):
            response = Client().get(url)
            self.assertEqual(response.status_code, 200)
            self.assertContains(
                response, "<bdi>Rich</bdi> <bdi>3.0</bdi>: label withdrawn", html=True
            )
            self.assertContains(response, "The licence for the news archive ended.")
            self.assertContains(response, f"on {timezone.localdate():%-d %B %Y}")
            for name in [*PLACED, "List of data sources", "2.1", "Open Encyclopaedia Foundation"]:
                with self.subTest(name=name):
                    self.assertNotContains(response, name)


class NotFoundTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat", sources=3)
        cls.number = cls.declaration.model.registration_number

    def test_every_persona_reads_the_summary_and_its_pdf(self):
        with mock.patch.object(summaries, "html_to_pdf", return_value=RenderedPdf(b"%PDF-1.7", 1)):
            for name in ("exchange:eu-summary", "exchange:eu-summary-pdf"):
                url = reverse(name, args=[self.number, 1])
                for persona in PERSONAS:
                    with self.subTest(page=name, persona=persona):
                        self.assertEqual(self.open_as(persona, url).status_code, 200)

    def test_unknown_numbers_and_versions_are_not_found_for_every_persona(self):
        asked = [("MOD-999999", 1), (self.number, 2), (self.number, 0)]
        for name in ("exchange:eu-summary", "exchange:eu-summary-pdf"):
            for number, version in asked:
                url = reverse(name, args=[number, version])
                for persona in PERSONAS:
                    with self.subTest(page=name, number=number, version=version, persona=persona):
                        self.assertEqual(self.open_as(persona, url).status_code, 404)

    def test_the_page_for_an_unknown_version_says_the_model_is_on_the_register(self):
        response = self.client.get(reverse("exchange:eu-summary", args=[self.number, 7]))
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, reverse("labels:model", args=[self.number]), status_code=404)

    def test_malformed_addresses_are_not_found(self):
        for path in (
            f"/register/models/{self.number}/v/one/eu-summary/",
            f"/register/models/{self.number.lower()}/v/1/eu-summary/",
            f"/register/models/{self.number}/v/-1/eu-summary.pdf",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)


class PdfTests(PersonaTestCase):
    """One real render of the rich filing's summary, read by every test."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = rich_filing(cls)
        cache.clear()
        response = Client().get(summary_url(cls.declaration, name="exchange:eu-summary-pdf"))
        cls.status, cls.headers = response.status_code, dict(response.headers)
        cls.content = response.content
        cls.text = pdf_text(cls.content)

    def test_it_is_an_attachment_named_by_number_and_version(self):
        number = self.declaration.model.registration_number
        self.assertEqual(self.status, 200)
        self.assertEqual(self.headers["Content-Type"], "application/pdf")
        self.assertEqual(
            self.headers["Content-Disposition"],
            f'attachment; filename="{number}-v1-eu-summary.pdf"',
        )
        self.assertTrue(self.content.startswith(b"%PDF-"))

    def test_its_text_has_every_section_number_and_title(self):
        flat = " ".join(self.text.split())
        for number in NUMBERS:
            heading = (
                f"{number}. {TITLES[number]}" if "." not in number else f"{number} {TITLES[number]}"
            )
            with self.subTest(section=number):
                self.assertIn(" ".join(heading.split()), flat)
        positions = [flat.index(f"{n} {TITLES[n]}") for n in NUMBERS if "." in n]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("Open Encyclopaedia", flat)
        # A long address may break across lines at its slashes.
        self.assertIn("(https://encyclopaedia.example/dump)", "".join(flat.split()))

    def test_it_is_tagged_for_accessibility_and_titled_by_the_model(self):
        self.assertRegex(pdf_info(self.content), r"Tagged:\s+yes\n")
        self.assertIn('pdfuaid:part="1"', pdf_info(self.content, "-meta"))
        self.assertIn(b"/Lang (en-GB)", pdf_objects(self.content))
        structure = pdf_info(self.content, "-struct")
        for tag in ("H1", "H2", "H3", "H4", "L", "LI"):
            with self.subTest(tag=tag):
                self.assertRegex(structure, rf"\n\s+{tag}\b")
        number = self.declaration.model.registration_number
        self.assertRegex(
            pdf_info(self.content),
            rf"Title:\s+Rich 3\.0 \({number}\): EU public summary of training content\n",
        )

    def test_confidential_sources_are_counted_not_named(self):
        flat = " ".join(self.text.split())
        self.assertIn("1 source, 5% of the training mix: counted here, not named.", flat)
        for name in [*CONFIDENTIAL, "HiddenBot", "hidden-domain.example"]:
            with self.subTest(name=name):
                self.assertNotIn(name, flat)
                self.assertNotIn(name.encode(), pdf_objects(self.content))


class PdfCachingTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Acme Chat", sources=3)
        cls.url = summary_url(cls.declaration, name="exchange:eu-summary-pdf")

    def setUp(self):
        cache.clear()
        render = mock.patch.object(
            summaries, "html_to_pdf", side_effect=lambda html, **kw: RenderedPdf(html.encode(), 1)
        )
        self.render = render.start()
        self.addCleanup(render.stop)

    def test_a_pdf_is_rendered_once_per_state_of_the_label_and_kept_under_its_etag(self):
        first = Client().get(self.url)
        self.assertEqual(self.render.call_count, 1)
        etag = stamp(first.wsgi_request, self.declaration.model.registration_number, 1)["etag"]
        self.assertEqual(first["ETag"], f'"{etag}"')
        number = self.declaration.model.registration_number
        self.assertEqual(cache.get(f"exchange-eu-summary-pdf:{number}:1:{etag}"), first.content)
        second = Client().get(self.url)
        self.assertEqual(self.render.call_count, 1)
        self.assertEqual(second.content, first.content)
        # The label changes: a new ETag, a new PDF.
        ProvenanceDeclaration.objects.filter(pk=self.declaration.pk).update(
            updated_at=timezone.now()
        )
        visitor_stamps_expire()
        third = Client().get(self.url)
        self.assertEqual(self.render.call_count, 2)
        self.assertNotEqual(third["ETag"], first["ETag"])

    def test_a_client_with_the_current_etag_gets_304_and_nothing_is_rendered(self):
        first = Client().get(self.url)
        again = Client().get(self.url, HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(self.render.call_count, 1)

    def test_a_withdrawn_version_gives_a_tombstone_pdf(self):
        withdraw(self, self.declaration, "Withdrawn for a data licence dispute.")
        visitor_stamps_expire()
        response = Client().get(self.url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()  # what was rendered: the render is mocked
        self.assertIn("Withdrawn for a data licence dispute.", html)
        self.assertIn("label withdrawn", html)
        self.assertNotIn("List of data sources", html)
        self.assertNotIn("Source 1", html)
        title = self.render.call_args.kwargs["title"]
        self.assertEqual(
            title, f"Acme Chat 1.0 ({self.declaration.model.registration_number}): withdrawn"
        )


class LeakTests(PersonaTestCase):
    """The sentinel filing of `tests.labels.test_selectors`, with a case note and an unsent
    finding, read through the summary's page, its PDF and the summary itself."""

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
        pdf = Client().get(reverse("exchange:eu-summary-pdf", args=[number, 1])).content
        cls.texts = {
            "page": Client().get(reverse("exchange:eu-summary", args=[number, 1])).content.decode(),
            "pdf text": pdf_text(pdf),
            "pdf structure": pdf_info(pdf, "-struct-text") + pdf_info(pdf, "-meta"),
            "pdf objects": pdf_objects(pdf).decode("latin-1"),
            "summary": repr(eu_summary(export_label(number, 1))),
        }

    def test_the_outputs_show_the_sentinel_filing(self):
        for where in ("page", "pdf text", "summary"):
            with self.subTest(where=where):
                self.assertIn("Leaky", self.texts[where])
        self.assertIn("3 confidential sources", self.texts["page"])

    def test_no_sentinel_appears_in_any_output(self):
        found = [
            *sentinels.SENTINEL_TEXT.items(),
            *sentinels.SENTINEL_NUMBERS.items(),
            *CASE_SENTINELS.items(),
        ]
        for where, text in self.texts.items():
            flat = " ".join(text.split())
            for name, sentinel in found:
                for spelling in spellings(sentinel):
                    with self.subTest(where=where, sentinel=name, spelling=spelling):
                        self.assertNotIn(spelling, text)
                        self.assertNotIn(spelling, flat)


class QueryBoundTests(PersonaTestCase):
    # The page for a visitor, whatever the number of sources:
    #  1. the caching validators (label_stamp)
    #  2. the declaration with its model and provider (label_declaration)
    #  3-4. the sources that are not confidential, and the confidential ones (counted only)
    #  5-6. the supply chain and the red-team attestations
    #  7. the published versions
    #  8-9. the accepted ownership statement and its investors
    #  10. the model's lineage, both ways
    #  11. the hash of the accepted snapshot
    PAGE_QUERIES = 11
    # The PDF, rendered: the same queries; once kept, only the validators' (1)
    PDF_QUERIES = 11

    def test_the_page_and_pdf_run_the_same_queries_for_10_and_1000_sources(self):
        small = published_model(self, name="Small", sources=10)
        large = published_model(self, name="Large", sources=1000)
        large.sources.filter(name="Source 4").update(confidential=True, confidentiality_reason="x")
        fake = RenderedPdf(b"%PDF-1.7", 1)
        for declaration in (small, large):
            with self.subTest(sources=declaration.sources.count()):
                cache.clear()
                with self.assertNumQueries(self.PAGE_QUERIES):
                    page = Client().get(summary_url(declaration))
                self.assertEqual(page.status_code, 200)
                # Once rendered for visitors: from the cache, with its validators
                with self.assertNumQueries(0):
                    Client().get(summary_url(declaration))
                cache.clear()
                with mock.patch.object(summaries, "html_to_pdf", return_value=fake):
                    with self.assertNumQueries(self.PDF_QUERIES):
                        pdf = Client().get(summary_url(declaration, name="exchange:eu-summary-pdf"))
                    self.assertEqual(pdf.status_code, 200)
                    # The visitors' validators expire; the PDF is kept.
                    cache.delete(f"label-stamp:{declaration.model.registration_number}:1")
                    with self.assertNumQueries(1):
                        Client().get(summary_url(declaration, name="exchange:eu-summary-pdf"))
