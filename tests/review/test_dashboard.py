"""The console's Overview: every figure counted exactly from known cases, flags, statements and
declarations; each chart an accessible SVG followed by a table of the same figures; an empty
register that shows sensible words; and the same queries whatever the register's size.

Selectors take `today`, so their tests fix it (15 June 2026) and set every date on the rows
directly; the page's tests use the real date and check the page against the selectors.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from xml.etree import ElementTree

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from registry.filings.states import Status
from registry.providers.models import ControlVerdict, StateAffiliation
from registry.review import overview
from registry.review.models import Case, CaseFlag
from registry.review.overview import (
    CountryControl,
    DayBucket,
    Deadlines,
    FlagKind,
    MonthDue,
    MonthFlags,
    OfficerLoad,
    OverdueRedeclarations,
    StateCount,
)
from tests.base import PersonaTestCase
from tests.factories import (
    AIModelFactory,
    OwnershipStatementFactory,
    ProvenanceDeclarationFactory,
    ProviderFactory,
    UserFactory,
)
from tests.labels import accepted_ownership, published_model

TODAY = date(2026, 6, 15)
numbers = itertools.count(1)


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def make_case(provider, **fields) -> Case:
    """A case on its own: the Overview reads cases, never their filings."""
    number = next(numbers)
    values = {
        "filing_kind": "declaration",
        "filing_id": 200_000 + number,
        "reference": f"DEC-{200_000 + number:06d}-v1",
        "subject": f"Model {number}",
        "status": Status.SUBMITTED,
        "last_submitted_at": at_noon(TODAY.replace(day=1)),
    }
    return Case.objects.create(provider=provider, **(values | fields))


def flag(case: Case, code: str, severity: str) -> CaseFlag:
    return CaseFlag.objects.create(case=case, code=code, severity=severity, message=code)


def decided(provider, days: int, on: date, status: str = Status.ACCEPTED) -> Case:
    """A case decided on `on` after its clock ran `days` days."""
    return make_case(provider, status=status, clock_days_used=days, closed_at=at_noon(on))


class WorkloadTests(PersonaTestCase):
    """Eight cases: seven open (two submitted, three under review, two sent back), one accepted."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        due = lambda days: TODAY + timedelta(days=days)  # noqa: E731
        cls.a = make_case(cls.acme, due_on=due(3))
        cls.b = make_case(cls.acme, status=Status.UNDER_REVIEW, assignee=cls.olivia, due_on=due(-2))
        cls.c = make_case(cls.beta, status=Status.UNDER_REVIEW, assignee=cls.olivia, due_on=due(7))
        cls.d = make_case(cls.beta, status=Status.UNDER_REVIEW, assignee=cls.diana, due_on=due(8))
        cls.e = make_case(cls.acme, status=Status.CHANGES_REQUESTED, assignee=cls.olivia)
        cls.f = make_case(cls.acme, status=Status.CHANGES_REQUESTED)
        cls.g = decided(cls.acme, 10, TODAY - timedelta(days=3))
        cls.h = make_case(cls.beta, assignee=cls.diana, due_on=TODAY)

    def test_open_cases_by_state(self):
        self.assertEqual(
            overview.workload().by_state,
            [
                StateCount(Status.SUBMITTED, 2),
                StateCount(Status.UNDER_REVIEW, 3),
                StateCount(Status.CHANGES_REQUESTED, 2),
            ],
        )
        self.assertEqual(overview.workload().total, 7)

    def test_open_cases_by_officer_the_busiest_first_then_nobody_s(self):
        self.assertEqual(
            overview.workload().by_officer,
            [
                OfficerLoad(self.olivia.pk, "Olivia Officer", awaiting=2, changes_requested=1),
                OfficerLoad(self.diana.pk, "Diana Decider", awaiting=2, changes_requested=0),
                OfficerLoad(None, "Nobody (unassigned)", awaiting=1, changes_requested=1),
            ],
        )

    def test_a_regulator_with_no_open_case_is_listed_with_none(self):
        self.c.delete()
        self.b.delete()
        self.e.delete()
        loads = overview.workload().by_officer
        self.assertEqual(loads[-2], OfficerLoad(self.olivia.pk, "Olivia Officer", 0, 0))

    def test_someone_who_left_the_regulator_still_counts_but_is_not_linked(self):
        left = UserFactory(full_name="Lena Left")
        make_case(self.acme, assignee=left)
        row = next(row for row in overview.workload().by_officer if row.officer_id == left.pk)
        self.assertEqual((row.name, row.awaiting, row.on_staff), ("Lena Left", 1, False))
        self.assertEqual(row.assignee_filter, "")

    def test_due_this_week_and_overdue_as_the_queue_filters_them(self):
        # Due today (h), in 3 days (a) and in 7 (c); 2 days overdue (b). Sent back: no due date.
        self.assertEqual(overview.deadlines(TODAY), Deadlines(due_this_week=3, overdue=1))

    def test_the_workload_is_counted_in_two_queries(self):
        # 1. open cases by state and assignee, with the assignee's name; 2. the regulator staff
        with self.assertNumQueries(2):
            overview.workload()


