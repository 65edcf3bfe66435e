"""How the label's codes read to people: choice labels, bands and the composition bar."""

from __future__ import annotations

from typing import Any

from django import template

from registry.declarations import choices
from registry.filings.states import Status
from registry.labels import svg
from registry.lib.codes import country_name as country_name_of
from registry.lib.codes import language_names
from registry.lib.licences import licence_name as licence_name_of
from registry.providers.models import ControlVerdict, InvestorKind, OwnershipBand, StateAffiliation
from registry.review.models import Severity

register = template.Library()

CHOICES: dict[str, Any] = {
    "category": choices.SourceCategory,
    "modality": choices.Modality,
    "model_type": choices.ModelType,
    "distribution": choices.Distribution,
    "ip_status": choices.IpStatus,
    "licence_use": choices.LicenceUse,
    "acquisition": choices.Acquisition,
    "answer": choices.YesNoUnknown,
    "processing": choices.Processing,
    "role": choices.PartyRole,
    "scope": choices.RedTeamScope,
    "outcome": choices.RedTeamOutcome,
    "status": Status,
    "band": OwnershipBand,
    "investor_kind": InvestorKind,
    "state_affiliation": StateAffiliation,
    "severity": Severity,
    "control": ControlVerdict,
}
# The GOV.UK tag colour for each alert severity.
SEVERITY_TAGS = {"high": "govuk-tag--red", "medium": "govuk-tag--orange", "low": "govuk-tag--grey"}


@register.filter
def choice_label(value: Any, kind: str) -> str:
    """The human label of a stored choice (`{{ row.category|choice_label:"category" }}`)."""
    if value in (None, ""):
        return "Not given"
    try:
        return str(CHOICES[kind](value).label)
    except ValueError:
        return str(value)


@register.filter
def choice_labels(values: list[Any] | None, kind: str) -> str:
    return ", ".join(choice_label(value, kind) for value in values or []) or "None"


@register.filter
def size_band_label(row: dict[str, str]) -> str:
    return choices.SIZE_BANDS.get(row["modality"], {}).get(row["band"], row["band"])


@register.filter
def yes_no(value: bool | None) -> str:
    return "Not answered" if value is None else ("Yes" if value else "No")


@register.filter
def thousands(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


@register.filter
def country_name(code: str | None) -> str:
    """'GB' reads 'United Kingdom'; an unknown code is shown as it is."""
    return country_name_of(code) if code else "Not given"


@register.filter
def country_names(codes: list[str] | None) -> str:
    return ", ".join(country_name(code) for code in codes or []) or "None"


@register.filter
def language_name(code: str | None) -> str:
    """'cy' reads 'Welsh'; an unknown code is shown as it is."""
    return language_names().get(code or "", code or "Not given")


@register.filter
def licence_name(expression: str | None) -> str:
    """An SPDX expression by the licences' names; `LicenseRef-…` reads 'custom licence'."""
    return licence_name_of(expression) if expression else "None given"


# Large numbers in words, the largest first: "70 billion parameters".
SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand")]


@register.filter
def in_words(value: int | None) -> str:
    """7000000000 reads '7 billion', 1500000 '1.5 million', 950 '950'."""
    if value is None:
        return ""
    for size, word in SCALES:
        if value >= size:
            amount = f"{value / size:.1f}".removesuffix(".0")
            return f"{amount} {word}"
    return str(value)


@register.filter
def severity_tag(severity: str) -> str:
    return SEVERITY_TAGS.get(severity, "govuk-tag--grey")


@register.filter
def category_colour(category: str) -> str:
    return svg.category_colour(category)


@register.inclusion_tag("labels/_composition_bar.html")
def composition_bar(label: dict[str, Any]) -> dict[str, Any]:
    """The training mix as a bar (SVG, role img) whose text equivalent is the table after it."""
    return {
        "segments": svg.composition_segments(label["composition"]),
        "width": svg.BAR_WIDTH,
        "height": svg.BAR_HEIGHT,
        "model_name": label["model"]["name"],
    }
