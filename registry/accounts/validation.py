"""Rules for accounts, memberships and invitations: reads that return problems, never write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.accounts.models import (
    ApiScope,
    EmailVerification,
    Invitation,
    Membership,
    SetUpLink,
    User,
    normalise_email,
)
from registry.accounts.roles import MemberRole
from registry.lib.problems import Problem

if TYPE_CHECKING:
    from registry.providers.models import Provider

MESSAGES = {
    "email_taken": "An account with this email address already exists. Sign in instead",
    "regulator_cannot_join": (
        "Regulator staff cannot belong to a provider organisation. Use a separate account"
    ),
    "administrator_cannot_join": (
        "Administrators of the register are regulator staff, so they cannot belong to a provider "
        "organisation or act for one. Use a separate account"
    ),
    "already_member": "You already belong to an organisation: a person can belong to only one",
    "provider_cannot_be_regulator": (
        "This person belongs to a provider organisation, so they cannot be regulator staff or an "
        "administrator"
    ),
    "not_owner": "Only an owner of the organisation can do this",
    "last_owner": ("An organisation must always have an owner. Make someone else an owner first"),
    "invitee_already_member": "This person is already a member of your organisation",
    "role_invalid": "Select a role: owner, submitter or viewer",
    "invitation_invalid": (
        "This invitation link is not valid. Check you copied the whole link from the email"
    ),
    "invitation_expired": (
        "This invitation has expired. Ask the organisation's owner to invite you again"
    ),
    "invitation_used": "This invitation has already been used",
    "invitation_revoked": "This invitation was withdrawn by the organisation",
    "api_key_name_required": "Enter a name for the key, like 'Release pipeline'",
    "api_key_name_too_long": "The key's name must be 100 characters or fewer",
    "api_key_scope_invalid": "Select what the key may do: read, or read and write",
    "invitation_other_email": (
        "This invitation was sent to a different email address. Sign in with the address the "
        "invitation was sent to"
    ),
    "email_not_verified": (
        "Confirm your email address before you sign a statement of truth. Open the link in the "
        "email we sent you when you created your account, or get a new link from the "
        "'Your account' page"
    ),
    "email_link_invalid": (
        "This link is not valid. Check you copied the whole link from the email, or get a new "
        "link from the 'Your account' page"
    ),
    "email_link_expired": (
        "This link has expired. Get a new link from the 'Your account' page: it works for "
        "{hours} hours"
    ),
    "email_link_used": "This link has already been used. Each link works once",
    "email_link_old_address": (
        "This link was sent to an address your account no longer uses. Open the link we sent to "
        "your current address, or get a new one from the 'Your account' page"
    ),
    "email_already_verified": "Your email address is already confirmed. You do not need a link",
    "email_link_too_soon": (
        "We sent you a link less than a minute ago. Check your inbox and spam folder, and wait a "
        "minute before asking for another"
    ),
    "email_link_too_many": (
        "You have asked for {count} links in the last 24 hours. Use the newest link we sent you, "
        "or ask again tomorrow"
    ),
    "set_up_link_invalid": (
        "This link is not valid. Check you copied the whole link from the email"
    ),
    "set_up_link_expired": "This link has expired. Set-up links work for {hours} hours",
    "set_up_link_used": "This link has already been used. Each set-up link works once",
    "set_up_link_old_address": ("This link was sent to an address your account no longer uses"),
    "set_up_done": "This account has already been set up",
    "set_up_not_regulator": (
        "Only regulator staff and administrators are set up by a link. Provider staff create "
        "their own accounts"
    ),
    "set_up_inactive": "This account has been deactivated",
}


def problem(code: str, field: str = "", **details: object) -> Problem:
    return Problem(code=code, field=field, message=MESSAGES[code].format(**details))


def problems_creating_account(email: str) -> list[Problem]:
    if User.objects.filter(email__iexact=normalise_email(email)).exists():
        return [problem("email_taken", "email")]
    return []


def problems_joining_provider(user: User) -> list[Problem]:
    """Return why this person can't join a provider organisation, if they can't."""
    if regulator_side := problems_acting_for_provider(user):
        return regulator_side
    if Membership.objects.filter(user=user).exists():
        return [problem("already_member")]
    return []


def problems_becoming_regulator(user: User) -> list[Problem]:
    if Membership.objects.filter(user=user).exists():
        return [problem("provider_cannot_be_regulator", "groups")]
    return []


def problems_acting_for_provider(user: User) -> list[Problem]:
    """Return why this person may not act for a provider at all: they are on the regulator's side.

    A membership made before the rule was enforced, or left behind when someone became regulator
    staff, gives them nothing.
    """
    if user.is_staff or user.is_superuser:
        return [problem("administrator_cannot_join")]
    if user.is_regulator:
        return [problem("regulator_cannot_join")]
    return []


def problems_acting_as_owner(actor: User, provider: Provider) -> list[Problem]:
    is_owner = Membership.objects.filter(
        user=actor, provider=provider, role=MemberRole.OWNER
    ).exists()
    return [] if is_owner else [problem("not_owner")]


def problems_inviting(provider: Provider, email: str, role: str) -> list[Problem]:
    problems = []
    if role not in MemberRole.values:
        problems.append(problem("role_invalid", "role"))
    already = Membership.objects.filter(
        provider=provider, user__email__iexact=normalise_email(email)
    ).exists()
    if already:
        problems.append(problem("invitee_already_member", "email"))
    return problems


def problems_leaving_owners(membership: Membership, new_role: str | None) -> list[Problem]:
    """Refuse a change that leaves the organisation with no owner (new_role None: removal)."""
    if membership.role != MemberRole.OWNER or new_role == MemberRole.OWNER:
        return []
    other_owners = Membership.objects.filter(
        provider_id=membership.provider_id, role=MemberRole.OWNER
    ).exclude(pk=membership.pk)
    return [] if other_owners.exists() else [problem("last_owner")]


def problems_api_key(name: str, scope: str) -> list[Problem]:
    problems = []
    if not name.strip():
        problems.append(problem("api_key_name_required", "name"))
    elif len(name.strip()) > 100:
        problems.append(problem("api_key_name_too_long", "name"))
    if scope not in ApiScope.values:
        problems.append(problem("api_key_scope_invalid", "scope"))
    return problems


def problems_with_invitation(invitation: Invitation | None) -> list[Problem]:
    """Return why an invitation can't be accepted by anyone, if it can't."""
    if invitation is None:
        return [problem("invitation_invalid")]
    if invitation.accepted_at is not None:
        return [problem("invitation_used")]
    if invitation.revoked_at is not None:
        return [problem("invitation_revoked")]
    if not invitation.is_pending:
        return [problem("invitation_expired")]
    return []


def problems_accepting(invitation: Invitation | None, user: User) -> list[Problem]:
    """Return why this person can't accept this invitation, if they can't."""
    problems = problems_with_invitation(invitation)
    if problems or invitation is None:
        return problems
    if normalise_email(user.email) != normalise_email(invitation.email):
        return [problem("invitation_other_email")]
    return problems_joining_provider(user)


# --- Email addresses


def problems_signing(user: User) -> list[Problem]:
    """Return why this person may not sign a statement of truth yet, if they may not."""
    return [] if user.email_proven else [problem("email_not_verified")]


def problems_verifying_email(verification: EmailVerification | None, hours: int) -> list[Problem]:
    """Return why this link can't confirm its account's address, if it can't."""
    if verification is None:
        return [problem("email_link_invalid")]
    user = verification.user
    if normalise_email(verification.email) != normalise_email(user.email):
        return [problem("email_link_old_address")]
    if user.email_verified_at is not None:
        # Used, or made needless by another link or an invitation: either way, nothing to do.
        code = "email_link_used" if verification.used_at else "email_already_verified"
        return [problem(code)]
    if verification.used_at is not None:
        return [problem("email_link_used")]
    if verification.is_expired:
        return [problem("email_link_expired", hours=hours)]
    return []


# --- Setting up regulator staff accounts


def problems_setting_up(user: User) -> list[Problem]:
    """Return why this account can't be set up by a link, if it can't."""
    if not user.is_active:
        return [problem("set_up_inactive")]
    if not user.is_regulator_side:
        return [problem("set_up_not_regulator")]
    return []


def problems_using_set_up_link(link: SetUpLink | None, hours: int) -> list[Problem]:
    """Return why this link can't set up its account now, if it can't."""
    if link is None:
        return [problem("set_up_link_invalid")]
    if link.used_at is not None:
        return [problem("set_up_link_used")]
    if link.spent_at is not None:
        return [problem("set_up_done")]
    if normalise_email(link.email) != normalise_email(link.user.email):
        return [problem("set_up_link_old_address")]
    if link.is_expired:
        return [problem("set_up_link_expired", hours=hours)]
    return problems_setting_up(link.user)
