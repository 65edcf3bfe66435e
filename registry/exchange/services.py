"""Writes of the exchange: applying an import's preview to a provider's draft."""

from __future__ import annotations

from django.db import transaction

from registry.accounts.models import User
from registry.audit.services import record
from registry.declarations import services
from registry.declarations.models import ProvenanceDeclaration
from registry.exchange.imports import ImportPreview, import_problem
from registry.filings.services import filing_for_edit
from registry.lib.problems import ProblemsError


@transaction.atomic
def import_apply(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    preview: ImportPreview,
    expected_lock_version: int | None,
) -> ProvenanceDeclaration:
    """Write a preview into the draft through the declarations' services: all of it or none.

    1. Lock the draft: refused once submitted, to anyone who may not edit it, or if it changed
       since the preview (`expected_lock_version`).
    2. Add the sources as new sources, keeping what they still lack for the task list.
    3. Add the languages to the general information, their shares still to give.
    4. Add the lineage to the model through the dependency service.
    5. Record the import, with the file's SHA-256, in the audit trail.
    """
    try:
        locked = filing_for_edit(services.DECLARATION, declaration.pk, actor, expected_lock_version)
    except ProblemsError as error:
        if any(problem.code == "stale_edit" for problem in error.problems):
            raise import_problem("import_stale") from None
        raise
    if preview.is_empty:
        raise import_problem("import_nothing_to_apply")
    if preview.sources:
        services.sources_import(
            actor=actor, declaration=locked, rows=preview.sources, replace=False, complete=False
        )
    if preview.languages:
        current = list(ProvenanceDeclaration.objects.get(pk=locked.pk).languages or [])
        added = [{"code": code, "share_percent": None} for code in preview.languages]
        services.declaration_update_general(
            actor=actor,
            declaration=locked,
            values={"languages": current + added},
            expected_lock_version=None,
            complete=False,
        )
    for values in preview.dependencies:
        services.dependency_add(actor=actor, model=locked.model, values=values)
    record(
        actor=actor,
        action="declaration.imported",
        target=locked,
        after={
            "format": preview.format,
            "file_name": preview.file_name,
            "sha256": preview.sha256,
            "sources": len(preview.sources),
            "languages": preview.languages,
            "lineage": [
                values.get("external_name") or values.get("depends_on")
                for values in preview.dependencies
            ],
        },
    )
    return ProvenanceDeclaration.objects.select_related("model").get(pk=locked.pk)
