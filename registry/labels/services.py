"""Writes of the public register: what acceptance fixes of a label, and each label's PDF."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from registry.api.v1.public import label_response
from registry.audit.services import record
from registry.declarations.models import ProvenanceDeclaration
from registry.labels import selectors
from registry.labels.models import LabelPdf
from registry.lib.background import dispatch
from registry.lib.pdf import RenderedPdf, html_to_pdf
from registry.providers.models import OwnershipStatement
from registry.review import risks
from registry.transparency import services as transparency
from registry.transparency.models import Act
from registry.transparency.selectors import label_with_proofs

# --- What acceptance fixes, so that the register's filters say what its labels say


def declaration_alerts_fix(declaration: ProvenanceDeclaration) -> None:
    """Fix the public alerts of a declaration being accepted (an accept hook: the lifecycle
    saves the declaration). Read as its label reads them, so the filters can't disagree; the one
    alert that comes with time is kept as the day it starts."""
    rows = selectors.label_rows([declaration], set())
    data = selectors.declaration_risk_data(rows, declaration.pk)
    flags = risks.declaration_flags(data, timezone.localdate())
    declaration.public_alerts = [
        flag.code for flag in risks.public_alerts(flags) if flag.code != "red_team_overdue"
    ]
    declaration.red_team_overdue_on = risks.red_team_overdue_on(data)


def ownership_control_fix(statement: OwnershipStatement) -> None:
    """Fix who controls the provider, and the public alerts, by a statement being accepted (an
    accept hook: the lifecycle saves the statement)."""
    control = selectors.control_of(statement, list(statement.links.order_by("id")))
    statement.control_verdict = control.verdict.value
    statement.control_countries = list(control.countries)
    statement.public_alerts = [flag.code for flag in risks.public_alerts(control.flags)]


# --- Each accepted label's PDF, rendered once

# The sweep leaves a version accepted this recently to the render asked for at acceptance.
PDF_SWEEP_GRACE = timedelta(minutes=5)


def label_pdfs_reconcile(now: datetime | None = None) -> int:
    """Ask again for the PDF of every published version that has none; return how many.

    The sweep behind `label_render_pdf`: a broker outage at acceptance, or a render that failed,
    leaves a version without its PDF. Versions decided within the grace period are left to the
    task asked for at acceptance.
    """
    from registry.labels.tasks import render_label_pdf  # the tasks module imports this one

    cutoff = (now or timezone.now()) - PDF_SWEEP_GRACE
    missing = (
        selectors.published_declarations()
        .filter(label_pdf__isnull=True, decided_at__lt=cutoff)
        .order_by("decided_at")
        .values_list("pk", flat=True)
    )
    ids = list(missing[:200])
    for declaration_id in ids:
        dispatch(render_label_pdf, declaration_id)
    return len(ids)


def label_render_pdf(declaration_id: int) -> LabelPdf:
    """Render and store the PDF of a published label, once; return the stored one.

    1. If the declaration has its PDF already, return it: a version is rendered only once.
    2. Render the shared label partial to PDF, outside any transaction (it takes about a second).
    3. In one transaction: lock the declaration, check again, store the file, its SHA-256, size
       and number of pages, record the audit event and log the PDF's issue (a leaf with its
       SHA-256). A render that lost the race is dropped.

    The declaration's own leaf is integrated first, so the PDF carries its proof.
    """
    existing = LabelPdf.objects.filter(declaration_id=declaration_id).first()
    if existing is not None:
        return existing
    declaration = (
        selectors.published_declarations().select_related("model__provider").get(pk=declaration_id)
    )
    transparency.log_publish()
    rendered = label_as_pdf(declaration)
    content = rendered.content
    with transaction.atomic():
        ProvenanceDeclaration.objects.select_for_update().filter(pk=declaration_id).first()
        existing = LabelPdf.objects.filter(declaration_id=declaration_id).first()
        if existing is not None:
            return existing
        label_pdf = LabelPdf(
            declaration=declaration,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            pages=rendered.pages,
            rendered_at=timezone.now(),
        )
        # A render killed after writing its file but before this commit left that file behind;
        # no LabelPdf refers to it (checked above, under the lock), so it is replaced.
        name = label_pdf.file.field.generate_filename(label_pdf, "label.pdf")
        label_pdf.file.storage.delete(name)
        label_pdf.file.save("label.pdf", ContentFile(content), save=False)
        label_pdf.save()
        record(
            actor=None,
            action="label.pdf_rendered",
            target=label_pdf,
            after={
                "file": label_pdf.file.name,
                "sha256": label_pdf.sha256,
                "size": len(content),
                "pages": rendered.pages,
            },
        )
        transparency.declaration_leaf_append(declaration, Act.PDF_ISSUED, label_pdf.sha256)
    return label_pdf


# The PDF lists this many sources, the largest shares first, so that a model with thousands stays
# a handful of pages; the JSON and the open data carry every one, as the PDF says.
PDF_SOURCES = 25


def label_as_pdf(declaration: ProvenanceDeclaration) -> RenderedPdf:
    """Render the label as a tagged PDF: the same partial as the label page, in a print layout,
    with the label's JSON and its proofs from the log attached as `label.json`, and a QR code
    to the page that checks it."""
    label = label_with_proofs(declaration, selectors.label_data(declaration))
    model = label["model"]
    context = {
        "label": label,
        "links": label_pdf_links(label),
        "site_url": settings.SITE_URL,
        "source_limit": PDF_SOURCES,
        "verify_qr": segno.make(label["transparency"]["verify_url"]).svg_data_uri(
            scale=4, border=1
        ),
    }
    html = render_to_string("labels/pdf.html", context)
    title = f"{model['name']} {model['version']} ({model['registration_number']})"
    document = JSONRenderer().render(label_response(label).data)
    return html_to_pdf(html, title=title, attachments={"label.json": document})


def label_pdf_links(label: dict) -> dict[str, str]:
    """Where the label lives on the web, in full, since a PDF is read away from the site."""
    number, version = label["model"]["registration_number"], label["version"]
    base = f"{settings.SITE_URL}/register/models/{number}"
    return {
        "label": f"{base}/",
        "version": f"{base}/v/{version}/",
        "json": f"{base}.json",
        "register": f"{settings.SITE_URL}/register/",
        "guide": f"{settings.SITE_URL}/register/what-the-label-means/",
    }
