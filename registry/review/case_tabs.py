"""A case page, one tab at a time: what each tab shows, and the frame every tab shares.

The frame is the case's heading, its tabs and the panel of actions that stays beside every tab
(status, clock, who has it, and the decisions this regulator may take). Each tab then reads only
what it shows, in a fixed number of queries whatever the filing's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse

from registry.accounts.models import User
from registry.filings.models import FilingKind
from registry.filings.selectors import snapshot_data
from registry.lib.problems import Problem
from registry.review import services
from registry.review.models import Case, FindingStatus, NoteKind
from registry.review.selectors import (
    FindingRow,
    TimelineContext,
    case_actions,
    case_diffs,
    case_filing,
    case_findings,
    case_timeline,
    clock_status,
    declaration_view,
    flag_row,
    last_snapshot,
    ownership_view,
    regulator_staff,
    statement_of_truth,
    undecided_claims,
)


@dataclass(frozen=True)
class Tab:
    name: str
    title: str
    url_name: str


TABS = (
    Tab("summary", "Summary and flags", "review:case"),
    Tab("filing", "The filing", "review:case-filing"),
    Tab("changes", "Changes", "review:case-changes"),
    Tab("findings", "Findings", "review:case-findings"),
    Tab("timeline", "Timeline and notes", "review:case-timeline"),
)
TAB_NAMES = frozenset(tab.name for tab in TABS)


@dataclass(frozen=True)
class TabLink:
    tab: Tab
    url: str
    count: int | None
    current: bool


def case_frame(case: Case, user: User, tab: str, today: date) -> dict[str, Any]:
    """What every tab of a case shows around it. Queries: the filing; the regulator staff (for
    the assign list); the count of flags and of findings; claims still to decide."""
    filing = case_filing(case)
    counts = {"summary": case.flags.count(), "findings": case.findings.count()}
    links = [
        TabLink(
            item,
            reverse(item.url_name, args=[case.pk]),
            counts.get(item.name),
            item.name == tab,
        )
        for item in TABS
    ]
    actions = case_actions(case, user)
    return {
        "case": case,
        "filing": filing,
        "tab": tab,
        "tabs": links,
        "clock": clock_status(case, today),
        "staff": list(regulator_staff()),
        "actions": actions,
        "claims_left": (
            undecided_claims(case)
            if case.filing_kind == FilingKind.DECLARATION and actions.decide
            else 0
        ),
        "unsent_findings": case.findings.filter(sent_at=None).count(),
    }


@dataclass(frozen=True)
class Resubmission:
    """What a resubmission answered: each finding sent before it, and the fields it changed."""

    submission: int
    findings: list[FindingRow]
    changed_fields: list[str]

    @property
    def answered(self) -> int:
        return sum(1 for row in self.findings if row.finding.replied_at is not None)

    @property
    def changed(self) -> int:
        return sum(1 for row in self.findings if row.status == FindingStatus.CHANGED)


def changed_fields(diffs: list[Any]) -> list[str]:
    """The fields and rows the latest submission changed, named as the diff names them."""
    if not diffs or not diffs[0].diff.compared:
        return []
    diff = diffs[0].diff
    named = [change.label for change in diff.fields]
    for collection in diff.collections:
        named += [f"{collection.title}: {row.label} ({row.status})" for row in collection.rows]
    return named


def summary_tab(case: Case, filing: Any, user: User) -> dict[str, Any]:
    """The flags, what stands in the way of accepting, and on a resubmission what it answered."""
    context: dict[str, Any] = {
        "flags": [flag_row(flag) for flag in case.flags.all()],
        "accept_blockers": accept_blockers(case, user),
    }
    if case.submissions > 1:
        snapshot = last_snapshot(case.filing_kind, case.filing_id)
        data = snapshot_data(snapshot) if snapshot else {}
        earlier = [
            row
            for row in case_findings(case, data)
            if row.finding.sent_at is not None and row.finding.submission < case.submissions
        ]
        diffs = case_diffs(case, filing, snapshot, data) if snapshot else []
        context["resubmission"] = Resubmission(case.submissions, earlier, changed_fields(diffs))
    return context


def accept_blockers(case: Case, user: User) -> list[Problem]:
    """Why the filing cannot be accepted yet, for a decision maker about to: four eyes,
    confidentiality claims, an ownership statement not yet accepted."""
    if not case_actions(case, user).decide:
        return []
    return services.decision_blockers(actor=user, case=case, action="accept")


def filing_tab(case: Case, sources_page: Any) -> dict[str, Any]:
    """The filing as submitted, every answer with a link to raise a finding on it."""
    snapshot = last_snapshot(case.filing_kind, case.filing_id)
    data = snapshot_data(snapshot) if snapshot else {}
    if case.filing_kind == FilingKind.DECLARATION:
        view = declaration_view(data, sources_page)
    else:
        view = ownership_view(data)
    return {"snapshot": snapshot, "statement": statement_of_truth(data), **view}


def changes_tab(case: Case, filing: Any) -> dict[str, Any]:
    snapshot = last_snapshot(case.filing_kind, case.filing_id)
    if snapshot is None:
        return {"diffs": []}
    data = snapshot_data(snapshot)
    return {"diffs": case_diffs(case, filing, snapshot, data)}


def findings_tab(case: Case) -> dict[str, Any]:
    snapshot = last_snapshot(case.filing_kind, case.filing_id)
    data = snapshot_data(snapshot) if snapshot else {}
    return {"findings": case_findings(case, data)}


def timeline_tab(case: Case, staff: list[User]) -> dict[str, Any]:
    snapshot = last_snapshot(case.filing_kind, case.filing_id)
    data = snapshot_data(snapshot) if snapshot else {}
    notes = list(case.notes.select_related("author").order_by("written_at", "id"))
    context = TimelineContext(
        data=data,
        names_by_email={person.email: person.full_name or person.email for person in staff},
        notes={note.pk: note for note in notes},
    )
    return {
        "timeline": case_timeline(case, context),
        "notes": notes,
        "messages_sent": sum(1 for note in notes if note.kind == NoteKind.MESSAGE),
    }
