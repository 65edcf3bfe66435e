"""Who may open which page: the only place views check roles and fetch protected records."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from registry.accounts.models import ApiKey, Invitation, Membership, User, normalise_email
from registry.accounts.validation import (
    problems_acting_as_owner,
    problems_acting_for_provider,
    problems_signing,
)


def may_sign_statements(user: User) -> bool:
    """Whether the person may sign a statement of truth: their email address must be proven."""
    return not problems_signing(user)


def sign_in_username(request, credentials) -> str:
    """The address failed sign-ins are counted against, spelt one way whatever the case typed."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalise_email(typed)


def needs_two_factor_step(request) -> bool:
    """Whether the person must still enter a code (someone who just signed in always must)."""
    user = request.user
    verified = getattr(user, "is_verified", None)  # set by OTPMiddleware, not by login()
    return user.is_authenticated and user.needs_two_factor and not (verified and verified())


def two_factor_redirect(request):
    return redirect_to_login(request.get_full_path(), "accounts:two-factor")


def member_required(view):
    """Let in members of a provider organisation; others go to sign in or their own home.

    Regulator staff and administrators are never provider staff, membership or not: regulator
    staff see a 404 (they work in the console), administrators a page that says why not.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_regulator:
            raise Http404
        if refused := problems_acting_for_provider(user):
            return render(
                request, "accounts/provider_only.html", {"problem": refused[0]}, status=403
            )
        if not hasattr(user, "membership"):
            return redirect("accounts:home")
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view):
    """Let in owners of a provider organisation; other members are told only owners may."""

    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        if problems_acting_as_owner(request.user, request.user.membership.provider):
            return render(request, "accounts/owners_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def signed_in_required(view):
    """Let in anyone signed in; regulator staff and administrators once past two-factor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_two_factor_step(request):
            return two_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def regulator_required(view):
    """Let in regulator staff who passed two-factor authentication; everyone else sees a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_regulator:
            raise Http404
        if needs_two_factor_step(request):
            return two_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def access_membership_in_own_provider(user: User, membership_id: int) -> Membership:
    """A membership of the person's own organisation, or 404."""
    return get_object_or_404(
        Membership.objects.select_related("user", "provider"),
        pk=membership_id,
        provider_id=user.membership.provider_id,
    )


def access_invitation_in_own_provider(user: User, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("provider"),
        pk=invitation_id,
        provider_id=user.membership.provider_id,
    )


def access_api_key_in_own_provider(user: User, key_id: int) -> ApiKey:
    """An API key of the person's own organisation, or 404."""
    return get_object_or_404(
        ApiKey.objects.select_related("provider"),
        pk=key_id,
        provider_id=user.membership.provider_id,
    )
