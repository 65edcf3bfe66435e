"""Writes for provider organisations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from registry.accounts.models import Membership, User
from registry.accounts.roles import MemberRole
from registry.accounts.validation import problems_acting_as_owner, problems_joining_provider
from registry.audit.services import record
from registry.lib.problems import raise_if_any
from registry.providers.models import Provider, RegistrationSequence
from registry.providers.validation import validate_provider_details

DETAIL_FIELDS = (
    "legal_name",
    "trading_name",
    "company_number",
    "country",
    "registered_address",
    "website",
    "contact_email",
    "uk_representative",
)


def registration_number_allocate(prefix: str) -> str:
    """Hand out the next number for a prefix, e.g. PRV-000042; safe under concurrency."""
    sequence, _ = RegistrationSequence.objects.select_for_update().get_or_create(prefix=prefix)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"{prefix}-{sequence.last_value:06d}"


def provider_details(provider: Provider) -> dict[str, Any]:
    return model_to_dict(provider, fields=DETAIL_FIELDS)


def clean_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the detail fields, trimmed, with codes in upper case."""
    cleaned = {field: str(details.get(field) or "").strip() for field in DETAIL_FIELDS}
    cleaned["country"] = cleaned["country"].upper()
    cleaned["company_number"] = cleaned["company_number"].upper().replace(" ", "")
    return cleaned


@transaction.atomic
def provider_register(*, user: User, details: Mapping[str, Any]) -> Provider:
    """Register an organisation with the person registering it as its first owner.

    1. Check the person may join an organisation and the details are complete.
    2. Assign the PRV- number, create the provider and the owner's membership.
    3. Record both in the audit trail.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    cleaned = clean_details(details)
    raise_if_any(problems_joining_provider(user))
    raise_if_any(validate_provider_details(cleaned))
    provider = Provider.objects.create(
        registration_number=registration_number_allocate("PRV"), **cleaned
    )
    membership = Membership.objects.create(user=user, provider=provider, role=MemberRole.OWNER)
    record(
        actor=user, action="provider.registered", target=provider, after=provider_details(provider)
    )
    record(
        actor=user,
        action="membership.created",
        target=membership,
        after={"provider": provider.registration_number, "role": membership.role},
    )
    return provider


@transaction.atomic
def provider_update(*, actor: User, provider: Provider, details: Mapping[str, Any]) -> Provider:
    """Change an organisation's details; only its owners may."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    raise_if_any(problems_acting_as_owner(actor, provider))
    cleaned = clean_details(details)
    raise_if_any(validate_provider_details(cleaned))
    before = provider_details(provider)
    for field, value in cleaned.items():
        setattr(provider, field, value)
    provider.save(update_fields=list(DETAIL_FIELDS))
    record(
        actor=actor,
        action="provider.updated",
        target=provider,
        before=before,
        after=provider_details(provider),
    )
    return provider
