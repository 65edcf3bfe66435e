from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.filings.states import Status
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, OwnershipStatementFactory, ProvenanceDeclarationFactory


class DashboardTests(PersonaTestCase):
    def attention(self) -> list[tuple[str, str]]:
        self.sign_in(self.bob)
        response = self.client.get(reverse("providers:dashboard"))
        self.assertEqual(response.status_code, 200)
        return [(item["kind"], item["label"]) for item in response.context["attention"]]

    def test_a_new_organisation_is_asked_for_its_ownership_statement(self):
        self.assertEqual(self.attention(), [("no_ownership", "Ownership statement")])

    def test_changes_requested_come_first_then_drafts_then_undeclared_models(self):
        drafted = AIModelFactory(provider=self.acme, name="Drafted")
        ProvenanceDeclarationFactory(model=drafted, status=Status.DRAFT)
        asked = AIModelFactory(provider=self.acme, name="Asked")
        ProvenanceDeclarationFactory(model=asked, status=Status.CHANGES_REQUESTED)
        waiting = AIModelFactory(provider=self.acme, name="Waiting")
        ProvenanceDeclarationFactory(model=waiting, status=Status.SUBMITTED)
        AIModelFactory(provider=self.acme, name="Bare")
        refused = AIModelFactory(provider=self.acme, name="Refused")
        ProvenanceDeclarationFactory(model=refused, status=Status.REJECTED)
        OwnershipStatementFactory(provider=self.acme, status=Status.ACCEPTED)
        self.assertEqual(
            self.attention(),
            [
                ("changes", "Asked 1.0"),
                ("draft", "Drafted 1.0"),
                ("undeclared", "Bare 1.0"),
                ("rejected", "Refused 1.0"),
            ],
        )

    def test_other_providers_filings_never_appear(self):
        theirs = AIModelFactory(provider=self.beta, name="Secret")
        ProvenanceDeclarationFactory(model=theirs, status=Status.CHANGES_REQUESTED)
        self.sign_in(self.bob)
        response = self.client.get(reverse("providers:dashboard"))
        self.assertNotContains(response, "Secret")

    def test_the_dashboard_runs_the_same_queries_for_one_model_or_twenty(self):
        def queries_with(models: int) -> int:
            for n in range(models):
                model = AIModelFactory(provider=self.acme, name=f"Batch {models}-{n}")
                ProvenanceDeclarationFactory(model=model, status=Status.ACCEPTED)
            self.sign_in(self.bob)
            with CaptureQueriesContext(connection) as captured:
                self.client.get(reverse("providers:dashboard"))
            return len(captured)

        one = queries_with(1)
        # session, user, membership, provider, models, their declarations, ownership
        # statements, member count, invitation count, latest messages, navigation's regulator
        # groups, navigation's count of unread messages
        self.assertEqual(one, 12)
        self.assertEqual(queries_with(19), one)
