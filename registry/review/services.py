"""The regulator's review: cases follow their filings, and regulators act on them here.

Every decision goes through the lifecycle (`filings.services.filing_transition`), which asks this
module for the review's own rules first (`case_problems`) and updates the case after
(`case_follow`), in the same transaction, whichever path the transition took.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registry.accounts.models import User
from registry.audit.services import record
from registry.declarations.models import DataSource
from registry.declarations.services import DECLARATION
from registry.filings.models import Filing, FilingKind
from registry.filings.selectors import filing_snapshots, latest_submission, snapshot_data
from registry.filings.services import (
    FilingSpec,
    filing_transition,
    may_edit,
    problems_transition,
)
from registry.filings.states import Status
from registry.filings.validation import filing_problem
from registry.labels.tasks import render_label_pdf
from registry.lib.background import after_commit
from registry.lib.problems import Problem, ProblemsError, raise_if_any
from registry.notifications.events import message_notify, transition_notify
from registry.providers.models import OwnershipStatement
from registry.providers.services import OWNERSHIP
from registry.review import risks
from registry.review.diff import field_change
from registry.review.extraction import generator_terms_disputes
from registry.review.models import (
    Case,
    CaseFlag,
    CaseNote,
    ConfidentialityRuling,
    Finding,
    FindingChange,
    FindingOutcome,
    NoteKind,
)
from registry.review.validation import (
    TEXT_LIMIT,
    current_path,
    problem,
    validate_finding,
    validate_note,
)

# --- Following the lifecycle


def case_problems(kind: str, filing: Filing, action: str, actor: User | None) -> list[Problem]:
    """The review's rules on a transition, beyond who may take it from where."""
    case = Case.objects.filter(filing_kind=kind, filing_id=filing.pk).first()
    if case is None or actor is None:
        return []
    if action == "request_changes" and not case.findings.filter(sent_at=None).exists():
        return [problem("findings_required", "findings")]
    if action == "accept":
        return (
            four_eyes_problems(case, actor)
            + undecided_claims(kind, filing)
            + ownership_not_in_force(kind, case)
        )
    return []


def four_eyes_problems(case: Case, actor: User) -> list[Problem]:
    """A decision maker may not accept what they raised findings on: someone else decides."""
    if case.findings.filter(raised_by=actor).exists():
        return [problem("four_eyes")]
    return []


def ownership_not_in_force(kind: str, case: Case) -> list[Problem]:
    """A label says who controls its provider, so a declaration is accepted only once the
    provider has an accepted ownership statement to say it."""
    if kind != FilingKind.DECLARATION:
        return []
    in_force = OwnershipStatement.objects.filter(
        provider_id=case.provider_id, status=Status.ACCEPTED
    )
    return [] if in_force.exists() else [problem("ownership_not_accepted")]


def undecided_claims(kind: str, filing: Filing) -> list[Problem]:
    if kind != FilingKind.DECLARATION:
        return []
    count = DataSource.objects.filter(
        declaration_id=filing.pk, confidential=True, confidentiality_ruling=None
    ).count()
    if count:
        what = "1 claim" if count == 1 else f"{count} claims"
        return [problem("confidentiality_undecided", "sources", value=what)]
    return []


def case_follow(
    *,
    kind: str,
    filing: Filing,
    provider_id: int,
    subject: str,
    action: str,
    now: datetime,
    data: dict[str, Any] | None,
) -> None:
    """Update the case after a transition, and tell the provider (data: what submit froze)."""
    if action == "submit":
        case = case_on_submit(kind, filing, provider_id, subject, now)
        flags_replace(case, kind, data or {}, timezone.localdate(now))
        if case.submissions > 1:
            findings_follow_resubmission(case, data or {})
    else:
        found = Case.objects.select_for_update().filter(filing_kind=kind, filing_id=filing.pk)
        existing = found.first()
        if existing is None:
            return  # a draft discarded, or a version superseded or withdrawn after its case
        case = existing
    clock = case.clock.after(action, timezone.localdate(now))
    case.clock_days_used, case.clock_running_since = clock.days_used, clock.running_since
    case.due_on = clock.due_on(settings.REVIEW_DAYS)
    case.status = filing.status
    if action in ("accept", "reject"):
        case.closed_at = now
    if action == "accept" and kind == FilingKind.DECLARATION:
        # The label is live at once; its PDF follows in the background, once this commits.
        after_commit(render_label_pdf, filing.pk)
    if action == "request_changes":
        case.findings.filter(sent_at=None).update(sent_at=now)
    case.save()
    transition_notify(case=case, filing=filing, action=action)


