"""The lifecycle both filing kinds share: every status change goes through `filing_transition`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from registry.accounts.models import Membership, User
from registry.accounts.roles import DECISION_MAKER
from registry.accounts.validation import problems_signing
from registry.audit.services import record
from registry.filings.models import Filing, FilingSnapshot, FilingTransition
from registry.filings.states import EDITABLE, TRANSITIONS, Actor, Status
from registry.filings.validation import filing_problem, validate_statement_of_truth
from registry.lib.canonical import canonical_json, sha256_hex
from registry.lib.problems import Problem, ProblemsError, raise_if_any, shape_of

F = TypeVar("F", bound=Filing)


@dataclass(frozen=True)
class FilingSpec(Generic[F]):
    """What the lifecycle needs to know about one kind of filing."""

    kind: str
    model: type[F]
    provider_id: Callable[[F], int]
    data: Callable[[F], dict[str, Any]]
    problems: Callable[[dict[str, Any]], list[Problem]]
    # The accepted filing a newly accepted one replaces, if any (it becomes superseded).
    previous_accepted: Callable[[F], F | None]
    # Anything else acceptance does, inside the same transaction (e.g. assign a MOD- number).
    on_accept: Callable[[F, User | None], None] = lambda filing, actor: None
    # What the filing is about, as the regulator's queue names it.
    subject: Callable[[F], str] = str
    # What the apps built on the lifecycle do on acceptance, in the same transaction, once the
    # filing's own `on_accept` is done: each registers here when its app is ready.
    accept_hooks: list[Callable[[F], None]] = dataclasses.field(default_factory=list)
    # What they do once any transition is saved, in the same transaction, with its action: the
    # transparency log appends a leaf for each publishing act this way.
    transition_hooks: list[Callable[[F, str], None]] = dataclasses.field(default_factory=list)


def empty_as_stored(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Values to assign to a model, with empty answers as its columns hold them.

    None (an API's null) becomes the empty value of a column that can't be NULL ("" for text,
    [] for lists, False for flags); blank text becomes None in a number, date or yes/no column.
    """
    cleaned = dict(values)
    for field in model._meta.concrete_fields:
        if field.name not in cleaned:
            continue
        value = cleaned[field.name]
        if value is None and not field.null:
            cleaned[field.name] = field.get_default()
        elif isinstance(value, str) and not value.strip() and not field.empty_strings_allowed:
            cleaned[field.name] = None if field.null else field.get_default()
    return cleaned


def may_edit(actor: User, provider_id: int) -> bool:
    """Owners and submitters of the filing's provider may edit and submit it; viewers may not."""
    return Membership.objects.filter(
        user_id=actor.pk, provider_id=provider_id, role__in=["owner", "submitter"]
    ).exists()


def may_take(actor: User | None, who: str, provider_id: int) -> bool:
    if who == Actor.SYSTEM:
        return actor is None
    if actor is None:
        return False
    if who == Actor.PROVIDER:
        return may_edit(actor, provider_id)
    if who == Actor.REGULATOR:
        return actor.is_regulator
    return DECISION_MAKER in actor.regulator_roles


def lock(spec: FilingSpec[F], filing_id: int) -> F:
    return spec.model._default_manager.select_for_update().get(pk=filing_id)


def problems_editing(
    spec: FilingSpec[F], filing: F, actor: User, expected_lock_version: int | None
) -> list[Problem]:
    """Why this person can't change this filing now, if they can't."""
    if not may_edit(actor, spec.provider_id(filing)):
        return [filing_problem("not_permitted")]
    if filing.status not in EDITABLE:
        return [filing_problem("not_editable")]
    if expected_lock_version is not None and expected_lock_version != filing.lock_version:
        return [filing_problem("stale_edit")]
    return []


def filing_for_edit(
    spec: FilingSpec[F], filing_id: int, actor: User, expected_lock_version: int | None = None
) -> F:
    """Lock an editable filing for a change by this person, or raise the reason they can't."""
    filing = lock(spec, filing_id)
    raise_if_any(problems_editing(spec, filing, actor, expected_lock_version))
    return filing


def filing_touch(filing: Filing, *, keep_signature: bool = False) -> None:
    """Mark the filing changed, so forms opened on the old version are refused.

    A statement of truth vouches for what was there when it was signed, so a change voids it.
    """
    filing.lock_version += 1
    filing.updated_at = timezone.now()
    fields = ["lock_version", "updated_at"]
    if filing.signed_at is not None and not keep_signature:
        filing.signed_at = None
        fields.append("signed_at")
    filing.save(update_fields=fields)


@dataclass(frozen=True)
class RowSpec:
    """One kind of row a filing holds: data source, party, attestation or investment link."""

    model: type[models.Model]
    parent: str  # the row's foreign key to its filing
    fields: list[str]
    validate: Callable[[Mapping[str, Any]], list[Problem]]
    noun: str  # how the audit trail names it: "source", "party", "link"…


