"""How the label's codes read to people: choice labels, bands and the composition bar."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from registry.declarations import choices
from registry.filings.states import Status
from registry.labels import svg
from registry.labels.selectors import facts
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
    "relation": choices.Relation,
}
# How an opt-out was honoured across a label's crawls (`facts.honoured`).
OPT_OUT_LABELS = {"yes": "Yes, by every crawl", "partly": "Partly", "no": "No"}
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


@register.filter
def opt_out_label(value: str | None) -> str:
    return OPT_OUT_LABELS.get(value or "", "Not stated")


@register.simple_tag
def fact_rows() -> list[facts.FactRow]:
    """The facts panel's rows, in their fixed order: `{% fact_rows as rows %}`."""
    return facts.FACT_ROWS


@register.simple_tag
def sources_shown(label: dict[str, Any], limit: int | None = None) -> dict[str, Any]:
    """The label's named sources, largest share first, and how many more there are beyond
    `limit` (the PDF's bound: the JSON and open data carry every one)."""
    ranked = sorted(label["sources"], key=lambda source: -(source["share_percent"] or 0))
    return bounded(ranked, limit)


@register.simple_tag
def bounded(items: list[Any], limit: int | None = None) -> dict[str, Any]:
    """The first `limit` items (all of them without a limit), and how many more there are."""
    shown = items[:limit] if limit else items  # an unset limit reads as ""
    return {"rows": shown, "more": len(items) - len(shown)}


@register.filter
def isolate(text: Any) -> str:
    """Provider text in a place that can't hold a <bdi> (a <title>), between the Unicode
    isolates that do the same: a right-to-left override inside can't reorder what follows."""
    return f"\u2068{text}\u2069"


@register.filter
def percent(value) -> str:
    """A share of the mix as people write it: 55%, 33.3%, 0%."""
    if value is None:
        return "not stated"
    return f"{floatformat(value, -1)}%"


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
def composition_bar(label: dict[str, Any], place: str = "label") -> dict[str, Any]:
    """The training mix as a bar (SVG, role img) whose text equivalent is the figures beside it;
    its title's id names the model and the bar's place, so several bars can share a page."""
    return {
        "segments": svg.composition_segments(label["composition"]),
        "width": svg.BAR_WIDTH,
        "height": svg.BAR_HEIGHT,
        "model_name": isolate(label["model"]["name"]),
        "title_id": f"{place}-bar-{label['model']['registration_number']}-v{label['version']}",
    }


# A download's size as GOV.UK writes an attachment's: three significant figures, 1 KB = 1,024 bytes.
FILE_SIZE_UNITS = ["KB", "MB", "GB"]


@register.filter
def file_size(size: int | None) -> str:
    """A file's size for a download link: "900 bytes", "24.9 KB", "182 KB", "1.5 MB"."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    amount, unit = size / 1024, FILE_SIZE_UNITS[0]
    for larger in FILE_SIZE_UNITS[1:]:
        if amount < 1024:
            break
        amount, unit = amount / 1024, larger
    places = 0 if amount >= 100 else 1 if amount >= 10 else 2
    shown = f"{amount:.{places}f}"
    if "." in shown:
        shown = shown.rstrip("0").removesuffix(".")
    return f"{shown} {unit}"
