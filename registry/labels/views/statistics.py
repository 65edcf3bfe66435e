"""The register in numbers: what the labels say, added up, as charts each with its table.

Anyone may read it; it shows only sums of what labels already publish
(`selectors.statistics`).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from registry.declarations.choices import SourceCategory
from registry.labels import charts, svg
from registry.labels.selectors.statistics import (
    MONTHS_SHOWN,
    RegisterNumbers,
    register_numbers,
)
from registry.labels.templatetags.label_display import percent
from registry.lib.codes import country_name
from registry.providers.models import ControlVerdict
from registry.review.models import Severity

# Visitors who aren't signed in may see figures up to this many seconds old: the counts read
# every model, source and alert on the register, and nobody needs them to the second. People
# signed in, among them the regulator who has just accepted a label, get them counted afresh.
VISITOR_NUMBERS_SECONDS = 5 * 60

# Colours with at least 3:1 contrast on white (WCAG 1.4.11); every bar is named in text too.
VERDICT_COLOURS = {
    ControlVerdict.UK_CONTROLLED: "#00703c",
    ControlVerdict.FOREIGN_CONTROLLED: "#a35200",
    ControlVerdict.FOREIGN_STATE_INFLUENCE: "#d4351c",
    ControlVerdict.NOT_DECLARED: "#505a5f",
}
SEVERITY_COLOURS = {"high": "#d4351c", "medium": "#a35200", "low": "#505a5f"}
NOT_STATED_COLOUR = "#505a5f"


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    numbers = numbers_for(request)
    context = {
        "numbers": numbers,
        "charts": charts_of(numbers),
        "months_shown": MONTHS_SHOWN,
        "visitor_minutes": VISITOR_NUMBERS_SECONDS // 60,
    }
    return render(request, "labels/statistics.html", context)


def numbers_for(request: HttpRequest) -> RegisterNumbers:
    """The register counted afresh for people signed in; for visitors, as counted in the last
    few minutes (alerts fall due by the day, so a new day counts afresh)."""
    today = timezone.localdate()
    if request.user.is_authenticated:
        return register_numbers(today)
    key = f"register-numbers:{today.isoformat()}"
    numbers = cache.get(key)
    if numbers is None:
        numbers = register_numbers(today)
        cache.set(key, numbers, VISITOR_NUMBERS_SECONDS)
    return numbers


def charts_of(numbers: RegisterNumbers) -> dict[str, Any]:
    """Each of the page's charts, drawn from the figures its table gives."""
    return {
        "sources": sources_chart(numbers),
        "verdicts": charts.bar_chart(
            [
                charts.BarRow(
                    label=str(ControlVerdict(row.verdict).label),
                    value=row.share,
                    value_text=f"{row.models} ({percent(row.share)})",
                    fill=VERDICT_COLOURS[ControlVerdict(row.verdict)],
                )
                for row in numbers.control.verdicts
            ],
            maximum=100,
        ),
        "countries": charts.bar_chart(
            [
                charts.BarRow(
                    label=country_name(row.country),
                    value=row.share,
                    value_text=f"{row.models} ({percent(row.share)})",
                )
                for row in numbers.control.countries
            ],
            maximum=100,
        ),
        "alerts": charts.bar_chart(
            [
                charts.BarRow(
                    label=f"{Severity(row.severity).label}: {row.title}",
                    value=row.share,
                    value_text=f"{row.models} ({percent(row.share)})",
                    fill=SEVERITY_COLOURS[row.severity],
                )
                for row in numbers.alerts
            ],
            maximum=100,
        ),
        "months": charts.column_chart(
            [
                charts.ColumnRow(
                    label=date_format(row.month, "M Y"),
                    value=row.accepted,
                    value_text=str(row.accepted),
                )
                for row in numbers.acceptances
            ]
        ),
    }


def sources_chart(numbers: RegisterNumbers) -> charts.BarChart:
    mix = numbers.source_mix
    rows = [
        charts.BarRow(
            label=str(SourceCategory(row.category).label),
            value=row.average_share,
            value_text=percent(row.average_share),
            fill=svg.category_colour(row.category),
        )
        for row in mix.categories
    ]
    if mix.not_stated:
        rows.append(
            charts.BarRow(
                label="Not stated",
                value=mix.not_stated,
                value_text=percent(mix.not_stated),
                fill=NOT_STATED_COLOUR,
            )
        )
    return charts.bar_chart(rows, maximum=100)
