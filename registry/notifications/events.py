"""The messages a filing's moves through the lifecycle cause, to the people who file for it.

`transition_notify` is called by the review in the transaction of every transition, so a message
exists exactly when its transition committed. Templates get plain values chosen here, never the
case or the filing: what the regulator keeps to itself (internal notes, unsent findings, rulings)
is never within their reach.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse

from registry.accounts.models import User
from registry.accounts.roles import FILER_ROLES
from registry.declarations.models import AIModel, ProvenanceDeclaration
from registry.declarations.views.findings import place_findings as place_declaration_findings
from registry.filings.models import Filing, FilingTransition
from registry.filings.selectors import PlacedFinding, filing_feedback
from registry.notifications.models import Kind
from registry.notifications.services import Recipient, notification_create
from registry.providers.models import OwnershipStatement
from registry.providers.views import place_findings as place_ownership_findings
from registry.review.models import Case, CaseNote
from registry.review.selectors import case_filing

# The moves a provider hears of; the others (taken into review, superseded) change nothing
# they have to act on.
KINDS = {
    "submit": Kind.FILING_RECEIVED,
    "request_changes": Kind.CHANGES_REQUESTED,
    "accept": Kind.ACCEPTED,
    "reject": Kind.REJECTED,
    "withdraw": Kind.WITHDRAWN,
}


def transition_notify(*, case: Case, filing: Filing, action: str) -> None:
    """Tell the provider's filers of the transition just made on the filing, if it concerns them."""
    kind = KINDS.get(action)
    if kind is None:
        return
    # The row the transition just wrote: its id makes the message's cause unique.
    transition = (
        FilingTransition.objects.select_related("actor")
        .filter(filing_kind=case.filing_kind, filing_id=filing.pk)
        .latest("pk")
    )
    notification_create(
        kind=kind,
        cause=f"{kind}:transition:{transition.pk}",
        recipients=filers(case.provider_id),
        context=message_context(case, filing, transition),
        link=public_page(filing) if action == "accept" else provider_page(filing),
    )


def filers(provider_id: int) -> list[Recipient]:
    """The provider's owners and submitters whose accounts are active: those who can act."""
    people = User.objects.filter(
        is_active=True,
        membership__provider_id=provider_id,
        membership__role__in=FILER_ROLES,
    ).order_by("pk")
    return [Recipient.of(person) for person in people]


def message_context(case: Case, filing: Filing, transition: FilingTransition) -> dict[str, Any]:
    """What the templates may say: plain values, each one the provider may read."""
    context: dict[str, Any] = {
        "title": filing_title(filing),
        "is_declaration": isinstance(filing, ProvenanceDeclaration),
        "reference": filing.reference,
        "occurred_at": transition.occurred_at,
        "reason": transition.reason,
        # Regulator staff are "the regulator" to a provider; never a name.
        "actor_name": "" if transition.by_regulator else getattr(transition.actor, "full_name", ""),
        "due_on": case.due_on,
    }
    if transition.action == "request_changes":
        context["findings"] = findings_sent(filing)
    return context


def filing_title(filing: Filing) -> str:
    """The filing as a sentence names it: "provenance declaration for Acme Chat 2.0"."""
    if isinstance(filing, ProvenanceDeclaration):
        return f"provenance declaration for {filing.model.name} {filing.model.version}"
    statement = cast(OwnershipStatement, filing)
    return f"ownership statement for {statement.provider.display_name}"


def provider_page(filing: Filing) -> str:
    """The filing's page for its provider: status, history and the regulator's findings."""
    if isinstance(filing, ProvenanceDeclaration):
        return reverse("declarations:declaration", args=[filing.pk])
    return reverse("providers:ownership-statement", args=[filing.pk])


def public_page(filing: Filing) -> str:
    """Where the public now reads the accepted filing: the model's label, or the provider's page."""
    if isinstance(filing, ProvenanceDeclaration):
        # Acceptance numbered the model through another instance than the filing's own.
        number = AIModel.objects.values_list("registration_number", flat=True).get(
            pk=filing.model_id
        )
        return reverse("labels:model", args=[number])
    statement = cast(OwnershipStatement, filing)
    return reverse("labels:provider", args=[statement.provider.registration_number])


def findings_sent(filing: Filing) -> list[dict[str, str]]:
    """The findings sent with this request for changes, titled as the provider's pages show them."""
    # The current findings are those on the submission the changes are asked of: this request's.
    sent = filing_feedback(filing, findings_only_current=True).findings
    placed: list[PlacedFinding]
    if isinstance(filing, ProvenanceDeclaration):
        placed = place_declaration_findings(filing, sent)
    else:
        placed = place_ownership_findings(cast(OwnershipStatement, filing), sent)
    return [{"title": item.title, "message": item.finding.message} for item in placed]


def message_notify(*, case: Case, note: CaseNote) -> None:
    """Tell the provider's filers of a message the regulator wrote them about a filing."""
    filing = case_filing(case)
    notification_create(
        kind=Kind.REGULATOR_MESSAGE,
        cause=f"message:{note.pk}",
        recipients=filers(case.provider_id),
        context={
            "title": filing_title(filing),
            "reference": filing.reference,
            "body": note.body,
            "occurred_at": note.written_at,
        },
        link=provider_page(filing),
    )
