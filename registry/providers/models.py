from __future__ import annotations

from django.db import models
from django.utils import timezone

from registry.filings.models import Filing, FilingKind
from registry.filings.states import OPEN, Status


class RegistrationSequence(models.Model):
    """The last number handed out for one kind of registration number (PRV, MOD)."""

    prefix = models.CharField(max_length=10, primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_value}"


class Provider(models.Model):
    """A provider of AI models operating in the UK, registered under the Act."""

    registration_number = models.CharField(max_length=10, unique=True)
    legal_name = models.CharField(max_length=200)
    trading_name = models.CharField(max_length=200, blank=True)
    company_number = models.CharField(
        max_length=8, blank=True, help_text="UK Companies House number; optional for overseas."
    )
    country = models.CharField(
        "country of incorporation", max_length=2, help_text="ISO 3166-1 alpha-2 code"
    )
    registered_address = models.TextField()
    website = models.URLField(max_length=300)
    contact_email = models.EmailField(max_length=254)
    uk_representative = models.TextField(
        "UK representative",
        blank=True,
        help_text="Name and address of the UK representative; required outside the UK.",
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_number__regex=r"^PRV-[0-9]{6}$"),
                name="provider_registration_number_format",
            ),
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"), name="provider_country_format"
            ),
            models.CheckConstraint(
                condition=models.Q(country="GB") | ~models.Q(uk_representative=""),
                name="provider_overseas_needs_uk_representative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.registration_number})"

    @property
    def display_name(self) -> str:
        return self.trading_name or self.legal_name

    @property
    def is_overseas(self) -> bool:
        return self.country != "GB"


class InvestorKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    COMPANY = "company", "Company"
    FUND = "fund", "Fund"
    STATE_BODY = "state_body", "State body"
    SOVEREIGN_FUND = "sovereign_fund", "Sovereign wealth fund"
    OTHER = "other", "Other"


class StateAffiliation(models.TextChoices):
    NONE = "none", "None"
    STATE_OWNED = "state_owned", "State-owned"
    STATE_CONTROLLED = "state_controlled", "State-controlled"
    GOVERNMENT = "government", "Government"
    MILITARY_LINKED = "military_linked", "Military-linked"


class OwnershipBand(models.TextChoices):
    """Public bands of a holding, as on the PSC register: 25_50 means over 25 % up to 50 %."""

    NONE = "none", "None"
    LT_10 = "lt_10", "Less than 10%"
    B10_25 = "10_25", "10% to 25%"
    B25_50 = "25_50", "More than 25% to 50%"
    B50_75 = "50_75", "More than 50% to 75%"
    B75_100 = "75_100", "More than 75%"


def ownership_band(percent) -> str:
    """The public band an exact percentage falls in."""
    if percent is None or percent <= 0:
        return OwnershipBand.NONE
    if percent < 10:
        return OwnershipBand.LT_10
    for upper, band in (
        (25, OwnershipBand.B10_25),
        (50, OwnershipBand.B25_50),
        (75, OwnershipBand.B50_75),
    ):
        if percent <= upper:
            return band
    return OwnershipBand.B75_100


class ControlVerdict(models.TextChoices):
    """Who controls a provider, as its labels, their alerts, the register's filters and the API
    say (decided by `review.risks.control` alone)."""

    UK_CONTROLLED = "uk_controlled", "UK-controlled"
    FOREIGN_CONTROLLED = "foreign_controlled", "Foreign-controlled"
    FOREIGN_STATE_INFLUENCE = "foreign_state_influence", "Foreign state influence"
    NOT_DECLARED = "not_declared", "Not declared"


class OwnershipStatement(Filing):
    """Who owns or controls a provider, as the provider declares it; versioned like declarations."""

    kind = FilingKind.OWNERSHIP

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="ownership_statements"
    )
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    # Who controls the provider by this statement (`risks.control`) and the countries behind it,
    # fixed when it is accepted: what the register's filters read. Blank before then.
    control_verdict = models.CharField(max_length=30, blank=True, editable=False)
    control_countries = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["provider", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "version"], name="ownership_unique_version"
            ),
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(status__in=sorted(OPEN)),
                name="ownership_one_open_per_provider",
            ),
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(status=Status.ACCEPTED),
                name="ownership_one_accepted_per_provider",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="ownership_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(control_verdict="")
                | models.Q(control_verdict__in=ControlVerdict.values),
                name="ownership_control_verdict_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.display_name} ownership statement v{self.version}"


class InvestmentLink(models.Model):
    """An investor in the provider: who, from where, how much, and whether a state is behind it."""

    statement = models.ForeignKey(
        OwnershipStatement, on_delete=models.CASCADE, related_name="links"
    )
    lock_version = models.PositiveIntegerField(default=1)
    investor_name = models.CharField(max_length=300)
    investor_kind = models.CharField(max_length=20, choices=InvestorKind.choices)
    country = models.CharField(max_length=2, blank=True)
    registration_number = models.CharField(max_length=100, blank=True)
    # Exact holdings: required, regulator-only; the public sees the bands.
    share_percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    votes_percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    board_appointment = models.BooleanField(default=False)
    significant_influence = models.BooleanField(default=False)
    state_affiliation = models.CharField(
        max_length=20, choices=StateAffiliation.choices, default=StateAffiliation.NONE
    )
    acquired_on = models.DateField(null=True, blank=True)
    ceased_on = models.DateField(null=True, blank=True)
    nsi_notified = models.BooleanField(default=False)
    nsi_reference = models.CharField("NSI reference", max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(investor_kind__in=InvestorKind.values),
                name="link_investor_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state_affiliation__in=StateAffiliation.values),
                name="link_state_affiliation_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(share_percent__isnull=True)
                | (models.Q(share_percent__gte=0) & models.Q(share_percent__lte=100)),
                name="link_share_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(votes_percent__isnull=True)
                | (models.Q(votes_percent__gte=0) & models.Q(votes_percent__lte=100)),
                name="link_votes_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.investor_name

    @property
    def share_band(self) -> str:
        return ownership_band(self.share_percent)

    @property
    def votes_band(self) -> str:
        return ownership_band(self.votes_percent)

    @property
    def is_foreign(self) -> bool:
        return bool(self.country) and self.country != "GB"
