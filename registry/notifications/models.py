"""The outbox: every message the register sends, written in the transaction of its cause."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    FILING_RECEIVED = "filing_received", "Filing received"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    ACCEPTED = "accepted", "Filing accepted"
    REJECTED = "rejected", "Filing rejected"
    WITHDRAWN = "withdrawn", "Filing withdrawn"
    REGULATOR_MESSAGE = "regulator_message", "Message from the regulator"
    REVIEW_DUE_SOON = "review_due_soon", "Review due soon"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    REDECLARATION_DUE = "redeclaration_due", "Re-declaration due"
    REDECLARATION_OVERDUE = "redeclaration_overdue", "Re-declaration overdue"
    RED_TEAM_DUE = "red_team_due", "Red-team attestation due"
    INVITATION = "invitation", "Invitation"
    EMAIL_VERIFICATION = "email_verification", "Email address confirmation"


class Delivery(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """One message to one person: emailed, and shown in their inbox if they have an account.

    `key` names the cause and the recipient, so that whatever runs twice (a reminder sweep, a
    redelivered task) finds the row it wrote the first time instead of writing another.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="Empty for someone without an account yet (an invitation).",
    )
    email = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    link = models.CharField(max_length=500, blank=True, help_text="A path on the register.")
    secret = models.BooleanField(
        default=False,
        help_text="The body holds a secret (an invitation link): it is erased once sent.",
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivery="pending"),
                name="notification_unsent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivery__in=Delivery.values), name="notification_delivery_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(delivery="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email}"
