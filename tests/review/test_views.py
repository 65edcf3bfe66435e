"""The regulator console in use: the queue, a case and what regulators do on it, the register.

Filings reach the regulator the way they do in life: a provider submits them through the
services, and a regulator acts through the console's pages. Dates the tests assert on (due dates,
acceptance dates) are set on the rows directly.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.roles import DECISION_MAKER
from registry.declarations.models import AIModel, DataSource, ModelDependency
from registry.declarations.services import declaration_submit
from registry.filings.states import Status
from registry.providers.services import ownership_transition
from registry.review.models import Case, CaseFlag, CaseNote, ConfidentialityRuling, Finding
from registry.review.services import case_decide, finding_add
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    InvestmentLinkFactory,
    ProviderFactory,
    complete_declaration,
    complete_ownership_statement,
    regulator,
)
from tests.labels import accepted_ownership

TOP_DOMAINS = [f"host{i}.example.org" for i in range(25)]
numbers = itertools.count(1)


class ConsoleTestCase(PersonaTestCase):
    """Filings submitted by Acme's owner, and helpers to act on their cases as a regulator."""

    def declaration_case(self, *, sources: int = 3, name: str = "", **fields):
        model = AIModelFactory(provider=self.acme, name=name or f"Acme Model {next(numbers)}")
        declaration = complete_declaration(
            model=model, sources=sources, created_by=self.alice, **fields
        )
        return declaration, self.submit_declaration(declaration)

    def submit_declaration(self, declaration) -> Case:
        declaration_submit(actor=self.alice, declaration=declaration, expected_lock_version=None)
        return Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)

    def ownership_case(self, provider=None, owner=None, **fields):
        statement = complete_ownership_statement(
            provider=provider or self.acme, created_by=owner or self.alice, **fields
        )
        ownership_transition(actor=owner or self.alice, statement=statement, action="submit")
        return statement, Case.objects.get(filing_kind="ownership", filing_id=statement.pk)

    def under_review(self, case: Case) -> Case:
        case_decide(actor=self.olivia, case=case, action="start_review")
        case.refresh_from_db()
        return case

    def open_case(self, case: Case, query: str = "", tab: str = "case"):
        """One tab of the case: "case" (the summary), "case-filing", "case-findings"…"""
        return self.client.get(reverse(f"review:{tab}", args=[case.pk]) + query)

    def post(self, name: str, case: Case, data: dict, *args, follow: bool = True):
        url = reverse(f"review:{name}", args=[case.pk, *args])
        return self.client.post(url, data, follow=follow)

    def decide(self, case: Case, action: str, reason: str = ""):
        return self.post("case-decide", case, {"action": action, "reason": reason})

    def assert_done(self, response, message: str) -> None:
        """The action worked: back on the case page, with a success banner saying so."""
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.redirect_chain), 1)
        banners = [str(m) for m in response.context["messages"]]
        self.assertIn(message, banners)
        self.assertContains(response, "govuk-notification-banner--success")

    def assert_refused(self, response, message: str) -> None:
        """The action was refused: the page it came from again, with the reason in an error
        summary (a tab of the case, or the confirmation page of a decision)."""
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.redirect_chain, [])
        form = response.context["form"]
        errors = [error for errors in form.errors.values() for error in errors]
        self.assertIn(message, errors)
        self.assertContains(response, "govuk-error-summary")
        self.assertContains(response, "<title>Error: ", count=1)


# --- The queue


def make_case(provider, **fields) -> Case:
    """A case on its own, for the queue's tests, which read nothing of its filing."""
    number = next(numbers)
    values = {
        "filing_kind": "declaration",
        "filing_id": 100_000 + number,
        "reference": f"DEC-{100_000 + number:06d}-v1",
        "subject": f"Model {number}",
        "status": Status.SUBMITTED,
        "due_on": timezone.localdate() + timedelta(days=20),
        "clock_running_since": timezone.localdate() - timedelta(days=8),
    }
    return Case.objects.create(provider=provider, **(values | fields))


def listed(response) -> list[str]:
    return [row.case.reference for row in response.context["rows"]]


