"""Rules both filing kinds share, and readers for values that may arrive as text or as numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from registry.lib.problems import Problem

MESSAGES = {
    "signatory_name_required": "Enter the name of the person signing the statement of truth",
    "signatory_role_required": "Enter the signatory's role",
    "statement_not_confirmed": "Confirm the statement of truth",
    "stale_edit": (
        "Someone else changed this since you opened it. Your changes have not been saved: "
        "check the latest version below and make them again"
    ),
    "not_editable": "This filing can no longer be changed: it has been submitted",
    "transition_not_allowed": "This filing is {status}, so it cannot be {action} now",
    "reason_required": "Give a reason",
    "not_permitted": "You do not have permission to do this",
    "open_filing_exists": "There is already a filing in progress: finish or discard it first",
    "nothing_to_amend": "There is no accepted version to amend yet",
    "not_discardable": "A filing that has been submitted cannot be deleted",
}


def blank(value: Any) -> bool:
    """Nothing given: None, an empty list or mapping, or text that is only spaces."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | dict) and not value)


def as_decimal(value: Any) -> Decimal | None:
    """A finite number from a number or its text, or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def as_date(value: Any) -> date | None:
    """A date from a date or ISO text, or None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def filing_problem(code: str, field: str = "", **values: Any) -> Problem:
    return Problem(code=code, field=field, message=MESSAGES[code].format(**values))


# The statement of truth's own answers: what a draft may lack until it is signed.
STATEMENT_ANSWERS = frozenset(
    {"signatory_name_required", "signatory_role_required", "statement_not_confirmed"}
)


def before_signing(problems: Iterable[Problem]) -> list[Problem]:
    """What still stops submission once the statement of truth is signed, as it is on submit."""
    return [problem for problem in problems if problem.code not in STATEMENT_ANSWERS]


def validate_statement_of_truth(values: Mapping) -> list[Problem]:
    return [
        filing_problem(code, field)
        for field, code in (
            ("signatory_name", "signatory_name_required"),
            ("signatory_role", "signatory_role_required"),
            ("signed_at", "statement_not_confirmed"),
        )
        if blank(values.get(field))
    ]
