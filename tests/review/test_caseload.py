"""The caseload: decided cases and their filters, bulk assignment from the queue, saved filters,
and the queue's and decided list's queries whatever their length.

Cases are made on their own (the queue reads nothing of their filings); who decided one is the
actor of its filing's accept or reject transition, made here directly.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from registry.accounts.roles import DECISION_MAKER
from registry.audit.models import AuditEvent
from registry.filings.models import FilingTransition
from registry.filings.states import Status
from registry.review.caseload import parse_shown, shown_token
from registry.review.models import Case, CaseFlag, SavedFilter
from tests.base import PersonaTestCase
from tests.factories import regulator

numbers = itertools.count(1)


def case_values(provider, **fields) -> dict:
    number = next(numbers)
    values = {
        "filing_kind": "declaration",
        "filing_id": 500_000 + number,
        "reference": f"DEC-{500_000 + number:06d}-v1",
        "subject": f"Model {number}",
        "status": Status.SUBMITTED,
        "due_on": timezone.localdate() + timedelta(days=20),
        "clock_running_since": timezone.localdate() - timedelta(days=8),
    }
    return {"provider": provider, **values, **fields}


def make_case(provider, **fields) -> Case:
    return Case.objects.create(**case_values(provider, **fields))


def make_cases(provider, count: int, **fields) -> list[Case]:
    """Many cases at once, each with a flag: cheap enough for a thousand."""
    cases = Case.objects.bulk_create(Case(**case_values(provider, **fields)) for _ in range(count))
    CaseFlag.objects.bulk_create(
        CaseFlag(case=case, code="no_red_team", severity="high", message="None") for case in cases
    )
    return cases


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12, 0))


def decided_case(provider, status, decided_on: date, decider=None, **fields) -> Case:
    """A closed case, decided on that day by the decider (accept, or reject if rejected)."""
    case = make_case(provider, status=status, closed_at=at(decided_on), due_on=None, **fields)
    if decider is not None:
        rejected = status == Status.REJECTED
        FilingTransition.objects.create(
            filing_kind=case.filing_kind,
            filing_id=case.filing_id,
            action="reject" if rejected else "accept",
            from_status=Status.UNDER_REVIEW,
            to_status=Status.REJECTED if rejected else Status.ACCEPTED,
            actor=decider,
            occurred_at=at(decided_on),
        )
    return case


# --- Decided cases


class DecidedTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = regulator(DECISION_MAKER, email="dora@regulator.example", full_name="")
        cls.accepted = decided_case(
            cls.acme,
            Status.ACCEPTED,
            date(2026, 3, 1),
            cls.diana,
            reference="DEC-000011-v1",
            assignee=cls.olivia,
        )
        cls.rejected = decided_case(
            cls.beta,
            Status.REJECTED,
            date(2026, 4, 10),
            cls.dora,
            reference="OWN-000012-v1",
            filing_kind="ownership",
        )
        cls.superseded = decided_case(
            cls.acme, Status.SUPERSEDED, date(2025, 12, 1), cls.diana, reference="DEC-000013-v1"
        )
        cls.withdrawn = decided_case(
            cls.beta, Status.WITHDRAWN, date(2026, 2, 15), None, reference="DEC-000014-v1"
        )
        cls.open = make_case(cls.acme, reference="DEC-000015-v1")

    def setUp(self):
        self.sign_in(self.olivia)

    def decided(self, query: str = ""):
        return self.client.get(reverse("review:decided") + query)

    def listed(self, query: str = "") -> list[str]:
        return [case.reference for case in self.decided(query).context["cases"]]

    def test_decided_cases_latest_decision_first_and_no_open_one(self):
        response = self.decided()
        self.assertEqual(
            [case.reference for case in response.context["cases"]],
            ["OWN-000012-v1", "DEC-000011-v1", "DEC-000014-v1", "DEC-000013-v1"],
        )
        self.assertContains(response, "4 decided cases")
        self.assertNotContains(response, "DEC-000015-v1")

    def test_each_row_says_the_outcome_when_and_who_decided(self):
        response = self.decided()
        self.assertContains(response, "1 Mar 2026")
        self.assertContains(response, "Diana Decider")
        # A decider without a name is named by email; a case without a decision recorded says so.
        self.assertContains(response, "dora@regulator.example")
        self.assertContains(response, "Not recorded")

    def test_filter_by_outcome(self):
        for outcome, references in (
            ("accepted", ["DEC-000011-v1"]),
            ("rejected", ["OWN-000012-v1"]),
            ("superseded", ["DEC-000013-v1"]),
            ("withdrawn", ["DEC-000014-v1"]),
        ):
            with self.subTest(outcome=outcome):
                self.assertEqual(self.listed(f"?outcome={outcome}"), references)

    def test_filter_by_kind(self):
        self.assertEqual(self.listed("?kind=ownership"), ["OWN-000012-v1"])

    def test_filter_by_decider_and_by_case_officer(self):
        self.assertEqual(
            self.listed(f"?decider={self.diana.pk}"), ["DEC-000011-v1", "DEC-000013-v1"]
        )
        self.assertEqual(self.listed(f"?decider={self.dora.pk}"), ["OWN-000012-v1"])
        self.assertEqual(self.listed("?assignee=me"), ["DEC-000011-v1"])
        self.sign_in(self.diana)
        self.assertEqual(self.listed("?decider=me"), ["DEC-000011-v1", "DEC-000013-v1"])

    def test_filter_by_decision_date_both_ends_included(self):
        query = (
            "?decided_from_day=15&decided_from_month=2&decided_from_year=2026"
            "&decided_to_day=1&decided_to_month=3&decided_to_year=2026"
        )
        self.assertEqual(self.listed(query), ["DEC-000011-v1", "DEC-000014-v1"])
        self.assertEqual(
            self.listed("?decided_from_day=2&decided_from_month=3&decided_from_year=2026"),
            ["OWN-000012-v1"],
        )

    def test_a_date_that_is_not_one_is_named_and_ignored(self):
        response = self.decided("?decided_from_day=31&decided_from_month=2&decided_from_year=2026")
        self.assertEqual(len(response.context["cases"]), 4)
        self.assertContains(response, "govuk-error-summary")
        self.assertContains(response, "Date must be a real date")

    def test_filter_by_provider_name_or_number(self):
        self.assertEqual(self.listed("?provider=beta"), ["OWN-000012-v1", "DEC-000014-v1"])
        number = self.acme.registration_number
        self.assertEqual(self.listed(f"?provider={number}"), ["DEC-000011-v1", "DEC-000013-v1"])

    def test_sort_by_decision_date_and_reference(self):
        self.assertEqual(
            self.listed("?sort=decided"),
            ["DEC-000013-v1", "DEC-000014-v1", "DEC-000011-v1", "OWN-000012-v1"],
        )
        self.assertEqual(
            self.listed("?sort=reference"),
            ["DEC-000011-v1", "DEC-000013-v1", "DEC-000014-v1", "OWN-000012-v1"],
        )
        response = self.decided()
        self.assertContains(response, 'aria-sort="descending"', count=1)

    def test_nonsense_in_the_address_falls_back_to_the_defaults(self):
        response = self.decided("?outcome=submitted&kind=x&decider=abc&sort=evil&page=zz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["cases"]), 4)

    def test_the_console_navigation_leads_to_it(self):
        response = self.decided()
        current = (
            f'<a class="govuk-service-navigation__link" href="{reverse("review:decided")}" '
            'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
            "Decided</strong></a>"
        )
        self.assertContains(response, current, html=True)
        self.assertContains(self.client.get(reverse("review:console")), 'href="/console/decided/"')

    def test_the_export_link_keeps_the_filters(self):
        response = self.decided("?outcome=accepted&page=2")
        self.assertContains(response, 'href="/console/decided/export.csv?outcome=accepted"')


# --- Bulk assignment


class BulkAssignTests(PersonaTestCase):
    def setUp(self):
        self.sign_in(self.olivia)
        self.first = make_case(self.acme, reference="DEC-000021-v1")
        self.second = make_case(self.acme, reference="DEC-000022-v1", status=Status.UNDER_REVIEW)
        self.third = make_case(self.beta, reference="OWN-000023-v1", filing_kind="ownership")

    def token(self, case: Case) -> str:
        return shown_token(case.pk, case.status, case.assignee_id)

    def assign(self, cases, assignee, *, view="console", query="", follow=True):
        tokens = [c if isinstance(c, str) else self.token(c) for c in cases]
        data = {"case": tokens, "assignee": assignee, "view": view, "query": query}
        return self.client.post(reverse("review:bulk-assign"), data, follow=follow)

    def outcomes(self, response) -> dict[str, str]:
        return {o["reference"]: o["text"] for o in response.context["bulk_outcomes"]}

    def test_a_case_officer_assigns_three_cases_at_once(self):
        response = self.assign([self.first, self.second, self.third], self.diana.pk)
        self.assertEqual(response.redirect_chain, [("/console/#bulk-outcomes", 302)])
        self.assertEqual(
            self.outcomes(response),
            {
                "DEC-000021-v1": "assigned to Diana Decider",
                "DEC-000022-v1": "assigned to Diana Decider",
                "OWN-000023-v1": "assigned to Diana Decider",
            },
        )
        self.assertContains(response, "3 of 3 cases assigned")
        self.assertContains(response, "govuk-notification-banner--success")
        for case in (self.first, self.second, self.third):
            case.refresh_from_db()
            self.assertEqual(case.assignee, self.diana)
        self.assertEqual(AuditEvent.objects.filter(action="case.assigned").count(), 3)
        # The outcomes are shown once: a refresh of the queue doesn't repeat them.
        again = self.client.get(reverse("review:console"))
        self.assertIsNone(again.context["bulk_outcomes"])
        self.assertNotContains(again, "cases assigned")

    def test_cases_that_changed_meanwhile_are_reported_not_assigned(self):
        shown = [self.token(c) for c in (self.first, self.second, self.third)]
        reassigned = make_case(self.acme, reference="DEC-000024-v1")
        shown.append(self.token(reassigned))
        # Meanwhile: the second was decided, the third taken into review, the fourth taken.
        Case.objects.filter(pk=self.second.pk).update(status=Status.ACCEPTED)
        Case.objects.filter(pk=self.third.pk).update(status=Status.UNDER_REVIEW)
        Case.objects.filter(pk=reassigned.pk).update(assignee=self.diana)
        response = self.assign([*shown, "999999:submitted:", "nonsense"], self.olivia.pk)
        self.assertEqual(
            self.outcomes(response),
            {
                "DEC-000021-v1": "assigned to Olivia Officer",
                "DEC-000022-v1": "not assigned: it was decided meanwhile (now accepted)",
                "OWN-000023-v1": (
                    "not assigned: its status changed from submitted to under review"
                ),
                "DEC-000024-v1": "not assigned: it was assigned to Diana Decider meanwhile",
                "Case 999999": "not found: it does not exist",
                "nonsense": "not found: no such case",
            },
        )
        self.assertContains(response, "1 of 6 cases assigned")
        self.assertNotContains(response, "govuk-notification-banner--success")
        assignees = dict(Case.objects.values_list("reference", "assignee_id"))
        self.assertEqual(
            assignees,
            {
                "DEC-000021-v1": self.olivia.pk,
                "DEC-000022-v1": None,
                "OWN-000023-v1": None,
                "DEC-000024-v1": self.diana.pk,
            },
        )
        self.assertEqual(AuditEvent.objects.filter(action="case.assigned").count(), 1)

    def test_a_case_ticked_twice_is_assigned_once(self):
        response = self.assign([self.first, self.first], self.diana.pk)
        self.assertEqual(self.outcomes(response), {"DEC-000021-v1": "assigned to Diana Decider"})
        self.assertEqual(AuditEvent.objects.filter(action="case.assigned").count(), 1)

    def test_assign_to_nobody(self):
        Case.objects.filter(pk=self.first.pk).update(assignee=self.diana)
        self.first.refresh_from_db()
        response = self.assign([self.first], "nobody")
        self.assertEqual(self.outcomes(response), {"DEC-000021-v1": "assigned to nobody"})
        self.first.refresh_from_db()
        self.assertIsNone(self.first.assignee)

    def test_back_to_the_queue_with_its_filters(self):
        query = "kind=declaration&state=under_review&page=3&evil=1"
        response = self.assign([self.second], self.diana.pk, query=query, follow=False)
        self.assertEqual(
            response["Location"], "/console/?kind=declaration&state=under_review#bulk-outcomes"
        )
        response = self.assign([self.first], self.olivia.pk, view="my-cases", follow=False)
        self.assertEqual(response["Location"], "/console/my-cases/#bulk-outcomes")

    def test_nothing_ticked_or_nobody_chosen_is_refused_with_the_boxes_as_they_were(self):
        response = self.assign([], self.diana.pk)
        self.assertContains(response, "govuk-error-summary")
        self.assertContains(response, '<a href="#bulk_case_0">Select the cases to assign</a>')
        response = self.assign([self.first], "")
        self.assertContains(
            response, '<a href="#bulk_assignee">Choose who to assign the selected cases to</a>'
        )
        self.assertContains(response, f'value="{self.token(self.first)}" checked')
        self.assertContains(response, "<title>Error: ", count=1)
        self.first.refresh_from_db()
        self.assertIsNone(self.first.assignee)

    def test_only_regulator_staff_can_be_chosen(self):
        for assignee in (self.alice.pk, self.ada.pk, "999999"):
            with self.subTest(assignee=assignee):
                response = self.assign([self.first], assignee)
                self.assertContains(response, "Assign the case to a case officer or decision maker")
        self.first.refresh_from_db()
        self.assertIsNone(self.first.assignee)

    def test_nobody_but_regulators_can_assign(self):
        url = reverse("review:bulk-assign")
        data = {"case": [self.token(self.first)], "assignee": self.olivia.pk}
        for persona in ("anonymous", "nadia", "alice", "bob", "victor", "charlie", "ada"):
            with self.subTest(persona=persona):
                self.client.logout()
                if persona != "anonymous":
                    self.sign_in(getattr(self, persona))
                response = self.client.post(url, data)
                if persona == "anonymous":
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(reverse("accounts:sign-in")))
                else:
                    self.assertEqual(response.status_code, 404)
        self.first.refresh_from_db()
        self.assertIsNone(self.first.assignee)
        self.assertFalse(AuditEvent.objects.filter(action="case.assigned").exists())

    def test_each_queue_row_has_a_checkbox_carrying_the_case_as_shown(self):
        response = self.client.get(reverse("review:console"))
        self.assertContains(
            response,
            f'<input class="govuk-checkboxes__input" id="bulk_case_0" name="case" '
            f'type="checkbox" value="{self.token(self.first)}">',
            html=True,
        )
        self.assertContains(response, "Select DEC-000021-v1")
        self.assertContains(response, 'action="/console/assign/"')

    def test_a_checkbox_value_reads_back(self):
        self.assertEqual(parse_shown("12:submitted:7").assignee_id, 7)  # type: ignore[union-attr]
        self.assertIsNone(parse_shown("12:submitted:").assignee_id)  # type: ignore[union-attr]
        for bad in ("12", "x:submitted:", "12:nonsense:", "12:submitted:x", "1:2:3:4"):
            with self.subTest(value=bad):
                self.assertIsNone(parse_shown(bad))


# --- Saved filters


class SavedFilterTests(PersonaTestCase):
    def setUp(self):
        self.sign_in(self.olivia)

    def save(self, name: str, query: str = "", view: str = "console", follow: bool = True):
        data = {"name": name, "view": view, "query": query}
        return self.client.post(reverse("review:saved-filter-add"), data, follow=follow)

    def test_save_the_filters_as_they_are_and_come_back_to_them(self):
        query = "kind=declaration&due=overdue&page=3&evil=1"
        response = self.save("Overdue declarations", query, follow=False)
        self.assertEqual(response["Location"], "/console/?due=overdue&kind=declaration")
        saved = SavedFilter.objects.get()
        self.assertEqual(
            (saved.owner, saved.view, saved.name, saved.query),
            (self.olivia, "console", "Overdue declarations", "due=overdue&kind=declaration"),
        )
        response = self.client.get(response["Location"])
        self.assertContains(response, "Filters saved as “Overdue declarations”")
        self.assertContains(
            response,
            '<a class="govuk-link" href="/console/?due=overdue&amp;kind=declaration">'
            "Overdue declarations</a>",
            html=True,
        )

    def test_the_decided_cases_keep_their_own_with_their_dates(self):
        query = "outcome=accepted&decided_from_day=1&decided_from_month=3&decided_from_year=2026"
        self.save("Accepted since March", query, view="decided")
        saved = SavedFilter.objects.get()
        self.assertEqual(saved.view, "decided")
        self.assertEqual(
            saved.query,
            "decided_from_day=1&decided_from_month=3&decided_from_year=2026&outcome=accepted",
        )
        self.assertContains(self.client.get(reverse("review:decided")), "Accepted since March")
        self.assertNotContains(self.client.get(reverse("review:console")), "Accepted since March")

    def test_a_name_is_needed_and_taken_only_once_a_page(self):
        response = self.save("  ")
        self.assertContains(response, '<a href="#saved_filter_name">Enter a name for these filters')
        self.save("Mine", "assignee=me")
        response = self.save("Mine", "due=soon")
        self.assertContains(response, "You already have saved filters called “Mine” on this page")
        self.assertEqual(SavedFilter.objects.get().query, "assignee=me")
        # The same name on another page, or another officer's, is another filter.
        self.save("Mine", view="decided")
        self.sign_in(self.diana)
        self.save("Mine")
        self.assertEqual(SavedFilter.objects.filter(name="Mine").count(), 3)

    def test_only_the_owner_sees_and_deletes_their_saved_filters(self):
        self.save("Olivia's overdue", "due=overdue")
        saved = SavedFilter.objects.get()
        delete = reverse("review:saved-filter-delete", args=[saved.pk])
        self.sign_in(self.diana)
        self.assertNotContains(self.client.get(reverse("review:console")), "Olivia&#x27;s overdue")
        self.assertEqual(self.client.post(delete, {"view": "console"}).status_code, 404)
        self.assertTrue(SavedFilter.objects.filter(pk=saved.pk).exists())
        self.sign_in(self.olivia)
        response = self.client.post(delete, {"view": "console", "query": "due=overdue"})
        self.assertEqual(response["Location"], "/console/?due=overdue#saved-filters")
        self.assertFalse(SavedFilter.objects.exists())
        self.assertEqual(self.client.post(delete, {"view": "console"}).status_code, 404)

    def test_nobody_but_regulators_can_save_or_delete(self):
        saved = SavedFilter.objects.create(owner=self.olivia, view="console", name="Kept")
        add = reverse("review:saved-filter-add")
        delete = reverse("review:saved-filter-delete", args=[saved.pk])
        for persona in ("nadia", "alice", "bob", "victor", "charlie", "ada"):
            with self.subTest(persona=persona):
                self.client.logout()
                self.sign_in(getattr(self, persona))
                self.assertEqual(self.client.post(add, {"name": "Sneaky"}).status_code, 404)
                self.assertEqual(self.client.post(delete).status_code, 404)
        self.assertEqual(list(SavedFilter.objects.values_list("name", flat=True)), ["Kept"])


# --- Queries, whatever the length


class CaseloadQueryTests(PersonaTestCase):
    # The queue, whatever its length:
    #  1. the session
    #  2. the user
    #  3. their authenticator (two-factor, django-otp)
    #  4. their regulator groups (regulator_required, and the navigation)
    #  5. the regulator staff, for the assignee filter and the bulk assignment
    #  6. the number of cases (the paginator)
    #  7. the number in each state (the tabs)
    #  8. the page's cases, with their provider and assignee
    #  9. the page's flags
    #  10. the officer's saved filters
    #  11. their latest messages (the panel)
    #  12. their unread messages (the navigation, and the panel)
    QUEUE_QUERIES = 12
    # The decided cases: 1-5 as the queue's, then the number of cases, the page's cases with
    # provider, assignee and decider, the officer's saved filters, and their unread messages.
    DECIDED_QUERIES = 9

    def setUp(self):
        self.sign_in(self.olivia)

    def grow_to(self, count: int, **fields) -> None:
        make_cases(self.acme, count - Case.objects.count(), assignee=self.diana, **fields)

    def test_the_queue_runs_the_same_queries_for_10_cases_as_for_1000(self):
        SavedFilter.objects.create(owner=self.olivia, view="console", name="Mine", query="")
        for count in (10, 1000):
            self.grow_to(count)
            with self.subTest(cases=count), self.assertNumQueries(self.QUEUE_QUERIES):
                response = self.client.get(reverse("review:console"))
            self.assertEqual(response.context["page"].paginator.count, count)

    def test_the_decided_cases_run_the_same_queries_for_10_as_for_1000(self):
        for count in (10, 1000):
            self.grow_to(count, status=Status.ACCEPTED, closed_at=timezone.now())
            with self.subTest(cases=count), self.assertNumQueries(self.DECIDED_QUERIES):
                response = self.client.get(reverse("review:decided"))
            self.assertEqual(response.context["page"].paginator.count, count)
