"""Writes for provider organisations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict

from registry.accounts.models import Membership, User
from registry.accounts.roles import MemberRole
from registry.accounts.validation import problems_acting_as_owner, problems_joining_provider
from registry.audit.services import record
from registry.filings.services import (
    FilingSpec,
    RowSpec,
    empty_as_stored,
    filing_for_edit,
    filing_row_remove,
    filing_row_save,
    filing_sign,
    filing_touch,
    filing_transition,
    may_edit,
)
from registry.filings.states import OPEN, Status
from registry.filings.validation import filing_problem
from registry.lib.problems import Problem, ProblemsError, raise_if_any, shape_of
from registry.providers import selectors
from registry.providers.models import (
    InvestmentLink,
    OwnershipStatement,
    Provider,
    RegistrationSequence,
)
from registry.providers.validation import (
    normalise_company_number,
    validate_link,
    validate_ownership,
    validate_provider_details,
)

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
    """Keep only the detail fields, trimmed, with codes in upper case and the company number
    as Companies House writes it."""
    cleaned = {field: str(details.get(field) or "").strip() for field in DETAIL_FIELDS}
    cleaned["country"] = cleaned["country"].upper()
    cleaned["company_number"] = normalise_company_number(cleaned["company_number"])
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
    after = provider_details(provider)
    record(actor=actor, action="provider.updated", target=provider, before=before, after=after)
    if after != before:
        # What labels say of the provider may have changed: the log records it. (The log
        # builds on the providers, so it is imported here rather than at the top.)
        from registry.transparency.services import provider_corrected

        provider_corrected(provider.pk)
    return provider


# --- Ownership statements


def previous_accepted_statement(statement: OwnershipStatement) -> OwnershipStatement | None:
    return (
        OwnershipStatement.objects.select_for_update()
        .filter(provider_id=statement.provider_id, status=Status.ACCEPTED)
        .exclude(pk=statement.pk)
        .first()
    )


OWNERSHIP: FilingSpec[OwnershipStatement] = FilingSpec(
    kind="ownership",
    model=OwnershipStatement,
    provider_id=lambda statement: statement.provider_id,
    data=selectors.ownership_data,
    problems=validate_ownership,
    previous_accepted=previous_accepted_statement,
    subject=lambda statement: statement.provider.legal_name,
)


@transaction.atomic
def ownership_start(*, actor: User, provider: Provider, amend: bool) -> OwnershipStatement:
    """Start the next version: blank, or copied from the accepted one to amend it."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if not may_edit(actor, provider.pk):
        raise ProblemsError([filing_problem("not_permitted")])
    if provider.ownership_statements.filter(status__in=OPEN).exists():
        raise ProblemsError([filing_problem("open_filing_exists")])
    source = provider.ownership_statements.filter(status=Status.ACCEPTED).first() if amend else None
    if amend and source is None:
        raise ProblemsError([filing_problem("nothing_to_amend")])
    latest = provider.ownership_statements.aggregate(latest=Max("version"))["latest"] or 0
    statement = OwnershipStatement.objects.create(
        provider=provider, version=latest + 1, created_by=actor, amends=source
    )
    if source is not None:
        copies = []
        for link in source.links.all():
            link.pk, link.statement, link.lock_version = None, statement, 1
            copies.append(link)
        InvestmentLink.objects.bulk_create(copies)
    record(
        actor=actor,
        action="ownership.started",
        target=statement,
        after={"version": statement.version, "amends": source.pk if source else None},
    )
    return statement


LINK_ROWS = RowSpec(InvestmentLink, "statement", selectors.LINK_FIELDS, validate_link, "link")


@transaction.atomic
def link_save(
    *,
    actor: User,
    statement: OwnershipStatement,
    values: Mapping[str, Any],
    link: InvestmentLink | None = None,
    expected_lock_version: int | None = None,
    complete: bool = True,
) -> InvestmentLink:
    """Add an investment link, or change one (refused if changed since the form was opened).

    A value that can't be stored is refused; with `complete`, so is any other problem of it.
    """
    statement = filing_for_edit(OWNERSHIP, statement.pk, actor)
    return filing_row_save(
        filing=statement,
        rows=LINK_ROWS,
        row=link,
        values=values,
        expected_lock_version=expected_lock_version,
        actor=actor,
        complete=complete,
    )


@transaction.atomic
def link_remove(*, actor: User, link: InvestmentLink) -> None:
    statement = filing_for_edit(OWNERSHIP, link.statement_id, actor)
    filing_row_remove(filing=statement, rows=LINK_ROWS, row=link, actor=actor)


@transaction.atomic
def ownership_sign(
    *, actor: User, statement: OwnershipStatement, name: str, role: str, expected_lock_version: int
) -> OwnershipStatement:
    statement = filing_for_edit(OWNERSHIP, statement.pk, actor, expected_lock_version)
    return filing_sign(statement, actor, name, role)


