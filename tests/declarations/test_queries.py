"""Declaration pages run the same queries for 10 sources as for 2,000 (one with 10,000 hosts)."""

from __future__ import annotations

import time

from django.urls import reverse
from django.utils import timezone

from registry.declarations import selectors, validation
from registry.declarations.models import DataSource
from registry.filings.states import Status
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration

TOP_DOMAINS = [f"host{i}.example.com" for i in range(10_000)]

# Every page starts with the same three: the session, the user and their membership (which
# `member_required` and `access_declaration_for_member` share), and ends with the two the
# service navigation makes: whether the person is regulator staff, and their unread messages.

# The task list:
#  1-3. session, user, membership
#  4. the declaration with its model (access_declaration_for_member)
#  5-7. declaration_data: all sources, the supply chain, the attestations (for the checklist)
#  8. the filing's history (the regulator's reasons, when changes were requested)
#  9. the navigation's regulator check
#  10. the navigation's count of unread messages
TASK_LIST_QUERIES = 10

# The source list:
#  1-4. session, user, membership, the declaration
#  5. the number of sources (the paginator)
#  6. the sum of their shares
#  7. the navigation's regulator check
#  8. the navigation's count of unread messages
#  9. the 50 sources of the page, without their top domains (.only)
SOURCE_LIST_QUERIES = 9

# Check your answers:
#  1-4. session, user, membership, the declaration
#  5-7. declaration_data: sources, supply chain, attestations (for the checklist)
#  8-15. the label's preview (labels.selectors.label_rows): public sources, confidential ones,
#     supply chain, attestations, the model's published versions, the accepted ownership
#     statement, lineage, snapshots
#  16. the provider, for the preview's identity row
#  17. the sources counted and their shares summed by category
#  18-19. the supply chain and the attestations for their summaries
#  20. the navigation's regulator check
#  21. the navigation's count of unread messages
CHECK_QUERIES = 21

# What was filed, read-only:
#  1-4. session, user, membership, the declaration
#  5. the latest snapshot's SHA-256 (not its content)
#  6. the history, with each actor
#  7-8. the regulator's sent findings, and its messages (once submitted)
#  9. the sources by category
#  10-11. the supply chain and the attestations
#  12. the navigation's regulator check
#  13. the navigation's count of unread messages
READ_QUERIES = 13


class DeclarationQueryCountTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.small = complete_declaration(
            model=AIModelFactory(provider=cls.acme, name="Small"), sources=10
        )
        cls.large = complete_declaration(
            model=AIModelFactory(provider=cls.acme, name="Large"), sources=2_000
        )
        DataSource.objects.filter(declaration=cls.large, category="web_crawl").update(
            top_domains=TOP_DOMAINS
        )

    def setUp(self):
        self.sign_in(self.bob)

    def assert_same_queries(self, name: str, expected: int) -> None:
        for declaration in (self.small, self.large):
            url = reverse(f"declarations:{name}", args=[declaration.pk])
            with self.subTest(sources=declaration.sources.count()):
                with self.assertNumQueries(expected):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_the_declarations_are_the_sizes_the_counts_assume(self):
        self.assertEqual(self.small.sources.count(), 10)
        self.assertEqual(self.large.sources.count(), 2_000)
        crawl = self.large.sources.get(category="web_crawl")
        self.assertEqual(len(crawl.top_domains), 10_000)

    def test_the_task_list(self):
        self.assert_same_queries("declaration", TASK_LIST_QUERIES)

    def test_the_source_list(self):
        self.assert_same_queries("sources", SOURCE_LIST_QUERIES)

    def test_check_your_answers(self):
        self.assert_same_queries("check", CHECK_QUERIES)

    def test_the_read_view(self):
        for declaration in (self.small, self.large):
            declaration.status = Status.SUBMITTED
            declaration.submitted_at = timezone.now()
            declaration.save(update_fields=["status", "submitted_at"])
        self.assert_same_queries("declaration", READ_QUERIES)

    def test_the_source_list_never_loads_top_domains(self):
        url = reverse("declarations:sources", args=[self.large.pk])
        with self.assertNumQueries(SOURCE_LIST_QUERIES) as captured:
            response = self.client.get(url)
        page_query = captured.captured_queries[-1]["sql"]
        self.assertIn("declarations_datasource", page_query)
        self.assertNotIn("top_domains", page_query)
        self.assertEqual(len(response.context["page"].object_list), 50)

    def test_the_checklist_validates_2000_sources_quickly(self):
        data = selectors.declaration_data(self.large)
        started = time.perf_counter()
        problems = validation.validate_declaration(data)
        elapsed = time.perf_counter() - started
        self.assertEqual(problems, [])
        # About 0.1 s here; the bound leaves room for slow CI machines.
        self.assertLess(elapsed, 1.0)
