from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from registry.accounts.roles import FILER_ROLES, REGULATOR_GROUPS, MemberRole


def normalise_email(email: str) -> str:
    """Return the one spelling of an address we store and compare: trimmed and lower-case."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        # Made by an operator at the command line, for an address the regulator knows.
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "administrator", default=False, help_text="Can sign in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(
        "email address confirmed",
        null=True,
        blank=True,
        help_text=(
            "When the person proved the address is theirs, by a link we emailed or by accepting an "
            "invitation sent to it. Empty until then, and again after the address changes."
        ),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def regulator_roles(self) -> frozenset[str]:
        """Names of the regulator groups this person belongs to (empty for provider staff)."""
        names = self.groups.filter(name__in=REGULATOR_GROUPS).values_list("name", flat=True)
        return frozenset(names)

    @property
    def is_regulator(self) -> bool:
        return bool(self.regulator_roles)

    @property
    def email_proven(self) -> bool:
        """Whether the address is known to be the person's: confirmed, or regulator staff.

        Administrators make regulator staff and administrator accounts for addresses they know, so
        those count as proven without a link.
        """
        return self.email_verified_at is not None or self.is_regulator_side

    @property
    def is_regulator_side(self) -> bool:
        """Regulator staff or an administrator: never provider staff as well."""
        return self.is_staff or self.is_superuser or self.is_regulator

    @property
    def needs_two_factor(self) -> bool:
        """Regulator staff and administrators must pass two-factor authentication."""
        return self.is_regulator_side


class Membership(models.Model):
    """A person's place in a provider organisation; a person belongs to at most one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=MemberRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.provider})"

    @property
    def can_edit_filings(self) -> bool:
        return self.role in FILER_ROLES

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An owner's invitation for someone to join their organisation with a role."""

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    # Only a hash is stored: the token itself exists in the email and nowhere else.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=MemberRole.values), name="invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.provider}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class EmailVerification(models.Model):
    """A one-time link, emailed to prove that an address belongs to the account's person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_verifications"
    )
    # The address the link went to: it proves that address only, not one the account has since.
    email = models.EmailField(max_length=254)
    # Only a hash is stored: the token itself exists in the email and nowhere else.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="email_verification_sent")]

    def __str__(self) -> str:
        return f"Email confirmation link for {self.email}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class SetUpLink(models.Model):
    """A one-time link, emailed to new regulator staff, to choose a password and an authenticator.

    Administrators make these accounts without a password; the person sets one through the link.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="set_up_links"
    )
    # The address the link went to: after the account's address changes, the link works no more.
    email = models.EmailField(max_length=254)
    # Only a hash is stored: the token itself exists in the email and nowhere else.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set on the person's other links when one of them is used: an account is set up once.
    spent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="set_up_link_sent")]

    def __str__(self) -> str:
        return f"Set-up link for {self.email}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ApiScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiKey(models.Model):
    """A provider's key to the API: shown once, stored as a hash, acting with its creator's rights.

    The key reads `<prefix>.<secret>`; the prefix identifies it in lists and logs, and only the
    SHA-256 of the whole key is kept.
    """

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=20, unique=True)
    key_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=ApiScope.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=ApiScope.values), name="api_key_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == ApiScope.WRITE
