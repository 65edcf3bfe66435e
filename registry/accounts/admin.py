from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.contrib.messages import SUCCESS, WARNING
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as OtpStaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.models import (
    ApiKey,
    EmailVerification,
    Invitation,
    Membership,
    SetUpLink,
    User,
    normalise_email,
)
from registry.accounts.roles import REGULATOR_GROUPS
from registry.accounts.services import email_changed, set_up_link_send
from registry.accounts.validation import (
    problems_acting_for_provider,
    problems_becoming_regulator,
    problems_creating_account,
)
from registry.audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from registry.lib.problems import ProblemsError


def regulator_side(cleaned: dict) -> bool:
    """Whether a user form's choices make the person regulator staff or an administrator."""
    groups = cleaned.get("groups") or []
    in_group = any(group.name in REGULATOR_GROUPS for group in groups)
    return in_group or bool(cleaned.get("is_staff")) or bool(cleaned.get("is_superuser"))


class OneSideOnlyMixin(forms.ModelForm):
    """Refuse to make a provider member into regulator staff or an administrator (Membership
    refuses the reverse)."""

    def clean(self):
        cleaned = super().clean() or {}
        if regulator_side(cleaned) and self.instance.pk:
            problems = problems_becoming_regulator(self.instance)
            if problems:
                raise forms.ValidationError(problems[0].message)
        return cleaned


class RegulatorCreationForm(forms.ModelForm):
    """A new regulator staff or administrator account: no password, a set-up link instead.

    Provider staff make their own accounts; administrators make only the regulator's.
    """

    class Meta:
        model = User
        fields = ("email", "full_name", "groups", "is_staff", "is_superuser")

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if problems := problems_creating_account(email):
            raise forms.ValidationError(problems[0].message)
        return email

    def clean(self):
        cleaned = super().clean() or {}
        if not regulator_side(cleaned):
            raise forms.ValidationError(
                "Choose a regulator role (the case_officer or decision_maker group), or make "
                "them an administrator. Provider staff create their own accounts"
            )
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        # The administrator knows the address: regulator staff need no link to confirm it.
        user.email_verified_at = timezone.now()
        if commit:
            user.save()
            self.save_m2m()
        return user


class RegisterUserChangeForm(OneSideOnlyMixin, UserChangeForm):
    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
        ]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = RegisterUserChangeForm
    add_form = RegulatorCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        ("email_verified_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined", "email_verified_at"]
    fieldsets = [
        (
            None,
            {
                "fields": ["email", "email_verified_at", "full_name", "password"],
                "description": (
                    "Changing the email address asks the person to confirm the new one: until "
                    "they do, they cannot sign statements of truth."
                ),
            },
        ),
        (
            "Roles",
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups"],
                "description": (
                    "Regulator staff belong to the case_officer or decision_maker group. "
                    "A member of a provider organisation cannot be regulator staff."
                ),
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "groups", "is_staff", "is_superuser"],
                "description": (
                    "For regulator staff and administrators only. The account has no password: "
                    "we email the person a link to choose one and add an authenticator app. It "
                    f"works for {settings.REGULATOR_SET_UP_VALID_HOURS} hours; send another with "
                    "the 'Send set-up link' action."
                ),
            },
        ),
    ]
    filter_horizontal = ["groups"]
    actions = ["send_set_up_link"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and "email" in form.changed_data:
                email_changed(actor=request.user, user=obj)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            if not change:  # only now are the new person's groups saved
                self.set_up_link_send(request, form.instance)

    @admin.action(description="Send set-up link")
    def send_set_up_link(self, request, queryset):
        for user in queryset.order_by("email"):
            self.set_up_link_send(request, user)

    def set_up_link_send(self, request, user: User) -> None:
        try:
            sent = set_up_link_send(actor=request.user, user=user)
        except ProblemsError as error:
            self.message_user(
                request, f"Not sent to {user.email}: {error.problems[0].message}", WARNING
            )
            return
        hours = settings.REGULATOR_SET_UP_VALID_HOURS
        note = f"Set-up link sent to {sent.link.email}. It works for {hours} hours"
        if settings.DEBUG:
            note += f": {sent.url}"
        self.message_user(request, note, SUCCESS)


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "provider", "role", "joined_at"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if problems := problems_acting_for_provider(user):
            raise forms.ValidationError(problems[0].message)
        return user


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "provider", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "provider__legal_name", "provider__registration_number"]
    date_hierarchy = "joined_at"
    list_select_related = ["user", "provider"]
    autocomplete_fields = ["user", "provider"]


# Everything but the token's hash.
INVITATION_FIELDS = (
    "provider",
    "email",
    "role",
    "invited_by",
    "created_at",
    "expires_at",
    "accepted_at",
    "accepted_by",
    "revoked_at",
)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: owners invite and revoke through their pages; the token's hash is never shown."""

    list_display = [
        "email",
        "provider",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["email", "provider__legal_name", "provider__registration_number"]
    date_hierarchy = "created_at"
    list_select_related = ["provider", "invited_by"]
    fields = readonly_fields = INVITATION_FIELDS


# Everything but the token's hash.
EMAIL_VERIFICATION_FIELDS = ("user", "email", "created_at", "expires_at", "used_at")


@admin.register(EmailVerification)
class EmailVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the links people were sent to confirm their address; the hash is never shown."""

    list_display = EMAIL_VERIFICATION_FIELDS
    list_filter = [("used_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["email", "user__email", "user__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    fields = readonly_fields = EMAIL_VERIFICATION_FIELDS


# Everything but the token's hash.
SET_UP_LINK_FIELDS = ("user", "email", "created_at", "expires_at", "used_at", "spent_at")


@admin.register(SetUpLink)
class SetUpLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the set-up links regulator staff were sent; the hash is never shown."""

    list_display = SET_UP_LINK_FIELDS
    list_filter = [("used_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["email", "user__email", "user__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    fields = readonly_fields = SET_UP_LINK_FIELDS


# Everything but the key's hash.
API_KEY_FIELDS = (
    "provider",
    "name",
    "prefix",
    "scope",
    "created_by",
    "created_at",
    "last_used_at",
    "revoked_at",
    "revoked_by",
)


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: providers create and revoke keys through their pages; the hash is never shown."""

    list_display = [
        "name",
        "prefix",
        "provider",
        "scope",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter), "last_used_at"]
    search_fields = ["name", "prefix", "provider__legal_name", "provider__registration_number"]
    date_hierarchy = "created_at"
    list_select_related = ["provider", "created_by"]
    fields = readonly_fields = API_KEY_FIELDS


# Regulator roles are groups, and second factors guard the admin: changes to either are audited.
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    pass


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(AuditedAdminMixin, OtpTOTPDeviceAdmin):
    list_select_related = ["user"]


@admin.register(StaticDevice)
class StaticDeviceAdmin(AuditedAdminMixin, OtpStaticDeviceAdmin):
    list_select_related = ["user"]
