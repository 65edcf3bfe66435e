from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from registry.accounts.models import Invitation, Membership, User
from registry.accounts.roles import REGULATOR_GROUPS
from registry.accounts.validation import problems_becoming_regulator, problems_joining_provider
from registry.audit.admin_mixins import AuditedAdminMixin


class OneSideOnlyMixin(forms.ModelForm):
    """Refuse to make a provider member into regulator staff (Membership refuses the reverse)."""

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        becoming_regulator = groups and any(g.name in REGULATOR_GROUPS for g in groups)
        if becoming_regulator and self.instance.pk:
            problems = problems_becoming_regulator(self.instance)
            if problems:
                raise forms.ValidationError(problems[0].message)
        return groups


class RegisterUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


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
    add_form = RegisterUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
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
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "provider", "role", "joined_at"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user.is_regulator:
            raise forms.ValidationError(problems_joining_provider(user)[0].message)
        return user


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "provider", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "provider__legal_name", "provider__registration_number"]
    autocomplete_fields = ["user", "provider"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "provider",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "provider__legal_name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
