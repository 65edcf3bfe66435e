"""What the register publishes as files: each accepted label's PDF, and the open-data exports.

Both are kept for good and read by anyone; they live in the `default` storage (object storage in
production, by settings), named so that a reader can tell what a file is from its path.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from registry.declarations.models import ProvenanceDeclaration


def label_pdf_path(label_pdf: LabelPdf, filename: str) -> str:
    declaration = label_pdf.declaration
    return f"labels/{declaration.model.registration_number}/v{declaration.version}.pdf"


class LabelPdf(models.Model):
    """The PDF of one accepted label, rendered once, with the SHA-256 of its bytes."""

    declaration = models.OneToOneField(
        ProvenanceDeclaration, on_delete=models.PROTECT, related_name="label_pdf"
    )
    file = models.FileField(upload_to=label_pdf_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    # Counted as it is rendered. Empty only for a file stored before pages were counted whose
    # count could not be read back from it: the file is never rendered again (its SHA-256 is
    # public), and no count is better than a guessed one.
    pages = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField()

    class Meta:
        verbose_name = "label PDF"
        ordering = ["-rendered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="label_pdf_sha256_hex"
            ),
            models.CheckConstraint(
                condition=Q(pages__isnull=True) | Q(pages__gte=1), name="label_pdf_pages_counted"
            ),
        ]

    def __str__(self) -> str:
        return f"PDF of {self.declaration}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSONL = "jsonl", "JSON Lines"


def open_data_path(export: OpenDataExport, filename: str) -> str:
    return f"open-data/{export.created_at:%Y%m%dT%H%M%SZ}/register.{export.format}"


class OpenDataExport(models.Model):
    """One file of the whole public register, with its SHA-256 and its number of rows."""

    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    file = models.FileField(upload_to=open_data_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    rows = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "open-data export"
        ordering = ["-created_at", "format"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="open_data_export_format"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="open_data_export_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"Open data ({self.get_format_display()}) of {self.created_at:%Y-%m-%d %H:%M}"
