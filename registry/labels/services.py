"""Writes of the public register: each accepted label's PDF, rendered once, kept with its hash."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from registry.audit.services import record
from registry.declarations.models import ProvenanceDeclaration
from registry.labels import selectors
from registry.labels.models import LabelPdf
from registry.lib.pdf import html_to_pdf

logger = logging.getLogger(__name__)


def label_pdf_schedule(declaration_id: int) -> None:
    """Have the PDF of a just-accepted label rendered, without the caller waiting for it.

    Call it from `transaction.on_commit`. For now it renders in-process, after the commit; once the
    Celery app exists this becomes the task (`label_render_pdf.delay`), and a sweep renders any
    PDF a broker outage skipped. A failure is logged, never raised: the acceptance stands and the
    label page simply has no PDF link until a later render succeeds.
    """
    try:
        label_render_pdf(declaration_id)
    except Exception:
        logger.exception("Label PDF not rendered for declaration %s", declaration_id)


def label_render_pdf(declaration_id: int) -> LabelPdf:
    """Render and store the PDF of a published label, once; return the stored one.

    1. If the declaration has its PDF already, return it: a version is rendered only once.
    2. Render the shared label partial to PDF, outside any transaction (it takes about a second).
    3. In one transaction: lock the declaration, check again, store the file, its SHA-256 and size,
       and record the audit event. A render that lost the race is dropped.
    """
    existing = LabelPdf.objects.filter(declaration_id=declaration_id).first()
    if existing is not None:
        return existing
    declaration = (
        selectors.published_declarations().select_related("model__provider").get(pk=declaration_id)
    )
    content = label_pdf_bytes(declaration)
    with transaction.atomic():
        ProvenanceDeclaration.objects.select_for_update().filter(pk=declaration_id).first()
        existing = LabelPdf.objects.filter(declaration_id=declaration_id).first()
        if existing is not None:
            return existing
        label_pdf = LabelPdf(
            declaration=declaration,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            rendered_at=timezone.now(),
        )
        label_pdf.file.save("label.pdf", ContentFile(content), save=False)
        label_pdf.save()
        record(
            actor=None,
            action="label.pdf_rendered",
            target=label_pdf,
            after={"file": label_pdf.file.name, "sha256": label_pdf.sha256, "size": len(content)},
        )
    return label_pdf


def label_pdf_bytes(declaration: ProvenanceDeclaration) -> bytes:
    """The label as a PDF: the same partial as the label page, in a print layout."""
    label = selectors.label_data(declaration)
    model = label["model"]
    html = render_to_string(
        "labels/pdf.html",
        {"label": label, "links": label_pdf_links(label), "site_url": settings.SITE_URL},
    )
    title = f"{model['name']} {model['version']} ({model['registration_number']})"
    return html_to_pdf(html, title=title)


def label_pdf_links(label: dict) -> dict[str, str]:
    """Where the label lives on the web, in full, since a PDF is read away from the site."""
    number, version = label["model"]["registration_number"], label["version"]
    base = f"{settings.SITE_URL}/register/models/{number}"
    return {
        "label": f"{base}/",
        "version": f"{base}/v/{version}/",
        "json": f"{base}.json",
        "register": f"{settings.SITE_URL}/register/",
    }
