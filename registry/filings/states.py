"""The lifecycle both filing kinds share: one table of who may move a filing from where to where.

draft ──submit──▶ submitted ──start_review──▶ under_review ──accept──▶ accepted ──▶ superseded
  ▲                                             │   │                    │
  └──────── changes_requested ◀─request_changes─┘   └─reject─▶ rejected  └─withdraw─▶ withdrawn
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Actor(models.TextChoices):
    """Who may take a transition."""

    PROVIDER = "provider", "Provider owner or submitter"
    REGULATOR = "regulator", "Case officer or decision maker"
    DECISION_MAKER = "decision_maker", "Decision maker"
    SYSTEM = "system", "The register itself"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actor: str
    needs_reason: bool = False
    # How messages say it was done: "cannot be {past} now".
    past: str = ""


def transition(action, sources, target, actor, *, needs_reason=False, past="") -> Transition:
    return Transition(action, frozenset(sources), target, actor, needs_reason, past)


TRANSITIONS = {
    t.action: t
    for t in (
        transition(
            "submit",
            {Status.DRAFT, Status.CHANGES_REQUESTED},
            Status.SUBMITTED,
            Actor.PROVIDER,
            past="submitted",
        ),
        transition(
            "start_review",
            {Status.SUBMITTED},
            Status.UNDER_REVIEW,
            Actor.REGULATOR,
            past="taken into review",
        ),
        transition(
            "request_changes",
            {Status.UNDER_REVIEW},
            Status.CHANGES_REQUESTED,
            Actor.REGULATOR,
            needs_reason=True,
            past="sent back for changes",
        ),
        transition(
            "accept",
            {Status.UNDER_REVIEW},
            Status.ACCEPTED,
            Actor.DECISION_MAKER,
            needs_reason=True,
            past="accepted",
        ),
        transition(
            "reject",
            {Status.UNDER_REVIEW},
            Status.REJECTED,
            Actor.DECISION_MAKER,
            needs_reason=True,
            past="rejected",
        ),
        transition(
            "supersede", {Status.ACCEPTED}, Status.SUPERSEDED, Actor.SYSTEM, past="superseded"
        ),
        transition(
            "withdraw",
            {Status.ACCEPTED},
            Status.WITHDRAWN,
            Actor.PROVIDER,
            needs_reason=True,
            past="withdrawn",
        ),
    )
}

# Only the provider edits, and only in these states.
EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
# A filing on its way through review: at most one per model (declarations) or provider (ownership).
OPEN = frozenset({Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED})
# Awaiting the regulator.
AWAITING_REGULATOR = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW})
# Published: once accepted, a version stays readable for good.
PUBLISHED = frozenset({Status.ACCEPTED, Status.SUPERSEDED, Status.WITHDRAWN})


def allowed(action: str, status: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and status in transition.sources


def actions_from(status: str) -> list[str]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]
