"""Writes for accounts, memberships, invitations and two-factor devices."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import cast

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts import validation
from registry.accounts.models import (
    ApiKey,
    EmailVerification,
    Invitation,
    Membership,
    User,
    normalise_email,
)
from registry.accounts.roles import REGULATOR_GROUPS, MemberRole
from registry.audit.services import record
from registry.lib.problems import ProblemsError, raise_if_any
from registry.notifications.models import Kind
from registry.notifications.services import Recipient, notification_create
from registry.providers.models import Provider

BACKUP_CODE_COUNT = 10
# Links to confirm an address: at most one a minute, and a few a day, so that the button can't
# be used to flood someone's inbox.
EMAIL_LINK_INTERVAL = timedelta(minutes=1)
EMAIL_LINKS_PER_DAY = 5


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def account_create(
    *, email: str, full_name: str, password: str, invitation_token: str = ""
) -> User:
    """Create a person's account and email them a link to confirm their address.

    A pending invitation to the same address, whose link the person followed here, already
    proves the address: then the account starts confirmed and no link is sent.
    """
    raise_if_any(validation.problems_creating_account(email))
    invited = invitation_proves(invitation_token, email)
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name.strip(),
        email_verified_at=timezone.now() if invited else None,
    )
    record(actor=user, action="account.created", target=user, after=account_details(user))
    if not invited:
        email_verification_send(user=user, action="account.email_verification_sent")
    return user


def account_details(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": user.is_active,
        "email_verified": user.email_verified_at is not None,
    }


def invitation_proves(token: str, email: str) -> bool:
    """Whether a pending invitation with this token was sent to this address."""
    invitation = invitation_find(token) if token else None
    if invitation is None or validation.problems_with_invitation(invitation):
        return False
    return normalise_email(invitation.email) == normalise_email(email)


# --- Confirming email addresses


def email_verification_send(*, user: User, action: str) -> EmailVerification:
    """Email the person a new one-time link to confirm their address, and record it as `action`."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    verification = EmailVerification.objects.create(
        user=user,
        email=user.email,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=settings.EMAIL_VERIFICATION_VALID_HOURS),
    )
    record(actor=user, action=action, target=user, after={"email": user.email})
    # To the address alone, not the account: the inbox would show the link to whoever signs in,
    # and the link must prove the mailbox, not the password. The outbox erases it once sent.
    notification_create(
        kind=Kind.EMAIL_VERIFICATION,
        cause=f"email_verification:{verification.pk}",
        recipients=[Recipient(email=verification.email)],
        context={
            "verification": verification,
            "full_name": user.full_name,
            "url": email_verification_url(token),
            "hours": settings.EMAIL_VERIFICATION_VALID_HOURS,
        },
        secret=True,
    )
    return verification


def email_verification_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:email-verify", args=[token])


def email_verification_find(token: str) -> EmailVerification | None:
    found = EmailVerification.objects.select_related("user")
    return found.filter(token_hash=token_hash(token)).first()


@transaction.atomic
def email_verification_resend(*, user: User) -> EmailVerification:
    """Send the person a new link, unless their address is confirmed or they asked too often."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_proven:
        raise ProblemsError([validation.problem("email_already_verified")])
    now = timezone.now()
    sent = EmailVerification.objects.filter(user=user, created_at__gt=now - timedelta(days=1))
    if sent.filter(created_at__gt=now - EMAIL_LINK_INTERVAL).exists():
        raise ProblemsError([validation.problem("email_link_too_soon")])
    if sent.count() >= EMAIL_LINKS_PER_DAY:
        raise ProblemsError([validation.problem("email_link_too_many", count=EMAIL_LINKS_PER_DAY)])
    return email_verification_send(user=user, action="account.email_verification_resent")


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Confirm the address a link was sent to, once, if it is still the account's address."""
    verification = (
        EmailVerification.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    )
    if verification is not None:
        # Lock the account too, and read it fresh: its address may have changed since.
        verification.user = User.objects.select_for_update().get(pk=verification.user_id)
    hours = settings.EMAIL_VERIFICATION_VALID_HOURS
    raise_if_any(validation.problems_verifying_email(verification, hours))
    verification = cast(EmailVerification, verification)  # refused above when missing
    now = timezone.now()
    verification.used_at = now
    verification.save(update_fields=["used_at"])
    return email_mark_verified(user=verification.user, how="link", now=now)


