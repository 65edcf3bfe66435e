from __future__ import annotations

from django.db import models
from django.utils import timezone


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
