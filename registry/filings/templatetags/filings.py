from __future__ import annotations

from django import template

from registry.filings.selectors import PageFindings
from registry.filings.states import Status

register = template.Library()

# GOV.UK tag colours: grey while with the provider, yellow and teal with the regulator, green
# when published. (GOV.UK Frontend 6 has no blue modifiers.)
STATUS_COLOURS: dict[str, str] = {
    Status.DRAFT: "grey",
    Status.SUBMITTED: "yellow",
    Status.UNDER_REVIEW: "teal",
    Status.CHANGES_REQUESTED: "orange",
    Status.ACCEPTED: "green",
    Status.REJECTED: "red",
    Status.SUPERSEDED: "grey",
    Status.WITHDRAWN: "purple",
}


@register.inclusion_tag("filings/_status_tag.html")
def status_tag(status: str) -> dict:
    """A GOV.UK tag for a filing's status."""
    return {"label": Status(status).label, "colour": STATUS_COLOURS[status]}


@register.inclusion_tag("filings/_field_findings.html")
def field_findings(findings: PageFindings | None, name: str) -> dict:
    """The regulator's findings about one question, to show directly above it."""
    return {"found": findings.for_field(name) if findings else []}
