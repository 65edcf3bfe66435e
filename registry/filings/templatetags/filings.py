from __future__ import annotations

from django import template

from registry.filings.states import Status

register = template.Library()

# GOV.UK tag colours: grey while with the provider, blue with the regulator, green when published.
STATUS_COLOURS: dict[str, str] = {
    Status.DRAFT: "grey",
    Status.SUBMITTED: "blue",
    Status.UNDER_REVIEW: "light-blue",
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
