"""The regulator's review: cases follow their filings, and regulators act on them here.

Every decision goes through the lifecycle (`filings.services.filing_transition`), which asks this
module for the review's own rules first (`case_problems`) and updates the case after
(`case_follow`), in the same transaction, whichever path the transition took.
"""

from __future__ import annotations

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
from registry.filings.selectors import latest_submission, snapshot_data
from registry.filings.services import filing_transition
from registry.filings.states import Status
from registry.filings.validation import filing_problem
from registry.labels.tasks import render_label_pdf
from registry.lib.background import after_commit
from registry.lib.problems import Problem, ProblemsError, raise_if_any
from registry.notifications.events import message_notify, transition_notify
from registry.providers.services import OWNERSHIP
from registry.review import risks
from registry.review.models import (
    Case,
    CaseFlag,
    CaseNote,
    ConfidentialityRuling,
    Finding,
    NoteKind,
)
from registry.review.validation import problem, validate_finding, validate_note

# --- Following the lifecycle


def case_problems(kind: str, filing: Filing, action: str, actor: User | None) -> list[Problem]:
    """The review's rules on a transition, beyond who may take it from where."""
    case = Case.objects.filter(filing_kind=kind, filing_id=filing.pk).first()
    if case is None or actor is None:
        return []
    if action == "request_changes" and not case.findings.filter(sent_at=None).exists():
        return [problem("findings_required", "findings")]
    if action == "accept":
        return four_eyes_problems(case, actor) + undecided_claims(kind, filing)
    return []


def four_eyes_problems(case: Case, actor: User) -> list[Problem]:
    """A decision maker may not accept what they raised findings on: someone else decides."""
    if case.findings.filter(raised_by=actor).exists():
        return [problem("four_eyes")]
    return []


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


def flags_replace(case: Case, kind: str, data: dict[str, Any], today) -> None:
    """The risk rules' flags on what was just submitted, in place of the previous ones."""
    if kind == FilingKind.DECLARATION:
        flags = risks.declaration_flags(data, today)
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


def case_decide(*, actor: User, case: Case, action: str, reason: str = "") -> Filing:
    """start_review, request_changes, accept or reject the case's filing."""
    if action not in DECISIONS:
        raise ProblemsError([problem("decision_unknown", "action")])
    spec: Any = DECLARATION if case.filing_kind == FilingKind.DECLARATION else OWNERSHIP
    return filing_transition(
        spec=spec, filing_id=case.filing_id, action=action, actor=actor, reason=reason
    )