@transaction.atomic
def ownership_discard(*, actor: User, statement: OwnershipStatement) -> None:
    """Delete a draft that was never submitted."""
    statement = filing_for_edit(OWNERSHIP, statement.pk, actor)
    if statement.submitted_at is not None:
        raise ProblemsError([filing_problem("not_discardable")])
    record(
        actor=actor,
        action="ownership.discarded",
        target=statement,
        before={"version": statement.version},
    )
    statement.links.all().delete()
    statement.delete()


@transaction.atomic
def ownership_sign_and_submit(
    *, actor: User, statement: OwnershipStatement, role: str, expected_lock_version: int
) -> OwnershipStatement:
    """Sign the statement of truth as the person submitting, under their account's name, and
    submit: both or neither."""
    signed = ownership_sign(
        actor=actor,
        statement=statement,
        name=actor.full_name,
        role=role,
        expected_lock_version=expected_lock_version,
    )
    return ownership_transition(
        actor=actor, statement=signed, action="submit", expected_lock_version=signed.lock_version
    )


def ownership_transition(
    *,
    actor: User | None,
    statement: OwnershipStatement,
    action: str,
    reason: str = "",
    expected_lock_version: int | None = None,
) -> OwnershipStatement:
    """Submit, withdraw, or (for regulators) start_review, request_changes, accept or reject."""
    return filing_transition(
        spec=OWNERSHIP,
        filing_id=statement.pk,
        action=action,
        actor=actor,
        reason=reason,
        expected_lock_version=expected_lock_version,
    )


# --- Ownership statements filled in one request (the API)


@transaction.atomic
def ownership_create(
    *, actor: User, provider: Provider, amend: bool, body: Mapping[str, Any]
) -> OwnershipStatement:
    """Start the next version and fill it from one body, keeping all that can be stored; a value
    that can't be refuses the whole, and no draft is started.

    The body is what `ownership_fill` takes; an empty one leaves the new draft as started.
    """
    statement = ownership_start(actor=actor, provider=provider, amend=amend)
    if not body:
        return statement
    return ownership_fill(actor=actor, statement=statement, body=body)


@transaction.atomic
def ownership_fill(
    *,
    actor: User,
    statement: OwnershipStatement,
    body: Mapping[str, Any],
    expected_lock_version: int | None = None,
) -> OwnershipStatement:
    """Change a draft with what the body gives: `links` (replacing every link), `signatory_name`,
    `signatory_role`, and `sign` (true signs the statement of truth once the rest is saved).

    1. Lock the draft; refuse it if it can't be changed or changed since the client read it.
    2. Check every link; refuse the lot, writing nothing, if any value can't be stored (their
       fields point into the body, like `links.2.share_percent`). What is missing or
       inconsistent is kept, for `validate` and submit to report.
    3. Replace the links and set the signatory: a change voids an earlier signature.
    4. Sign if asked and both the signatory's name and role are there (validate says when they
       are not), and record the change in the audit trail.
    """
    statement = filing_for_edit(OWNERSHIP, statement.pk, actor, expected_lock_version)
    links = [empty_as_stored(InvestmentLink, link) for link in body.get("links") or []]
    signatory = {
        field: str((body[field] if field in body else getattr(statement, field)) or "").strip()
        for field in ("signatory_name", "signatory_role")
    }
    raise_if_any(shape_of(problems_filling(links)))
    before = filled_data(statement)
    changed = "links" in body or any(field in body for field in signatory)
    if "links" in body:
        statement.links.all().delete()
        InvestmentLink.objects.bulk_create(
            InvestmentLink(
                statement=statement, **{f: link[f] for f in LINK_ROWS.fields if f in link}
            )
            for link in links
        )
    if changed:
        for field, value in signatory.items():
            setattr(statement, field, value)
        statement.save(update_fields=list(signatory))
        filing_touch(statement)
        record(
            actor=actor,
            action="ownership.filled",
            target=statement,
            before=before,
            after=filled_data(statement),
        )
    if body.get("sign") and all(signatory.values()):
        statement = filing_sign(
            statement, actor, signatory["signatory_name"], signatory["signatory_role"]
        )
    return statement


def problems_filling(links: list[dict[str, Any]]) -> list[Problem]:
    """Every problem of the links a body gives, their fields pointing into the body."""
    return [
        problem
        for index, link in enumerate(links)
        for problem in validate_link(link, prefix=f"links.{index}.")
    ]


def filled_data(statement: OwnershipStatement) -> dict[str, Any]:
    """What `ownership_fill` changes, for the audit trail's before and after."""
    return {
        "links": [model_to_dict(link, fields=LINK_ROWS.fields) for link in statement.links.all()],
        "signatory_name": statement.signatory_name,
        "signatory_role": statement.signatory_role,
    }
