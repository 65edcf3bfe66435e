"""The declaration endpoints that list run the same queries for 5 rows as for 50.

Every request starts with the same two: the key with its provider and creator, and whether the
creator still belongs to the provider (`api_key_authenticate`). The key's last use is recorded
at most once an interval, so each test reads once first and counts the next request.
"""

from __future__ import annotations

import factory
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.declarations import services
from registry.declarations.models import ProvenanceDeclaration
from tests.api.test_declarations import DeclarationApiTestCase
from tests.factories import (
    AIModelFactory,
    DataSourceFactory,
    ProvenanceDeclarationFactory,
    RedTeamAttestationFactory,
    SupplyChainPartyFactory,
    complete_declaration,
    raise_finding,
)

# GET /api/v1/declarations/:
#  1-2. the key, and its creator's membership of the provider
#  3. one page of the provider's declarations with their models
LIST_QUERIES = 3

# GET …/sources/, …/supply-chain/, …/red-team/ and …/history:
#  1-2. the key, and its creator's membership of the provider
#  3. the creator's membership, for the provider the declaration must belong to
#  4. the declaration (access_declaration_for_member)
#  5. one page of rows (sources without their top domains, but with how many there are)
ROWS_QUERIES = 5

# GET …/declarations/{id}/:
#  1-4. the key, the membership check, the creator's membership, the declaration with its model
#  5-7. the ids of its sources (to count them and place findings), every party and attestation
#  8. the latest snapshot's hash and number (not its content)
#  9. the history, with each actor
#  10-11. the regulator's sent findings (of every round), and its messages
DETAIL_QUERIES = 11


class DeclarationQueryCountTests(DeclarationApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.few = cls.filled(5)
        cls.many = cls.filled(50)

    @classmethod
    def filled(cls, count: int):
        """A declaration with `count` sources, parties, attestations and history steps, and
        `count` declarations of other models of Acme's."""
        declaration = complete_declaration(model=AIModelFactory(provider=cls.acme), sources=count)
        SupplyChainPartyFactory.create_batch(count - 1, declaration=declaration)
        RedTeamAttestationFactory.create_batch(count - 1, declaration=declaration)
        services.declaration_submit(
            actor=cls.alice, declaration=declaration, expected_lock_version=None
        )
        for _ in range(count // 2):
            services.declaration_decide(
                actor=cls.olivia, declaration=declaration, action="start_review"
            )
            raise_finding(declaration, cls.olivia)
            services.declaration_decide(
                actor=cls.olivia, declaration=declaration, action="request_changes", reason="Fix"
            )
            services.declaration_submit(
                actor=cls.alice, declaration=declaration, expected_lock_version=None
            )
        DataSourceFactory(
            declaration=declaration,
            web_crawl=True,
            top_domains=[f"host{i}.example.com" for i in range(1000)],
        )
        return declaration

    def setUp(self):
        self.call("GET", "/api/v1/declarations/")

    def assert_same_queries(self, path: str, expected: int, minimum_rows: int = 5) -> None:
        for declaration in (self.few, self.many):
            url = path.format(declaration=declaration.pk)
            with self.subTest(url):
                with self.assertNumQueries(expected):
                    response = self.call("GET", url)
                self.assertEqual(response.status_code, 200, response.content[:300])
                body = response.json()
                rows = body["results"] if "results" in body else body["supply_chain"]
                self.assertGreaterEqual(len(rows), minimum_rows)

    def test_the_declarations_are_the_sizes_the_counts_assume(self):
        for declaration, count in ((self.few, 5), (self.many, 50)):
            self.assertEqual(declaration.sources.count(), count + 1)
            self.assertEqual(declaration.supply_chain.count(), count)
            self.assertEqual(declaration.red_team_attestations.count(), count)

    def test_the_list_of_declarations(self):
        for count in (5, 50):
            ProvenanceDeclarationFactory.create_batch(
                count - ProvenanceDeclaration.objects.count(),
                model=factory.SubFactory(AIModelFactory, provider=self.acme),
            )
            with self.subTest(declarations=count):
                with self.assertNumQueries(LIST_QUERIES):
                    response = self.call("GET", "/api/v1/declarations/")
                self.assertEqual(len(response.json()["results"]), count)

    def test_the_sources(self):
        self.assert_same_queries("/api/v1/declarations/{declaration}/sources/", ROWS_QUERIES)

    def test_the_sources_list_never_loads_top_domains(self):
        url = f"/api/v1/declarations/{self.many.pk}/sources/?page_size=500"
        with CaptureQueriesContext(connection) as captured:
            response = self.call("GET", url)
        page_query = captured.captured_queries[-1]["sql"]
        self.assertIn("declarations_datasource", page_query)
        # The column appears only inside the function that counts its items.
        self.assertEqual(page_query.count('"top_domains"'), 1)
        self.assertRegex(page_query, r'_array_length\("declarations_datasource"\."top_domains"\)')
        self.assertEqual(response.json()["results"][-1]["top_domains_count"], 1000)

    def test_the_supply_chain(self):
        self.assert_same_queries("/api/v1/declarations/{declaration}/supply-chain/", ROWS_QUERIES)

    def test_the_attestations(self):
        self.assert_same_queries("/api/v1/declarations/{declaration}/red-team/", ROWS_QUERIES)

    def test_the_history(self):
        self.assert_same_queries(
            "/api/v1/declarations/{declaration}/history", ROWS_QUERIES, minimum_rows=6
        )

    def test_the_whole_declaration(self):
        self.assert_same_queries("/api/v1/declarations/{declaration}/", DETAIL_QUERIES)