class QueueTests(ConsoleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.submitted = make_case(cls.acme, reference="DEC-000001-v1", due_on=today + timedelta(3))
        cls.reviewing = make_case(
            cls.beta,
            reference="OWN-000002-v1",
            filing_kind="ownership",
            status=Status.UNDER_REVIEW,
            assignee=cls.olivia,
            due_on=today - timedelta(days=2),
        )
        cls.sent_back = make_case(
            cls.acme,
            reference="DEC-000003-v1",
            status=Status.CHANGES_REQUESTED,
            assignee=cls.diana,
            due_on=None,
            clock_running_since=None,
            clock_days_used=10,
        )
        cls.accepted = make_case(cls.acme, reference="DEC-000004-v1", status=Status.ACCEPTED)
        CaseFlag.objects.create(
            case=cls.reviewing, code="foreign_control", severity="high", message="US 60%"
        )

    def setUp(self):
        self.sign_in(self.olivia)

    def queue(self, query: str = "", name: str = "review:console"):
        return self.client.get(reverse(name) + query)

    def test_the_queue_lists_what_awaits_the_regulator_soonest_due_first(self):
        response = self.queue()
        self.assertEqual(listed(response), ["OWN-000002-v1", "DEC-000001-v1"])
        self.assertContains(response, "Filings awaiting the regulator")

    def test_each_state_is_a_tab_with_its_count(self):
        tabs = {tab.value: tab.count for tab in self.queue().context["tabs"]}
        self.assertEqual(
            tabs, {"awaiting": 2, "submitted": 1, "under_review": 1, "changes_requested": 1}
        )
        response = self.queue("?state=changes_requested")
        self.assertEqual(listed(response), ["DEC-000003-v1"])
        self.assertContains(response, "Changes requested (1)")

    def test_the_counts_follow_the_other_filters(self):
        tabs = {tab.value: tab.count for tab in self.queue("?kind=ownership").context["tabs"]}
        self.assertEqual(
            tabs, {"awaiting": 1, "submitted": 0, "under_review": 1, "changes_requested": 0}
        )

    def test_filter_by_kind(self):
        self.assertEqual(listed(self.queue("?kind=declaration")), ["DEC-000001-v1"])
        self.assertEqual(listed(self.queue("?kind=ownership")), ["OWN-000002-v1"])

    def test_filter_by_risk_flag(self):
        self.assertEqual(listed(self.queue("?flag=foreign_control")), ["OWN-000002-v1"])
        self.assertEqual(listed(self.queue("?flag=api_aggregator")), [])

    def test_filter_by_assignee(self):
        self.assertEqual(listed(self.queue("?assignee=me")), ["OWN-000002-v1"])
        self.assertEqual(listed(self.queue("?assignee=unassigned")), ["DEC-000001-v1"])
        query = f"?assignee={self.diana.pk}&state=changes_requested"
        self.assertEqual(listed(self.queue(query)), ["DEC-000003-v1"])

    def test_filter_by_due(self):
        self.assertEqual(listed(self.queue("?due=overdue")), ["OWN-000002-v1"])
        self.assertEqual(listed(self.queue("?due=soon")), ["DEC-000001-v1"])

    def test_sort_by_reference_submitted_and_due(self):
        self.assertEqual(listed(self.queue("?sort=reference")), ["DEC-000001-v1", "OWN-000002-v1"])
        self.assertEqual(listed(self.queue("?sort=-reference")), ["OWN-000002-v1", "DEC-000001-v1"])
        self.assertEqual(listed(self.queue("?sort=-due")), ["DEC-000001-v1", "OWN-000002-v1"])
        Case.objects.filter(pk=self.submitted.pk).update(
            last_submitted_at=timezone.now() - timedelta(days=9)
        )
        self.assertEqual(listed(self.queue("?sort=submitted")), ["DEC-000001-v1", "OWN-000002-v1"])
        self.assertEqual(listed(self.queue("?sort=-submitted")), ["OWN-000002-v1", "DEC-000001-v1"])

    def test_the_sorted_column_says_so(self):
        response = self.queue("?sort=reference")
        self.assertContains(response, 'aria-sort="ascending"', count=1)
        self.assertContains(response, "?sort=-reference")

    def test_nonsense_in_the_address_falls_back_to_the_defaults(self):
        query = "?state=all&kind=x&flag=nope&assignee=abc&due=yesterday&sort=evil&page=zz"
        response = self.queue(query)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(listed(response), ["OWN-000002-v1", "DEC-000001-v1"])

    def test_my_cases_are_those_assigned_to_me(self):
        response = self.queue(name="review:my-cases")
        self.assertEqual(listed(response), ["OWN-000002-v1"])
        self.assertContains(response, '<h1 class="govuk-heading-l">My cases</h1>', html=True)
        # Asking for someone else's cases on this page still shows only one's own.
        self.assertEqual(
            listed(self.queue(f"?assignee={self.diana.pk}", name="review:my-cases")),
            ["OWN-000002-v1"],
        )

    def test_overdue_cases_stand_out(self):
        response = self.queue()
        self.assertContains(response, '<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
        self.assertContains(response, "2 days overdue")
        self.assertContains(response, "3 days left")

    def test_a_stopped_clock_says_how_many_days_are_left(self):
        response = self.queue("?state=changes_requested")
        self.assertContains(response, "Clock stopped (18 days left)")
        self.assertNotContains(response, 'govuk-tag--red">Overdue')

    def test_fifty_cases_a_page(self):
        for _ in range(50):
            make_case(self.beta)
        first, second = self.queue(), self.queue("?page=2")
        self.assertEqual(len(first.context["rows"]), 50)
        self.assertEqual(len(second.context["rows"]), 2)
        self.assertContains(first, "Page 1 of 2")

    def test_the_page_links_keep_the_filters(self):
        for _ in range(50):
            make_case(self.beta)
        response = self.queue("?kind=declaration&sort=reference")
        self.assertContains(response, "?kind=declaration&amp;sort=reference&amp;page=2")

    # The queue, whatever its length:
    #  1. the session
    #  2. the user
    #  3. their authenticator (two-factor, django-otp)
    #  4. their regulator groups (regulator_required, and the navigation)
    #  5. the regulator staff, for the assignee filter
    #  6. the number of cases (the paginator)
    #  7. the number in each state (the tabs)
    #  8. the page's cases, with their provider and assignee
    #  9. the page's flags
    #  10. the officer's saved filters
    #  11. their latest messages (the panel)
    #  12. their unread messages (the navigation, and the panel)
    QUEUE_QUERIES = 12

    def test_the_queue_runs_the_same_queries_for_5_cases_as_for_50(self):
        Case.objects.all().delete()
        for count in (5, 50):
            for _ in range(count - Case.objects.count()):
                case = make_case(self.acme, assignee=self.diana)
                CaseFlag.objects.create(case=case, code="no_red_team", severity="high")
            with self.subTest(cases=count), self.assertNumQueries(self.QUEUE_QUERIES):
                response = self.queue()
            self.assertEqual(len(response.context["rows"]), count)


class ConsoleNavigationTests(ConsoleTestCase):
    def test_each_console_page_marks_where_it_is_in_the_console_navigation(self):
        self.sign_in(self.diana)
        for name, label in (
            ("review:console", "Queue"),
            ("review:my-cases", "My cases"),
            ("review:providers", "Providers"),
            ("review:models", "Models"),
            ("review:redeclaration", "Re-declaration"),
        ):
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                current = (
                    f'<a class="govuk-service-navigation__link" href="{reverse(name)}" '
                    'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
                    f"{label}</strong></a>"
                )
                self.assertContains(response, current, html=True)
                # This page's item, and "Console" in the service navigation above.
                self.assertContains(response, "govuk-service-navigation__item--active", count=2)
                self.assertContains(response, 'action="/console/search/"')


# --- A case page


class CasePageTests(ConsoleTestCase):
    def setUp(self):
        self.sign_in(self.olivia)

    def test_the_case_says_what_it_is_and_whose(self):
        _, case = self.declaration_case(name="Atlas")
        response = self.open_case(case)
        self.assertContains(response, f"{case.reference}</span>")
        self.assertContains(response, "Atlas 1.0</h1>")
        self.assertContains(response, self.acme.registration_number)
        self.assertContains(response, "Submitted</strong>")
        self.assertContains(response, "Assign to me")
        self.assertContains(response, "28 days left")

    def test_overdue_and_stopped_clocks_on_the_case(self):
        _, case = self.declaration_case()
        Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - timedelta(days=1))
        Case.objects.filter(pk=case.pk).update(
            clock_running_since=timezone.localdate() - timedelta(days=29)
        )
        response = self.open_case(case)
        self.assertContains(response, "1 day overdue")
        self.assertContains(response, 'govuk-tag--red">Overdue')

    def test_the_risk_flags_with_severity_message_and_explanation(self):
        _, case = self.declaration_case()
        CaseFlag.objects.create(
            case=case, code="api_aggregator", severity="medium", message="Party X is one"
        )
        response = self.open_case(case)
        self.assertContains(response, "API aggregator in the supply chain")
        self.assertNotContains(response, "api_aggregator")
        self.assertContains(response, 'govuk-tag--orange">Medium')
        self.assertContains(response, "Party X is one")
        self.assertContains(response, "An API aggregator")

    def test_sources_fifty_a_page(self):
        _, case = self.declaration_case(sources=60)
        first = self.open_case(case, tab="case-filing")
        self.assertEqual(len(first.context["source_rows"]), 50)
        self.assertContains(first, "Sources 1 to 50 of 60")
        self.assertContains(first, "?sources_page=2#sources")
        second = self.open_case(case, "?sources_page=2", tab="case-filing")
        self.assertEqual([row.number for row in second.context["source_rows"]][:2], [51, 52])
        self.assertContains(second, "Source 51")

    def test_a_long_list_of_top_domains_is_collapsed_with_its_count(self):
        declaration = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        declaration.sources.filter(category="web_crawl").update(top_domains=TOP_DOMAINS)
        case = self.submit_declaration(declaration)
        response = self.open_case(case, tab="case-filing")
        self.assertContains(response, "25 top domains")
        self.assertContains(response, "host24.example.org")

    def test_exact_figures_and_the_whole_filing_are_shown(self):
        _, case = self.declaration_case()
        response = self.open_case(case, tab="case-filing")
        self.assertContains(response, "2,000,000,000,000")  # total tokens: regulator-only
        self.assertContains(response, "AcmeBot/2.1")
        self.assertContains(response, "Open Teacher 70B")
        self.assertContains(response, "Independent Assurance LLP")
        self.assertContains(response, "Alice Owner, Director")

    def test_a_red_team_report_links_to_its_download(self):
        declaration = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        attestation = declaration.red_team_attestations.get()
        type(attestation).objects.filter(pk=attestation.pk).update(report="reports/1.pdf")
        case = self.submit_declaration(declaration)
        url = reverse("declarations:attestation-report", args=[declaration.pk, attestation.pk])
        self.assertContains(self.open_case(case, tab="case-filing"), url)

    def test_confidential_sources_are_marked_with_a_ruling_form_while_under_review(self):
        declaration = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        declaration.sources.filter(name="Source 1").update(
            confidential=True, confidentiality_reason="Commercially sensitive supplier"
        )
        case = self.submit_declaration(declaration)
        submitted = self.open_case(case, tab="case-filing")
        self.assertContains(submitted, 'govuk-tag--purple">Confidential')
        self.assertContains(submitted, "Commercially sensitive supplier")
        self.assertNotContains(submitted, "Rule on the claim")
        under_review = self.open_case(self.under_review(case), tab="case-filing")
        self.assertContains(under_review, "Rule on the claim")

    def test_an_ownership_statement_shows_exact_holdings_and_bands(self):
        statement = complete_ownership_statement(provider=self.acme, created_by=self.alice)
        InvestmentLinkFactory(
            statement=statement,
            investor_name="Northwind Sovereign Fund",
            country="US",
            share_percent=Decimal("12.345"),
            votes_percent=Decimal("12.345"),
            nsi_notified=True,
            nsi_reference="NSI-2024-0042",
        )
        ownership_transition(actor=self.alice, statement=statement, action="submit")
        case = Case.objects.get(filing_kind="ownership", filing_id=statement.pk)
        response = self.open_case(case, tab="case-filing")
        self.assertContains(response, "Investor 3: Northwind Sovereign Fund")
        self.assertContains(response, "12.345%")
        self.assertContains(response, "10% to 25%")
        self.assertContains(response, "NSI-2024-0042")
        self.assertContains(response, "United States (US)")

    def test_a_first_submission_has_nothing_to_compare(self):
        _, case = self.declaration_case()
        response = self.open_case(case, tab="case-changes")
        diffs = response.context["diffs"]
        self.assertEqual([d.diff.compared for d in diffs], [False, False])
        self.assertContains(response, "There is no earlier version to compare with", count=2)

    def test_a_resubmission_is_compared_with_the_submission_before(self):
        declaration, case = self.declaration_case()
        case = self.under_review(case)
        finding_add(actor=self.olivia, case=case, field="sources.0.licence", message="Which?")
        case_decide(actor=self.olivia, case=case, action="request_changes", reason="See findings")
        declaration.sources.filter(name="Source 1").update(licence="MIT")
        self.submit_declaration(declaration)
        response = self.open_case(case, tab="case-changes")
        since_submission = response.context["diffs"][0]
        self.assertEqual(since_submission.title, "Changes since submission 1")
        changed = since_submission.diff.collections[0].changed
        self.assertEqual([row.label for row in changed], ["Source 1"])
        self.assertContains(response, "CC-BY-4.0")

    def test_an_amendment_is_compared_with_the_version_accepted_before(self):
        model = AIModelFactory(provider=self.acme)
        accepted = complete_declaration(
            model=model, created_by=self.alice, status=Status.ACCEPTED, decided_at=timezone.now()
        )
        amendment = complete_declaration(
            model=model, created_by=self.alice, amends=accepted, tdm_opt_out_measures="None now"
        )
        case = self.submit_declaration(amendment)
        response = self.open_case(case, tab="case-changes")
        since_accepted = response.context["diffs"][1]
        self.assertEqual(
            since_accepted.title, "Changes since version 1, the version accepted before"
        )
        self.assertEqual(
            [change.field for change in since_accepted.diff.fields], ["tdm_opt_out_measures"]
        )
        self.assertContains(response, "None now")

    def test_the_timeline_tells_what_happened_newest_first(self):
        _, case = self.declaration_case()
        self.post("case-assign", case, {"assignee": self.olivia.pk})
        self.decide(case, "start_review")
        self.post("finding-add", case, {"field": "signatory_role", "message": "Wrong role"})
        self.post("note-add", case, {"kind": "note", "body": "Checked Companies House"})
        self.post("note-add", case, {"kind": "message", "body": "We are looking at it"})
        self.decide(case, "request_changes", "Please fix the role")
        timeline = self.open_case(case, tab="case-timeline").context["timeline"]
        self.assertEqual(
            [(entry.title, entry.actor, entry.detail) for entry in timeline],
            [
                ("Changes requested", "Olivia Officer", "Please fix the role"),
                ("Message sent to the provider", "Olivia Officer", "We are looking at it"),
                ("Internal note", "Olivia Officer", "Checked Companies House"),
                ("Finding raised: Signatory role", "Olivia Officer", "Wrong role"),
                ("Taken into review", "Olivia Officer", ""),
                ("Assigned to Olivia Officer", "Olivia Officer", ""),
                ("Submitted", "Alice Owner", ""),
            ],
        )

    def test_findings_say_whether_they_were_sent(self):
        _, case = self.declaration_case()
        case = self.under_review(case)
        finding_add(actor=self.olivia, case=case, field="sources.1.licence", message="Which one?")
        response = self.open_case(case, tab="case-findings")
        self.assertContains(response, "Source 2 (Source 2): Licence")
        self.assertContains(response, "Not sent yet")
        self.assertContains(response, 'Remove<span class="govuk-visually-hidden"> the finding')

    def test_every_answer_and_row_has_a_raise_a_finding_link_that_fills_in_the_field(self):
        _, case = self.declaration_case()
        submitted = self.open_case(case, tab="case-filing")
        self.assertNotContains(submitted, "Raise a finding")  # not before the review starts
        response = self.open_case(self.under_review(case), tab="case-filing")
        add = reverse("review:finding-add", args=[case.pk])
        for path, anchor in (
            ("tdm_opt_out_measures", "field-tdm_opt_out_measures"),
            ("model.name", "field-model-name"),
            ("sources.2.licence", "field-sources-2-licence"),
            ("sources.2", "field-sources-2"),
            ("supply_chain.0", "field-supply_chain-0"),
            ("supply_chain.0.country", "field-supply_chain-0-country"),
            ("red_team_attestations.0.assessor", "field-red_team_attestations-0-assessor"),
            ("signatory_role", "field-signatory_role"),
        ):
            with self.subTest(path):
                link = f"{add}?field={path}&amp;return_to=filing&amp;return_anchor={anchor}"
                self.assertContains(response, link)
                self.assertContains(response, f'id="{anchor}"')
        self.assertNotContains(response, "<optgroup")  # no list of fields to pick from


class CasePageQueryTests(ConsoleTestCase):
    # A case page, whatever the number of sources (the filing is read from its snapshot):
    #  1-4. the session, the user, their authenticator, their regulator groups
    #  5. the case, with its provider and assignee
    #  6. the declaration, with its model
    #  7-8. the count of flags and of findings (the tabs)
    #  9. the regulator staff (to assign)
    #  10. the findings not sent yet
    #  11. its latest snapshot
    #  12. the rulings on the page's confidential sources
    #  13. their unread messages (the navigation)
    # (A decision maker's page also counts the confidentiality claims still to decide.)
    FILING_QUERIES = 13

    def test_the_case_page_runs_the_same_queries_for_10_sources_as_for_200(self):
        self.sign_in(self.olivia)
        for count in (10, 200):
            declaration = complete_declaration(
                model=AIModelFactory(provider=self.acme), sources=count, created_by=self.alice
            )
            declaration.sources.filter(name="Source 4").update(
                confidential=True, confidentiality_reason="Secret"
            )
            case = self.under_review(self.submit_declaration(declaration))
            finding_add(actor=self.olivia, case=case, field="signatory_role", message="Check")
            with self.subTest(sources=count), self.assertNumQueries(self.FILING_QUERIES):
                response = self.open_case(case, tab="case-filing")
            self.assertEqual(len(response.context["source_rows"]), min(count, 50))


# --- Acting on a case


class AssignTests(ConsoleTestCase):
    def setUp(self):
        self.sign_in(self.olivia)
        _, self.case = self.declaration_case()

    def test_assign_to_oneself(self):
        response = self.post("case-assign", self.case, {"assignee": self.olivia.pk})
        self.assert_done(response, f"{self.case.reference} is assigned to you")
        self.case.refresh_from_db()
        self.assertEqual(self.case.assignee, self.olivia)
        self.assertNotContains(response, "Assign to me")

    def test_assign_to_a_colleague_then_to_nobody(self):
        response = self.post("case-assign", self.case, {"assignee": self.diana.pk})
        self.assert_done(response, f"{self.case.reference} is assigned to Diana Decider")
        response = self.post("case-assign", self.case, {"assignee": ""})
        self.assert_done(response, f"{self.case.reference} is no longer assigned to anyone")
        self.case.refresh_from_db()
        self.assertIsNone(self.case.assignee)

    def test_only_regulator_staff_can_be_assigned(self):
        for assignee in (self.alice.pk, self.ada.pk, "999999", "nonsense"):
            with self.subTest(assignee=assignee):
                response = self.post("case-assign", self.case, {"assignee": assignee})
                self.assert_refused(response, "Assign the case to a case officer or decision maker")
        self.case.refresh_from_db()
        self.assertIsNone(self.case.assignee)

    def test_a_closed_case_cannot_be_assigned(self):
        Case.objects.filter(pk=self.case.pk).update(status=Status.REJECTED)
        response = self.post("case-assign", self.case, {"assignee": self.olivia.pk})
        self.assert_refused(response, "This case is closed: the filing was rejected")


class DecisionTests(ConsoleTestCase):
    def setUp(self):
        self.sign_in(self.olivia)
        self.declaration, self.case = self.declaration_case()
        # A label says who controls its provider: Acme's ownership statement is accepted.
        accepted_ownership(self, links=[{}])

    def status(self) -> str:
        self.case.refresh_from_db()
        self.declaration.refresh_from_db()
        self.assertEqual(self.case.status, self.declaration.status)
        return self.case.status

    def test_start_review(self):
        response = self.decide(self.case, "start_review")
        self.assert_done(response, f"{self.case.reference} was taken into review")
        self.assertEqual(self.status(), Status.UNDER_REVIEW)

    def test_starting_a_review_twice_says_why_not(self):
        self.decide(self.case, "start_review")
        response = self.decide(self.case, "start_review")
        self.assert_refused(
            response, "This filing is under review, so it cannot be taken into review now"
        )

    def test_deciding_before_the_review_started_says_why_not(self):
        self.sign_in(self.diana)
        response = self.decide(self.case, "accept", "Fine")
        self.assert_refused(response, "This filing is submitted, so it cannot be accepted now")
        self.assertEqual(self.status(), Status.SUBMITTED)

    def test_requesting_changes_needs_a_finding(self):
        self.under_review(self.case)
        response = self.decide(self.case, "request_changes", "Please look again")
        self.assert_refused(
            response, "Raise at least one finding before sending the filing back for changes"
        )
        self.assertEqual(self.status(), Status.UNDER_REVIEW)

    def test_requesting_changes_needs_a_covering_message(self):
        self.under_review(self.case)
        finding_add(actor=self.olivia, case=self.case, field="signatory_role", message="Check")
        response = self.decide(self.case, "request_changes", "")
        self.assert_refused(response, "Give a reason")
        self.assertEqual(self.status(), Status.UNDER_REVIEW)

    def test_requesting_changes_sends_the_findings(self):
        self.under_review(self.case)
        finding_add(actor=self.olivia, case=self.case, field="signatory_role", message="Check")
        response = self.decide(self.case, "request_changes", "See the finding")
        self.assert_done(response, f"{self.case.reference} was sent back for changes")
        self.assertEqual(self.status(), Status.CHANGES_REQUESTED)
        self.assertIsNotNone(Finding.objects.get(case=self.case).sent_at)
        self.assertContains(response, "Clock stopped")

    def test_a_case_officer_does_not_see_accept_or_reject(self):
        response = self.open_case(self.under_review(self.case))
        self.assertContains(response, reverse("review:case-request-changes", args=[self.case.pk]))
        self.assertNotContains(response, reverse("review:case-accept", args=[self.case.pk]))
        self.assertNotContains(response, reverse("review:case-reject", args=[self.case.pk]))

    def test_a_case_officer_who_accepts_anyway_is_refused(self):
        self.under_review(self.case)
        for action in ("accept", "reject"):
            with self.subTest(action=action):
                response = self.decide(self.case, action, "Looks fine")
                self.assert_refused(response, "You do not have permission to do this")
        self.assertEqual(self.status(), Status.UNDER_REVIEW)

    def test_a_decision_maker_accepts_and_the_model_is_registered(self):
        self.under_review(self.case)
        self.sign_in(self.diana)
        accept = reverse("review:case-accept", args=[self.case.pk])
        self.assertContains(self.open_case(self.case), accept)
        response = self.decide(self.case, "accept", "Complete and consistent")
        number = AIModel.objects.get(pk=self.declaration.model_id).registration_number
        self.assertRegex(number, r"^MOD-\d{6}$")
        self.assert_done(
            response,
            f"{self.case.reference} was accepted. The model is registered as {number} and its "
            "label is published",
        )
        self.assertEqual(self.status(), Status.ACCEPTED)

    def test_a_decision_maker_rejects_with_a_reason(self):
        self.under_review(self.case)
        self.sign_in(self.diana)
        self.assert_refused(self.decide(self.case, "reject", ""), "Give a reason")
        response = self.decide(self.case, "reject", "The sources are not credible")
        self.assert_done(response, f"{self.case.reference} was rejected")
        self.assertEqual(self.status(), Status.REJECTED)

    def test_four_eyes_the_decision_maker_who_raised_findings_cannot_accept(self):
        self.under_review(self.case)
        self.sign_in(self.diana)
        self.post("finding-add", self.case, {"field": "signatory_role", "message": "Check"})
        self.decide(self.case, "request_changes", "See the finding")
        self.submit_declaration(self.declaration)
        self.decide(self.case, "start_review")
        response = self.decide(self.case, "accept", "Now fine")
        self.assert_refused(
            response,
            "You raised findings on this filing as case officer, so another decision maker "
            "must accept it",
        )
        self.assertEqual(self.status(), Status.UNDER_REVIEW)

    def test_two_decision_makers_at_once_the_second_is_told(self):
        self.under_review(self.case)
        dora = regulator(DECISION_MAKER, email="dora@regulator.example", full_name="Dora")
        TOTPDevice.objects.create(user=dora, name="Phone", confirmed=True)
        # Both opened the case while it was under review; Diana decides first.
        self.sign_in(self.diana)
        self.decide(self.case, "accept", "Complete")
        self.sign_in(dora)
        response = self.decide(self.case, "reject", "Not complete")
        self.assert_refused(response, "This filing is accepted, so it cannot be rejected now")
        self.assertEqual(self.status(), Status.ACCEPTED)

    def test_accepting_needs_every_confidentiality_claim_decided(self):
        declaration = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        declaration.sources.filter(name="Source 1").update(
            confidential=True, confidentiality_reason="Supplier contract"
        )
        self.case = self.under_review(self.submit_declaration(declaration))
        self.sign_in(self.diana)
        self.assertContains(self.open_case(self.case), "1 confidentiality claim</strong> still")
        response = self.decide(self.case, "accept", "Fine")
        self.assert_refused(
            response, "Decide every confidentiality claim before accepting: 1 claim still to decide"
        )

    def test_an_unknown_or_missing_decision_is_refused_without_harm(self):
        self.under_review(self.case)
        for data in ({"action": "supersede"}, {"action": "withdraw"}, {}, {"action": ""}):
            with self.subTest(data=data):
                response = self.post("case-decide", self.case, data)
                self.assert_refused(response, "Choose a decision")
        self.assertEqual(self.status(), Status.UNDER_REVIEW)

    def test_a_decision_on_a_case_changed_since_it_was_shown_is_refused(self):
        self.under_review(self.case)
        self.sign_in(self.diana)
        shown = self.open_case(self.case, tab="case-accept").context["confirmation"]
        # Meanwhile the officer sends it back, the provider resubmits and it is reviewed again.
        finding_add(actor=self.olivia, case=self.case, field="signatory_role", message="Check")
        case_decide(actor=self.olivia, case=self.case, action="request_changes", reason="See")
        self.submit_declaration(self.declaration)
        self.under_review(self.case)
        response = self.post(
            "case-decide",
            self.case,
            {"action": "accept", "reason": "Fine", "lock_version": shown.lock_version},
        )
        self.assert_refused(
            response,
            "Someone else acted on this case since you opened it, so nothing was decided. "
            "Check the case as it is now before you decide",
        )
        self.assertEqual(self.status(), Status.UNDER_REVIEW)


class ConfirmationPageTests(ConsoleTestCase):
    """Each decision says what it will do before it is taken, or why it cannot be taken."""

    def setUp(self):
        self.declaration, self.case = self.declaration_case(name="Atlas")
        self.under_review(self.case)
        self.sign_in(self.diana)
        # Each test raises the flags it is about.
        CaseFlag.objects.filter(case=self.case).delete()

    def confirm(self, action: str):
        return self.open_case(self.case, tab=f"case-{action}")

    def said(self, response) -> list[str]:
        return response.context["confirmation"].consequences

    def test_accepting_a_first_declaration_says_it_registers_and_publishes_with_its_alerts(self):
        accepted_ownership(self, links=[{}])
        for code, severity in (("no_red_team", "high"), ("crawl_without_opt_out", "high")):
            CaseFlag.objects.create(
                case=self.case, code=code, severity=severity, message="x", public=True
            )
        CaseFlag.objects.create(case=self.case, code="api_aggregator", severity="medium")
        response = self.confirm("accept")
        self.assertEqual(
            self.said(response),
            [
                "Registers Atlas 1.0 and gives it the next MOD- number",
                "Publishes its label with 2 high alerts",
                "Tells the provider, with your reason",
            ],
        )
        self.assertContains(response, "Accept the provenance declaration of Atlas 1.0?")
        self.assertContains(response, "Alerts the label will show")
        self.assertContains(response, "Accept and publish")

    def test_accepting_a_new_version_names_the_number_and_the_version_it_supersedes(self):
        accepted_ownership(self, links=[{}])
        model = self.declaration.model
        AIModel.objects.filter(pk=model.pk).update(registration_number="MOD-000123")
        earlier = complete_declaration(
            model=model, created_by=self.alice, status=Status.ACCEPTED, decided_at=timezone.now()
        )
        type(earlier).objects.filter(pk=earlier.pk).update(version=0)
        CaseFlag.objects.create(
            case=self.case, code="no_red_team", severity="high", message="x", public=True
        )
        CaseFlag.objects.create(
            case=self.case, code="api_aggregator", severity="medium", message="x", public=True
        )
        said = self.said(self.confirm("accept"))
        self.assertEqual(
            said[0],
            "Publishes the label of MOD-000123 (Atlas 1.0) with 1 high alert and 1 medium alert",
        )
        self.assertTrue(said[1].startswith("Supersedes version 0, accepted on "))

    def test_a_declaration_cannot_be_accepted_before_its_providers_ownership_statement(self):
        response = self.confirm("accept")
        blockers = [problem.message for problem in response.context["confirmation"].blockers]
        message = (
            "The provider has no accepted ownership statement. Accept its ownership statement "
            "first: a label must say who controls the provider"
        )
        self.assertEqual(blockers, [message])
        self.assertNotContains(response, "Accept and publish")
        self.assertContains(self.open_case(self.case), message)  # the case says why
        self.assert_refused(self.decide(self.case, "accept", "Fine"), message)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, Status.UNDER_REVIEW)

    def test_requesting_changes_with_no_findings_says_so_and_offers_nothing_to_press(self):
        response = self.confirm("request-changes")
        self.assertContains(
            response, "Raise at least one finding before sending the filing back for changes"
        )
        self.assertNotContains(response, "Send back for changes</button>")

    def test_requesting_changes_lists_the_findings_it_sends_and_stops_the_clock(self):
        finding_add(actor=self.olivia, case=self.case, field="signatory_role", message="Check")
        response = self.confirm("request-changes")
        self.assertEqual(
            self.said(response),
            [
                "Sends the findings below to the provider, with your message",
                "Stops the statutory clock with 28 days of the 28 left, until the provider "
                "resubmits",
            ],
        )
        self.assertContains(response, "<strong>Signatory role</strong>: Check")

    def test_rejecting_says_it_closes_the_case_and_publishes_nothing(self):
        response = self.confirm("reject")
        self.assertEqual(
            self.said(response),
            [
                "Closes the case: the filing is rejected and can no longer be changed or "
                "resubmitted",
                "Publishes nothing: what the register shows now stays as it is",
                "Tells the provider, with your reason",
            ],
        )
        self.assertContains(response, "govuk-button--warning")

    def test_a_case_officer_is_told_they_cannot_accept(self):
        self.sign_in(self.olivia)
        response = self.confirm("accept")
        self.assertContains(response, "You do not have permission to do this")
        self.assertNotContains(response, "Accept and publish")

    def test_an_ownership_statement_says_which_verdict_its_labels_will_show(self):
        _, case = self.ownership_case()
        self.under_review(case)
        response = self.open_case(case, tab="case-accept")
        self.assertEqual(
            self.said(response)[:2],
            [
                "Puts this ownership statement in force for Acme AI",
                "Every label of its models will say who controls it: UK-controlled",
            ],
        )


