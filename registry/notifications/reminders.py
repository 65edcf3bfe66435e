"""The deadline reminders: the statutory review clock, annual re-declaration and red-teaming.

Each run looks at the deadlines as they stand on `today` and writes the reminders due by then.
A reminder's cause names what it is about, its deadline and its threshold, so a run repeated the
same day (or the next) finds it written and sends nothing twice, while a deadline that moves (a
clock restarted, a new declaration accepted) is reminded of afresh. A run that starts late, or
finds a deadline already close, sends the nearest threshold passed and not the ones before it.

Reads are bounded: a query for the deadlines (with what the messages show), one for the people
to tell; then the outbox's own work for each recipient.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from registry.accounts.models import Membership, User
from registry.accounts.roles import DECISION_MAKER, FILER_ROLES
from registry.declarations.models import AIModel, ProvenanceDeclaration, RedTeamAttestation
from registry.declarations.selectors import current_attestations_due_between
from registry.notifications.models import Kind
from registry.notifications.services import Recipient, notification_create
from registry.providers.models import Provider
from registry.review.models import Case
from registry.review.selectors import redeclaration, redeclarations_due_by, running_cases_due_by

# A running review is "due soon" from this many days before its due date.
REVIEW_DUE_SOON_DAYS = 5
# Providers are reminded of a deadline this many days before it, the nearest passed first.
PROVIDER_THRESHOLDS = (7, 30)
# The threshold of a reminder sent once a deadline has passed.
OVERDUE = "overdue"


def due_when(due_on: date, today: date) -> str:
    """How far a deadline is from today, as a message says it: "in 7 days", "3 days ago"."""
    left = (due_on - today).days
    if left == 0:
        return "today"
    if left == 1:
        return "tomorrow"
    if left == -1:
        return "yesterday"
    return f"in {left} days" if left > 0 else f"{-left} days ago"


def threshold_passed(due_on: date, today: date) -> int | None:
    """The nearest threshold (days before) that a deadline not yet past has reached by today;
    None while it is further off than them all."""
    left = (due_on - today).days
    return next((days for days in sorted(PROVIDER_THRESHOLDS) if 0 <= left <= days), None)


# --- Who is told


def decision_makers() -> list[User]:
    return list(User.objects.filter(groups__name=DECISION_MAKER, is_active=True).distinct())


def with_filers(providers_path: str) -> Prefetch:
    """Load, onto each provider at `providers_path`, the active members who can file (`filers`)."""
    filers = Membership.objects.filter(role__in=FILER_ROLES, user__is_active=True).select_related(
        "user"
    )
    return Prefetch(f"{providers_path}__memberships", queryset=filers, to_attr="filers")


def filers_of(provider: Provider) -> list[Recipient]:
    filers = provider.filers  # type: ignore[attr-defined]  # loaded by with_filers
    return [Recipient.of(membership.user) for membership in filers]


def case_recipients(case: Case, deciders: Iterable[User]) -> list[Recipient]:
    """The case's assignee, if active, and every decision maker."""
    assignee = [case.assignee] if case.assignee and case.assignee.is_active else []
    return [Recipient.of(user) for user in [*assignee, *deciders]]


# --- The statutory review clock


def review_deadlines_remind(today: date) -> int:
    """Remind each running review's assignee and the decision makers that it is due soon, then
    that it is overdue; return how many notifications were written."""
    deciders = decision_makers()
    cases = running_cases_due_by(today + timedelta(days=REVIEW_DUE_SOON_DAYS))
    return sum(review_remind(case, today, deciders) for case in cases)


def review_remind(case: Case, today: date, deciders: Sequence[User]) -> int:
    due_on = case.due_on
    if due_on is None:  # a stopped clock has no due date to remind of
        return 0
    overdue = due_on < today
    written = notification_create(
        kind=Kind.REVIEW_OVERDUE if overdue else Kind.REVIEW_DUE_SOON,
        cause=f"{'review-overdue' if overdue else 'review-due-soon'}:{case.pk}:{due_on}",
        recipients=case_recipients(case, deciders),
        context={"case": case, "due_on": due_on, "when": due_when(due_on, today)},
        link=reverse("review:case", args=[case.pk]),
    )
    return len(written)


# --- Annual re-declaration


def redeclarations_remind(today: date) -> int:
    """Remind the owners and submitters of each model due for re-declaration, 30 and 7 days
    before the due date and once it has passed; return how many notifications were written."""
    horizon = today + timedelta(days=max(PROVIDER_THRESHOLDS))
    declarations = redeclarations_due_by(horizon).prefetch_related(with_filers("model__provider"))
    return sum(redeclaration_remind(declaration, today) for declaration in declarations)


def redeclaration_remind(declaration: ProvenanceDeclaration, today: date) -> int:
    due = redeclaration(declaration, today)
    overdue = due.due_on < today
    threshold = OVERDUE if overdue else threshold_passed(due.due_on, today)
    if threshold is None:
        return 0
    model = declaration.model
    written = notification_create(
        kind=Kind.REDECLARATION_OVERDUE if overdue else Kind.REDECLARATION_DUE,
        cause=f"redeclaration:{model.pk}:{due.due_on}:{threshold}",
        recipients=filers_of(model.provider),
        context={
            "model": model,
            "accepted_on": due.accepted_on,
            "due_on": due.due_on,
            "when": due_when(due.due_on, today),
            "months": settings.REDECLARATION_MONTHS,
        },
        link=model_link(model),
    )
    return len(written)


def model_link(model: AIModel) -> str:
    return reverse("declarations:model", args=[model.pk])


# --- Red-teaming


def red_team_remind(today: date) -> int:
    """Remind the owners and submitters of each model whose latest accepted red-teaming falls
    due again, 30 and 7 days before; return how many notifications were written."""
    attestations = current_attestations_due_between(
        today, today + timedelta(days=max(PROVIDER_THRESHOLDS))
    ).prefetch_related(with_filers("declaration__model__provider"))
    return sum(attestation_remind(attestation, today) for attestation in attestations)


def attestation_remind(attestation: RedTeamAttestation, today: date) -> int:
    due_on = attestation.next_due
    threshold = threshold_passed(due_on, today) if due_on is not None else None
    if due_on is None or threshold is None:
        return 0
    model = attestation.declaration.model
    written = notification_create(
        kind=Kind.RED_TEAM_DUE,
        cause=f"red-team:{attestation.pk}:{due_on}:{threshold}",
        recipients=filers_of(model.provider),
        context={
            "model": model,
            "attestation": attestation,
            "due_on": due_on,
            "when": due_when(due_on, today),
        },
        link=model_link(model),
    )
    return len(written)
