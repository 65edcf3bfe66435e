from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts import services
from registry.accounts.access import (
    access_api_key_in_own_provider,
    access_invitation_in_own_provider,
    access_membership_in_own_provider,
    needs_two_factor_step,
    owner_required,
    signed_in_required,
)
from registry.accounts.forms import (
    AccountCreateForm,
    ApiKeyForm,
    InvitationForm,
    NewAuthenticatorCodeForm,
    NewPasswordForm,
    RoleForm,
    SignInForm,
    TwoFactorCodeForm,
)
from registry.accounts.models import ApiKey, Invitation
from registry.accounts.selectors import authenticator_secret, has_authenticator
from registry.accounts.validation import (
    problems_accepting,
    problems_using_set_up_link,
    problems_verifying_email,
    problems_with_invitation,
)
from registry.lib.problems import ProblemsError, add_problems_to_form


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


@login_required
def home(request):
    """Send a signed-in person to where their work is."""
    user = request.user
    if user.is_regulator:
        return redirect("review:console")
    if user.is_staff or user.is_superuser:
        return redirect("admin:index")
    if hasattr(user, "membership"):
        return redirect("providers:dashboard")
    return render(request, "accounts/home_no_organisation.html")


@require_http_methods(["GET", "POST"])
def account_create(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = safe_next(request, reverse("accounts:home"))
        try:
            user = services.account_create(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
                invitation_token=invitation_token_in(next_url),
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, account_created_message(user))
            return redirect(next_url)
    return render(request, "accounts/create.html", {"form": form, "next": safe_next(request, "")})


def invitation_token_in(url: str) -> str:
    """The invitation token of a link to an invitation page, or "" for any other address."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return ""
    return match.kwargs.get("token", "") if match.view_name == "accounts:invitation" else ""


def account_created_message(user) -> str:
    if user.email_verified_at is not None:
        return "Your account has been created"
    return (
        f"Your account has been created. We've sent a link to {user.email} to confirm your "
        "email address"
    )


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        if needs_two_factor_step(self.request):
            return reverse("accounts:two-factor") + "?" + urlencode({"next": url})
        return url


@require_http_methods(["GET", "POST"])
def sign_out(request):
    if request.method == "POST":
        logout(request)
        messages.success(request, "You have signed out")
        return redirect("home")
    if not request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/sign_out.html")


@login_required
def account(request):
    user = request.user
    context = {
        "membership": getattr(user, "membership", None),
        "has_authenticator": has_authenticator(user),
        "email_link_hours": settings.EMAIL_VERIFICATION_VALID_HOURS,
    }
    return render(request, "accounts/account.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        services.account_set_password(
            user=form.user, password=form.cleaned_data["new_password1"], how="changed"
        )
        form.save = lambda commit=True: form.user  # the service already saved it
        messages.success(self.request, "Your password has been changed")
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Email a reset link; or a set-up link to staff whose account was made with no password.

    The answer is the same whether or not an account uses the address.
    """

    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        services.set_up_link_request(email=form.cleaned_data["email"])
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        services.account_set_password(
            user=form.user, password=form.cleaned_data["new_password1"], how="reset"
        )
        form.save = lambda commit=True: form.user  # the service already saved it
        return super().form_valid(form)


# --- Confirming email addresses

# The address just confirmed, for the confirmation page that follows the button.
EMAIL_CONFIRMED_SESSION_KEY = "accounts:email_confirmed"


# The confirmation page's heading, by what stops the link ("" when nothing does).
EMAIL_LINK_HEADINGS = {
    "": "Confirm your email address",
    "email_link_invalid": "This link is not valid",
    "email_link_expired": "This link has expired",
    "email_link_used": "This link has already been used",
    "email_already_verified": "Your email address is already confirmed",
    "email_link_old_address": "This link is for an old email address",
}


@require_http_methods(["GET", "POST"])
def email_verify(request, token: str):
    """Show what a confirmation link confirms, and confirm it when the person presses the button.

    The link only opens this page: mail scanners that follow links must not use it up.
    """
    found = services.email_verification_find(token)
    hours = settings.EMAIL_VERIFICATION_VALID_HOURS
    problems = problems_verifying_email(found, hours)
    if request.method == "POST" and not problems:
        try:
            user = services.email_verify(token=token)
        except ProblemsError as error:
            problems = error.problems
        else:
            request.session[EMAIL_CONFIRMED_SESSION_KEY] = user.email
            return redirect("accounts:email-confirmed")
    status = 200
    if found is None:
        status = 404
    elif problems and request.method == "POST":
        status = 400
    problem = problems[0] if problems else None
    context = {
        "verification": found,
        "problem": problem,
        "heading": EMAIL_LINK_HEADINGS[problem.code if problem else ""],
        "hours": hours,
    }
    return render(request, "accounts/email_verify.html", context, status=status)


def email_confirmed(request):
    """Say that the address is confirmed; without a confirmation just made, go home."""
    email = request.session.pop(EMAIL_CONFIRMED_SESSION_KEY, None)
    if not email:
        return redirect("accounts:home")
    return render(request, "accounts/email_confirmed.html", {"email": email})


@signed_in_required
@require_http_methods(["POST"])
def email_verification_send(request):
    """Email the signed-in person a new confirmation link, then go back where they were."""
    try:
        services.email_verification_resend(user=request.user)
    except ProblemsError as error:
        messages.warning(request, error.problems[0].message)
    else:
        hours = settings.EMAIL_VERIFICATION_VALID_HOURS
        messages.success(
            request,
            f"We've sent a new link to {request.user.email}. It works for {hours} hours",
        )
    return redirect(safe_next(request, reverse("accounts:account")))


# --- Setting up regulator staff and administrator accounts

# Set while a person set up by a link goes on to add their authenticator app.
SETTING_UP_SESSION_KEY = "accounts:setting_up"

# The set-up page's heading, by what stops the link ("" when nothing does).
SET_UP_HEADINGS = {
    "": "Set up your account",
    "set_up_link_invalid": "This link is not valid",
    "set_up_link_expired": "This link has expired",
    "set_up_link_used": "This link has already been used",
    "set_up_done": "Your account is already set up",
    "set_up_link_old_address": "This link is for an old email address",
    "set_up_not_regulator": "This account is not set up by a link",
    "set_up_inactive": "This account has been deactivated",
}


@never_cache
@require_http_methods(["GET", "POST"])
def set_up(request, token: str):
    """Choose a password through a set-up link, then go on to add an authenticator app.

    Opening the link only shows the form: mail scanners that follow links can't use it up.
    """
    found = services.set_up_link_find(token)
    hours = settings.REGULATOR_SET_UP_VALID_HOURS
    problems = problems_using_set_up_link(found, hours)
    form = NewPasswordForm(request.POST or None, user=found.user if found else None)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            user = services.account_set_up(token=token, password=form.cleaned_data["password"])
        except ProblemsError as error:
            problems = error.problems
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SETTING_UP_SESSION_KEY] = True
            # Someone who kept their app (only the password was missing) is asked for a code.
            step = (
                "accounts:two-factor" if has_authenticator(user) else "accounts:two-factor-set-up"
            )
            return redirect(reverse(step) + "?" + urlencode({"next": reverse("accounts:home")}))
    status = 200
    if found is None:
        status = 404
    elif request.method == "POST" and problems:
        status = 400
    problem = problems[0] if problems else None
    context = {
        "link": found,
        "form": form,
        "problem": problem,
        "heading": SET_UP_HEADINGS[problem.code if problem else ""],
        "hours": hours,
    }
    return render(request, "accounts/set_up.html", context, status=status)


