"""Writes for accounts, memberships, invitations and two-factor devices."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import cast

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts import validation
from registry.accounts.models import (
    ApiKey,
    EmailVerification,
    Invitation,
    Membership,
    SetUpLink,
    User,
    normalise_email,
)
from registry.accounts.roles import REGULATOR_GROUPS, MemberRole
from registry.accounts.selectors import has_authenticator
from registry.audit.services import record
from registry.lib.problems import ProblemsError, raise_if_any
from registry.notifications.models import Kind
from registry.notifications.services import Recipient, notification_create, render_message
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

    Regulator staff and administrators need no link: administrators set up their accounts and
    addresses.
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
    if not user.is_regulator_side:
        email_verification_send(user=user, action="account.email_verification_sent")


@transaction.atomic
def account_set_password(*, user: User, password: str, how: str) -> None:
    """Set a new password (how: "changed", "reset" or "set_up") and record it, without it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=user, action=f"account.password_{how}", target=user)


@transaction.atomic
def regulator_create(*, actor: User | None, email: str, full_name: str, role: str) -> SetUpSent:
    """Create a regulator staff account with no password, and email them a link to set it up.

    Administrators make these accounts, through the admin or a command, for an address they know:
    it needs no link to confirm it.
    """
    if role not in REGULATOR_GROUPS:
        raise ValueError(f"role must be one of {REGULATOR_GROUPS}")
    raise_if_any(validation.problems_creating_account(email))
    user = User.objects.create_user(
        email, None, full_name=full_name.strip(), email_verified_at=timezone.now()
    )
    # The groups come from a data migration; made here too should a database lack them.
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    record(actor=actor, action="regulator.created", target=user, after={"role": role})
    return set_up_link_send(actor=actor, user=user)


# --- Setting up regulator staff and administrator accounts

# Links asked for through "Forgotten your password?": at most one a minute and a few a day, so
# that the page can't be used to flood someone's inbox.
SET_UP_LINK_INTERVAL = timedelta(minutes=1)
SET_UP_LINKS_PER_DAY = 5


@dataclass(frozen=True)
class SetUpSent:
    """A set-up link just sent: the account, the link's record, and its address (never stored)."""

    user: User
    link: SetUpLink
    url: str


def account_is_set_up(user: User) -> bool:
    """Whether the person has both a password and a confirmed authenticator app."""
    return user.has_usable_password() and has_authenticator(user)


