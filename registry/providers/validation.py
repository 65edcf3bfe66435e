"""Rules for a provider's details. Pure: takes values, returns problems with stable codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from registry.lib.codes import is_country_code
from registry.lib.problems import Problem

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
