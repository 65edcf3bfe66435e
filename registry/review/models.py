from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from registry.filings.models import FilingKind
from registry.filings.states import AWAITING_REGULATOR, Status
from registry.review.clock import Clock


class Case(models.Model):
    """A filing's time with the regulator: who has it, its clock, its flags and findings.

    One per filing version, opened at its first submission. Status mirrors the filing's, so one
    queue can list both kinds of filing; it changes only with the filing, in the same transaction.
    """

    filing_kind = models.CharField(max_length=20, choices=FilingKind.choices)
    filing_id = models.BigIntegerField()
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="cases"
    )
    reference = models.CharField(max_length=40)
    # What the filing is about: the model's name and version, or the provider's name.
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    last_submitted_at = models.DateTimeField(default=timezone.now)
    submissions = models.PositiveIntegerField(default=1)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The statutory clock (see clock.py): days used before the current run, the day the current
    # run began, and the due date it gives (None while stopped), kept for sorting the queue.
    clock_days_used = models.PositiveIntegerField(default=0)
    clock_running_since = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["filing_kind", "filing_id"], name="case_one_per_filing"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def clock(self) -> Clock:
        return Clock(days_used=self.clock_days_used, running_since=self.clock_running_since)

    def days_left(self, today: date | None = None) -> int:
        return self.clock.days_left(settings.REVIEW_DAYS, today or timezone.localdate())

    @property
    def is_open(self) -> bool:
        return self.status in AWAITING_REGULATOR or self.status == Status.CHANGES_REQUESTED

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


class Severity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class CaseFlag(models.Model):
    """A risk flag raised by the rules on the latest submission (see risks.py)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(max_length=40, db_index=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="case_flag_once"),
        ]

    def __str__(self) -> str:
        return self.code


class FindingStatus(models.TextChoices):
    """Where a finding stands, as the case and the provider see it (see `Finding.status`)."""

    NOT_SENT = "not_sent", "Not sent yet"
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CHANGED = "changed", "Changed"
    UNCHANGED = "unchanged", "Unchanged"
    RESOLVED = "resolved", "Resolved"
    CARRIED_FORWARD = "carried_forward", "Carried forward"


class FindingChange(models.TextChoices):
    """What the resubmission after a finding did to its field, read from the field's diff."""

    CHANGED = "changed", "Changed"
    UNCHANGED = "unchanged", "Unchanged"


class FindingOutcome(models.TextChoices):
    """What the officer made of a finding once the provider resubmitted."""

    RESOLVED = "resolved", "Resolved"
    # Still to fix: a fresh finding on the same field goes with the next request for changes.
    CARRIED_FORWARD = "carried_forward", "Carried forward"


class Finding(models.Model):
    """A regulator's point about one field of a filing, sent to the provider with changes.

    Its life: raised (not sent yet), sent with a request for changes (open), perhaps answered by
    the provider's reply, then on resubmission its field is found changed or unchanged, and the
    officer resolves it or carries it forward into the next round.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="findings")
    # The submission it is about (1 for the first); the provider sees it once it is sent.
    submission = models.PositiveIntegerField()
    # A dotted path into the filing as snapshotted: "tdm_opt_out_measures", "sources.3.licence".
    field = models.CharField(max_length=200)
    # The row the path points into, by id: it stays the same row when the provider edits.
    row_id = models.BigIntegerField(null=True, blank=True)
    message = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's reply, while changes are requested (it may be rewritten until they resubmit).
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    # Set when the provider resubmits: whether the field the finding is about changed.
    change = models.CharField(max_length=10, choices=FindingChange.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=FindingOutcome.choices, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.message[:60]}"

    @property
    def status(self) -> FindingStatus:
        """The latest thing that happened to it: the officer's outcome, else what the
        resubmission did to its field, else the provider's reply, else whether it was sent."""
        if self.outcome:
            return FindingStatus(self.outcome)
        if self.change:
            return FindingStatus(self.change)
        if self.replied_at is not None:
            return FindingStatus.ANSWERED
        return FindingStatus.OPEN if self.sent_at is not None else FindingStatus.NOT_SENT


class NoteKind(models.TextChoices):
    NOTE = "note", "Internal note"
    MESSAGE = "message", "Message to the provider"


class CaseNote(models.Model):
    """An internal note (providers never see it) or a message to the provider."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=NoteKind.choices)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.body[:60]}"


class ConfidentialityRuling(models.Model):
    """The regulator's answer to a source's confidentiality claim, with its reason."""

    source = models.OneToOneField(
        "declarations.DataSource", on_delete=models.CASCADE, related_name="confidentiality_ruling"
    )
    accepted = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{'Accepted' if self.accepted else 'Refused'}: {self.source_id}"


class SavedFilter(models.Model):
    """An officer's named set of filters for one console page, kept as its query string."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(max_length=80)
    # Which page the filters belong to, by URL name in the review namespace: "console", "decided".
    view = models.CharField(max_length=40)
    query = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "view", "name"], name="saved_filter_name_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name
