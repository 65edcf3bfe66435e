"""Reads for provider organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.forms.models import model_to_dict

from registry.accounts.models import Invitation, Membership
from registry.declarations.selectors import provider_models
from registry.filings.states import OPEN, Status
from registry.providers.models import InvestmentLink, OwnershipStatement, Provider


def provider_members(provider: Provider) -> QuerySet[Membership]:
    return provider.memberships.select_related("user").order_by("user__full_name")


def provider_pending_invitations(provider: Provider) -> QuerySet[Invitation]:
    return Invitation.objects.pending().filter(provider=provider).select_related("invited_by")


LINK_FIELDS = [
    f.name for f in InvestmentLink._meta.fields if f.name not in ("id", "statement", "lock_version")
]


def link_data(link: InvestmentLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        **model_to_dict(link, fields=LINK_FIELDS),
        "share_band": link.share_band,
        "votes_band": link.votes_band,
    }


def ownership_data(statement: OwnershipStatement) -> dict[str, Any]:
    """The whole ownership statement as plain data: validated, snapshotted and diffed."""
    return {
        "reference": statement.reference,
        "provider": {
            "id": statement.provider_id,
            "registration_number": statement.provider.registration_number,
            "legal_name": statement.provider.legal_name,
        },
        "version": statement.version,
        **model_to_dict(statement, fields=["signatory_name", "signatory_role", "signed_at"]),
        "links": [link_data(link) for link in statement.links.order_by("id")],
    }


def open_ownership_statement(provider: Provider) -> OwnershipStatement | None:
    return provider.ownership_statements.filter(status__in=OPEN).first()


def accepted_ownership_statement(provider: Provider) -> OwnershipStatement | None:
    return provider.ownership_statements.filter(status=Status.ACCEPTED).first()


def provider_dashboard(provider: Provider) -> dict[str, Any]:
    """What a provider's dashboard shows: models with their filings, and what needs attention.

    Five queries whatever the number of models: models, their current declarations, ownership
    statements, members, invitations.
    """

    models = list(provider_models(provider.pk))
    statements = list(
        provider.ownership_statements.filter(status__in=[*OPEN, Status.ACCEPTED]).order_by(
            "-version"
        )
    )
    rows = [model_row(model) for model in models]
    ownership = {
        "open": next((s for s in statements if s.status in OPEN), None),
        "accepted": next((s for s in statements if s.status == Status.ACCEPTED), None),
    }
    return {
        "models": rows,
        "ownership": ownership,
        "attention": attention(rows, ownership),
        "member_count": provider.memberships.count(),
        "pending_invitations": provider_pending_invitations(provider).count(),
    }


def model_row(model) -> dict[str, Any]:
    current = model.current_declarations
    return {
        "model": model,
        "open": next((d for d in current if d.status in OPEN), None),
        "accepted": next((d for d in current if d.status == Status.ACCEPTED), None),
        "latest": current[0] if current else None,
    }


def attention(rows: list[dict[str, Any]], ownership: dict[str, Any]) -> list[dict[str, Any]]:
    """Filings waiting for the provider, most pressing first: changes asked for, then drafts."""
    items = []
    for row in rows:
        filing = row["open"]
        if filing is not None and filing.status == Status.CHANGES_REQUESTED:
            items.append({"kind": "changes", "filing": filing, "label": str(row["model"])})
    if ownership["open"] is not None and ownership["open"].status == Status.CHANGES_REQUESTED:
        items.append(
            {"kind": "changes", "filing": ownership["open"], "label": "Ownership statement"}
        )
    for row in rows:
        filing = row["open"]
        if filing is not None and filing.status == Status.DRAFT:
            items.append({"kind": "draft", "filing": filing, "label": str(row["model"])})
    if ownership["open"] is not None and ownership["open"].status == Status.DRAFT:
        items.append({"kind": "draft", "filing": ownership["open"], "label": "Ownership statement"})
    for row in rows:
        if row["open"] is None and row["accepted"] is None:
            # Never declared, or the last declaration was rejected or withdrawn.
            latest = row["latest"]
            kind = latest.status if latest else "undeclared"
            items.append(
                {"kind": kind, "filing": latest, "label": str(row["model"]), "model": row["model"]}
            )
    if ownership["open"] is None and ownership["accepted"] is None:
        items.append({"kind": "no_ownership", "filing": None, "label": "Ownership statement"})
    return items