def email_mark_verified(*, user: User, how: str, now: datetime | None = None) -> User:
    """Record that the person proved their address (how: "link" or "invitation")."""
    user.email_verified_at = now or timezone.now()
    user.save(update_fields=["email_verified_at"])
    record(
        actor=user,
        action="account.email_verified",
        target=user,
        after={"email": user.email, "how": how},
    )
    return user


@transaction.atomic
def email_changed(*, actor: User, user: User) -> None:
    """After someone's address changes, ask them to confirm the new one.

    Regulator staff need no link: administrators set up their accounts and addresses.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"email_verified": user.email_verified_at is not None}
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])
    record(
        actor=actor,
        action="account.email_verification_reset",
        target=user,
        before=before,
        after={"email": user.email, "email_verified": False},
    )
    if not user.is_regulator:
        email_verification_send(user=user, action="account.email_verification_sent")


@transaction.atomic
def account_set_password(*, user: User, password: str, how: str) -> None:
    """Set a new password (how: "changed" or "reset") and record it, without the password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=user, action=f"account.password_{how}", target=user)


@transaction.atomic
def regulator_create(*, email: str, full_name: str, role: str, password: str | None) -> User:
    """Create a regulator staff account (administrators only, via the admin or a command)."""
    if role not in REGULATOR_GROUPS:
        raise ValueError(f"role must be one of {REGULATOR_GROUPS}")
    raise_if_any(validation.problems_creating_account(email))
    # The administrator knows the address: regulator staff need no link to confirm it.
    user = User.objects.create_user(
        email, password, full_name=full_name.strip(), email_verified_at=timezone.now()
    )
    user.groups.add(Group.objects.get(name=role))
    record(actor=None, action="regulator.created", target=user, after={"role": role})
    return user


@transaction.atomic
def invitation_create(*, actor: User, provider: Provider, email: str, role: str) -> Invitation:
    """Invite someone to the organisation and email them a link; replaces any earlier invitation."""
    raise_if_any(validation.problems_acting_as_owner(actor, provider))
    email = normalise_email(email)
    raise_if_any(validation.problems_inviting(provider, email, role))
    for earlier in Invitation.objects.pending().filter(provider=provider, email=email):
        invitation_revoke(actor=actor, invitation=earlier)
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        provider=provider,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record(
        actor=actor,
        action="invitation.created",
        target=invitation,
        after={"email": email, "role": role},
    )
    # The token exists only in this email: the outbox erases a secret body once it is sent, but
    # keeps a notification's `link`, so the invitation's address goes in the body instead.
    notification_create(
        kind=Kind.INVITATION,
        cause=f"invitation:{invitation.pk}",
        recipients=[Recipient(email=invitation.email)],
        context={"invitation": invitation, "url": invitation_url(token)},
        secret=True,
    )
    return invitation


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", args=[token])


