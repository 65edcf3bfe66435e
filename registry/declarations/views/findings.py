"""The regulator's findings, each placed on the page and question where the provider answers it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from registry.declarations.forms import (
    GeneralForm,
    ModelDetailsForm,
    SourceForm,
    source_pages,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
)
from registry.declarations.views.task_list import (
    ROW_LISTS,
    ROW_SECTIONS,
    STATEMENT_ANCHORS,
    STATEMENT_FIELDS,
)
from registry.filings.selectors import (
    PageFindings,
    PlacedFinding,
    SentFinding,
    current_findings_on_page,
)

# --- The regulator's findings, where the provider answers them


def place_findings(
    declaration: ProvenanceDeclaration, findings: list[SentFinding]
) -> list[PlacedFinding]:
    """Each finding with the page and question that answer it (rows found by their ids)."""
    rows = rows_now(declaration, findings)
    return [place_finding(declaration, finding, rows) for finding in findings]


# A row the findings point into, as it is now: its name and (for a source) its kind.
RowNow = tuple[str, str]


def rows_now(
    declaration: ProvenanceDeclaration, findings: list[SentFinding]
) -> dict[str, dict[int, RowNow]]:
    """Each row the findings point into that still exists: a query per kind of row."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for finding in findings:
        if finding.collection in ROW_SECTIONS and finding.row_id is not None:
            wanted[finding.collection].add(finding.row_id)
    found: dict[str, dict[int, RowNow]] = {}
    for section, ids in wanted.items():
        name_field = ROW_SECTIONS[section][3]
        rows = getattr(declaration, section).filter(pk__in=ids)
        if section == "sources":
            found[section] = {
                pk: (name, kind)
                for pk, name, kind in rows.values_list("pk", name_field, "category")
            }
        else:
            found[section] = {pk: (name, "") for pk, name in rows.values_list("pk", name_field)}
    return found


def place_finding(
    declaration: ProvenanceDeclaration, finding: SentFinding, rows: dict[str, dict[int, RowNow]]
) -> PlacedFinding:
    if finding.collection in ROW_SECTIONS:
        return place_row_finding(declaration, finding, rows.get(finding.collection, {}))
    head = finding.parts[0]
    if head in ROW_LISTS:
        url = reverse(f"declarations:{ROW_LISTS[head]}", args=[declaration.pk])
        return PlacedFinding(finding, finding.label, page=ROW_LISTS[head], url=url)
    if head in STATEMENT_FIELDS:
        # Signed on check your answers, as the declaration is submitted.
        url = reverse("declarations:check", args=[declaration.pk])
        target = STATEMENT_ANCHORS[head]
        return PlacedFinding(finding, finding.label, "statement", head, anchored(url, target))
    if head == "model":
        url = reverse("declarations:model-edit", args=[declaration.model_id])
        path = ".".join(finding.parts[1:])
        name, target = ModelDetailsForm.field_name_for(path), ModelDetailsForm.anchor_for(path)
        return PlacedFinding(finding, finding.label, "model", name, anchored(url, target))
    url = reverse("declarations:general", args=[declaration.pk])
    name, target = GeneralForm.field_name_for(finding.field), GeneralForm.anchor_for(finding.field)
    return PlacedFinding(finding, finding.label, "general", name, anchored(url, target))


def place_row_finding(
    declaration: ProvenanceDeclaration, finding: SentFinding, rows: dict[int, RowNow]
) -> PlacedFinding:
    """A finding about a source, party or attestation: on its page, unless it was removed."""
    noun, url_name, form_class, _ = ROW_SECTIONS[finding.collection]
    about = f": {finding.label}" if finding.label else ""
    if finding.row_id is None or finding.row_id not in rows:
        number = (finding.index or 0) + 1
        title = f"{noun} {number} of submission {finding.submission}{about}"
        return PlacedFinding(finding, title, removed=True)
    row_id = finding.row_id
    name, kind = rows[row_id]
    title = f"{noun} “{name or 'no name'}”{about}"
    page = f"{url_name}:{row_id}"  # where the row's findings are shown, beside its answers
    path = ANSWERED_BY.get(finding.within_row, finding.within_row)
    if finding.collection == "sources":
        url_name, field, target = source_question(path, kind)
    elif path:
        field, target = form_class.field_name_for(path), form_class.anchor_for(path)
    else:
        field, target = "", ""
    url = reverse(f"declarations:{url_name}", args=[declaration.pk, row_id])
    return PlacedFinding(finding, title, page, field, anchored(url, target))


# Answers a provider gives by answering another question: a report's hash, by its upload.
ANSWERED_BY = {"report_sha256": "report"}


def source_question(path: str, kind: str) -> tuple[str, str, str]:
    """Where a finding about a source is answered: the page, its form field and its control.

    The question page that asks it shows the finding above the question. A finding about the
    whole source, or about a question this kind of source is not asked (a crawler's name for a
    dataset), heads the source's summary in full.
    """
    url_name = SourceForm.url_name_for(path) if path else ""
    if url_name not in {page.url_name for page in source_pages(kind)}:
        return "source-edit", "", ""
    return url_name, SourceForm.field_name_for(path), SourceForm.anchor_for(path)


def anchored(url: str, target: str) -> str:
    """A page's address, landing on the control a finding is about (if there is one)."""
    return f"{url}#{target}" if target else url


def findings_for_page(
    declaration: ProvenanceDeclaration, page: str, fields: Iterable[str] = ()
) -> PageFindings:
    return current_findings_on_page(declaration, place_findings, page, fields)
