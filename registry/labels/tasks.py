"""The public register's tasks: each accepted label's PDF, the sweep for missing ones, and the
nightly open-data export. Each takes ids (or nothing) and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from registry.labels import exports, services


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=3)
def render_label_pdf(self, declaration_id: int) -> str:
    """Render and store a published version's PDF once; return its SHA-256."""
    return services.label_render_pdf(declaration_id).sha256


@shared_task
def render_missing_label_pdfs() -> int:
    return services.label_pdfs_reconcile()


@shared_task
def export_open_data() -> list[str]:
    return [export.sha256 for export in exports.open_data_export(timezone.now())]