class FindingTests(ConsoleTestCase):
    def setUp(self):
        self.sign_in(self.olivia)
        _, self.case = self.declaration_case()

    def raise_finding(self, **data):
        return self.post("finding-add", self.case, data)

    def test_the_link_beside_an_answer_opens_the_question_with_the_answer_shown(self):
        self.under_review(self.case)
        url = reverse("review:finding-add", args=[self.case.pk])
        response = self.client.get(
            url + "?field=sources.0.licence&return_to=filing&return_anchor=field-sources-0-licence"
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Source 1 (Source 1): Licence")
        self.assertContains(response, "CC-BY-4.0")  # the answer as submitted
        self.assertContains(response, 'name="field" value="sources.0.licence"')
        self.assertNotContains(response, "govuk-error-summary")  # nothing wrong before acting

    def test_raise_a_finding_and_come_back_to_the_answer(self):
        self.under_review(self.case)
        response = self.post(
            "finding-add",
            self.case,
            {
                "field": "sources.2.licence",
                "message": "Which licence?",
                "return_to": "filing",
                "return_anchor": "field-sources-2-licence",
            },
            follow=False,
        )
        filing = reverse("review:case-filing", args=[self.case.pk])
        self.assertRedirects(response, f"{filing}#field-sources-2-licence")
        finding = Finding.objects.get(case=self.case)
        self.assertEqual((finding.field, finding.message), ("sources.2.licence", "Which licence?"))

    def test_where_to_come_back_to_is_checked(self):
        self.under_review(self.case)
        data = {"field": "signatory_role", "message": "Who?"}
        for bad in (
            {"return_to": "https://evil.example/"},
            {"return_anchor": '"><script>'},
            {"return_to": "../../admin"},
        ):
            with self.subTest(bad):
                response = self.post("finding-add", self.case, data | bad, follow=False)
                self.assertTrue(response["Location"].startswith(f"/console/cases/{self.case.pk}/"))
                self.assertNotIn("evil", response["Location"])
                self.assertNotIn("script", response["Location"])

    def test_a_field_that_does_not_exist_is_named(self):
        self.under_review(self.case)
        for field in ("sources.99.licence", "bogus_field", "sources.0.id", "version"):
            with self.subTest(field):
                response = self.raise_finding(field=field, message="Which?")
                self.assert_refused(response, f"{field} is not a field of this filing")
        url = reverse("review:finding-add", args=[self.case.pk])
        self.assertNotContains(self.client.get(url + "?field=bogus"), "About</dt>")
        self.assertFalse(Finding.objects.exists())

    def test_a_finding_needs_a_field_and_a_message(self):
        self.under_review(self.case)
        response = self.raise_finding()
        self.assert_refused(response, "Choose the answer the finding is about, from the filing")
        self.assert_refused(response, "Say what the provider must change")
        self.assertFalse(Finding.objects.exists())

    def test_findings_wait_for_the_review(self):
        response = self.raise_finding(field="signatory_role", message="Check")
        self.assert_refused(response, "Take the case into review before you do this")

    def test_remove_an_unsent_finding(self):
        self.under_review(self.case)
        finding = finding_add(
            actor=self.olivia, case=self.case, field="signatory_role", message="x"
        )
        response = self.post("finding-remove", self.case, {}, finding.pk)
        self.assert_done(response, "Finding on Signatory role removed")
        self.assertEqual(Finding.objects.filter(case=self.case).count(), 0)

    def test_a_sent_finding_stays(self):
        self.under_review(self.case)
        finding = finding_add(
            actor=self.olivia, case=self.case, field="signatory_role", message="x"
        )
        case_decide(actor=self.olivia, case=self.case, action="request_changes", reason="See")
        response = self.post("finding-remove", self.case, {}, finding.pk)
        self.assert_refused(response, "A finding already sent to the provider cannot be removed")
        self.assertTrue(Finding.objects.filter(pk=finding.pk).exists())

    def test_another_cases_finding_is_not_found(self):
        _, other = self.declaration_case()
        self.under_review(other)
        finding = finding_add(actor=self.olivia, case=other, field="signatory_role", message="x")
        response = self.post("finding-remove", self.case, {}, finding.pk, follow=False)
        self.assertEqual(response.status_code, 404)
        self.assertTrue(Finding.objects.filter(pk=finding.pk).exists())


class NoteTests(ConsoleTestCase):
    def setUp(self):
        self.sign_in(self.olivia)
        _, self.case = self.declaration_case()

    def test_an_internal_note_and_a_message(self):
        response = self.post("note-add", self.case, {"kind": "note", "body": "Called them"})
        self.assert_done(response, "Internal note saved")
        response = self.post("note-add", self.case, {"kind": "message", "body": "Any news?"})
        self.assert_done(response, "Message sent to the provider")
        self.assertEqual(
            list(CaseNote.objects.values_list("kind", "body")),
            [("note", "Called them"), ("message", "Any news?")],
        )
        self.assertContains(response, "Called them")

    def test_a_note_needs_words_and_a_kind(self):
        response = self.post("note-add", self.case, {"kind": "note", "body": "  "})
        self.assert_refused(response, "Write the note or message")
        response = self.post("note-add", self.case, {"kind": "gossip", "body": "Hello"})
        self.assert_refused(response, "Choose an internal note or a message to the provider")
        self.assertFalse(CaseNote.objects.exists())


class ConfidentialityRulingTests(ConsoleTestCase):
    def setUp(self):
        self.sign_in(self.olivia)
        self.declaration = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        self.source = self.declaration.sources.get(name="Source 1")
        DataSource.objects.filter(pk=self.source.pk).update(
            confidential=True, confidentiality_reason="Supplier contract"
        )
        self.case = self.submit_declaration(self.declaration)

    def rule(self, source_id=None, **data):
        return self.post("confidentiality-rule", self.case, data, source_id or self.source.pk)

    def test_accept_a_claim_with_a_reason(self):
        self.under_review(self.case)
        response = self.rule(accepted="yes", reason="The contract forbids naming them")
        self.assert_done(response, "Confidentiality claim of Source 1 accepted")
        ruling = ConfidentialityRuling.objects.get(source=self.source)
        self.assertEqual((ruling.accepted, ruling.decided_by), (True, self.olivia))
        self.assertContains(response, "Claim accepted by Olivia Officer")

    def test_refuse_a_claim(self):
        self.under_review(self.case)
        self.assert_done(
            self.rule(accepted="no", reason="Public anyway"),
            ("Confidentiality claim of Source 1 refused"),
        )
        self.assertFalse(ConfidentialityRuling.objects.get(source=self.source).accepted)

    def test_a_ruling_needs_a_decision_and_a_reason(self):
        self.under_review(self.case)
        response = self.rule(reason="Because")
        self.assert_refused(response, "Choose whether to accept or refuse the claim")
        response = self.rule(accepted="yes", reason="")
        self.assert_refused(
            response, "Give the reason for the decision on the confidentiality claim"
        )
        self.assertFalse(ConfidentialityRuling.objects.exists())

    def test_rulings_wait_for_the_review(self):
        response = self.rule(accepted="yes", reason="Fine")
        self.assert_refused(response, "Take the case into review before you do this")

    def test_a_source_that_claims_nothing(self):
        self.under_review(self.case)
        public = self.declaration.sources.get(name="Source 2")
        response = self.rule(public.pk, accepted="yes", reason="Fine")
        self.assert_refused(response, "This source does not claim confidentiality")

    def test_another_filings_source_is_not_found(self):
        self.under_review(self.case)
        other, _ = self.declaration_case()
        source = other.sources.first()
        response = self.rule(source.pk, accepted="yes", reason="Fine")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ConfidentialityRuling.objects.exists())


