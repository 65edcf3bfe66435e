"""Rules for a provider's details. Pure: takes values, returns problems with stable codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from registry.filings.validation import as_date, as_decimal, blank, validate_statement_of_truth
from registry.lib.codes import is_country_code
from registry.lib.problems import Problem
from registry.providers.models import InvestmentLink, InvestorKind, StateAffiliation

# Companies House numbers: 8 digits, or a 2-letter prefix (SC, NI, OC, …) and 6 digits.
COMPANY_NUMBER = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")

MESSAGES = {
    "legal_name_required": "Enter the organisation's legal name",
    "country_invalid": "Select the country where the organisation is incorporated",
    "company_number_invalid": (
        "Enter a Companies House number of 8 digits, or 2 letters and 6 digits, like SC123456"
    ),
    "uk_representative_required": (
        "Enter the name and address of your UK representative: organisations incorporated "
        "outside the UK must have one"
    ),
    "registered_address_required": "Enter the registered address",
    "website_required": "Enter the organisation's website",
    "contact_email_required": "Enter a contact email address",
}


def problem(code: str, field: str) -> Problem:
    return Problem(code=code, field=field, message=MESSAGES[code])


def validate_provider_details(details: Mapping[str, Any]) -> list[Problem]:
    """Return every problem with a provider's details (empty when they can be saved)."""
    problems = [
        problem(f"{field}_required", field)
        for field in ("legal_name", "registered_address", "website", "contact_email")
        if not str(details.get(field) or "").strip()
    ]
    country = details.get("country") or ""
    if not is_country_code(country):
        problems.append(problem("country_invalid", "country"))
    company_number = details.get("company_number") or ""
    if company_number and not COMPANY_NUMBER.match(company_number):
        problems.append(problem("company_number_invalid", "company_number"))
    if country != "GB" and not str(details.get("uk_representative") or "").strip():
        problems.append(problem("uk_representative_required", "uk_representative"))
    return problems


# --- Ownership statements

LINK_MESSAGES = {
    "investor_name_required": "Enter the investor's name",
    "investor_kind_invalid": "Select the kind of investor",
    "investor_country_invalid": "Select the investor's country (ISO 3166 code, like GB or US)",
    "share_percent_required": "Enter the exact percentage of shares held",
    "votes_percent_required": "Enter the exact percentage of votes held",
    "percent_invalid": "Enter a percentage from 0 to 100",
    "state_affiliation_invalid": "Select the investor's state affiliation",
    "link_dates_order": "The date the holding ended must be on or after the date it was acquired",
    "link_date_in_future": "{label} must be today or in the past",
    "link_date_invalid": "Enter a real date, like 2024-03-31",
    "link_too_long": "Enter {max} characters or fewer",
    "link_yes_no_invalid": "Select yes or no",
    "nsi_reference_required": "Enter the National Security and Investment Act notice reference",
    "links_required": (
        "Add every investor who holds shares or votes in the organisation, or controls it"
    ),
    "shares_over_100": "Investors' shares add up to more than 100%",
    "votes_over_100": "Investors' votes add up to more than 100%",
}
MESSAGES.update(LINK_MESSAGES)


def max_length(model: Any, field: str) -> int:
    return model._meta.get_field(field).max_length


LINK_TEXT_LIMITS = {
    field: max_length(InvestmentLink, field)
    for field in ("investor_name", "registration_number", "nsi_reference")
}
LINK_YES_NO_FIELDS = ("board_appointment", "significant_influence", "nsi_notified")


def validate_link(values: Mapping[str, Any], prefix: str = "") -> list[Problem]:
    """Every rule for one investment link."""

    def at(code: str, field: str, **details: Any) -> Problem:
        return Problem(code=code, field=prefix + field, message=MESSAGES[code].format(**details))

    problems = []
    if not str(values.get("investor_name") or "").strip():
        problems.append(at("investor_name_required", "investor_name"))
    for field, limit in LINK_TEXT_LIMITS.items():
        if isinstance(values.get(field), str) and len(values[field]) > limit:
            problems.append(at("link_too_long", field, max=limit))
    for field in LINK_YES_NO_FIELDS:
        if field in values and not isinstance(values[field], bool):
            problems.append(at("link_yes_no_invalid", field))
    if values.get("investor_kind") not in InvestorKind.values:
        problems.append(at("investor_kind_invalid", "investor_kind"))
    country = values.get("country") or ""
    if not (isinstance(country, str) and is_country_code(country)):
        problems.append(at("investor_country_invalid", "country"))
    for field in ("share_percent", "votes_percent"):
        raw = values.get(field)
        number = as_decimal(raw)
        if raw is None or raw == "":
            problems.append(at(f"{field}_required", field))
        elif number is None or not 0 <= number <= 100:
            problems.append(at("percent_invalid", field))
    if values.get("state_affiliation") not in StateAffiliation.values:
        problems.append(at("state_affiliation_invalid", "state_affiliation"))
    acquired, ceased = as_date(values.get("acquired_on")), as_date(values.get("ceased_on"))
    today = timezone.localdate()
    for field, day in (("acquired_on", acquired), ("ceased_on", ceased)):
        if day is None and not blank(values.get(field)):
            problems.append(at("link_date_invalid", field))
        if day and day > today:
            label = "The date acquired" if field == "acquired_on" else "The date the holding ended"
            problems.append(at("link_date_in_future", field, label=label))
    if acquired and ceased and ceased < acquired:
        problems.append(at("link_dates_order", "ceased_on"))
    if values.get("nsi_notified") and not str(values.get("nsi_reference") or "").strip():
        problems.append(at("nsi_reference_required", "nsi_reference"))
    return problems


def validate_link_totals(links: list[Mapping[str, Any]]) -> list[Problem]:
    """Current holdings (not ceased) can't add up to more than the whole company."""
    if not links:
        return [Problem(code="links_required", field="links", message=MESSAGES["links_required"])]
    current = [link for link in links if not link.get("ceased_on")]
    problems = []
    for field, code in (("share_percent", "shares_over_100"), ("votes_percent", "votes_over_100")):
        total = sum((as_decimal(link.get(field)) or 0 for link in current), 0)
        if total > 100:
            problems.append(Problem(code=code, field="links", message=MESSAGES[code]))
    return problems


def validate_ownership(data: Mapping[str, Any]) -> list[Problem]:
    """Every problem that stops an ownership statement being submitted."""
    links = data.get("links") or []
    problems = []
    for i, link in enumerate(links):
        problems += validate_link(link, prefix=f"links.{i}.")
    problems += validate_link_totals(links)
    problems += validate_statement_of_truth(data)
    return problems