def filing_row_save(
    *,
    filing: Filing,
    rows: RowSpec,
    row: Any,
    values: Mapping[str, Any],
    expected_lock_version: int | None,
    actor: User,
    complete: bool = True,
) -> Any:
    """Add a row to a draft already locked for edit, or change one, refused if it went stale.

    The values are merged over what is stored, so a partial change keeps the other answers. A
    value that can't be stored is always refused; with `complete`, so is any other problem of
    the row (a question page asks for all of its own answers before it continues).
    """
    values = empty_as_stored(rows.model, values)
    if row is not None:
        manager = rows.model._default_manager
        row = manager.select_for_update().get(pk=row.pk, **{rows.parent: filing})
        if row.lock_version != expected_lock_version:
            raise ProblemsError([filing_problem("stale_edit")])
        before = model_to_dict(row, fields=rows.fields)
    else:
        row, before = rows.model(**{rows.parent: filing}), None
    merged = (before or {}) | dict(values)
    found = rows.validate(merged)
    raise_if_any(found if complete else shape_of(found))
    for field in rows.fields:
        if field in merged:
            setattr(row, field, merged[field])
    if before is not None:
        row.lock_version += 1
    row.save()
    filing_touch(filing)
    after = model_to_dict(row, fields=rows.fields)
    record(
        actor=actor,
        action=f"{filing.kind}.{rows.noun}_saved",
        target=filing,
        before=before,
        after=after,
    )
    return row


def filing_row_remove(*, filing: Filing, rows: RowSpec, row: Any, actor: User) -> None:
    """Remove a row from a draft already locked for edit."""
    before = {rows.noun: row.pk, "name": str(row)}
    record(actor=actor, action=f"{filing.kind}.{rows.noun}_removed", target=filing, before=before)
    row.delete()
    filing_touch(filing)


def filing_sign(filing: F, actor: User, name: str, role: str) -> F:
    """Sign the statement of truth on a filing already locked for edit."""
    values = {
        "signatory_name": name.strip(),
        "signatory_role": role.strip(),
        "signed_at": timezone.now(),
    }
    raise_if_any([*problems_signing(actor), *validate_statement_of_truth(values)])
    for field, value in values.items():
        setattr(filing, field, value)
    filing.save(update_fields=list(values))
    filing_touch(filing, keep_signature=True)
    after = {"signatory_name": filing.signatory_name, "signatory_role": filing.signatory_role}
    record(actor=actor, action=f"{filing.kind}.signed", target=filing, after=after)
    return filing


def snapshot_freeze(spec: FilingSpec[F], filing: F, actor: User, data: dict) -> FilingSnapshot:
    content = canonical_json(data)
    submissions = FilingSnapshot.objects.filter(filing_kind=spec.kind, filing_id=filing.pk).count()
    return FilingSnapshot.objects.create(
        filing_kind=spec.kind,
        filing_id=filing.pk,
        filing_version=filing.version,
        submission=submissions + 1,
        submitted_by=actor,
        content=content,
        sha256=sha256_hex(content),
    )


def problems_transition(
    spec: FilingSpec[F], filing: F, action: str, actor: User | None, reason: str
) -> list[Problem]:
    transition = TRANSITIONS[action]
    if not may_take(actor, transition.actor, spec.provider_id(filing)):
        return [filing_problem("not_permitted")]
    if filing.status not in transition.sources:
        status = Status(filing.status).label.lower()
        return [filing_problem("transition_not_allowed", status=status, action=transition.past)]
    if transition.needs_reason and not reason.strip():
        return [filing_problem("reason_required", "reason")]
    return []


@transaction.atomic
def filing_transition(
    *,
    spec: FilingSpec[F],
    filing_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    expected_lock_version: int | None = None,
) -> F:
    """Move a filing through the lifecycle.

    1. Lock the filing; check who may act, from which status, with a reason where one is needed,
       and the review's own rules (findings before changes are requested; four eyes).
    2. On submit: refuse a stale form, run the submit gate, and freeze the snapshot.
    3. On accept: supersede the previously accepted version first.
    4. Save the new status, and record the transition and the audit event.
    5. Bring the regulator's case up to date: open it, run its clock, raise its risk flags.
    6. Run the transition hooks (the transparency log's leaf for a publishing act).
    """
    # The review builds on the lifecycle, so it is imported here rather than at the top.
    from registry.review.services import case_follow, case_problems

    filing = lock(spec, filing_id)
    raise_if_any(problems_transition(spec, filing, action, actor, reason))
    if expected_lock_version is not None and expected_lock_version != filing.lock_version:
        raise ProblemsError([filing_problem("stale_edit")])
    raise_if_any(case_problems(spec.kind, filing, action, actor))
    now, data = timezone.now(), None
    if action == "submit" and actor is not None:  # may_take lets only a provider's editor submit
        data = spec.data(filing)
        raise_if_any(spec.problems(data))
        snapshot_freeze(spec, filing, actor, data)
        filing.submitted_at = now
    if action == "accept":
        previous = spec.previous_accepted(filing)
        if previous is not None:
            filing_transition(spec=spec, filing_id=previous.pk, action="supersede", actor=None)
        spec.on_accept(filing, actor)
        for hook in spec.accept_hooks:
            hook(filing)
    if action in ("accept", "reject"):
        filing.decided_at = now
    if action == "withdraw":
        filing.withdrawn_at, filing.withdrawal_reason = now, reason.strip()
    before = {"status": filing.status}
    filing.status = TRANSITIONS[action].target
    filing.lock_version += 1
    filing.updated_at = now
    filing.save()
    FilingTransition.objects.create(
        filing_kind=spec.kind,
        filing_id=filing.pk,
        action=action,
        from_status=before["status"],
        to_status=filing.status,
        actor=actor,
        reason=reason.strip(),
        occurred_at=now,
    )
    record(
        actor=actor,
        action=f"{spec.kind}.{action}",
        target=filing,
        before=before,
        after={"status": filing.status},
        reason=reason.strip(),
    )
    case_follow(
        kind=spec.kind,
        filing=filing,
        provider_id=spec.provider_id(filing),
        subject=spec.subject(filing),
        action=action,
        now=now,
        data=data,
    )
    for transition_hook in spec.transition_hooks:
        transition_hook(filing, action)
    return filing