class BadRequestTests(ConsoleTestCase):
    def setUp(self):
        self.sign_in(self.diana)
        _, self.case = self.declaration_case()

    def test_garbage_ids_are_not_found(self):
        for name, args in (
            ("review:case", [987654]),
            ("review:case", [2**70]),
            ("review:provider", [987654]),
            ("review:model", [2**70]),
        ):
            with self.subTest(name=name, args=args):
                self.assertEqual(self.client.get(reverse(name, args=args)).status_code, 404)
        for name, args in (
            ("review:case-decide", [987654]),
            ("review:case-assign", [2**70]),
            ("review:finding-remove", [self.case.pk, 987654]),
            ("review:confidentiality-rule", [self.case.pk, 2**70]),
        ):
            with self.subTest(name=name, args=args):
                response = self.client.post(reverse(name, args=args), {"action": "accept"})
                self.assertEqual(response.status_code, 404)

    def test_nonsense_posted_to_every_action_is_answered_not_crashed(self):
        junk = {"action": "💥", "assignee": "-1", "field": "x" * 500, "kind": "", "accepted": "?"}
        source = DataSource.objects.filter(declaration_id=self.case.filing_id).first()
        for name, args in (
            ("case-assign", []),
            ("case-decide", []),
            ("finding-add", []),
            ("note-add", []),
            ("confidentiality-rule", [source.pk]),
        ):
            with self.subTest(name=name):
                response = self.post(name, self.case, junk, *args)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "govuk-error-summary")
        self.case.refresh_from_db()
        self.assertEqual((self.case.status, self.case.assignee), (Status.SUBMITTED, None))

    def test_getting_an_action_is_not_allowed(self):
        response = self.client.get(reverse("review:case-decide", args=[self.case.pk]))
        self.assertEqual(response.status_code, 405)


