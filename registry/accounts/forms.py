from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from registry.accounts.models import ApiScope
from registry.accounts.roles import MemberRole
from registry.accounts.validation import MESSAGES, problems_api_key

ROLE_HINTS = {
    MemberRole.OWNER: "Manages members and API keys, and can do everything a submitter can",
    MemberRole.SUBMITTER: "Registers models and drafts, submits and amends filings",
    MemberRole.VIEWER: "Reads the organisation's models and filings",
}


class NewPasswordForm(forms.Form):
    """A password chosen twice, judged by the usual validators; alone, what a set-up link asks."""

    password = forms.CharField(
        help_text="At least 12 characters, not a common password and not only numbers",
        strip=False,
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Confirm password",
        strip=False,
        error_messages={"required": "Enter the password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # so that a password too like the person's name or address is refused

    def clean(self):
        cleaned = super().clean() or {}
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and again != password:
            self.add_error("password_again", "The passwords do not match")
        elif password:
            try:
                password_validation.validate_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class AccountCreateForm(NewPasswordForm):
    field_order = ["full_name", "email", "password", "password_again"]

    full_name = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated. Contact the regulator",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We'll send them a link to join. It works for 7 days",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your backup codes",
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )


class NewAuthenticatorCodeForm(TwoFactorCodeForm):
    """The first code from a newly added app: there are no backup codes yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your authenticator app shows"


SCOPE_HINTS = {
    ApiScope.READ: "Reads the organisation's models and filings, and changes nothing",
    ApiScope.WRITE: (
        "Also registers models, drafts filings, submits and withdraws them. Give it only to "
        "systems that file for you"
    ),
}


class ApiKeyForm(forms.Form):
    """The name and scope of a new API key, judged by `validation.problems_api_key`."""

    name = forms.CharField(
        help_text="So you can tell your keys apart, like 'Release pipeline'",
        error_messages={"required": MESSAGES["api_key_name_required"]},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # A CharField, not a ChoiceField: which scopes exist is the validation's to say.
    scope = forms.CharField(
        label="What may the key do?",
        error_messages={"required": MESSAGES["api_key_scope_invalid"]},
        widget=forms.RadioSelect(choices=ApiScope.choices),
    )

    def clean(self):
        cleaned = super().clean() or {}
        name, scope = cleaned.get("name", ""), cleaned.get("scope", "")
        for problem in problems_api_key(name, scope):
            if problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return cleaned

    def scope_options(self) -> list[tuple[Any, str]]:
        """The scope radios, each with the hint that says what it allows."""
        return [(option, SCOPE_HINTS[option.data["value"]]) for option in self["scope"].subwidgets]