# --- Two-factor authentication

WRONG_CODE = "The code is not correct or has been used. Check your authenticator app and try again"
WRONG_NEW_APP_CODE = "The code is not correct. Check the time on your phone and try again"


def too_many_codes(seconds: int) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return (
        f"You have entered several wrong codes. Wait {seconds} {unit}, then enter the newest "
        "code from your app"
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Ask for a code from the authenticator app (or a backup code) before sensitive pages."""
    user = request.user
    next_url = safe_next(request, reverse("accounts:home"))
    if not has_authenticator(user):
        return redirect(reverse("accounts:two-factor-set-up") + "?" + urlencode({"next": next_url}))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            otp_login(request, check.device)
            request.session.pop(SETTING_UP_SESSION_KEY, None)
            return redirect(next_url)
        form.add_error("code", code_refused(check))
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request):
    """Add an authenticator app: show its secret as a QR code, then confirm it with a code."""
    user = request.user
    next_url = safe_next(request, reverse("accounts:home"))
    if user.is_verified() is False and has_authenticator(user):
        # Replacing a device needs the current one first, or a stolen password would suffice.
        return redirect(reverse("accounts:two-factor") + "?" + urlencode({"next": request.path}))
    device = services.two_factor_device_start(user=user)
    form = NewAuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.two_factor_device_confirm(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            otp_login(request, check.device)
            codes = services.backup_codes_replace(user=user)
            request.session.pop(SETTING_UP_SESSION_KEY, None)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", code_refused(check, wrong=WRONG_NEW_APP_CODE))
    context = {
        "form": form,
        "next": next_url,
        "setting_up": request.session.get(SETTING_UP_SESSION_KEY, False),
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False),
        "secret": device_secret_text(device),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


def code_refused(check: services.CodeCheck, wrong: str = WRONG_CODE) -> str:
    return too_many_codes(check.wait_seconds) if check.wait_seconds else wrong


def device_secret_text(device: TOTPDevice) -> str:
    """The secret as base32 in groups of four, for people who type it instead of scanning."""
    secret = authenticator_secret(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["POST"])
def backup_codes_replace(request):
    if not request.user.is_verified():
        return redirect(
            reverse("accounts:two-factor") + "?" + urlencode({"next": reverse("accounts:account")})
        )
    codes = services.backup_codes_replace(user=request.user)
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:account")}
    )


# --- Invitations and members


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """Show an invitation and let the person it was sent to accept it."""
    found = services.invitation_find(token)
    user = request.user
    if user.is_authenticated:
        problems = problems_accepting(found, user)
    else:
        problems = problems_with_invitation(found)
    if request.method == "POST" and user.is_authenticated and not problems:
        try:
            membership = services.invitation_accept(token=token, user=user)
        except ProblemsError as error:
            problems = error.problems
        else:
            messages.success(request, f"You have joined {membership.provider.display_name}")
            return redirect("providers:dashboard")
    status = 400 if problems and request.method == "POST" else 200
    if found is None:
        status = 404
    context = {"invitation": found, "problems": problems, "path": request.path}
    return render(request, "accounts/invitation.html", context, status=status)


@owner_required
@require_http_methods(["GET", "POST"])
def invite(request):
    membership = request.user.membership
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invitation_create(
                actor=request.user,
                provider=membership.provider,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            messages.success(request, f"Invitation sent to {sent.email}")
            return redirect("providers:organisation")
    return render(request, "accounts/invite.html", {"form": form})


@owner_required
@require_http_methods(["GET", "POST"])
def member_role(request, membership_id: int):
    member = access_membership_in_own_provider(request.user, membership_id)
    form = RoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                actor=request.user, membership=member, role=form.cleaned_data["role"]
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            messages.success(request, f"{member.user.full_name} is now {form.cleaned_data['role']}")
            return redirect("providers:organisation")
    return render(request, "accounts/member_role.html", {"form": form, "member": member})


@owner_required
@require_http_methods(["GET", "POST"])
def member_remove(request, membership_id: int):
    member = access_membership_in_own_provider(request.user, membership_id)
    problems = []
    if request.method == "POST":
        try:
            services.membership_remove(actor=request.user, membership=member)
        except ProblemsError as error:
            problems = error.problems
        else:
            messages.success(request, f"{member.user.full_name} has been removed")
            if member.user_id == request.user.pk:
                return redirect("accounts:home")
            return redirect("providers:organisation")
    status = 400 if problems else 200
    return render(
        request,
        "accounts/member_remove.html",
        {"member": member, "problems": problems},
        status=status,
    )


@owner_required
@require_http_methods(["POST"])
def invitation_revoke(request, invitation_id: int):
    found: Invitation = access_invitation_in_own_provider(request.user, invitation_id)
    services.invitation_revoke(actor=request.user, invitation=found)
    messages.success(request, f"Invitation to {found.email} withdrawn")
    return redirect("providers:organisation")


# --- API keys


@owner_required
def api_keys(request):
    """The organisation's API keys, revoked ones included, newest first."""
    keys = ApiKey.objects.filter(provider_id=request.user.membership.provider_id).select_related(
        "created_by", "revoked_by"
    )
    return render(request, "accounts/api_keys.html", {"keys": keys})


@never_cache
@owner_required
@require_http_methods(["GET", "POST"])
def api_key_create(request):
    """Name a key and choose its scope, then show its secret, on this response only."""
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            key, secret = services.api_key_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
            )
        except ProblemsError as error:
            add_problems_to_form(form, error.problems)
        else:
            # Rendered, not redirected: the secret is in no URL, session or later page.
            return render(request, "accounts/api_key_created.html", {"key": key, "secret": secret})
    return render(request, "accounts/api_key_new.html", {"form": form})


@owner_required
@require_http_methods(["GET", "POST"])
def api_key_revoke(request, key_id: int):
    key = access_api_key_in_own_provider(request.user, key_id)
    if request.method == "POST":
        services.api_key_revoke(actor=request.user, key=key)
        messages.success(request, f"{key.name} ({key.prefix}) has been revoked")
        return redirect("accounts:api-keys")
    return render(request, "accounts/api_key_revoke.html", {"key": key})