@override_settings(REVIEW_DAYS=28)
class DecisionTimesTests(PersonaTestCase):
    def times(self, *days: int):
        for count in days:
            decided(self.acme, count, TODAY - timedelta(days=count % 5))
        return overview.decision_times(TODAY)

    def test_with_no_decision_there_is_no_median(self):
        times = self.times()
        self.assertIsNone(times.median_days)
        self.assertEqual((times.decisions, times.within_limit, times.over_limit), (0, 0, 0))
        self.assertIs(times.median_within_limit, False)
        self.assertEqual([bucket.decisions for bucket in times.buckets], [0, 0, 0, 0, 0])

    def test_the_median_of_an_odd_count_is_the_middle_one(self):
        times = self.times(30, 5, 12)
        self.assertEqual(times.median_days, Decimal(12))
        self.assertEqual((times.decisions, times.within_limit, times.over_limit), (3, 2, 1))
        self.assertIs(times.median_within_limit, True)

    def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(self):
        self.assertEqual(self.times(5, 12, 20, 30).median_days, Decimal(16))

    def test_the_median_may_be_half_a_day(self):
        self.assertEqual(self.times(12, 5).median_days, Decimal("8.5"))

    def test_a_median_beyond_the_limit_says_so(self):
        times = self.times(29, 40, 3)
        self.assertEqual(times.median_days, Decimal(29))
        self.assertIs(times.median_within_limit, False)

    def test_decisions_by_week_of_the_clock_with_the_limit_s_day_inside_it(self):
        times = self.times(0, 7, 8, 14, 21, 22, 28, 29, 90)
        self.assertEqual(
            times.buckets,
            [
                DayBucket(0, 7, 2),
                DayBucket(8, 14, 2),
                DayBucket(15, 21, 1),
                DayBucket(22, 28, 2),
                DayBucket(29, None, 2),
            ],
        )
        self.assertEqual(
            [bucket.label for bucket in times.buckets],
            ["0 to 7 days", "8 to 14 days", "15 to 21 days", "22 to 28 days", "More than 28 days"],
        )
        self.assertEqual(times.within_limit, 7)

    def test_only_decisions_of_the_last_12_months_count_and_open_cases_never(self):
        decided(self.acme, 3, date(2025, 6, 30))  # before 1 July 2025: not counted
        decided(self.acme, 5, date(2025, 7, 1), status=Status.REJECTED)
        decided(self.acme, 7, date(2026, 6, 1), status=Status.SUPERSEDED)
        make_case(self.acme, clock_days_used=9)  # open: no decision yet
        times = overview.decision_times(TODAY)
        self.assertEqual(times.since, date(2025, 7, 1))
        self.assertEqual((times.decisions, times.median_days), (2, Decimal(6)))

    @override_settings(REVIEW_DAYS=10)
    def test_the_limit_comes_from_the_setting(self):
        times = self.times(9, 11)
        self.assertEqual(times.limit, 10)
        self.assertEqual(
            times.buckets, [DayBucket(0, 7, 0), DayBucket(8, 10, 1), DayBucket(11, None, 1)]
        )

    def test_decisions_taken_through_the_services_count_the_days_their_clock_ran(self):
        accepted_ownership(
            self, links=[{"country": "GB"}]
        )  # a label needs its provider's ownership accepted first
        published_model(self)
        cases = Case.objects.all()
        self.assertEqual([case.closed_at is not None for case in cases], [True, True])
        times = overview.decision_times(timezone.localdate())
        # Submitted, reviewed and decided today: the clock ran no days at all.
        self.assertEqual([case.clock_days_used for case in cases], [0, 0])
        self.assertEqual((times.decisions, times.median_days), (2, Decimal(0)))


class FlagTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        this_month = at_noon(TODAY.replace(day=1))
        submitted = make_case(cls.acme, last_submitted_at=this_month)
        flag(submitted, "no_red_team", "high")
        flag(submitted, "api_aggregator", "low")
        reviewing = make_case(
            cls.acme, status=Status.UNDER_REVIEW, last_submitted_at=at_noon(date(2026, 4, 30))
        )
        flag(reviewing, "no_red_team", "high")
        sent_back = make_case(
            cls.beta, status=Status.CHANGES_REQUESTED, last_submitted_at=this_month
        )
        flag(sent_back, "no_red_team", "high")
        flag(sent_back, "personal_data_unknown", "medium")
        accepted = decided(cls.beta, 4, date(2026, 1, 20))
        Case.objects.filter(pk=accepted.pk).update(last_submitted_at=at_noon(date(2026, 1, 10)))
        flag(accepted, "no_red_team", "high")
        flag(accepted, "foreign_control", "high")
        flag(accepted, "red_team_overdue", "medium")
        old = decided(cls.beta, 4, date(2025, 6, 20))
        Case.objects.filter(pk=old.pk).update(last_submitted_at=at_noon(date(2025, 6, 30)))
        flag(old, "shares_inconsistent", "low")

    def test_flags_on_open_cases_by_kind_most_severe_first(self):
        self.assertEqual(
            overview.flags_by_kind(),
            [
                FlagKind("no_red_team", awaiting=2, changes_requested=1),
                FlagKind("personal_data_unknown", awaiting=0, changes_requested=1),
                FlagKind("api_aggregator", awaiting=1, changes_requested=0),
            ],
        )
        kinds = overview.flags_by_kind()
        self.assertEqual(
            [(kind.title, kind.severity, kind.total) for kind in kinds],
            [
                ("No red-teaming", "high", 3),
                ("Personal data unknown", "medium", 1),
                ("API aggregator in the supply chain", "low", 1),
            ],
        )

    def test_flags_raised_each_month_of_the_last_12_by_severity(self):
        months = overview.flags_by_month(TODAY)
        self.assertEqual(len(months), 12)
        self.assertEqual((months[0].month, months[-1].month), (date(2025, 7, 1), date(2026, 6, 1)))
        shown = {row.month: row for row in months if row.total}
        self.assertEqual(
            shown,
            {
                date(2026, 1, 1): MonthFlags(date(2026, 1, 1), high=2, medium=1),
                date(2026, 4, 1): MonthFlags(date(2026, 4, 1), high=1),
                date(2026, 6, 1): MonthFlags(date(2026, 6, 1), high=2, medium=1, low=1),
            },
        )

    def test_a_month_is_the_register_s_own_month(self):
        # 23:30 on 31 May 2026 in UTC is 00:30 on 1 June in London.
        case = make_case(self.acme, last_submitted_at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
        flag(case, "no_red_team", "high")
        months = {row.month: row for row in overview.flags_by_month(TODAY)}
        self.assertEqual(months[date(2026, 6, 1)].high, 3)
        self.assertEqual(months[date(2026, 5, 1)].total, 0)


class ControlTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        def statement(verdict, countries, status=Status.ACCEPTED):
            return OwnershipStatementFactory(
                provider=ProviderFactory(),
                status=status,
                control_verdict=verdict,
                control_countries=countries,
            )

        statement(ControlVerdict.FOREIGN_CONTROLLED, ["US"])
        statement(ControlVerdict.FOREIGN_STATE_INFLUENCE, ["CN"])
        statement(ControlVerdict.FOREIGN_STATE_INFLUENCE, ["CN", "RU"])
        statement(ControlVerdict.UK_CONTROLLED, [])
        statement(ControlVerdict.FOREIGN_CONTROLLED, ["FR"], status=Status.SUPERSEDED)
        # One the register accepted itself, which fixed its verdict and countries.
        accepted_ownership(
            cls,
            provider=cls.beta,
            submitter=cls.charlie,
            links=[
                {
                    "country": "CN",
                    "share_percent": Decimal(30),
                    "votes_percent": Decimal(30),
                    "state_affiliation": StateAffiliation.STATE_OWNED,
                }
            ],
        )

    def test_providers_under_foreign_control_or_state_influence_by_country(self):
        self.assertEqual(
            overview.control_by_country(),
            [
                CountryControl("CN", foreign_controlled=0, foreign_state_influence=3),
                CountryControl("RU", foreign_controlled=0, foreign_state_influence=1),
                CountryControl("US", foreign_controlled=1, foreign_state_influence=0),
            ],
        )
        self.assertEqual(overview.control_by_country()[0].country_name, "China")


@override_settings(REDECLARATION_MONTHS=12)
class RedeclarationTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        def accepted(on: date):
            return ProvenanceDeclarationFactory(
                model=AIModelFactory(provider=cls.acme),
                status=Status.ACCEPTED,
                decided_at=at_noon(on),
                created_by=cls.alice,
            )

        accepted(date(2025, 5, 10))  # due 10 May 2026: overdue
        on_its_way = accepted(date(2025, 6, 14))  # due yesterday: overdue, a newer one on its way
        ProvenanceDeclarationFactory(
            model=on_its_way.model, status=Status.DRAFT, created_by=cls.alice
        )
        accepted(date(2025, 6, 15))  # due today
        accepted(date(2025, 7, 15))  # due in 30 days
        accepted(date(2025, 7, 16))  # due in 31 days
        accepted(date(2026, 1, 20))
        accepted(date(2026, 5, 31))  # due in the 12th month shown
        accepted(date(2026, 6, 2))  # due after it
        with_regulator = accepted(date(2025, 8, 1))  # its newer declaration is being reviewed
        ProvenanceDeclarationFactory(
            model=with_regulator.model, status=Status.UNDER_REVIEW, created_by=cls.alice
        )
        ProvenanceDeclarationFactory(
            model=AIModelFactory(provider=cls.acme),
            status=Status.SUPERSEDED,
            decided_at=at_noon(date(2024, 1, 1)),
            created_by=cls.alice,
        )

    def test_overdue_as_the_re_declaration_page_lists_them(self):
        self.assertEqual(
            overview.overdue_redeclarations(TODAY), OverdueRedeclarations(models=2, in_progress=1)
        )

    def test_due_within_30_days(self):
        self.assertEqual(overview.redeclarations_due_soon(TODAY), 2)

    def test_due_in_each_of_the_next_12_months(self):
        months = overview.redeclarations_by_month(TODAY)
        self.assertEqual((months[0].month, months[-1].month), (date(2026, 6, 1), date(2027, 5, 1)))
        self.assertEqual(
            [row for row in months if row.models],
            [
                MonthDue(date(2026, 6, 1), 1),
                MonthDue(date(2026, 7, 1), 2),
                MonthDue(date(2027, 1, 1), 1),
                MonthDue(date(2027, 5, 1), 1),
            ],
        )


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row of the table `table_id`."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in row] for row in cells]


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)