def invitation_find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("provider").filter(token_hash=token_hash(token)).first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the organisation an invitation is for, once, as the person it was sent to."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    user = User.objects.select_for_update().get(pk=user.pk)
    raise_if_any(validation.problems_accepting(invitation, user))
    invitation = cast(Invitation, invitation)  # problems_accepting refuses a missing one
    membership = Membership.objects.create(
        user=user, provider=invitation.provider, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(actor=user, action="invitation.accepted", target=invitation)
    if user.email_verified_at is None:
        # The invitation's link reached this address, which is the account's: that proves it.
        email_mark_verified(user=user, how="invitation", now=invitation.accepted_at)
    record(
        actor=user,
        action="membership.created",
        target=membership,
        after={"provider": invitation.provider.registration_number, "role": membership.role},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    raise_if_any(validation.problems_acting_as_owner(actor, invitation.provider))
    if not invitation.is_pending:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(actor=actor, action="invitation.revoked", target=invitation)


def lock_memberships(provider_id: int) -> None:
    """Lock the organisation's memberships so two owners can't both step down at once."""
    list(Membership.objects.select_for_update().filter(provider_id=provider_id).values_list("pk"))


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    lock_memberships(membership.provider_id)
    membership = Membership.objects.select_related("user", "provider").get(pk=membership.pk)
    raise_if_any(validation.problems_acting_as_owner(actor, membership.provider))
    if role not in MemberRole.values:
        raise_if_any([validation.problem("role_invalid", "role")])
    raise_if_any(validation.problems_leaving_owners(membership, role))
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        actor=actor,
        action="membership.role_changed",
        target=membership,
        before=before,
        after={"role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    lock_memberships(membership.provider_id)
    membership = Membership.objects.select_related("user", "provider").get(pk=membership.pk)
    raise_if_any(validation.problems_acting_as_owner(actor, membership.provider))
    raise_if_any(validation.problems_leaving_owners(membership, None))
    record(
        actor=actor,
        action="membership.removed",
        target=membership,
        before={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()


# --- Two-factor authentication


@transaction.atomic
def two_factor_device_start(*, user: User) -> TOTPDevice:
    """Return the person's unconfirmed authenticator-app device, creating one if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_device_confirm(*, user: User, code: str) -> TOTPDevice | None:
    """Confirm the new device if the code matches; returns it, or None for a wrong code."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="two_factor.device_confirmed", target=user)
    return device


@transaction.atomic
def backup_codes_replace(*, user: User) -> list[str]:
    """Replace the person's one-time backup codes with new ones and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Backup codes"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record(actor=user, action="two_factor.backup_codes_replaced", target=user)
    return codes


# --- API keys

API_KEY_PREFIX = "prk_"
# Refresh last_used_at at most this often, so reads don't each cost a write.
API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


def api_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, actor: User, name: str, scope: str) -> tuple[ApiKey, str]:
    """Make a key for the owner's provider; returns it with the raw key, which is never stored."""
    membership = Membership.objects.select_related("provider").filter(user=actor).first()
    provider = membership.provider if membership else None
    if provider is None or validation.problems_acting_as_owner(actor, provider):
        raise ProblemsError([validation.problem("not_owner")])
    raise_if_any(validation.problems_api_key(name, scope))
    prefix = API_KEY_PREFIX + secrets.token_hex(4)
    raw = f"{prefix}.{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        provider=provider,
        name=name.strip(),
        prefix=prefix,
        key_hash=api_key_hash(raw),
        scope=scope,
        created_by=actor,
    )
    record(
        actor=actor,
        action="api_key.created",
        target=key,
        after={"name": key.name, "scope": scope, "prefix": prefix},
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, actor: User, key: ApiKey) -> None:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    raise_if_any(validation.problems_acting_as_owner(actor, key.provider))
    if key.revoked_at is not None:
        return
    key.revoked_at, key.revoked_by = timezone.now(), actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    record(actor=actor, action="api_key.revoked", target=key, before={"prefix": key.prefix})


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The active key this raw key is, if its creator still belongs to its provider; else None."""
    prefix, _, _ = raw.partition(".")
    key = (
        ApiKey.objects.select_related("provider", "created_by")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, api_key_hash(raw)):
        return None
    still_member = Membership.objects.filter(user=key.created_by, provider=key.provider).exists()
    if not (still_member and key.created_by.is_active):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > API_KEY_TOUCH_INTERVAL:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# --- Records of sign-ins, kept only as long as the privacy notice says

# The privacy notice says sign-ins are recorded for 12 months, to investigate misuse of accounts.
SIGN_IN_RECORDS_KEPT = timedelta(days=365)


def sign_in_records_prune(now: datetime | None = None) -> int:
    """Delete the records of sign-ins and failed attempts older than `SIGN_IN_RECORDS_KEPT`;
    return how many went."""
    cutoff = (now or timezone.now()) - SIGN_IN_RECORDS_KEPT
    deleted = 0
    for log in (AccessLog, AccessFailureLog, AccessAttempt):
        deleted += log.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted
