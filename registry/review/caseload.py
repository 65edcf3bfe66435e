"""The caseload: decided cases, bulk assignment from the queue, and each officer's saved filters.

Reads first (the decided cases, a page of them), then the acts on many cases at once and on an
officer's own saved filters. Bulk assignment assigns each case through `services.case_assign` in
its own transaction, so one case that can't be assigned never holds back the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone

from registry.accounts.models import User
from registry.filings.models import FilingTransition
from registry.filings.states import Status
from registry.lib.problems import Problem, ProblemsError
from registry.review import services
from registry.review.models import Case, SavedFilter

DECIDED_PAGE_SIZE = 50

# A decided case is closed for good: its filing was accepted or rejected, and an accepted one may
# since have been superseded by a newer version or withdrawn by its provider.
DECIDED_STATUSES = (Status.ACCEPTED, Status.REJECTED, Status.SUPERSEDED, Status.WITHDRAWN)
OUTCOMES = [(status.value, status.label) for status in DECIDED_STATUSES]
# The lifecycle's decisions: who took one of these is who decided the case.
DECISION_ACTIONS = ("accept", "reject")


# --- Decided cases


@dataclass(frozen=True)
class DecidedFilters:
    """What the decided list shows, and in which order (latest decision first by default)."""

    outcome: str = ""
    kind: str = ""
    # "", "me", or a regulator's id: whom the case was assigned to.
    assignee: str = ""
    # "", "me", or a regulator's id: who accepted or rejected it.
    decider: str = ""
    decided_from: date | None = None
    decided_to: date | None = None
    provider: str = ""
    sort: str = "-decided"


DECIDED_SORTS: dict[str, tuple[Any, ...]] = {
    "-decided": (F("closed_at").desc(nulls_last=True), "-id"),
    "decided": (F("closed_at").asc(nulls_last=True), "id"),
    "reference": ("reference", "id"),
    "-reference": ("-reference", "-id"),
}


def person_id(value: str, user: User) -> int | None:
    """The regulator a filter names: "me", an id, or nobody in particular."""
    if value == "me":
        return user.pk
    return int(value) if value.isdigit() else None


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def with_decider(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with who decided it: their id, and their name (or email if none)."""
    decisions = FilingTransition.objects.filter(
        filing_kind=OuterRef("filing_kind"),
        filing_id=OuterRef("filing_id"),
        action__in=DECISION_ACTIONS,
    ).order_by("-occurred_at", "-id")
    who = decisions.annotate(
        who=Coalesce(
            NullIf(F("actor__full_name"), Value("")), F("actor__email"), output_field=CharField()
        )
    ).values("who")[:1]
    return cases.annotate(
        decider_name=Subquery(who), decider_id=Subquery(decisions.values("actor_id")[:1])
    )


def decided_cases(filters: DecidedFilters, user: User) -> QuerySet[Case]:
    """Closed cases matching every filter, in order, with their provider, assignee and decider."""
    statuses = [filters.outcome] if filters.outcome else list(DECIDED_STATUSES)
    cases = with_decider(Case.objects.filter(status__in=statuses))
    if filters.kind:
        cases = cases.filter(filing_kind=filters.kind)
    assignee = person_id(filters.assignee, user)
    if assignee is not None:
        cases = cases.filter(assignee_id=assignee)
    decider = person_id(filters.decider, user)
    if decider is not None:
        cases = cases.filter(Q(decider_id=decider))
    if filters.decided_from:
        cases = cases.filter(closed_at__gte=local_midnight(filters.decided_from))
    if filters.decided_to:
        cases = cases.filter(closed_at__lt=local_midnight(filters.decided_to + timedelta(days=1)))
    if filters.provider:
        text = filters.provider
        cases = cases.filter(
            Q(provider__legal_name__icontains=text)
            | Q(provider__trading_name__icontains=text)
            | Q(provider__registration_number__icontains=text)
        )
    order = DECIDED_SORTS.get(filters.sort, DECIDED_SORTS["-decided"])
    return cases.select_related("provider", "assignee").order_by(*order)


def decided_page(filters: DecidedFilters, user: User, page_number: Any) -> dict[str, Any]:
    """One page of decided cases. Two queries: the count, and the page's cases with their
    provider, assignee and decider."""
    page = Paginator(decided_cases(filters, user), DECIDED_PAGE_SIZE).get_page(page_number)
    return {"page": page, "cases": list(page.object_list)}


# --- Bulk assignment from the queue


@dataclass(frozen=True)
class ShownCase:
    """A case as the queue showed it when the officer ticked it: its id, status and assignee."""

    case_id: int
    status: str
    assignee_id: int | None


def shown_token(case_id: int, status: str, assignee_id: int | None) -> str:
    """What a queue row's checkbox carries: "12:submitted:7" (no assignee: "12:submitted:")."""
    return f"{case_id}:{status}:{assignee_id or ''}"


def parse_shown(token: str) -> ShownCase | None:
    """A checkbox's value read back; None for anything that isn't one."""
    parts = token.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in Status.values:
        return None
    if parts[2] and not parts[2].isdigit():
        return None
    return ShownCase(int(parts[0]), parts[1], int(parts[2]) if parts[2] else None)


class Outcome:
    """What can become of one case of a bulk assignment."""

    ASSIGNED = "assigned"
    CLOSED = "closed"
    CHANGED = "changed"
    REASSIGNED = "reassigned"
    REFUSED = "refused"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class AssignOutcome:
    """What happened to one ticked case: assigned, or why not, in words."""

    reference: str
    outcome: str
    text: str
    case_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "outcome": self.outcome,
            "text": self.text,
            "case_id": self.case_id,
        }


def person_name(person: User | None) -> str:
    if person is None:
        return "nobody"
    return person.full_name or person.email


def status_text(status: str) -> str:
    return Status(status).label.lower() if status in Status.values else status


def cases_assign(
    *, actor: User, shown: Sequence[ShownCase], assignee: User | None
) -> list[AssignOutcome]:
    """Assign each case as shown to the assignee, each in its own transaction; say what happened.

    A case is assigned only if it is still as the officer saw it: one decided, moved on or
    assigned to someone else since is reported, not silently assigned.
    """
    services.refuse_unless_regulator(actor)
    seen: set[int] = set()
    outcomes = []
    for case in shown:
        if case.case_id in seen:
            continue
        seen.add(case.case_id)
        outcomes.append(case_assign_as_shown(actor=actor, shown=case, assignee=assignee))
    return outcomes


def case_assign_as_shown(*, actor: User, shown: ShownCase, assignee: User | None) -> AssignOutcome:
    """One case of a bulk assignment, in its own transaction with the case locked."""
    with transaction.atomic():
        case = (
            # Lock the case alone: its assignee comes along only to be named.
            Case.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .filter(pk=shown.case_id)
            .first()
        )
        if case is None:
            return AssignOutcome(
                f"Case {shown.case_id}", Outcome.NOT_FOUND, "not found: it does not exist"
            )
        refusal = as_shown_refusal(case, shown)
        if refusal is not None:
            return refusal
        try:
            services.case_assign(actor=actor, case=case, assignee=assignee)
        except ProblemsError as error:
            text = "; ".join(problem.message for problem in error.problems)
            return AssignOutcome(case.reference, Outcome.REFUSED, f"not assigned: {text}", case.pk)
    return AssignOutcome(
        case.reference, Outcome.ASSIGNED, f"assigned to {person_name(assignee)}", case.pk
    )


def as_shown_refusal(case: Case, shown: ShownCase) -> AssignOutcome | None:
    """Why a case can't be assigned as shown: decided, moved on or reassigned meanwhile."""
    now = status_text(case.status)
    if not case.is_open:
        text = f"not assigned: it was decided meanwhile (now {now})"
        return AssignOutcome(case.reference, Outcome.CLOSED, text, case.pk)
    if case.status != shown.status:
        text = f"not assigned: its status changed from {status_text(shown.status)} to {now}"
        return AssignOutcome(case.reference, Outcome.CHANGED, text, case.pk)
    if case.assignee_id != shown.assignee_id:
        text = f"not assigned: it was assigned to {person_name(case.assignee)} meanwhile"
        return AssignOutcome(case.reference, Outcome.REASSIGNED, text, case.pk)
    return None


# --- Saved filters: an officer's own, for one console page

# The pages that can save filters, by URL name, and the filters each keeps.
SAVED_FILTER_VIEWS: dict[str, str] = {
    "console": "Queue",
    "my-cases": "My cases",
    "decided": "Decided cases",
}
SAVED_FILTER_MESSAGES = {
    "name_taken": "You already have saved filters called “{value}” on this page",
    "view_unknown": "Filters can be saved only on the queue, my cases or the decided cases",
}


def saved_filter_problem(code: str, field: str = "", **values: Any) -> Problem:
    return Problem(code, field, SAVED_FILTER_MESSAGES[code].format(**values))


def saved_filters_of(user: User, view: str) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(owner=user, view=view).order_by("name", "id")


def kept_query(query: str, keys: Iterable[str]) -> str:
    """The query string with only the filters' own keys (never the page number), in order."""
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for key in sorted(set(keys)):
        values = [value for value in given.getlist(key) if value]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


def saved_filter_create(*, owner: User, view: str, name: str, query: str) -> SavedFilter:
    """Save an officer's filters for a page under a name of their own."""
    services.refuse_unless_regulator(owner)
    if view not in SAVED_FILTER_VIEWS:
        raise ProblemsError([saved_filter_problem("view_unknown", "view")])
    name = name.strip()
    try:
        with transaction.atomic():
            return SavedFilter.objects.create(owner=owner, view=view, name=name, query=query)
    except IntegrityError:
        raise ProblemsError([saved_filter_problem("name_taken", "name", value=name)]) from None


def saved_filter_delete(*, saved: SavedFilter) -> None:
    """Delete one of an officer's saved filters (fetched by `access_saved_filter_for_owner`)."""
    saved.delete()


def access_saved_filter_for_owner(user: User, saved_filter_id: int) -> SavedFilter:
    """One of the officer's own saved filters; anyone else's is a 404."""
    return get_object_or_404(SavedFilter, pk=saved_filter_id, owner_id=user.pk)