def case_on_submit(kind: str, filing: Filing, provider_id: int, subject: str, now) -> Case:
    case, opened = Case.objects.select_for_update().get_or_create(
        filing_kind=kind,
        filing_id=filing.pk,
        defaults={
            "provider_id": provider_id,
            "reference": filing.reference,
            "subject": subject,
            "status": filing.status,
            "opened_at": now,
            "last_submitted_at": now,
        },
    )
    if not opened:
        case.submissions += 1
        case.last_submitted_at = now
    return case


# What stands in for a field a version does not have (its row was removed, say).
MISSING = object()


def value_at(data: Mapping[str, Any], field: str, row_id: int | None) -> Any:
    """The value a finding's path names in one version of the filing: its row found by id (the
    row keeps its id however the list was reordered), else by position."""
    parts = field.split(".")
    node: Any = data
    if len(parts) > 1 and parts[1].isdigit():
        rows = [row for row in data.get(parts[0]) or [] if isinstance(row, Mapping)]
        if row_id is not None:
            node = next((row for row in rows if row.get("id") == row_id), MISSING)
        else:
            index = int(parts[1])
            node = rows[index] if index < len(rows) else MISSING
        parts = parts[2:]
    for part in parts:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    if isinstance(node, Mapping):  # a whole row: compared without its bookkeeping
        return {name: value for name, value in node.items() if name != "id"}
    return node


def field_changed(before: Mapping[str, Any], after: Mapping[str, Any], finding: Finding) -> bool:
    """Whether the field a finding is about differs between two versions, as its diff would
    show it (numbers and dates compared by value, not by how they were written)."""
    old = value_at(before, finding.field, finding.row_id)
    new = value_at(after, finding.field, finding.row_id)
    if old is MISSING or new is MISSING:
        return old is not new
    return field_change(finding.field, old, new, "") is not None


def findings_follow_resubmission(case: Case, data: Mapping[str, Any]) -> None:
    """On a resubmission, mark each finding sent and still open as changed or unchanged, by
    comparing its field in the submission it was raised on with what was just submitted."""
    waiting = list(
        case.findings.filter(sent_at__isnull=False, outcome="", change="").order_by("id")
    )
    submissions = {finding.submission for finding in waiting}
    before = {
        snapshot.submission: snapshot_data(snapshot)
        for snapshot in filing_snapshots(case.filing_kind, case.filing_id).filter(
            submission__in=submissions
        )
    }
    for finding in waiting:
        earlier = before.get(finding.submission, {})
        changed = field_changed(earlier, data, finding)
        finding.change = FindingChange.CHANGED if changed else FindingChange.UNCHANGED
    Finding.objects.bulk_update(waiting, ["change"])


def flags_replace(case: Case, kind: str, data: dict[str, Any], today) -> None:
    """The risk rules' flags on what was just submitted, in place of the previous ones.

    A declaration's flags include the cross-filing ones, read against the other providers'
    filings as they stand now. They are not raised again when those filings change later: the
    named-model page shows the claims and what each model's own provider says, live.
    """
    if kind == FilingKind.DECLARATION:
        disputes = generator_terms_disputes(data, case.provider_id)
        flags = sorted(
            risks.declaration_flags(data, today) + risks.cross_filing_flags(disputes),
            key=risks.flag_order,
        )
    else:
        flags = risks.ownership_flags(data)
    case.flags.all().delete()
    CaseFlag.objects.bulk_create(
        CaseFlag(case=case, code=f.code, severity=f.severity, message=f.message, public=f.public)
        for f in flags
    )


# --- A regulator's acts on a case


def lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def refuse_if_closed(case: Case) -> None:
    if not case.is_open:
        status = Status(case.status).label.lower()
        raise ProblemsError([problem("case_closed", value=status)])


