"""How the label's codes read to people: choice labels, bands and the composition bar."""

from __future__ import annotations

from typing import Any

from django import template

from registry.declarations import choices
from registry.filings.states import Status
from registry.labels import svg
from registry.providers.models import InvestorKind, OwnershipBand, StateAffiliation
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
