"""The console's CSV exports: the queue, decided cases, providers, models and search results.

Each is read back as a spreadsheet would read it: UTF-8 after a byte order mark, headings in
words, ISO dates, nothing that runs as a formula, and the same queries for 10 rows as for 1,000.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from registry.declarations.models import AIModel, ModelDependency
from registry.filings.states import Status
from registry.providers.models import ControlVerdict, Provider
from registry.review.exports import (
    DECIDED_HEADINGS,
    MODEL_HEADINGS,
    PROVIDER_HEADINGS,
    QUEUE_HEADINGS,
    SEARCH_HEADINGS,
)
from registry.review.models import Case, CaseFlag
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    InvestmentLinkFactory,
    OwnershipStatementFactory,
    ProviderFactory,
)
from tests.review.test_caseload import at, decided_case, make_case, make_cases

TODAY = timezone.localdate


def read_csv(response) -> list[list[str]]:
    """The rows of a CSV download, after checking it is one that Excel reads as UTF-8."""
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff"), "no byte order mark"
    return list(csv.reader(io.StringIO(content[1:])))


class ExportTestCase(PersonaTestCase):
    def setUp(self):
        self.sign_in(self.olivia)

    def export(self, name: str, query: str = "") -> list[list[str]]:
        response = self.client.get(reverse(f"review:{name}") + query)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return read_csv(response)


class QueueExportTests(ExportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = TODAY()
        cls.due_soon = make_case(
            cls.acme,
            reference="DEC-000031-v1",
            subject="Atlas 2.0",
            due_on=today + timedelta(days=3),
            last_submitted_at=at(date(2026, 1, 5)),
            assignee=cls.diana,
        )
        cls.overdue = make_case(
            cls.beta,
            reference="OWN-000032-v1",
            filing_kind="ownership",
            subject="Beta Labs Ltd",
            status=Status.UNDER_REVIEW,
            due_on=today - timedelta(days=2),
            last_submitted_at=at(date(2026, 1, 2)),
            submissions=2,
        )
        CaseFlag.objects.create(
            case=cls.overdue, code="foreign_control", severity="high", message="US 60%"
        )
        CaseFlag.objects.create(
            case=cls.overdue, code="api_aggregator", severity="low", message="Router"
        )
        make_case(cls.acme, reference="DEC-000033-v1", status=Status.ACCEPTED)

    def test_the_queue_as_on_screen_with_its_headings_in_words(self):
        today = TODAY()
        rows = self.export("queue-export")
        self.assertEqual(rows[0], QUEUE_HEADINGS)
        self.assertEqual(
            rows[0],
            [
                "Reference",
                "Filing",
                "Kind of filing",
                "Provider",
                "Provider number",
                "Status",
                "Assigned to",
                "Submitted on",
                "Submissions",
                "Due on",
                "Clock",
                "Risk flags",
            ],
        )
        self.assertEqual(
            rows[1:],
            [
                [
                    "OWN-000032-v1",
                    "Beta Labs Ltd",
                    "Ownership statement",
                    "Beta Labs Ltd",
                    self.beta.registration_number,
                    "Under review",
                    "",
                    "2026-01-02",
                    "2",
                    (today - timedelta(days=2)).isoformat(),
                    "2 days overdue",
                    "API aggregator in the supply chain; Foreign control",
                ],
                [
                    "DEC-000031-v1",
                    "Atlas 2.0",
                    "Provenance declaration",
                    "Acme AI",
                    self.acme.registration_number,
                    "Submitted",
                    "Diana Decider",
                    "2026-01-05",
                    "1",
                    (today + timedelta(days=3)).isoformat(),
                    "3 days left",
                    "",
                ],
            ],
        )

    def test_the_filters_and_sort_of_the_queue_apply(self):
        self.assertEqual(
            [row[0] for row in self.export("queue-export", "?sort=-reference")[1:]],
            ["OWN-000032-v1", "DEC-000031-v1"],
        )
        self.assertEqual(
            [row[0] for row in self.export("queue-export", "?kind=declaration")[1:]],
            ["DEC-000031-v1"],
        )
        query = f"?assignee={self.diana.pk}&page=2"
        self.assertEqual(
            [row[0] for row in self.export("queue-export", query)[1:]], ["DEC-000031-v1"]
        )

    def test_an_empty_queue_is_a_file_of_headings_alone(self):
        response = self.client.get(reverse("review:queue-export") + "?state=changes_requested")
        content = b"".join(response.streaming_content)
        self.assertEqual(content, ("\ufeff" + ",".join(QUEUE_HEADINGS) + "\r\n").encode())

    def test_the_file_is_named_after_the_queue_and_the_day(self):
        response = self.client.get(reverse("review:queue-export"))
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="queue-{TODAY().isoformat()}.csv"',
        )

    def test_text_that_would_run_as_a_formula_is_kept_as_text(self):
        for number, subject in enumerate(
            ('=HYPERLINK("http://evil.example","Click")', "+1+1", "-2", "@SUM(A1)", "\tTab")
        ):
            make_case(self.acme, reference=f"DEC-00009{number}-v1", subject=subject)
        subjects = {row[0]: row[1] for row in self.export("queue-export")[1:]}
        self.assertEqual(subjects["DEC-000090-v1"], '\'=HYPERLINK("http://evil.example","Click")')
        self.assertEqual(subjects["DEC-000091-v1"], "'+1+1")
        self.assertEqual(subjects["DEC-000092-v1"], "'-2")
        self.assertEqual(subjects["DEC-000093-v1"], "'@SUM(A1)")
        self.assertEqual(subjects["DEC-000094-v1"], "'\tTab")

    def test_the_queue_page_links_to_its_export_with_its_filters(self):
        response = self.client.get(reverse("review:console") + "?kind=declaration&page=1")
        self.assertContains(response, 'href="/console/export.csv?kind=declaration"')
        Case.objects.filter(pk=self.overdue.pk).update(assignee=self.olivia)
        response = self.client.get(reverse("review:my-cases"))
        self.assertContains(response, 'href="/console/export.csv?assignee=me"')


class DecidedExportTests(ExportTestCase):
    def test_decided_cases_with_who_decided_and_when(self):
        decided_case(
            self.acme,
            Status.ACCEPTED,
            date(2026, 3, 1),
            self.diana,
            reference="DEC-000041-v1",
            subject="Atlas 1.0",
            assignee=self.olivia,
            opened_at=at(date(2026, 2, 1)),
        )
        make_case(self.acme, reference="DEC-000042-v1")
        rows = self.export("decided-export")
        self.assertEqual(
            rows,
            [
                DECIDED_HEADINGS,
                [
                    "DEC-000041-v1",
                    "Atlas 1.0",
                    "Provenance declaration",
                    "Acme AI",
                    self.acme.registration_number,
                    "Accepted",
                    "2026-03-01",
                    "Diana Decider",
                    "Olivia Officer",
                    "2026-02-01",
                    "1",
                ],
            ],
        )
        self.assertEqual(self.export("decided-export", "?outcome=rejected"), [DECIDED_HEADINGS])


class RegisterExportTests(ExportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Beta is foreign-controlled by its accepted statement; Acme has none accepted.
        statement = OwnershipStatementFactory(provider=cls.beta, status=Status.ACCEPTED)
        InvestmentLinkFactory(
            statement=statement,
            country="US",
            share_percent=Decimal("60"),
            votes_percent=Decimal("60"),
        )
        cls.base = AIModelFactory(
            provider=cls.beta, name="Base", version="1", registration_number="MOD-000001"
        )
        cls.tuned = AIModelFactory(provider=cls.acme, name="Tuned", version="2")
        ModelDependency.objects.create(model=cls.tuned, depends_on=cls.base, relation="fine_tune")
        ModelDependency.objects.create(
            model=cls.tuned, external_name="Llama 3", relation="distillation"
        )

    def test_providers_with_their_counts_and_control(self):
        rows = self.export("providers-export")
        self.assertEqual(rows[0], PROVIDER_HEADINGS)
        self.assertEqual(
            rows[1:],
            [
                [
                    "Acme Intelligence Ltd",
                    "Acme AI",
                    self.acme.registration_number,
                    self.acme.company_number,
                    "United Kingdom",
                    "3",
                    "1",
                    "No accepted ownership statement",
                    "",
                ],
                [
                    "Beta Labs Ltd",
                    "",
                    self.beta.registration_number,
                    self.beta.company_number,
                    "United Kingdom",
                    "1",
                    "1",
                    str(ControlVerdict.FOREIGN_CONTROLLED.label),
                    "United States",
                ],
            ],
        )
        self.assertEqual(
            [row[0] for row in self.export("providers-export", "?q=beta")[1:]], ["Beta Labs Ltd"]
        )
        self.assertEqual(self.export("providers-export", "?q=nothing-like-it"), [PROVIDER_HEADINGS])

    def test_models_with_their_latest_declaration_and_what_they_are_built_on(self):
        rows = self.export("models-export")
        self.assertEqual(rows[0], MODEL_HEADINGS)
        self.assertEqual(
            rows[1:],
            [
                [
                    "Base",
                    "1",
                    "MOD-000001",
                    "Beta Labs Ltd",
                    self.beta.registration_number,
                    "Foundation model",
                    "Through an API",
                    "None",
                    "",
                    "",
                ],
                [
                    "Tuned",
                    "2",
                    "",
                    "Acme AI",
                    self.acme.registration_number,
                    "Foundation model",
                    "Through an API",
                    "None",
                    "",
                    "Base 1 (fine-tune, MOD-000001); Llama 3 (distillation)",
                ],
            ],
        )

    def test_search_results_of_every_kind_and_none_without_a_search(self):
        make_case(
            self.beta, reference="OWN-000051-v1", subject="Beta Labs Ltd", filing_kind="ownership"
        )
        rows = self.export("search-export", "?q=beta")
        self.assertEqual(
            rows,
            [
                SEARCH_HEADINGS,
                ["Provider", self.beta.registration_number, "Beta Labs Ltd", "", ""],
                ["Model", "MOD-000001", "Base 1", "Beta Labs Ltd", ""],
                [
                    "Case (ownership statement)",
                    "OWN-000051-v1",
                    "Beta Labs Ltd",
                    "Beta Labs Ltd",
                    "Submitted",
                ],
            ],
        )
        self.assertEqual(self.export("search-export"), [SEARCH_HEADINGS])
        self.assertEqual(self.export("search-export", "?q=zzz"), [SEARCH_HEADINGS])

    def test_the_register_pages_link_to_their_exports(self):
        for name, query, link in (
            ("review:providers", "?q=beta", 'href="/console/providers/export.csv?q=beta"'),
            ("review:models", "", 'href="/console/models/export.csv"'),
            ("review:search", "?q=beta", 'href="/console/search/export.csv?q=beta"'),
        ):
            with self.subTest(page=name):
                self.assertContains(self.client.get(reverse(name) + query), link)


class ExportQueryTests(ExportTestCase):
    """Every export runs the same queries for 10 rows as for 1,000.

    Each starts with the four every console page runs: the session, the user, their
    authenticator and their regulator groups.
    """

    def read(self, name: str, query: str = "") -> int:
        response = self.client.get(reverse(f"review:{name}") + query)
        return len(read_csv(response)) - 1

    def assert_constant(self, name: str, queries: int, grow, query: str = "") -> None:
        for count in (10, 1000):
            grow(count)
            with self.subTest(rows=count), self.assertNumQueries(queries):
                self.assertEqual(self.read(name, query), count)

    def grow_cases(self, **fields):
        def grow(count: int) -> None:
            make_cases(self.acme, count - Case.objects.count(), assignee=self.diana, **fields)

        return grow

    def grow_providers(self, count: int) -> None:
        Provider.objects.bulk_create(
            ProviderFactory.build(registration_number=f"PRV-{700000 + n:06d}")
            for n in range(Provider.objects.count(), count)
        )

    def grow_models(self, count: int) -> None:
        AIModel.objects.bulk_create(
            AIModelFactory.build(provider=self.acme, name=f"Many {n}")
            for n in range(AIModel.objects.count(), count)
        )

    def test_the_queue(self):
        # 5. the staff (the assignee filter), 6. the flags, 7. the cases.
        self.assert_constant("queue-export", 7, self.grow_cases())

    def test_the_decided_cases(self):
        # 5. the staff (the filters), 6. the cases with their deciders.
        grow = self.grow_cases(status=Status.ACCEPTED, closed_at=timezone.now())
        self.assert_constant("decided-export", 6, grow)

    def test_the_providers(self):
        statement = OwnershipStatementFactory(provider=self.beta, status=Status.ACCEPTED)
        InvestmentLinkFactory(statement=statement, country="US")
        # 5. accepted ownership statements, 6. their links, 7. the providers with their counts.
        self.assert_constant("providers-export", 7, self.grow_providers)

    def test_the_models(self):
        # 5. what they are built on, 6. the models with provider and latest declaration.
        self.assert_constant("models-export", 6, self.grow_models)

    def test_the_search_results(self):
        # 5. the providers, 6. the models, 7. the cases.
        self.assert_constant("search-export", 7, self.grow_cases(subject="Needle"), "?q=Needle")
