"""Rules for a provider's details. Pure: takes values, returns problems with stable codes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from registry.filings.validation import as_date, as_decimal, blank, validate_statement_of_truth
from registry.lib.codes import is_country_code
from registry.lib.problems import Problem
from registry.providers.models import InvestmentLink, InvestorKind, StateAffiliation

# Companies House numbers are 8 characters: 8 digits for a company of England and Wales, or a
# prefix naming the kind of body and where it is registered, then 6 digits. The prefixes are those
# of Companies House's URI guide, with the ones it has issued since (CE, CS, SG, FE, RS, OE).
COMPANY_NUMBER_PREFIXES = {
    "SC": "Scottish company",
    "NI": "Northern Ireland company",
    "R0": "Northern Ireland company registered before partition",
    "OC": "Limited liability partnership, England and Wales",
    "SO": "Limited liability partnership, Scotland",
    "NC": "Limited liability partnership, Northern Ireland",
    "LP": "Limited partnership, England and Wales",
    "SL": "Limited partnership, Scotland",
    "NL": "Limited partnership, Northern Ireland",
    "SG": "Scottish qualifying partnership",
    "FC": "Overseas company",
    "SF": "Overseas company registered in Scotland before October 2009",
    "NF": "Overseas company registered in Northern Ireland before October 2009",
    "OE": "Overseas entity",
    "AC": "Assurance company, England and Wales",
    "SA": "Assurance company, Scotland",
    "NA": "Assurance company, Northern Ireland",
    "ZC": "Unregistered company, England and Wales",
    "SZ": "Unregistered company, Scotland",
    "NZ": "Unregistered company, Northern Ireland",
    "GE": "European Economic Interest Grouping, England and Wales",
    "GS": "European Economic Interest Grouping, Scotland",
    "GN": "European Economic Interest Grouping, Northern Ireland",
    "SE": "European company (Societas Europaea), England and Wales",
    "ES": "European company (Societas Europaea), Scotland",
    "EN": "European company (Societas Europaea), Northern Ireland",
    "IP": "Industrial and provident society, England and Wales",
    "SP": "Industrial and provident society, Scotland",
    "NP": "Industrial and provident society or credit union, Northern Ireland",
    "NO": "Credit union or industrial and provident society, Northern Ireland",
    "RS": "Registered society",
    "IC": "Investment company with variable capital, England and Wales",
    "SI": "Investment company with variable capital, Scotland",
    "NV": "Investment company with variable capital, Northern Ireland",
    "RC": "Royal charter company, England and Wales",
    "SR": "Royal charter company, Scotland",
    "NR": "Royal charter company, Northern Ireland",
    "CE": "Charitable incorporated organisation, England and Wales",
    "CS": "Charitable incorporated organisation, Scotland",
    "FE": "Further education or sixth form college corporation",
}
COMPANY_NUMBER = re.compile(r"^(?:[0-9]{2}|(?P<prefix>[A-Z][A-Z0-9]))[0-9]{6}$")
# What people put between the characters when they copy a number: spaces, dots, dashes.
COMPANY_NUMBER_SEPARATORS = re.compile(r"[\s.\-]+")

MESSAGES = {
    "legal_name_required": "Enter the organisation's legal name",
    "country_invalid": "Select the country where the organisation is incorporated",
    "company_number_required": (
        "Enter the Companies House number: organisations incorporated in the UK have one"
    ),
    "company_number_invalid": (
        "Enter a Companies House number in the correct format: 8 characters, either 8 digits, "
        "like 01234567, or 2 letters and 6 digits, like SC123456"
    ),
    "company_number_prefix_unknown": (
        "Companies House numbers do not start with {prefix}. Check the number: it is 8 digits, "
        "like 01234567, or a Companies House prefix such as SC, NI or OC and 6 digits"
    ),
    "uk_representative_required": (
        "Enter the name and address of your UK representative: organisations incorporated "
        "outside the UK must have one"
    ),
    "registered_address_required": "Enter the registered address",
    "website_required": "Enter the organisation's website",
    "contact_email_required": "Enter a contact email address",
}


def problem(code: str, field: str, **details: Any) -> Problem:
    return Problem(code=code, field=field, message=MESSAGES[code].format(**details))


def normalise_company_number(value: str) -> str:
    """Return a company number as Companies House writes it: upper case, nothing between.

    NFKC first, so the full-width digits and letters some keyboards type become plain ones.
    """
    return COMPANY_NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()


def problems_company_number(number: str, field: str = "company_number") -> list[Problem]:
    """Return what is wrong with the form of a Companies House number ("" is not checked).

    The number is judged as it would be stored: forms and APIs normalise what people type with
    `normalise_company_number` first.
    """
    if not number:
        return []
    match = COMPANY_NUMBER.match(number)
    if match is None:
        return [problem("company_number_invalid", field)]
    prefix = match.group("prefix")
    if prefix and prefix not in COMPANY_NUMBER_PREFIXES:
        return [problem("company_number_prefix_unknown", field, prefix=prefix)]
    return []


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
    company_number = str(details.get("company_number") or "")
    if country == "GB" and not company_number.strip():
        problems.append(problem("company_number_required", "company_number"))
    problems += problems_company_number(company_number)
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
LINK_COUNTRY_LENGTH = max_length(InvestmentLink, "country")


def validate_link(values: Mapping[str, Any], prefix: str = "") -> list[Problem]:
    """Every rule for one investment link, at the two levels of DESIGN §3.4: a value that can't
    be stored (text over its limit, a yes/no that isn't one, a kind or affiliation not in its
    list, a percentage that isn't one from 0 to 100, a date that isn't one) is marked `shape`;
    an answer missing or inconsistent is for the submit gate."""

    def at(code: str, field: str, *, shape: bool = False, **details: Any) -> Problem:
        message = MESSAGES[code].format(**details)
        return Problem(code=code, field=prefix + field, message=message, shape=shape)

    problems = []
    if not str(values.get("investor_name") or "").strip():
        problems.append(at("investor_name_required", "investor_name"))
    for field, limit in LINK_TEXT_LIMITS.items():
        if isinstance(values.get(field), str) and len(values[field]) > limit:
            problems.append(at("link_too_long", field, shape=True, max=limit))
    for field in LINK_YES_NO_FIELDS:
        if field in values and not isinstance(values[field], bool):
            problems.append(at("link_yes_no_invalid", field, shape=True))
    if values.get("investor_kind") not in InvestorKind.values:
        problems.append(at("investor_kind_invalid", "investor_kind", shape=True))
    country = values.get("country") or ""
    if not (isinstance(country, str) and is_country_code(country)):
        unstorable = not isinstance(country, str) or len(country) > LINK_COUNTRY_LENGTH
        problems.append(at("investor_country_invalid", "country", shape=unstorable))
    for field in ("share_percent", "votes_percent"):
        raw = values.get(field)
        number = as_decimal(raw)
        if raw is None or raw == "":
            problems.append(at(f"{field}_required", field))
        elif number is None or not 0 <= number <= 100:
            problems.append(at("percent_invalid", field, shape=True))
    if values.get("state_affiliation") not in StateAffiliation.values:
        problems.append(at("state_affiliation_invalid", "state_affiliation", shape=True))
    acquired, ceased = as_date(values.get("acquired_on")), as_date(values.get("ceased_on"))
    today = timezone.localdate()
    for field, day in (("acquired_on", acquired), ("ceased_on", ceased)):
        if day is None and not blank(values.get(field)):
            problems.append(at("link_date_invalid", field, shape=True))
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
