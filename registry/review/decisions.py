"""What a decision on a case will do, said before it is taken: the confirmation pages.

Each confirmation page names the decision's consequences in words ("Publishes the label of
MOD-000123 with 2 high alerts"), lists what it sends or publishes, and, when the decision cannot
be taken now, says why in the words the decision itself would refuse with
(`services.decision_blockers`), so that the page and the decision never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from registry.accounts.models import User
from registry.filings.models import FilingKind
from registry.filings.selectors import snapshot_data
from registry.lib.problems import Problem
from registry.review import risks, services
from registry.review.models import Case
from registry.review.selectors import (
    FindingRow,
    FlagRow,
    case_filing,
    case_findings,
    flag_row,
    last_snapshot,
    previous_accepted,
)

# The decisions that have a confirmation page (starting a review is a button on the case), each
# with its page's question and its button, as the lifecycle names the action.
CONFIRMED = {
    "accept": ("Accept", "Accept and publish"),
    "reject": ("Reject", "Reject"),
    "request_changes": ("Request changes to", "Send back for changes"),
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Confirmation:
    case: Case
    action: str
    question: str
    button: str
    # The filing's version as shown, posted back so a decision on a changed case is refused.
    lock_version: int
    consequences: list[str]
    blockers: list[Problem]
    # Accepting: the alerts the label will carry. Requesting changes: the findings to be sent.
    alerts: list[FlagRow]
    findings: list[FindingRow]


def count_phrase(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def alerts_phrase(alerts: list[FlagRow]) -> str:
    """ "with 2 high alerts and 1 medium alert", most severe first; "with no alerts"."""
    counts = Counter(alert.severity for alert in alerts)
    parts = [
        count_phrase(counts[severity], f"{severity} alert")
        for severity in sorted(counts, key=SEVERITY_ORDER.__getitem__)
    ]
    if not parts:
        return "with no alerts"
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"with {listed}"


def public_alerts(case: Case) -> list[FlagRow]:
    """The case's flags that will show on the label, most severe first."""
    rows = [flag_row(flag) for flag in case.flags.all() if flag.public]
    return sorted(rows, key=lambda row: SEVERITY_ORDER.get(row.severity, 3))


def accepted_on(filing: Any) -> str:
    when = filing.decided_at or filing.updated_at
    return date_format(timezone.localtime(when), "j F Y")


def accept_declaration(case: Case, filing: Any, alerts: list[FlagRow]) -> list[str]:
    number = filing.model.registration_number
    said = []
    if number:
        said.append(f"Publishes the label of {number} ({case.subject}) {alerts_phrase(alerts)}")
    else:
        said.append(f"Registers {case.subject} and gives it the next MOD- number")
        said.append(f"Publishes its label {alerts_phrase(alerts)}")
    previous = previous_accepted(case.filing_kind, filing)
    if previous is not None:
        said.append(
            f"Supersedes version {previous.version}, accepted on {accepted_on(previous)}: it "
            "stays readable on the register"
        )
    return said


def accept_ownership(case: Case, filing: Any) -> list[str]:
    snapshot = last_snapshot(case.filing_kind, case.filing_id)
    verdict = risks.control(snapshot_data(snapshot) if snapshot else None).verdict
    provider = filing.provider
    said = [
        f"Puts this ownership statement in force for {provider.display_name}",
        f"Every label of its models will say who controls it: {verdict.label}",
    ]
    previous = previous_accepted(case.filing_kind, filing)
    if previous is not None:
        said.append(
            f"Supersedes the statement accepted on {accepted_on(previous)}: it stays on the "
            "provider's record"
        )
    return said


def consequences(case: Case, action: str, filing: Any, alerts: list[FlagRow]) -> list[str]:
    if action == "accept" and case.filing_kind == FilingKind.DECLARATION:
        said = accept_declaration(case, filing, alerts)
    elif action == "accept":
        said = accept_ownership(case, filing)
    elif action == "reject":
        said = [
            "Closes the case: the filing is rejected and can no longer be changed or resubmitted",
            "Publishes nothing: what the register shows now stays as it is",
        ]
    else:
        days = case.days_left()
        said = [
            "Sends the findings below to the provider, with your message",
            f"Stops the statutory clock with {count_phrase(days, 'day')} of the "
            f"{settings.REVIEW_DAYS} left, until the provider resubmits",
        ]
    if action != "request_changes":
        said.append("Tells the provider, with your reason")
    return said


def confirmation(case: Case, action: str, user: User) -> Confirmation:
    """Everything the confirmation page of one decision on a case shows."""
    question, button = CONFIRMED[action]
    filing = case_filing(case)
    alerts = public_alerts(case) if action == "accept" else []
    findings: list[FindingRow] = []
    if action == "request_changes":
        snapshot = last_snapshot(case.filing_kind, case.filing_id)
        data = snapshot_data(snapshot) if snapshot else {}
        findings = [row for row in case_findings(case, data) if row.finding.sent_at is None]
    return Confirmation(
        case=case,
        action=action,
        question=f"{question} the {case.get_filing_kind_display().lower()} of {case.subject}?",
        button=button,
        lock_version=filing.lock_version,
        consequences=consequences(case, action, filing, alerts),
        blockers=services.decision_blockers(actor=user, case=case, action=action),
        alerts=alerts,
        findings=findings,
    )