def refuse_unless_regulator(actor: User) -> None:
    if not actor.is_regulator:
        raise ProblemsError([filing_problem("not_permitted")])


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User | None) -> Case:
    """Give the case to a regulator (oneself or a colleague), or to nobody."""
    refuse_unless_regulator(actor)
    case = lock_case(case)
    refuse_if_closed(case)
    if assignee is not None and not assignee.is_regulator:
        raise ProblemsError([problem("assignee_not_regulator", "assignee")])
    before = {"assignee": case.assignee.email if case.assignee else None}
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    after = {"assignee": assignee.email if assignee else None}
    record(actor=actor, action="case.assigned", target=case, before=before, after=after)
    return case


def row_id_at(data: dict[str, Any], field: str) -> int | None:
    """The id of the row a path points into ("sources.3.licence" → source 3's id), if any."""
    parts = field.split(".")
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    row = data[parts[0]][int(parts[1])]
    return row.get("id") if isinstance(row, dict) else None


@transaction.atomic
def finding_add(*, actor: User, case: Case, field: str, message: str) -> Finding:
    """Raise a finding on a field of the filing under review, to send with a request for changes."""
    refuse_unless_regulator(actor)
    case = lock_case(case)
    if case.status != Status.UNDER_REVIEW:
        raise ProblemsError([problem("case_not_under_review")])
    snapshot = latest_submission(case.filing_kind, case.filing_id)
    data = snapshot_data(snapshot)
    field, message = field.strip(), message.strip()
    raise_if_any(validate_finding({"field": field, "message": message}, data))
    finding = Finding.objects.create(
        case=case,
        submission=snapshot.submission,
        field=field,
        row_id=row_id_at(data, field),
        message=message,
        raised_by=actor,
    )
    after = {"field": field, "message": message}
    record(actor=actor, action="case.finding_raised", target=case, after=after)
    return finding


@transaction.atomic
def finding_remove(*, actor: User, finding: Finding) -> None:
    """Withdraw a finding not yet sent to the provider."""
    refuse_unless_regulator(actor)
    case = lock_case(finding.case)
    if finding.sent_at is not None:
        raise ProblemsError([problem("finding_not_removable")])
    before = {"field": finding.field, "message": finding.message}
    record(actor=actor, action="case.finding_removed", target=case, before=before)
    finding.delete()