SVG = "{http://www.w3.org/2000/svg}"


class PageTests(PersonaTestCase):
    """The page, on the real date, against the selectors' figures."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.today = today
        submitted = make_case(
            cls.acme, due_on=today + timedelta(days=2), last_submitted_at=timezone.now()
        )
        flag(submitted, "no_red_team", "high")
        reviewing = make_case(
            cls.beta,
            status=Status.UNDER_REVIEW,
            assignee=cls.olivia,
            due_on=today - timedelta(days=1),
            last_submitted_at=timezone.now(),
        )
        flag(reviewing, "personal_data_unknown", "medium")
        sent_back = make_case(
            cls.acme,
            status=Status.CHANGES_REQUESTED,
            assignee=cls.olivia,
            last_submitted_at=timezone.now(),
        )
        flag(sent_back, "no_red_team", "high")
        for days in (5, 12, 31):
            decided(cls.acme, days, today)
        OwnershipStatementFactory(
            provider=cls.beta,
            status=Status.ACCEPTED,
            control_verdict=ControlVerdict.FOREIGN_CONTROLLED,
            control_countries=["US"],
        )

    def page(self):
        self.sign_in(self.olivia)
        response = self.client.get(reverse("review:overview"))
        self.assertEqual(response.status_code, 200)
        return response, response.content.decode()

    def test_the_headline_figures_lead_to_the_queue_filtered_to_them(self):
        _, html = self.page()
        self.assertInHTML(
            '<p class="govuk-heading-xl govuk-!-margin-bottom-2" id="figure-open">3</p>', html
        )
        queue = reverse("review:console")
        self.assertIn(f'href="{queue}?due=soon">1<', html)
        self.assertIn(f'href="{queue}?due=overdue">1<', html)
        self.assertInHTML(
            '<p class="govuk-heading-xl govuk-!-margin-bottom-2" id="figure-median">12</p>', html
        )
        # 5 and 12 days are within the limit, 31 is not.
        self.assertIn("2 of 3 decisions were taken within it.", html)

    def test_each_table_gives_its_chart_s_figures(self):
        response, html = self.page()
        figures = response.context["figures"]
        self.assertEqual(
            table_rows(html, "table-states"),
            [
                ["Submitted", "1"],
                ["Under review", "1"],
                ["Changes requested", "1"],
                ["All open cases", "3"],
            ],
        )
        self.assertEqual(
            table_rows(html, "table-officers"),
            [
                ["Olivia Officer", "1", "1", "2"],
                ["Diana Decider", "0", "0", "0"],
                ["Nobody (unassigned)", "1", "0", "1"],
            ],
        )
        self.assertEqual(
            table_rows(html, "table-decisions"),
            [
                ["0 to 7 days", "1"],
                ["8 to 14 days", "1"],
                ["15 to 21 days", "0"],
                ["22 to 28 days", "0"],
                ["More than 28 days", "1"],
                ["All decisions", "3"],
            ],
        )
        self.assertEqual(
            table_rows(html, "table-flag-kinds"),
            [
                ["No red-teaming", "High", "1", "1", "2"],
                ["Personal data unknown", "Medium", "1", "0", "1"],
            ],
        )
        months = table_rows(html, "table-flag-months")
        self.assertEqual(len(months), 12)
        self.assertEqual(months[-1][1:], ["2", "1", "0", "3"])
        self.assertEqual(
            months,
            [
                [
                    f"{row.month:%b %Y}",
                    str(row.high),
                    str(row.medium),
                    str(row.low),
                    str(row.total),
                ]
                for row in figures.flags_by_month
            ],
        )
        self.assertEqual(table_rows(html, "table-countries"), [["United States", "1", "0", "1"]])

    def test_each_chart_draws_the_figures_its_table_gives(self):
        response, html = self.page()
        charts = response.context["charts"]
        self.assertEqual([bar.total_text for bar in charts["states"].bars], ["1", "1", "1"])
        self.assertEqual([bar.total_text for bar in charts["officers"].bars], ["2", "0", "1"])
        self.assertEqual(
            [column.total_text for column in charts["decisions"].columns],
            ["1", "1", "0", "0", "1"],
        )
        self.assertEqual(
            [column.label for column in charts["decisions"].columns],
            ["0 to 7", "8 to 14", "15 to 21", "22 to 28", "Over 28"],
        )
        self.assertEqual([bar.total_text for bar in charts["flag_kinds"].bars], ["2", "1"])
        self.assertEqual(charts["flag_months"].columns[-1].total_text, "3")
        self.assertEqual([bar.label for bar in charts["countries"].bars], ["United States"])
        self.assertIn(
            "Submitted: 1. Under review: 1. Changes requested: 1.", html
        )  # the states chart's <desc>

    def test_the_table_links_lead_to_the_queue_filtered_to_each_figure(self):
        _, html = self.page()
        queue = reverse("review:console")
        for query in (
            "state=submitted",
            f"state=awaiting&amp;assignee={self.olivia.pk}",
            f"state=changes_requested&amp;assignee={self.olivia.pk}",
            "state=awaiting&amp;assignee=unassigned",
            "state=awaiting&amp;flag=no_red_team",
            "state=changes_requested&amp;flag=no_red_team",
        ):
            with self.subTest(query):
                self.assertIn(f'href="{queue}?{query}"', html)
        # A count of none leads nowhere.
        self.assertNotIn(f"assignee={self.diana.pk}", html)

    def test_every_chart_is_well_formed_svg_with_a_title_and_a_description(self):
        _, html = self.page()
        charts = svgs(html)
        self.assertEqual(len(charts), 6)  # no re-declaration falls due: no chart for it
        for chart in charts:
            root = ElementTree.fromstring(chart)  # noqa: S314 (the register's own SVG)
            with self.subTest(root.get("aria-labelledby")):
                self.assertEqual(root.get("role"), "img")
                self.assertEqual(root.get("width"), "100%")
                self.assertTrue(root.get("viewBox").startswith("0 0 420 "))
                title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
                self.assertTrue(title.text)
                self.assertTrue(desc.text)
                self.assertEqual(root.get("aria-labelledby"), f"{title.get('id')} {desc.get('id')}")
                self.assertNotIn("style=", chart)
        self.assertNotIn("<script", html.split("<main", 1)[1])

    def test_the_overview_is_marked_in_the_console_navigation(self):
        _, html = self.page()
        self.assertInHTML(
            f'<a class="govuk-service-navigation__link" href="{reverse("review:overview")}" '
            'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
            "Overview</strong></a>",
            html,
        )

    # The page, whatever the register's size:
    #  1. the session
    #  2. the user
    #  3. their authenticator (two-factor, django-otp)
    #  4. their regulator groups (regulator_required, and the navigation)
    #  5. open cases by state and assignee
    #  6. the regulator staff
    #  7. cases due this week and overdue
    #  8. decisions by the days their clock ran
    #  9. flags on open cases by kind and state
    #  10. flags by month and severity
    #  11. accepted ownership statements by foreign verdict and countries
    #  12. re-declarations overdue
    #  13. re-declarations due within 30 days
    #  14. re-declarations due by month
    #  15. their unread messages (the navigation)
    PAGE_QUERIES = 15

    def test_the_same_queries_for_a_register_ten_times_the_size(self):
        for scale in (1, 10):
            while Case.objects.count() < 6 * scale:
                case = make_case(
                    self.acme, assignee=UserFactory(), last_submitted_at=timezone.now()
                )
                flag(case, "no_red_team", "high")
                decided(self.beta, Case.objects.count(), self.today)
            self.sign_in(self.olivia)
            with self.subTest(cases=Case.objects.count()), self.assertNumQueries(self.PAGE_QUERIES):
                self.client.get(reverse("review:overview"))


class EmptyRegisterTests(PersonaTestCase):
    def test_an_empty_register_says_so_without_dividing_by_nothing(self):
        self.sign_in(self.diana)
        response = self.client.get(reverse("review:overview"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(svgs(html), [])
        for words in (
            "No case is open.",
            "No case is open, so nobody has one.",
            "so there is no median yet.",
            "No open case has a risk flag.",
            "No risk flag was raised in the last 12 months.",
            "No provider is foreign-controlled or under foreign state influence",
            "No model is overdue",
            "0 models due within 30 days",
            "No model falls due in the next 12 months.",
        ):
            with self.subTest(words):
                self.assertContains(response, words)
        self.assertInHTML(
            '<p class="govuk-heading-xl govuk-!-margin-bottom-2" id="figure-median">None yet</p>',
            html,
        )


class RedeclarationPageTests(PersonaTestCase):
    @override_settings(REDECLARATION_MONTHS=12)
    def test_re_declarations_overdue_lead_to_the_re_declaration_page(self):
        today = timezone.localdate()
        ProvenanceDeclarationFactory(
            model=AIModelFactory(provider=self.acme),
            status=Status.ACCEPTED,
            decided_at=at_noon(today - timedelta(days=400)),
            created_by=self.alice,
        )
        ProvenanceDeclarationFactory(
            model=AIModelFactory(provider=self.acme),
            status=Status.ACCEPTED,
            decided_at=at_noon(today - timedelta(days=300)),
            created_by=self.alice,
        )
        self.sign_in(self.olivia)
        response = self.client.get(reverse("review:overview"))
        html = response.content.decode()
        self.assertIn(
            f'<a class="govuk-link" href="{reverse("review:redeclaration")}">1 model overdue</a>',
            html,
        )
        rows = table_rows(html, "table-redeclarations")
        self.assertEqual(
            rows,
            [
                [f"{row.month:%b %Y}", str(row.models)]
                for row in response.context["figures"].redeclarations_by_month
            ],
        )
        self.assertEqual(sum(int(count) for _, count in rows), 1)
        self.assertEqual(len(svgs(html)), 1)
