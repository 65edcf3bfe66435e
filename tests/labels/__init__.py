"""Filings published the way the register publishes them: submitted, reviewed and accepted
through the services, by the personas of `tests.base`."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.services import (
    declaration_decide,
    declaration_submit,
    declaration_withdraw,
)
from registry.labels.models import LabelPdf, OpenDataExport
from registry.providers.models import OwnershipStatement
from registry.providers.services import ownership_transition
from registry.review.models import Case
from registry.review.services import confidentiality_rule
from tests.factories import (
    SIGNATURE,
    AIModelFactory,
    InvestmentLinkFactory,
    OwnershipStatementFactory,
    complete_declaration,
)


def publish(
    case, declaration: ProvenanceDeclaration, submitter=None, refused=()
) -> ProvenanceDeclaration:
    """Submit (alice, unless someone else), take into review (olivia), rule on confidentiality
    claims (accepted, but for the sources named in `refused`) and accept (diana).

    A declaration is accepted only once its provider has an accepted ownership statement: one
    with a single UK investor is accepted first for a provider that has none.
    """
    provider = declaration.model.provider
    if not OwnershipStatement.objects.filter(provider=provider, status="accepted").exists():
        member = submitter or case.alice
        accepted_ownership(case, provider=provider, submitter=member, links=[{}])
    declaration_submit(
        actor=submitter or case.alice, declaration=declaration, expected_lock_version=None
    )
    declaration_decide(actor=case.olivia, declaration=declaration, action="start_review")
    review = Case.objects.get(filing_kind="declaration", filing_id=declaration.pk)
    for source in declaration.sources.filter(confidential=True):
        confidentiality_rule(
            actor=case.olivia,
            case=review,
            source=source,
            accepted=source.name not in refused,
            reason="Refused: already public" if source.name in refused else "Sensitive",
        )
    declaration_decide(
        actor=case.diana, declaration=declaration, action="accept", reason="Complete"
    )
    # As stored now, with the model's new MOD- number.
    return ProvenanceDeclaration.objects.select_related("model").get(pk=declaration.pk)


def published_model(case, provider=None, submitter=None, sources=3, **model_fields):
    """A model of Acme (or `provider`) with an accepted first declaration."""
    model = AIModelFactory(provider=provider or case.acme, **model_fields)
    return publish(case, complete_declaration(model=model, sources=sources), submitter)


def withdraw(case, declaration: ProvenanceDeclaration, reason: str, submitter=None):
    return declaration_withdraw(
        actor=submitter or case.alice, declaration=declaration, reason=reason
    )


def accept_ownership(case, statement: OwnershipStatement, submitter=None) -> OwnershipStatement:
    """Submit, review and accept an ownership statement."""
    ownership_transition(actor=submitter or case.alice, statement=statement, action="submit")
    ownership_transition(actor=case.olivia, statement=statement, action="start_review")
    return ownership_transition(
        actor=case.diana, statement=statement, action="accept", reason="Complete"
    )


def accepted_ownership(case, provider=None, submitter=None, links=()):
    """An accepted ownership statement whose investors are `links` (InvestmentLink fields)."""
    statement = OwnershipStatementFactory(
        provider=provider or case.acme,
        created_by=submitter or case.alice,
        signed_at=timezone.now(),
        **SIGNATURE,
    )
    for fields in links:
        InvestmentLinkFactory(statement=statement, **fields)
    return accept_ownership(case, statement, submitter)


def stored_downloads(declaration: ProvenanceDeclaration) -> tuple[LabelPdf, OpenDataExport]:
    """A stored PDF of the declaration's label and an open-data file, without rendering either."""
    body = b"%PDF-1.4 a label"
    label_pdf = LabelPdf(
        declaration=declaration,
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        rendered_at=timezone.now(),
    )
    label_pdf.file.save("label.pdf", ContentFile(body))
    rows = b'{"kind": "label"}\n'
    export = OpenDataExport(
        format="jsonl",
        sha256=hashlib.sha256(rows).hexdigest(),
        rows=1,
        size=len(rows),
        created_at=timezone.now(),
    )
    export.file.save("register.jsonl", ContentFile(rows))
    return label_pdf, export


def visitor_stamps_expire() -> None:
    """Let the label stamps cached for visitors expire, as `VISITOR_STAMP_SECONDS` would."""
    cache.clear()