def lock_finding(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("case").get(pk=finding.pk)


@transaction.atomic
def finding_reply(*, actor: User, finding: Finding, reply: str) -> Finding:
    """The provider answers a finding sent to them, while changes are requested on the
    submission it is about; they may rewrite the reply until they resubmit."""
    finding = lock_finding(finding)
    case = finding.case
    if not may_edit(actor, case.provider_id):
        raise ProblemsError([filing_problem("not_permitted")])
    if finding.sent_at is None or case.status != Status.CHANGES_REQUESTED:
        raise ProblemsError([problem("finding_not_open", "reply")])
    if finding.submission != case.submissions:
        raise ProblemsError([problem("finding_not_open", "reply")])
    reply = reply.strip()
    if not reply:
        raise ProblemsError([problem("finding_reply_required", "reply")])
    if len(reply) > TEXT_LIMIT:
        raise ProblemsError([problem("finding_reply_too_long", "reply", limit=f"{TEXT_LIMIT:,}")])
    finding.reply, finding.replied_by, finding.replied_at = reply, actor, timezone.now()
    finding.save(update_fields=["reply", "replied_by", "replied_at"])
    after = {"finding": finding.pk, "field": finding.field, "reply": reply}
    record(actor=actor, action="case.finding_answered", target=case, after=after)
    return finding


@transaction.atomic
def finding_conclude(*, actor: User, finding: Finding, outcome: str) -> Finding:
    """The officer's verdict on a finding once the provider has resubmitted: resolved, or
    carried forward (a fresh finding on the same field goes with the next request)."""
    refuse_unless_regulator(actor)
    case = lock_case(finding.case)
    finding = lock_finding(finding)
    if outcome not in FindingOutcome.values:
        raise ProblemsError([problem("finding_outcome_unknown", "outcome")])
    if case.status != Status.UNDER_REVIEW:
        raise ProblemsError([problem("case_not_under_review")])
    if finding.sent_at is None or finding.submission >= case.submissions:
        raise ProblemsError([problem("finding_not_resubmitted")])
    if finding.outcome:
        raise ProblemsError([problem("finding_concluded", value=finding.get_outcome_display())])
    finding.outcome, finding.outcome_by, finding.outcome_at = outcome, actor, timezone.now()
    finding.save(update_fields=["outcome", "outcome_by", "outcome_at"])
    if outcome == FindingOutcome.CARRIED_FORWARD:
        snapshot = latest_submission(case.filing_kind, case.filing_id)
        data = snapshot_data(snapshot)
        # The field as it is now: the row keeps its id, but its place may have moved.
        Finding.objects.create(
            case=case,
            submission=snapshot.submission,
            field=current_path(data, finding),
            row_id=finding.row_id,
            message=finding.message,
            raised_by=actor,
        )
    after = {"finding": finding.pk, "field": finding.field, "outcome": outcome}
    record(actor=actor, action="case.finding_concluded", target=case, after=after)
    return finding


@transaction.atomic
def note_add(*, actor: User, case: Case, kind: str, body: str) -> CaseNote:
    """Write an internal note, or a message the provider sees with their filing."""
    refuse_unless_regulator(actor)
    case = lock_case(case)
    body = body.strip()
    raise_if_any(validate_note({"kind": kind, "body": body}, frozenset(NoteKind.values)))
    note = CaseNote.objects.create(case=case, kind=kind, body=body, author=actor)
    action = "case.message_sent" if kind == NoteKind.MESSAGE else "case.note_written"
    # Internal notes stay in the case; the audit trail records that one was written.
    after: dict[str, Any] = {"body": body} if kind == NoteKind.MESSAGE else {"note": note.pk}
    record(actor=actor, action=action, target=case, after=after)
    if kind == NoteKind.MESSAGE:
        message_notify(case=case, note=note)
    return note


@transaction.atomic
def confidentiality_rule(
    *, actor: User, case: Case, source: DataSource, accepted: bool, reason: str
) -> ConfidentialityRuling:
    """Accept or refuse one source's claim to confidentiality, with the reason."""
    refuse_unless_regulator(actor)
    case = lock_case(case)
    if case.status != Status.UNDER_REVIEW:
        raise ProblemsError([problem("case_not_under_review")])
    if not source.confidential:
        raise ProblemsError([problem("ruling_not_claimed", "source")])
    if not reason.strip():
        raise ProblemsError([problem("ruling_reason_required", "reason")])
    ruling, _ = ConfidentialityRuling.objects.update_or_create(
        source=source,
        defaults={
            "accepted": accepted,
            "reason": reason.strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    after = {"source": source.pk, "accepted": accepted}
    record(
        actor=actor, action="case.confidentiality_ruled", target=case, after=after, reason=reason
    )
    return ruling


DECISIONS = ("start_review", "request_changes", "accept", "reject")


def filing_spec(case: Case) -> FilingSpec[Any]:
    return DECLARATION if case.filing_kind == FilingKind.DECLARATION else OWNERSHIP


def decision_blockers(*, actor: User, case: Case, action: str) -> list[Problem]:
    """What stops this regulator taking the decision now, in the words the decision itself would
    refuse with (all but the reason, which the confirmation page asks for)."""
    spec = filing_spec(case)
    filing = spec.model.objects.get(pk=case.filing_id)
    problems = problems_transition(spec, filing, action, actor, reason="given on the page")
    return problems or case_problems(case.filing_kind, filing, action, actor)


def case_decide(
    *,
    actor: User,
    case: Case,
    action: str,
    reason: str = "",
    expected_lock_version: int | None = None,
) -> Filing:
    """start_review, request_changes, accept or reject the case's filing.

    expected_lock_version: the filing's version when the page was shown, so that a decision
    taken on a case someone else has acted on since is refused rather than taken blind.
    """
    if action not in DECISIONS:
        raise ProblemsError([problem("decision_unknown", "action")])
    try:
        return filing_transition(
            spec=filing_spec(case),
            filing_id=case.filing_id,
            action=action,
            actor=actor,
            reason=reason,
            expected_lock_version=expected_lock_version,
        )
    except ProblemsError as error:
        # The lifecycle's "stale" speaks of edits; a regulator's was a decision.
        error.problems = [
            problem("case_changed") if found.code == "stale_edit" else found
            for found in error.problems
        ]
        raise
