"""The console's reads: clock wording, labels of fields, what a case is compared with, summaries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from registry.audit.models import AuditEvent
from registry.audit.services import record
from registry.declarations.services import declaration_submit
from registry.filings.states import Status
from registry.providers.models import InvestmentLink
from registry.review.models import Case, CaseNote
from registry.review.selectors import (
    ClockStatus,
    TimelineContext,
    case_events,
    clock_status,
    event_description,
    months_between,
    ownership_overview,
    path_label,
    previous_accepted,
    redeclaration,
    redeclarations_overdue,
)
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    InvestmentLinkFactory,
    complete_declaration,
    complete_ownership_statement,
)
from tests.labels import published_model
from tests.review import offered_paths

DATA = {
    "tdm_opt_out_measures": "We honour robots.txt",
    "sources": [{"id": 11, "name": "Common Crawl"}, {"id": 12, "name": ""}],
    "supply_chain": [{"id": 21, "name": "Cloud Co", "role": "compute"}],
    "red_team_attestations": [{"id": 31, "assessor": "Assurance LLP"}],
}


class ClockWordingTests(SimpleTestCase):
    def test_days_left_overdue_due_today_and_stopped(self):
        cases = [
            (ClockStatus(date(2026, 1, 10), 5, False), "5 days left", False),
            (ClockStatus(date(2026, 1, 10), 1, False), "1 day left", False),
            (ClockStatus(date(2026, 1, 10), 0, False), "Due today", False),
            (ClockStatus(date(2026, 1, 10), -1, False), "1 day overdue", True),
            (ClockStatus(date(2026, 1, 10), -4, False), "4 days overdue", True),
            (ClockStatus(None, 18, True), "Clock stopped (18 days left)", False),
            (ClockStatus(None, -2, True), "Clock stopped (2 days overdue)", False),
        ]
        for status, text, overdue in cases:
            with self.subTest(text=text):
                self.assertEqual(status.text, text)
                self.assertIs(status.overdue, overdue)

    def test_the_due_date_decides_while_the_clock_runs(self):
        today = date(2026, 3, 1)
        running = Case(due_on=date(2026, 2, 27), clock_running_since=date(2026, 1, 31))
        self.assertEqual(clock_status(running, today).text, "2 days overdue")

    @override_settings(REVIEW_DAYS=28)
    def test_a_stopped_clock_keeps_the_days_it_had_left(self):
        stopped = Case(due_on=None, clock_running_since=None, clock_days_used=10)
        self.assertEqual(
            clock_status(stopped, date(2026, 3, 1)).text, "Clock stopped (18 days left)"
        )


class MonthsTests(SimpleTestCase):
    def test_whole_months_between_two_days(self):
        for start, end, months in (
            (date(2024, 5, 10), date(2025, 5, 9), 11),
            (date(2024, 5, 10), date(2025, 5, 10), 12),
            (date(2024, 5, 10), date(2025, 6, 10), 13),
            (date(2024, 1, 31), date(2024, 2, 29), 0),
            (date(2024, 1, 31), date(2024, 3, 31), 2),
            (date(2024, 5, 10), date(2024, 5, 1), 0),
        ):
            with self.subTest(start=start, end=end):
                self.assertEqual(months_between(start, end), months)

    @override_settings(REDECLARATION_MONTHS=12)
    def test_a_redeclaration_falls_due_12_months_after_acceptance(self):
        declaration = type(
            "D", (), {"decided_at": timezone.make_aware(timezone.datetime(2024, 2, 29, 12, 0))}
        )()
        row = redeclaration(declaration, date(2025, 5, 1))  # type: ignore[arg-type]
        self.assertEqual(row.accepted_on, date(2024, 2, 29))
        self.assertEqual(row.due_on, date(2025, 2, 28))
        self.assertEqual(row.months_overdue, 2)
        self.assertEqual(row.overdue_text, "2 months")


class RedeclarationListTests(PersonaTestCase):
    @override_settings(REDECLARATION_MONTHS=12)
    def test_a_model_is_overdue_from_the_day_after_its_due_date(self):
        declaration = published_model(self, name="Leap")
        accepted = timezone.make_aware(timezone.datetime(2023, 2, 28, 12, 0))
        type(declaration).objects.filter(pk=declaration.pk).update(decided_at=accepted)
        declaration.refresh_from_db()
        self.assertEqual(redeclaration(declaration, date(2024, 3, 1)).due_on, date(2024, 2, 28))
        for today, overdue in ((date(2024, 2, 28), False), (date(2024, 2, 29), True)):
            with self.subTest(today=today):
                self.assertIs(
                    redeclarations_overdue(today).filter(pk=declaration.pk).exists(), overdue
                )


class FieldLabelTests(SimpleTestCase):
    def test_paths_read_as_people_name_them(self):
        for path, label in (
            ("tdm_opt_out_measures", "Text and data mining opt-out measures"),
            ("sources", "Data sources"),
            ("sources.0", "Source 1 (Common Crawl)"),
            ("sources.0.licence", "Source 1 (Common Crawl): Licence"),
            ("sources.1.share_percent", "Source 2: Share of the training mix"),
            ("sources.7.licence", "Source 8: Licence"),
            ("supply_chain.0.role", "Supply chain party 1 (Cloud Co): Role"),
            ("red_team_attestations.0", "Red-teaming 1 (Assurance LLP)"),
            ("model.name", "Model: name"),
            ("links.0.share_percent", "Investor 1: Shares held"),
        ):
            with self.subTest(path=path):
                self.assertEqual(path_label(DATA, path), label)

    def test_each_answer_and_row_says_where_a_finding_on_it_points(self):
        paths = offered_paths("declaration", DATA)
        for path in (
            "tdm_opt_out_measures",
            "model.name",
            "supply_chain.0",
            "supply_chain.0.role",
            "red_team_attestations.0",
            "red_team_attestations.0.assessor",
            "signatory_role",
        ):
            with self.subTest(path=path):
                self.assertIn(path, paths)
        self.assertEqual(len(paths), len(set(paths)))

    def test_an_ownership_statements_answers_are_its_investors(self):
        data = {"links": [{"investor_name": "Fund A"}]}
        paths = offered_paths("ownership", data)
        self.assertEqual(paths[0], "links.0")
        self.assertIn("links.0.votes_percent", paths)
        self.assertIn("links.0.share_band", paths)
        self.assertEqual(paths[-1], "signatory_role")


class PreviousAcceptedTests(PersonaTestCase):
    def test_the_version_an_amendment_amends(self):
        model = AIModelFactory(provider=self.acme)
        first = complete_declaration(model=model, status=Status.SUPERSEDED)
        second = complete_declaration(model=model, status=Status.ACCEPTED)
        amendment = complete_declaration(model=model, amends=first)
        self.assertEqual(previous_accepted("declaration", amendment), first)
        self.assertEqual(previous_accepted("declaration", second), first)

    def test_else_the_latest_lower_version_that_was_accepted(self):
        model = AIModelFactory(provider=self.acme)
        complete_declaration(model=model, status=Status.SUPERSEDED)
        accepted = complete_declaration(model=model, status=Status.ACCEPTED)
        complete_declaration(model=model, status=Status.REJECTED)
        draft = complete_declaration(model=model)
        self.assertEqual(previous_accepted("declaration", draft), accepted)

    def test_nothing_before_a_first_version(self):
        first = complete_declaration(model=AIModelFactory(provider=self.acme))
        self.assertIsNone(previous_accepted("declaration", first))
        statement = complete_ownership_statement(provider=self.acme)
        self.assertIsNone(previous_accepted("ownership", statement))


class TimelineTests(PersonaTestCase):
    def test_the_timeline_leaves_out_the_providers_drafting(self):
        declaration = complete_declaration(
            model=AIModelFactory(provider=self.acme), created_by=self.alice
        )
        # Drafting leaves its own trail, which the case's timeline has no use for.
        record(actor=self.alice, action="declaration.source_saved", target=declaration)
        declaration_submit(actor=self.alice, declaration=declaration, expected_lock_version=None)
        case = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
        self.assertTrue(AuditEvent.objects.filter(action="declaration.source_saved").exists())
        self.assertEqual(
            list(case_events(case).values_list("action", flat=True)), ["declaration.submit"]
        )

    def test_each_event_of_a_case_in_words(self):
        note = CaseNote(pk=5, body="Spoke to their counsel")
        context = TimelineContext(
            data=DATA,
            names_by_email={"olivia@regulator.example": "Olivia Officer"},
            notes={5: note},
        )
        for action, before, after, reason, expected in (
            (
                "case.assigned",
                None,
                {"assignee": "olivia@regulator.example"},
                "",
                ("Assigned to Olivia Officer", ""),
            ),
            ("case.assigned", None, {"assignee": None}, "", ("Unassigned", "")),
            (
                "case.finding_raised",
                None,
                {"field": "sources.0.licence", "message": "Which?"},
                "",
                ("Finding raised: Source 1 (Common Crawl): Licence", "Which?"),
            ),
            (
                "case.finding_removed",
                {"field": "sources.0", "message": "Gone"},
                None,
                "",
                ("Finding removed: Source 1 (Common Crawl)", "Gone"),
            ),
            (
                "case.message_sent",
                None,
                {"body": "Any news?"},
                "",
                ("Message sent to the provider", "Any news?"),
            ),
            (
                "case.note_written",
                None,
                {"note": 5},
                "",
                ("Internal note", "Spoke to their counsel"),
            ),
            (
                "case.confidentiality_ruled",
                None,
                {"source": 11, "accepted": False},
                "Public",
                ("Confidentiality claim refused: Common Crawl", "Public"),
            ),
            ("declaration.accept", None, None, "Complete", ("Accepted", "Complete")),
            ("ownership.request_changes", None, None, "Fix", ("Changes requested", "Fix")),
        ):
            with self.subTest(action=action):
                event = AuditEvent(action=action, before=before, after=after, reason=reason)
                self.assertEqual(event_description(event, context), expected)


class OwnershipOverviewTests(PersonaTestCase):
    def test_foreign_holdings_by_country_exact_and_banded_with_state_affiliations(self):
        statement = complete_ownership_statement(provider=self.acme, links=1)
        for name, country, share, affiliation in (
            ("Harbour Capital", "CN", "20", "state_owned"),
            ("Pearl Fund", "CN", "15.5", "none"),
            ("Liberty Ventures", "US", "8", "none"),
        ):
            InvestmentLinkFactory(
                statement=statement,
                investor_name=name,
                country=country,
                share_percent=Decimal(share),
                votes_percent=Decimal(share),
                state_affiliation=affiliation,
            )
        InvestmentLinkFactory(
            statement=statement,
            investor_name="Former Holder",
            country="RU",
            share_percent=Decimal("40"),
            state_affiliation="government",
            ceased_on=timezone.localdate() - timedelta(days=30),
        )
        links = list(InvestmentLink.objects.filter(statement=statement).order_by("id"))
        overview = ownership_overview(statement, links)
        self.assertEqual(
            [(h.country, h.investors, h.shares, h.share_band) for h in overview.foreign_by_country],
            [
                ("CN", 2, Decimal("35.500"), "More than 25% to 50%"),
                ("US", 1, Decimal("8.000"), "Less than 10%"),
            ],
        )
        self.assertEqual(
            [link.investor_name for link in overview.state_affiliated], ["Harbour Capital"]
        )
        self.assertEqual(overview.control.verdict, "uk_controlled")
