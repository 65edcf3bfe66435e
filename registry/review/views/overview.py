"""The Overview: the workload, the risks and the re-declarations due, as charts with tables.

The figures come from `review.overview`; each chart is drawn here from the very figures its
table gives, so the two can't disagree.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from registry.accounts.access import regulator_required
from registry.review import charts, risks
from registry.review.access import RegulatorRequest
from registry.review.charts import Series, StackRow
from registry.review.models import Severity
from registry.review.overview import REDECLARATION_SOON_DAYS, Overview, overview
from registry.review.views.common import page

OPEN_CASES = [Series("Open cases", charts.BLUE)]
BY_QUEUE_TAB = [
    Series("Awaiting the regulator", charts.BLUE),
    Series("Changes requested", charts.GREY),
]
SEVERITY_ORDER = risks.SEVERITIES  # most severe first, as the rules and the tables order them
SEVERITIES = [
    Series(str(Severity(value).label), charts.SEVERITY_COLOURS[value]) for value in SEVERITY_ORDER
]
VERDICTS = [
    Series("Foreign-controlled", charts.BROWN),
    Series("Foreign state influence", charts.RED),
]
MODELS_DUE = [Series("Models due", charts.BLUE)]


def month_name(month) -> str:
    return date_format(month, "M Y")


def decision_series(limit: int) -> list[Series]:
    return [
        Series(f"Within {limit} days", charts.GREEN),
        Series(f"More than {limit} days", charts.RED),
    ]


def charts_of(figures: Overview) -> dict[str, charts.Chart]:
    """Each of the page's charts, drawn from the figures its table gives."""
    times = figures.decision_times
    return {
        "states": charts.stacked_bars(
            [StackRow(row.label, (row.cases,)) for row in figures.workload.by_state], OPEN_CASES
        ),
        "officers": charts.stacked_bars(
            [
                StackRow(row.name, (row.awaiting, row.changes_requested))
                for row in figures.workload.by_officer
            ],
            BY_QUEUE_TAB,
        ),
        "decisions": charts.stacked_columns(
            [
                StackRow(
                    bucket.short_label,
                    (0, bucket.decisions) if bucket.last is None else (bucket.decisions, 0),
                )
                for bucket in times.buckets
            ],
            decision_series(times.limit),
        ),
        "flag_kinds": charts.stacked_bars(
            [
                StackRow(
                    kind.title,
                    tuple(kind.total if kind.severity == s else 0 for s in SEVERITY_ORDER),
                )
                for kind in figures.flags_by_kind
            ],
            SEVERITIES,
        ),
        "flag_months": charts.stacked_columns(
            [
                StackRow(month_name(row.month), tuple(row.of(s) for s in SEVERITY_ORDER))
                for row in figures.flags_by_month
            ],
            SEVERITIES,
        ),
        "countries": charts.stacked_bars(
            [
                StackRow(row.country_name, (row.foreign_controlled, row.foreign_state_influence))
                for row in figures.control_by_country
            ],
            VERDICTS,
        ),
        "redeclarations": charts.stacked_columns(
            [
                StackRow(month_name(row.month), (row.models,))
                for row in figures.redeclarations_by_month
            ],
            MODELS_DUE,
        ),
    }


@regulator_required
@require_GET
def overview_page(request: RegulatorRequest) -> HttpResponse:
    """The workload, the risks and the re-declarations due, at a glance."""
    figures = overview(timezone.localdate())
    context = {
        "figures": figures,
        "charts": charts_of(figures),
        "counted_at": timezone.localtime(),
        "flags_raised": any(row.total for row in figures.flags_by_month),
        "redeclarations_due": any(row.models for row in figures.redeclarations_by_month),
        "redeclaration_months": settings.REDECLARATION_MONTHS,
        "soon_days": REDECLARATION_SOON_DAYS,
        "section": "overview",
    }
    return page(request, "overview", context)
