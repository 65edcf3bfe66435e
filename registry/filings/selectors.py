"""Reads for the lifecycle: a filing's history, its submissions, and what the regulator sent."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db.models import F, QuerySet

from registry.filings.models import Filing, FilingSnapshot, FilingTransition
from registry.filings.states import Status
from registry.review.diff import NESTED, field_label
from registry.review.models import CaseNote, Finding, NoteKind


def filing_history(kind: str, filing_id: int) -> QuerySet[FilingTransition]:
    return FilingTransition.objects.filter(filing_kind=kind, filing_id=filing_id).select_related(
        "actor"
    )


def filing_snapshots(kind: str, filing_id: int) -> QuerySet[FilingSnapshot]:
    return FilingSnapshot.objects.filter(filing_kind=kind, filing_id=filing_id)


def latest_snapshot(kind: str, filing_id: int) -> FilingSnapshot | None:
    """The last submission's snapshot, without its (possibly large) content."""
    return (
        filing_snapshots(kind, filing_id)
        .only("sha256", "submission", "submitted_at")
        .order_by("-submission")
        .first()
    )


def latest_submission(kind: str, filing_id: int) -> FilingSnapshot:
    """The last submission's snapshot, content and all (the filing must have been submitted)."""
    return filing_snapshots(kind, filing_id).latest("submission")


def snapshot_data(snapshot: FilingSnapshot) -> dict[str, Any]:
    """The filing as it was submitted: the plain data its snapshot froze as canonical JSON."""
    return json.loads(snapshot.content)


# --- The regulator's findings and messages, as the provider sees them
#
# A finding reaches the provider only once it is sent (with a request for changes); internal
# notes never do, and nor does the name of whoever at the regulator wrote either.


@dataclass(frozen=True)
class SentFinding:
    """A finding the regulator sent the provider, about one field (or row) of the filing."""

    id: int
    # A dotted path into the submission it was raised on: "sources.3.licence", "sources.3".
    field: str
    # The row the path points into, by id: the same row however the list has changed since.
    row_id: int | None
    message: str
    submission: int
    raised_at: datetime
    sent_at: datetime
    # About the submission whose changes the regulator is waiting for now.
    current: bool
    # Where it stands (review.models.FindingStatus), and the provider's reply to it, if any.
    status: str = "open"
    reply: str = ""
    replied_at: datetime | None = None

    @property
    def parts(self) -> list[str]:
        return self.field.split(".")

    @property
    def collection(self) -> str:
        """The list of rows it points into ("sources", "links"), or "" for a field of the whole."""
        parts = self.parts
        return parts[0] if len(parts) > 1 and parts[1].isdigit() else ""

    @property
    def index(self) -> int | None:
        """The row's position in the submission it was raised on (0 for the first)."""
        return int(self.parts[1]) if self.collection else None

    @property
    def within_row(self) -> str:
        """The path within its row ("licence", "generator_models.0.name"); "" for the row."""
        return ".".join(self.parts[2:]) if self.collection else ""

    @property
    def label(self) -> str:
        """The field's name as a person reads it; "" for a whole row (the row names itself)."""
        if self.collection:
            return field_label(self.parts[2], self.collection) if self.within_row else ""
        if self.parts[0] in NESTED:
            return field_label(".".join(self.parts[:2]), "")
        label = field_label(self.parts[0], "")
        if len(self.parts) > 1 and not self.parts[1].isdigit():
            return f"{label}: {field_label(self.parts[1], self.parts[0]).lower()}"
        return label


@dataclass(frozen=True)
class RegulatorMessage:
    """A message the regulator wrote to the provider about the filing."""

    body: str
    sent_at: datetime


@dataclass(frozen=True)
class Feedback:
    """What the regulator told the provider about one filing: findings, newest round first."""

    findings: list[SentFinding] = dataclasses.field(default_factory=list)
    messages: list[RegulatorMessage] = dataclasses.field(default_factory=list)


def filing_feedback(filing: Filing, *, findings_only_current: bool = False) -> Feedback:
    """The sent findings and the messages of a filing: two queries, none for an unsent draft.

    Never an unsent finding, never an internal note, and never who wrote them. A finding is
    current while changes are requested on the submission it is about. A question page needs
    only those (`findings_only_current`): one query, and none unless changes are requested.
    """
    if filing.submitted_at is None:
        return Feedback()  # never submitted, so no case: nothing the regulator could have said
    asked = filing.status == Status.CHANGES_REQUESTED
    if findings_only_current and not asked:
        return Feedback()
    sent = Finding.objects.filter(
        case__filing_kind=filing.kind, case__filing_id=filing.pk, sent_at__isnull=False
    ).annotate(latest_submission=F("case__submissions"))
    if findings_only_current:
        sent = sent.filter(submission=F("case__submissions"))
    findings = [
        SentFinding(
            id=row.pk,
            field=row.field,
            row_id=row.row_id,
            message=row.message,
            submission=row.submission,
            raised_at=row.raised_at,
            sent_at=cast(datetime, row.sent_at),  # only sent ones were fetched
            current=asked and row.submission == row.latest_submission,
            status=row.status.value,
            reply=row.reply,
            replied_at=row.replied_at,
        )
        for row in sent.only(*FINDING_COLUMNS).order_by("-submission", "raised_at", "id")
    ]
    if findings_only_current:
        return Feedback(findings=findings)
    notes = CaseNote.objects.filter(
        case__filing_kind=filing.kind, case__filing_id=filing.pk, kind=NoteKind.MESSAGE
    ).order_by("written_at", "id")
    messages = [
        RegulatorMessage(body=body, sent_at=written_at)
        for body, written_at in notes.values_list("body", "written_at")
    ]
    return Feedback(findings=findings, messages=messages)


