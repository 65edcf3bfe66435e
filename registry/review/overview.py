"""The console's Overview in figures: the workload, the risks and the re-declarations due.

One small function per figure, each reading the database once (two for the workload, which
names every regulator), so the page runs the same queries for ten cases as for ten thousand. The
database counts; Python only adds up the handful of groups it returns.

Cases "open" are those the queue's tabs list: submitted, under review, or sent back for changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth

from registry.filings.states import AWAITING_REGULATOR, Status
from registry.labels.selectors.statistics import months_until
from registry.lib.codes import country_name
from registry.providers.models import ControlVerdict, OwnershipStatement
from registry.review import risks
from registry.review.clock import months_before
from registry.review.models import Case, CaseFlag
from registry.review.selectors import (
    DUE_SOON_DAYS,
    OPEN_CASE_STATUSES,
    last_acceptance_due_by,
    local_midnight,
    redeclarations_due_by,
    redeclarations_overdue,
    regulator_staff,
)

# Decisions, and the flags raised, are counted over this many months, the current one included.
MONTHS_COUNTED = 12
# Re-declarations "due soon": due within this many days, as the provider's first reminder is.
REDECLARATION_SOON_DAYS = 30
# Days to decision are counted in weeks, up to the statutory limit, and then beyond it.
WEEK = 7
FOREIGN_VERDICTS = (ControlVerdict.FOREIGN_CONTROLLED, ControlVerdict.FOREIGN_STATE_INFLUENCE)


# --- The workload: open cases by state and by officer


@dataclass(frozen=True)
class StateCount:
    """Open cases in one state; `tab` is the queue's tab that lists them."""

    status: str
    cases: int

    @property
    def label(self) -> str:
        return str(Status(self.status).label)

    @property
    def tab(self) -> str:
        return str(self.status)


@dataclass(frozen=True)
class OfficerLoad:
    """A regulator's open cases (`officer_id` None: nobody's), awaiting them or sent back.

    `on_staff` is False for someone who has left the regulator holding cases: the queue's
    filter offers only the staff, so their cases can't be listed by it.
    """

    officer_id: int | None
    name: str
    awaiting: int
    changes_requested: int
    on_staff: bool = True

    @property
    def total(self) -> int:
        return self.awaiting + self.changes_requested

    @property
    def assignee_filter(self) -> str:
        """The queue's `assignee` filter that lists these cases ("" if it has none)."""
        if self.officer_id is None:
            return "unassigned"
        return str(self.officer_id) if self.on_staff else ""


@dataclass(frozen=True)
class Workload:
    by_state: list[StateCount]
    by_officer: list[OfficerLoad]

    @property
    def total(self) -> int:
        return sum(row.cases for row in self.by_state)


def open_case_groups() -> list[dict]:
    """Open cases counted by state and assignee, with the assignee's name: a row a group."""
    return list(
        Case.objects.filter(status__in=OPEN_CASE_STATUSES)
        .values("status", "assignee_id", "assignee__full_name", "assignee__email")
        .annotate(cases=Count("id"))
        .order_by()
    )


def workload() -> Workload:
    """Open cases by state, and by regulator: every one, the busiest first, then nobody's.

    Two queries: the cases counted by state and assignee, and the regulator staff.
    """
    by_state: dict[str, int] = defaultdict(int)
    by_officer: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    for group in open_case_groups():
        by_state[group["status"]] += group["cases"]
        by_officer[group["assignee_id"]][group["status"]] += group["cases"]
        if group["assignee_id"] is not None:
            names[group["assignee_id"]] = group["assignee__full_name"] or group["assignee__email"]
    staff = {person.pk: person.full_name or person.email for person in regulator_staff()}
    loads = [
        officer_load(pk, name, by_officer.get(pk, {}), on_staff=pk in staff)
        for pk, name in (names | staff).items()
    ]
    loads.sort(key=lambda row: (-row.total, row.name.lower(), row.officer_id))
    nobody = officer_load(None, "Nobody (unassigned)", by_officer.get(None, {}))
    return Workload(
        by_state=[StateCount(status, by_state[status]) for status in OPEN_CASE_STATUSES],
        by_officer=[*loads, nobody],
    )


def officer_load(
    pk: int | None, name: str, counts: Mapping[str, int], *, on_staff: bool = True
) -> OfficerLoad:
    return OfficerLoad(
        officer_id=pk,
        name=name,
        awaiting=sum(counts.get(status, 0) for status in AWAITING_REGULATOR),
        changes_requested=counts.get(Status.CHANGES_REQUESTED, 0),
        on_staff=on_staff,
    )


# --- The statutory clock: due this week, overdue, days to decision


@dataclass(frozen=True)
class Deadlines:
    """Cases with the regulator whose clock runs out within the week, or has run out."""

    due_this_week: int
    overdue: int


def deadlines(today: date) -> Deadlines:
    """Due within DUE_SOON_DAYS and overdue, as the queue's "due" filter counts them (one query).

    Only a running clock has a due date: cases sent back for changes have none.
    """
    counted = Case.objects.filter(status__in=AWAITING_REGULATOR).aggregate(
        soon=Count(
            "id", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        ),
        overdue=Count("id", filter=Q(due_on__lt=today)),
    )
    return Deadlines(due_this_week=counted["soon"], overdue=counted["overdue"])


@dataclass(frozen=True)
class DayBucket:
    """Decisions taken within a span of review days (`last` None: more than `first` - 1)."""

    first: int
    last: int | None
    decisions: int

    @property
    def label(self) -> str:
        if self.last is None:
            return f"More than {self.first - 1} days"
        return f"{self.first} to {self.last} days"

    @property
    def short_label(self) -> str:
        """The label under its column, where a week's column has room for a few characters."""
        if self.last is None:
            return f"Over {self.first - 1}"
        return f"{self.first} to {self.last}"


@dataclass(frozen=True)
class DecisionTimes:
    """How long decisions took, counted as the statutory clock counts: the days it ran, not
    those the provider had the filing back for changes."""

    decisions: int
    median_days: Decimal | None  # None without a decision to take the middle of
    within_limit: int
    limit: int
    buckets: list[DayBucket]
    since: date

    @property
    def over_limit(self) -> int:
        return self.decisions - self.within_limit

    @property
    def median_within_limit(self) -> bool:
        return self.median_days is not None and self.median_days <= self.limit


def months_start(today: date) -> date:
    """The first day of the earliest month counted."""
    return months_before(today.replace(day=1), MONTHS_COUNTED - 1)


def decision_histogram(since: date) -> dict[int, int]:
    """Decisions (accept or reject) taken since `since`, counted by the days their clock ran."""
    return dict(
        Case.objects.filter(closed_at__gte=local_midnight(since))
        .values_list("clock_days_used")
        .annotate(decisions=Count("id"))
        .order_by()
    )


def median(histogram: Mapping[int, int]) -> Decimal | None:
    """The middle value of the counted values (the mean of the middle two, for an even count)."""
    count = sum(histogram.values())
    if count == 0:
        return None
    lower, upper = (count - 1) // 2, count // 2
    found: dict[int, int] = {}
    seen = 0
    for value in sorted(histogram):
        first, seen = seen, seen + histogram[value]
        for position in (lower, upper):
            if first <= position < seen:
                found[position] = value
    return Decimal(found[lower] + found[upper]) / 2


def day_buckets(histogram: Mapping[int, int], limit: int) -> list[DayBucket]:
    """Decisions by the week of the clock they were taken in, up to the limit, then beyond it."""
    lasts = [*range(WEEK, limit, WEEK), limit]
    buckets = []
    first = 0
    for last in lasts:
        taken = sum(count for days, count in histogram.items() if first <= days <= last)
        buckets.append(DayBucket(first, last, taken))
        first = last + 1
    beyond = sum(count for days, count in histogram.items() if days > limit)
    return [*buckets, DayBucket(limit + 1, None, beyond)]


def decision_times(today: date) -> DecisionTimes:
    """Decisions of the last MONTHS_COUNTED months against the statutory limit (one query)."""
    since = months_start(today)
    histogram = decision_histogram(since)
    limit = settings.REVIEW_DAYS
    return DecisionTimes(
        decisions=sum(histogram.values()),
        median_days=median(histogram),
        within_limit=sum(count for days, count in histogram.items() if days <= limit),
        limit=limit,
        buckets=day_buckets(histogram, limit),
        since=since,
    )


# --- Risk: flags on open cases by kind, flags raised month by month


@dataclass(frozen=True)
class FlagKind:
    """One rule's flags on open cases: on those awaiting the regulator, and those sent back."""

    code: str
    awaiting: int
    changes_requested: int

    @property
    def rule(self) -> risks.Rule | None:
        return risks.RULES.get(self.code)

    @property
    def title(self) -> str:
        return self.rule.title if self.rule else self.code

    @property
    def severity(self) -> str:
        return self.rule.severity if self.rule else "low"

    @property
    def total(self) -> int:
        return self.awaiting + self.changes_requested


def flags_by_kind() -> list[FlagKind]:
    """Each rule's flags on open cases, most severe first, then the most raised (one query).

    A rule raises at most one flag on a case, so its flags count the cases it flags.
    """
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    groups = (
        CaseFlag.objects.filter(case__status__in=OPEN_CASE_STATUSES)
        .values("code", "case__status")
        .annotate(flags=Count("id"))
        .order_by()
    )
    for group in groups:
        counted[group["code"]][group["case__status"]] += group["flags"]
    kinds = [
        FlagKind(
            code=code,
            awaiting=sum(by_status.get(status, 0) for status in AWAITING_REGULATOR),
            changes_requested=by_status.get(Status.CHANGES_REQUESTED, 0),
        )
        for code, by_status in counted.items()
    ]
    return sorted(kinds, key=lambda kind: (severity_rank(kind.severity), -kind.total, kind.code))


def severity_rank(severity: str) -> int:
    ranks: tuple[str, ...] = risks.SEVERITIES
    return ranks.index(severity) if severity in ranks else len(ranks)


@dataclass(frozen=True)
class MonthFlags:
    """Flags raised by the submissions of one month, by severity."""

    month: date
    high: int = 0
    medium: int = 0
    low: int = 0

    @property
    def total(self) -> int:
        return self.high + self.medium + self.low

    def of(self, severity: str) -> int:
        return int(getattr(self, severity, 0))


def flags_by_month(today: date) -> list[MonthFlags]:
    """Flags raised each month of the last MONTHS_COUNTED, by severity (one query).

    A case keeps the flags of its latest submission, dated by it: a filing resubmitted after
    changes counts in the month it came back, with the flags it came back with.
    """
    since = months_start(today)
    groups = (
        CaseFlag.objects.filter(case__last_submitted_at__gte=local_midnight(since))
        .annotate(month=TruncMonth("case__last_submitted_at", output_field=DateField()))
        .values("month", "severity")
        .annotate(flags=Count("id"))
        .order_by()
    )
    counted: dict[date, dict[str, int]] = defaultdict(dict)
    for group in groups:
        counted[group["month"]][group["severity"]] = group["flags"]
    return [
        MonthFlags(
            month,
            high=counted[month].get("high", 0),
            medium=counted[month].get("medium", 0),
            low=counted[month].get("low", 0),
        )
        for month in months_until(today, MONTHS_COUNTED)
    ]


# --- Risk: who controls the providers, by country


@dataclass(frozen=True)
class CountryControl:
    """Providers under foreign control or foreign state influence from one country."""

    country: str
    foreign_controlled: int
    foreign_state_influence: int

    @property
    def total(self) -> int:
        return self.foreign_controlled + self.foreign_state_influence

    @property
    def country_name(self) -> str:
        return country_name(self.country)


def control_by_country() -> list[CountryControl]:
    """Providers by the countries behind their foreign verdict, the most first (one query).

    Verdicts and countries are those fixed on each provider's accepted ownership statement. The
    database groups statements by verdict and list of countries; a provider whose foreign
    investors come from several countries counts under each.
    """
    groups = (
        OwnershipStatement.objects.filter(
            status=Status.ACCEPTED, control_verdict__in=FOREIGN_VERDICTS
        )
        .values("control_verdict", "control_countries")
        .annotate(providers=Count("id"))
        .order_by()
    )
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group in groups:
        for country in set(group["control_countries"] or []):
            counted[country][group["control_verdict"]] += group["providers"]
    rows = [
        CountryControl(
            country=country,
            foreign_controlled=verdicts[ControlVerdict.FOREIGN_CONTROLLED],
            foreign_state_influence=verdicts[ControlVerdict.FOREIGN_STATE_INFLUENCE],
        )
        for country, verdicts in counted.items()
    ]
    return sorted(rows, key=lambda row: (-row.total, -row.foreign_state_influence, row.country))


# --- Re-declarations due


@dataclass(frozen=True)
class OverdueRedeclarations:
    """Models overdue for re-declaration, as the console's Re-declaration page lists them, and
    how many of them have a newer declaration on its way."""

    models: int
    in_progress: int


def overdue_redeclarations(today: date) -> OverdueRedeclarations:
    """One query, grouped by whether a newer declaration is on its way (an aggregate filtered
    on that annotation counts none on SQLite, so the database groups instead)."""
    counted: dict[bool, int] = dict(
        redeclarations_overdue(today)
        .order_by()
        .values_list("in_progress")  # type: ignore[misc]  # annotated by the selector
        .annotate(models=Count("id"))
    )
    return OverdueRedeclarations(models=sum(counted.values()), in_progress=counted.get(True, 0))


def accepted_before_due(day: date) -> Q:
    """Accepted declarations whose re-declaration falls due after `day`."""
    return Q(
        decided_at__gte=local_midnight(
            last_acceptance_due_by(day, settings.REDECLARATION_MONTHS) + timedelta(days=1)
        )
    )


def redeclarations_due_soon(today: date) -> int:
    """Models due for re-declaration from today to REDECLARATION_SOON_DAYS from now, leaving
    out those whose newer declaration is with the regulator already (one query)."""
    horizon = today + timedelta(days=REDECLARATION_SOON_DAYS)
    due = redeclarations_due_by(horizon).filter(accepted_before_due(today - timedelta(days=1)))
    return due.count()


@dataclass(frozen=True)
class MonthDue:
    month: date
    models: int


def redeclarations_by_month(today: date) -> list[MonthDue]:
    """Models falling due for re-declaration in each of the next MONTHS_COUNTED months, this
    one included, and not overdue yet (one query).

    A re-declaration falls due REDECLARATION_MONTHS after acceptance, in the same month of the
    year (a due date that month lacks is its last day), so the month of acceptance gives it.
    """
    months = months_until(months_before(today, -(MONTHS_COUNTED - 1)), MONTHS_COUNTED)
    last_day = months_before(months[-1], -1) - timedelta(days=1)
    shift = settings.REDECLARATION_MONTHS
    groups = (
        redeclarations_due_by(last_day)
        .filter(accepted_before_due(today - timedelta(days=1)))
        .annotate(month=TruncMonth("decided_at", output_field=DateField()))
        .values("month")
        .annotate(models=Count("id"))
        .order_by()
    )
    due = {months_before(group["month"], -shift): group["models"] for group in groups}
    return [MonthDue(month, due.get(month, 0)) for month in months]


# --- The whole page


@dataclass(frozen=True)
class Overview:
    today: date
    workload: Workload
    deadlines: Deadlines
    decision_times: DecisionTimes
    flags_by_kind: list[FlagKind]
    flags_by_month: list[MonthFlags]
    control_by_country: list[CountryControl]
    overdue_redeclarations: OverdueRedeclarations
    redeclarations_due_soon: int
    redeclarations_by_month: list[MonthDue]


def overview(today: date) -> Overview:
    """Every figure of the Overview: ten queries, whatever the register's size."""
    return Overview(
        today=today,
        workload=workload(),
        deadlines=deadlines(today),
        decision_times=decision_times(today),
        flags_by_kind=flags_by_kind(),
        flags_by_month=flags_by_month(today),
        control_by_country=control_by_country(),
        overdue_redeclarations=overdue_redeclarations(today),
        redeclarations_due_soon=redeclarations_due_soon(today),
        redeclarations_by_month=redeclarations_by_month(today),
    )