@transaction.atomic
def set_up_link_send(*, actor: User | None, user: User) -> SetUpSent:
    """Email regulator staff or an administrator a one-time link to set up their account.

    Earlier links keep working until they expire or one of them is used: a stranger asking for
    links on the forgotten-password page must not be able to spoil the one an administrator sent.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    raise_if_any(validation.problems_setting_up(user))
    if account_is_set_up(user):
        raise ProblemsError([validation.problem("set_up_done")])
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    hours = settings.REGULATOR_SET_UP_VALID_HOURS
    link = SetUpLink.objects.create(
        user=user,
        email=user.email,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    record(actor=actor, action="account.set_up_link_sent", target=user, after={"email": user.email})
    url = set_up_link_url(token)
    # Not "link": the emails' layout takes that for a path on the register to add at the end.
    context = {"set_up": link, "full_name": user.full_name, "url": url, "hours": hours}
    # Sent straight from this process after commit, not through the outbox or a broker: the token
    # must not wait in a table or a queue. A failure is logged; an administrator can send again.
    transaction.on_commit(partial(set_up_email_send, link.email, context), robust=True)
    return SetUpSent(user=user, link=link, url=url)


def set_up_email_send(email: str, context: dict) -> None:
    message = render_message("regulator_set_up", context | {"recipient": Recipient(email=email)})
    mail = EmailMultiAlternatives(message["subject"], message["body_text"], to=[email])
    mail.attach_alternative(message["body_html"], "text/html")
    mail.send()


def set_up_link_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:set-up", args=[token])


def set_up_link_find(token: str) -> SetUpLink | None:
    return SetUpLink.objects.select_related("user").filter(token_hash=token_hash(token)).first()


@transaction.atomic
def set_up_link_request(*, email: str) -> SetUpLink | None:
    """Send a new set-up link to the not yet set up account with this address, if there is one.

    Asked for on the forgotten-password page, which sends a password reset only to accounts with
    a password: an account made without one gets a set-up link instead. Says nothing to the asker.
    """
    user = (
        User.objects.select_for_update()
        .filter(email__iexact=normalise_email(email), is_active=True)
        .first()
    )
    if user is None or user.has_usable_password() or validation.problems_setting_up(user):
        return None
    now = timezone.now()
    sent = SetUpLink.objects.filter(user=user, created_at__gt=now - timedelta(days=1))
    too_soon = sent.filter(created_at__gt=now - SET_UP_LINK_INTERVAL).exists()
    if too_soon or sent.count() >= SET_UP_LINKS_PER_DAY:
        return None
    return set_up_link_send(actor=None, user=user).link


@transaction.atomic
def account_set_up(*, token: str, password: str) -> User:
    """Set the password of the account a set-up link is for, and spend the link.

    1. Lock the link and its account, and check the link still works.
    2. Set the password; mark this link used and the person's other links spent.
    3. Record it, without the password. The authenticator app is the next step, once signed in.
    """
    link = SetUpLink.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if link is not None:
        link.user = User.objects.select_for_update().get(pk=link.user_id)
    raise_if_any(validation.problems_using_set_up_link(link, settings.REGULATOR_SET_UP_VALID_HOURS))
    link = cast(SetUpLink, link)  # refused above when missing
    now = timezone.now()
    link.used_at = now
    link.save(update_fields=["used_at"])
    others = SetUpLink.objects.filter(user=link.user, used_at__isnull=True, spent_at__isnull=True)
    others.exclude(pk=link.pk).update(spent_at=now)
    account_set_password(user=link.user, password=password, how="set_up")
    return link.user


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


# One wrong code in a row costs no wait, so that a slip followed at once by the right code works.
# After that each wrong code doubles the wait (1, 2, 4... seconds), as django-otp's back-off does.
FREE_WRONG_CODES = 1


@dataclass(frozen=True)
class CodeCheck:
    """The device that accepted a code; or none, and how long to wait if it was not even tried."""

    device: Device | None
    wait_seconds: int = 0


@transaction.atomic
def two_factor_device_confirm(*, user: User, code: str) -> CodeCheck:
    """Confirm the new device if the code matches; the check names it, or says why not."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        return CodeCheck(device=None)
    check = code_check(device, code)
    if check.device is None:
        return check
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action="two_factor.device_confirmed", target=user)
    return check


@transaction.atomic
def two_factor_verify(*, user: User, code: str) -> CodeCheck:
    """Find the person's device that accepts this code: their app, or one of their backup codes."""
    waits = []
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        check = code_check(device, code)
        if check.device is not None:
            return check
        waits.append(check.wait_seconds)
    # "Wait" only if no device even looked at the code; else it was simply wrong.
    return CodeCheck(device=None, wait_seconds=min(waits) if waits and all(waits) else 0)


def code_check(device: Device, code: str) -> CodeCheck:
    """Check a code on one device, under the register's back-off rather than django-otp's."""
    wait = two_factor_wait(device, timezone.now())
    if wait:
        return CodeCheck(device=None, wait_seconds=wait)
    # Allowed by the register's back-off; django-otp's own, one step stricter, must not refuse it.
    # Cleared in memory only: a wrong code sets the time again as django-otp counts it.
    device.throttling_failure_timestamp = None
    accepted = device.verify_token(code.strip().replace(" ", ""))
    return CodeCheck(device=device if accepted else None)


def two_factor_wait(device: Device, now: datetime) -> int:
    """Whole seconds until the device may check another code: 0 if it may now."""
    failures = device.throttling_failure_count
    last = device.throttling_failure_timestamp
    if failures <= FREE_WRONG_CODES or last is None:
        return 0
    required = device.get_throttle_factor() * 2 ** (failures - 1 - FREE_WRONG_CODES)
    remaining = required - (now - last).total_seconds()
    return max(0, math.ceil(remaining))


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
    raise_if_any(validation.problems_acting_for_provider(actor))
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
    creator = key.created_by
    still_member = Membership.objects.filter(user=creator, provider=key.provider).exists()
    # An administrator acts for no provider, even with a key made before they became one.
    administrator = creator.is_staff or creator.is_superuser
    if not (still_member and creator.is_active) or administrator:
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