FINDING_COLUMNS = (
    *("id", "field", "row_id", "message", "submission", "raised_at", "sent_at"),
    *("reply", "replied_at", "change", "outcome"),
)


@dataclass(frozen=True)
class PlacedFinding:
    """A sent finding with where the provider answers it: the page, and the question on it."""

    finding: SentFinding
    # What it is about, as the provider reads it: "Data source Common Crawl: Licence".
    title: str
    # The page it is shown on ("general", "source-edit:12"); "" for none but the task list.
    page: str = ""
    # The form field on that page it sits above; "" for the page (or the row) as a whole.
    form_field: str = ""
    # Where it is changed, anchored to the question; "" when there is nowhere (the row is gone).
    url: str = ""
    # The row it is about was removed since the finding was raised.
    removed: bool = False


@dataclass(frozen=True)
class PageFindings:
    """The current findings one page shows: above their fields, and about the page as a whole."""

    by_field: dict[str, list[PlacedFinding]] = dataclasses.field(default_factory=dict)
    whole: list[PlacedFinding] = dataclasses.field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_field or self.whole)

    def __len__(self) -> int:
        return len(self.whole) + sum(len(found) for found in self.by_field.values())

    def for_field(self, name: str) -> list[PlacedFinding]:
        return self.by_field.get(name, [])


# Where a kind of filing shows each finding: its page, and the question on that page.
Placer = Callable[[Any, list["SentFinding"]], list[PlacedFinding]]


def current_findings_on_page(
    filing: Filing, place: Placer, page: str, fields: Iterable[str] = ()
) -> PageFindings:
    """The findings being answered that a question page shows: none unless changes are asked."""
    feedback = filing_feedback(filing, findings_only_current=True)
    if not feedback.findings:
        return PageFindings()
    return findings_on_page(place(filing, feedback.findings), page, fields)


def feedback_context(
    filing: Filing, history: list[FilingTransition], place: Placer
) -> dict[str, Any]:
    """The history with the regulator's messages and findings, and the request being answered."""
    feedback = filing_feedback(filing)
    placed = place(filing, feedback.findings)
    requests = [step for step in history if step.action == "request_changes"]
    asked = filing.status == Status.CHANGES_REQUESTED
    return {
        "timeline": filing_timeline(history, feedback.messages, placed),
        # The regulator's latest request and its findings, while they are being answered.
        "change_request": requests[-1] if requests and asked else None,
        "current_findings": [item for item in placed if item.finding.current],
        "placed_findings": placed,
    }


def findings_on_page(
    placed: Iterable[PlacedFinding], page: str, fields: Iterable[str] = ()
) -> PageFindings:
    """The current findings shown on `page`: those about a field it asks beside that field."""
    shown = set(fields)
    by_field: dict[str, list[PlacedFinding]] = defaultdict(list)
    whole = []
    for item in placed:
        if not item.finding.current or item.page != page:
            continue
        if item.form_field and item.form_field in shown:
            by_field[item.form_field].append(item)
        else:
            whole.append(item)
    return PageFindings(by_field=dict(by_field), whole=whole)


@dataclass(frozen=True)
class TimelineEntry:
    """One thing in a filing's history as its provider sees it: a move, or a message."""

    occurred_at: datetime
    step: FilingTransition | None = None
    message: str = ""
    # The findings sent with a request for changes.
    findings: tuple[PlacedFinding, ...] = ()


def filing_timeline(
    history: Iterable[FilingTransition],
    messages: Iterable[RegulatorMessage],
    placed: Iterable[PlacedFinding],
) -> list[TimelineEntry]:
    """The history, oldest first: each move (with the findings sent with it) and each message."""
    steps = list(history)
    sent: dict[datetime, list[PlacedFinding]] = defaultdict(list)
    for item in placed:
        sent[item.finding.sent_at].append(item)
    entries = [
        TimelineEntry(
            occurred_at=step.occurred_at,
            step=step,
            findings=tuple(sent.pop(step.occurred_at, []) if sent_with(step) else []),
        )
        for step in steps
    ]
    entries += [TimelineEntry(occurred_at=m.sent_at, message=m.body) for m in messages]
    # Findings whose request isn't in the history (none should be): shown when they were sent.
    entries += [
        TimelineEntry(occurred_at=when, findings=tuple(found)) for when, found in sent.items()
    ]
    return sorted(entries, key=lambda entry: entry.occurred_at)


def sent_with(step: FilingTransition) -> bool:
    # Findings are sent in the transaction that requests the changes, stamped with its time.
    return step.action == "request_changes"
