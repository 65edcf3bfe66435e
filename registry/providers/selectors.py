"""Reads for provider organisations."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from registry.accounts.models import Invitation, Membership
from registry.providers.models import Provider


def provider_members(provider: Provider) -> QuerySet[Membership]:
    return provider.memberships.select_related("user").order_by("user__full_name")


def provider_pending_invitations(provider: Provider) -> QuerySet[Invitation]:
    return Invitation.objects.pending().filter(provider=provider).select_related("invited_by")


def providers_for_regulator(query: str = "") -> QuerySet[Provider]:
    """Every registered provider with its member count, optionally matching a search."""
    providers = Provider.objects.annotate(member_count=Count("memberships"))
    if query:
        providers = (
            providers.filter(legal_name__icontains=query)
            | providers.filter(registration_number__iexact=query)
            | providers.filter(trading_name__icontains=query)
        )
    return providers.order_by("legal_name")
