"""Who stands behind a provider, as the public may see it: bands, countries and the verdict.

Investors' exact holdings are read only to put them in bands and to decide the control verdict
and its alerts, which never give them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from registry.filings.states import Status
from registry.providers.models import (
    InvestmentLink,
    OwnershipStatement,
    StateAffiliation,
    ownership_band,
)
from registry.review import risks

INVESTOR_FIELDS = [
    "investor_name",
    "investor_kind",
    "country",
    "registration_number",
    "board_appointment",
    "significant_influence",
    "state_affiliation",
    "acquired_on",
    "ceased_on",
    "nsi_notified",
]
# What the risk rules read of an investor: its public answers and its exact holdings, which
# only decide the flags and never appear in them.
RISK_LINK_FIELDS = [*INVESTOR_FIELDS, "share_percent", "votes_percent"]

# --- The control verdict: decided by `risks.control` alone, and fixed on each accepted statement


def control_verdict(provider_ref: str) -> Coalesce:
    """The outer row's provider's control verdict, for filters: the one fixed on its accepted
    ownership statement when it was accepted (`labels.services`), `not_declared` if none."""
    # No ordering: the model's default (by the provider's name) would join the providers again.
    accepted = OwnershipStatement.objects.filter(
        provider_id=OuterRef(provider_ref), status=Status.ACCEPTED
    ).order_by()
    return Coalesce(
        Subquery(accepted.values("control_verdict")[:1]),
        Value(risks.Verdict.NOT_DECLARED.value),
        output_field=CharField(),
    )


def risk_data(links: Iterable[InvestmentLink]) -> dict[str, Any]:
    """Investors as the ownership rules read them (`risks.ownership_flags`)."""
    return {
        "links": [{field: getattr(link, field) for field in RISK_LINK_FIELDS} for link in links]
    }


def control_of(statement: OwnershipStatement | None, links: list[InvestmentLink]) -> risks.Control:
    """Who controls the provider, by its accepted ownership statement (None: not declared)."""
    return risks.control(None if statement is None else risk_data(links))


def control_summary(control: risks.Control) -> dict[str, Any]:
    """The verdict as the label, its JSON and the provider's page give it."""
    return {"verdict": control.verdict.value, "countries": list(control.countries)}


# A provider's accepted ownership statement (None if it has none) and its investors.
Ownership = tuple[OwnershipStatement | None, list[InvestmentLink]]


def accepted_ownership(provider_id: int) -> Ownership:
    """The provider's accepted ownership statement and its investors (two queries; one if none)."""
    return accepted_ownerships([provider_id])[provider_id]


def accepted_ownerships(provider_ids: Iterable[int]) -> dict[int, Ownership]:
    """Each provider's accepted ownership statement and its investors, by provider id.

    Two queries however many providers there are (one if none has a statement).
    """
    provider_ids = set(provider_ids)
    statements: dict[int, OwnershipStatement] = {}
    accepted = (
        OwnershipStatement.objects.filter(provider_id__in=provider_ids, status=Status.ACCEPTED)
        .only("id", "provider_id", "version", "submitted_at", "decided_at")
        .order_by("provider_id", "-version")
    )
    for statement in accepted:
        statements.setdefault(statement.provider_id, statement)  # its latest version
    links: dict[int, list[InvestmentLink]] = defaultdict(list)
    if statements:
        investors = InvestmentLink.objects.filter(statement__in=statements.values()).only(
            *INVESTOR_FIELDS, "statement_id", "share_percent", "votes_percent"
        )
        for link in investors.order_by("id"):
            links[link.statement_id].append(link)
    return {
        provider_id: (
            statements.get(provider_id),
            links[statements[provider_id].pk] if provider_id in statements else [],
        )
        for provider_id in provider_ids
    }


def ownership_summary(
    statement: OwnershipStatement | None, links: list[InvestmentLink]
) -> dict[str, Any] | None:
    """Who stands behind the provider, in the PSC register's bands; None if nothing is accepted.

    "Foreign" means a country other than GB. Summaries count current holdings only; who controls
    the provider is `control_of`'s verdict, never decided here.
    """
    if statement is None:
        return None
    current = [link for link in links if link.ceased_on is None]
    foreign = [link for link in current if link.is_foreign]
    shares, votes = holding(foreign, "share_percent"), holding(foreign, "votes_percent")
    affiliated = [link for link in current if link.state_affiliation != StateAffiliation.NONE]
    return {
        "statement_version": statement.version,
        "accepted_on": local_date(statement.decided_at),
        "investors": [investor(link) for link in links],
        "foreign_share_band": ownership_band(shares),
        "foreign_votes_band": ownership_band(votes),
        "foreign_by_country": foreign_by_country(foreign),
        "state_affiliated": bool(affiliated),
        "state_affiliated_investors": [investor(link) for link in affiliated],
    }


def holding(links: Iterable[InvestmentLink], field: str) -> Decimal:
    return sum((getattr(link, field) or Decimal(0) for link in links), Decimal(0))


def investor(link: InvestmentLink) -> dict[str, Any]:
    """An investor as the public sees it: bands, never the exact holding or the NSI reference."""
    return {
        **{field: getattr(link, field) for field in INVESTOR_FIELDS},
        "share_band": link.share_band,
        "votes_band": link.votes_band,
    }


def foreign_by_country(foreign: list[InvestmentLink]) -> list[dict[str, Any]]:
    """Foreign holdings added up per country, each total in its band."""
    by_country: dict[str, list[InvestmentLink]] = defaultdict(list)
    for link in foreign:
        by_country[link.country].append(link)
    return [
        {
            "country": country,
            "investors": len(holders),
            "share_band": ownership_band(holding(holders, "share_percent")),
            "votes_band": ownership_band(holding(holders, "votes_percent")),
        }
        for country, holders in sorted(by_country.items())
    ]


def local_date(moment: datetime | None):
    return timezone.localdate(moment) if moment else None
