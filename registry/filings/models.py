from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from registry.filings.states import EDITABLE, TRANSITIONS, Actor, Status


class FilingKind(models.TextChoices):
    DECLARATION = "declaration", "Provenance declaration"
    OWNERSHIP = "ownership", "Ownership statement"


class Filing(models.Model):
    """What both filing kinds share: version, lifecycle status and the statement of truth."""

    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every edit: a form saved against an older number was overtaken by someone else.
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_role = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # The codes of the public alerts the label shows, fixed when the filing is accepted (by the
    # label's own rules, `labels.services`), so the register's filters agree with its labels.
    public_alerts = models.JSONField(default=list, blank=True, editable=False)

    kind: str = ""

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def reference(self) -> str:
        prefix = "DEC" if self.kind == FilingKind.DECLARATION else "OWN"
        return f"{prefix}-{self.pk:06d}-v{self.version}"


class FilingSnapshot(models.Model):
    """The whole filing as submitted: canonical JSON and its SHA-256, kept for good."""

    filing_kind = models.CharField(max_length=20, choices=FilingKind.choices)
    filing_id = models.BigIntegerField()
    filing_version = models.PositiveIntegerField()
    # 1 for the first submission of this version, 2 after changes were requested, and so on.
    submission = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["filing_kind", "filing_id", "submission"]
        constraints = [
            models.UniqueConstraint(
                fields=["filing_kind", "filing_id", "submission"], name="snapshot_unique_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filing_kind} {self.filing_id} submission {self.submission}"


class FilingTransition(models.Model):
    """One move through the lifecycle, with who made it and why: the filing's own history."""

    filing_kind = models.CharField(max_length=20, choices=FilingKind.choices)
    filing_id = models.BigIntegerField()
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["filing_kind", "filing_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.filing_kind} {self.filing_id}: {self.action}"

    @property
    def by_regulator(self) -> bool:
        return TRANSITIONS[self.action].actor in (Actor.REGULATOR, Actor.DECISION_MAKER)