# --- Re-declaration


class RedeclarationTests(ConsoleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        cls.old_model = AIModelFactory(provider=cls.acme, name="Old Faithful")
        cls.old = complete_declaration(
            model=cls.old_model, status=Status.ACCEPTED, decided_at=now - timedelta(days=430)
        )
        cls.recent_model = AIModelFactory(provider=cls.acme, name="Fresh Model")
        complete_declaration(
            model=cls.recent_model, status=Status.ACCEPTED, decided_at=now - timedelta(days=300)
        )
        AIModel.objects.filter(pk=cls.old_model.pk).update(registration_number="MOD-000123")

    def setUp(self):
        self.sign_in(self.olivia)

    def test_models_whose_accepted_declaration_is_over_12_months_old(self):
        response = self.client.get(reverse("review:redeclaration"))
        rows = response.context["rows"]
        self.assertEqual([row.declaration.model.name for row in rows], ["Old Faithful"])
        self.assertEqual(rows[0].months_overdue, 2)
        self.assertContains(response, "MOD-000123")
        self.assertContains(response, self.acme.registration_number)
        self.assertContains(response, "2 months")
        self.assertNotContains(response, "Fresh Model")

    def test_a_new_version_on_its_way_is_shown(self):
        complete_declaration(model=self.old_model)
        response = self.client.get(reverse("review:redeclaration"))
        self.assertContains(response, "New version in progress")


# --- The register


class RegisterTests(ConsoleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.foreign = ProviderFactory(
            legal_name="Faraway Systems Inc",
            country="US",
            company_number="",
            uk_representative="UK Rep Ltd, London",
        )
        statement = complete_ownership_statement(
            provider=cls.foreign, status=Status.ACCEPTED, decided_at=timezone.now()
        )
        InvestmentLinkFactory(
            statement=statement,
            investor_name="Harbour State Capital",
            country="CN",
            share_percent=Decimal("30"),
            votes_percent=Decimal("30"),
            state_affiliation="state_owned",
        )
        cls.base = AIModelFactory(provider=cls.foreign, name="Base Giant")
        cls.tuned = AIModelFactory(provider=cls.acme, name="Acme Tuned")
        ModelDependency.objects.create(model=cls.tuned, depends_on=cls.base, relation="fine_tune")
        ModelDependency.objects.create(
            model=cls.tuned, external_name="Open Llama", relation="merge"
        )
        complete_declaration(model=cls.tuned, status=Status.ACCEPTED, decided_at=timezone.now())

    def setUp(self):
        self.sign_in(self.diana)

    def test_providers_with_their_ownership_summary(self):
        response = self.client.get(reverse("review:providers"))
        self.assertContains(response, "Faraway Systems Inc")
        self.assertContains(response, "China: 30% of shares (More than 25% to 50%)")
        self.assertContains(response, "Harbour State Capital (CN): State-owned")
        self.assertContains(response, "No accepted ownership statement")

    def test_search_providers_by_name_number_or_company_number(self):
        for query in ("faraway", self.foreign.registration_number, "PRV-9"):
            with self.subTest(query=query):
                response = self.client.get(reverse("review:providers"), {"q": query})
                names = [row.provider.legal_name for row in response.context["rows"]]
                self.assertIn("Faraway Systems Inc", names)
        response = self.client.get(reverse("review:providers"), {"q": self.acme.company_number})
        names = [row.provider.legal_name for row in response.context["rows"]]
        self.assertEqual(names, ["Acme Intelligence Ltd"])

    def test_one_provider(self):
        _, case = self.ownership_case(provider=self.acme)
        response = self.client.get(reverse("review:provider", args=[self.acme.pk]))
        self.assertContains(response, self.acme.registration_number)
        self.assertEqual(response.context["member_count"], 3)
        self.assertContains(response, case.reference)
        self.assertContains(response, "Acme Tuned")

    def test_models_with_latest_declaration_and_lineage(self):
        response = self.client.get(reverse("review:models"))
        self.assertContains(response, "Acme Tuned")
        self.assertContains(response, "Open Llama (external), merge")
        self.assertContains(response, "Base Giant")

    def test_search_models_by_name_or_provider(self):
        for query in ("tuned", "acme ai", self.acme.registration_number):
            with self.subTest(query=query):
                response = self.client.get(reverse("review:models"), {"q": query})
                names = [model.name for model in response.context["page"].object_list]
                self.assertEqual(names, ["Acme Tuned"])

    def test_one_model_with_its_lineage_both_ways(self):
        response = self.client.get(reverse("review:model", args=[self.base.pk]))
        self.assertEqual([d.model for d in response.context["record"].dependants], [self.tuned])
        response = self.client.get(reverse("review:model", args=[self.tuned.pk]))
        record = response.context["record"]
        self.assertEqual([d.depends_on for d in record.dependencies], [self.base, None])
        self.assertContains(response, "Version 1")

    def test_one_search_box_for_providers_models_and_cases(self):
        _, case = self.ownership_case(provider=self.acme)
        response = self.client.get(reverse("review:search"), {"q": "acme"})
        self.assertEqual(
            [p.legal_name for p in response.context["providers"]], ["Acme Intelligence Ltd"]
        )
        self.assertEqual([m.name for m in response.context["models"]], ["Acme Tuned"])
        response = self.client.get(reverse("review:search"), {"q": case.reference})
        self.assertEqual(response.context["cases"], [case])

    # The providers list, whatever its length:
    #  1-4. the session, the user, their authenticator, their regulator groups
    #  5. the number of providers (the paginator)
    #  6. the page's providers, with their member and model counts
    #  7. their accepted ownership statements
    #  8. those statements' investors
    #  9. their unread messages (the navigation)
    PROVIDERS_QUERIES = 9

    def test_the_providers_list_runs_the_same_queries_for_5_as_for_40(self):
        for count in (5, 40):
            providers = [ProviderFactory() for _ in range(count)]
            for provider in providers[:3]:
                complete_ownership_statement(
                    provider=provider, status=Status.ACCEPTED, decided_at=timezone.now()
                )
            with self.subTest(providers=count), self.assertNumQueries(self.PROVIDERS_QUERIES):
                self.client.get(reverse("review:providers"))

    # The models list:
    #  1-4. the session, the user, their authenticator, their regulator groups
    #  5. the number of models
    #  6. the page's models, with their provider and latest declaration
    #  7-8. what each is built on, and what is built on it
    #  9. their unread messages (the navigation)
    MODELS_QUERIES = 9

    def test_the_models_list_runs_the_same_queries_for_5_as_for_40(self):
        for count in (5, 40):
            AIModelFactory.create_batch(count, provider=self.beta)
            with self.subTest(models=count), self.assertNumQueries(self.MODELS_QUERIES):
                self.client.get(reverse("review:models"))
