"""The task list, its checklist, and the summaries the read view and check your answers share."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse

from registry.declarations import choices, selectors
from registry.declarations.forms import (
    AttestationForm,
    GeneralForm,
    PartyForm,
    ProblemFieldsMixin,
    SourceForm,
    shown_value,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
)
from registry.filings.selectors import (
    PlacedFinding,
)
from registry.lib.codes import country_name, language_names
from registry.lib.problems import Problem

# The checklist names this many problems; a draft with 2,000 bad sources would list thousands.
CHECKLIST_LIMIT = 100
STATEMENT_FIELDS = {"signatory_name", "signatory_role", "signed_at"}
# Where check your answers takes each answer of the statement of truth, signed as the filing is
# submitted. The signatory is the person signed in: their name is shown there, never asked.
STATEMENT_ANCHORS = {
    "signatory_name": "signatory-name",
    "signatory_role": "id_signatory_role",
    "signed_at": "id_confirm",
}

# --- The task list and its checklist


def blank(value: Any) -> bool:
    return value in (None, "", [], {})


def problem_head(problem: Problem) -> str:
    return problem.field.split(".", 1)[0]


def task_status(started: bool, has_problems: bool) -> str:
    if not started:
        return "not_started"
    return "incomplete" if has_problems else "completed"


def finding_section(item: PlacedFinding) -> str:
    """The task list section whose pages answer a finding ("" for the model's own details)."""
    head = item.finding.parts[0]
    if head in ROW_LISTS:
        return head
    if head in STATEMENT_FIELDS:
        return "check"
    return "" if head == "model" else "general"


def task_sections(
    declaration: ProvenanceDeclaration,
    data: dict[str, Any],
    problems: list[Problem],
    findings: Iterable[PlacedFinding] = (),
) -> list[dict[str, Any]]:
    """Each section of the task list, with its link, status, hint and the regulator's findings.

    `problems` are those left once the statement is signed: with none, the last section (check
    your answers, sign and submit) can start.
    """
    heads = {problem_head(problem) for problem in problems}
    general_started = any(not blank(data.get(name)) for name in selectors.GENERAL_FIELDS)
    counts = {key: len(data[key]) for key in ROW_LISTS}
    raised = Counter(finding_section(item) for item in findings)

    def url(name: str) -> str:
        return reverse(f"declarations:{name}", args=[declaration.pk])

    sections: list[dict[str, Any]] = [
        {
            "key": "general",
            "name": "General information",
            "url": url("general"),
            "status": task_status(general_started, bool(heads & set(selectors.GENERAL_FIELDS))),
            "hint": "Size, languages, collection dates and the measures you take",
        },
        {
            "key": "sources",
            "name": "Data sources",
            "url": url("sources"),
            "status": task_status(bool(counts["sources"]), "sources" in heads),
            "hint": f"{counts['sources']:,} source{'s' if counts['sources'] != 1 else ''}",
        },
        {
            "key": "supply_chain",
            "name": "Supply chain",
            "url": url("parties"),
            "status": task_status(bool(counts["supply_chain"]), "supply_chain" in heads),
            "hint": "Compute, hosting, data and model vendors. Leave empty if there are none",
        },
        {
            "key": "red_team_attestations",
            "name": "Red-teaming",
            "url": url("attestations"),
            "status": task_status(
                bool(counts["red_team_attestations"]), "red_team_attestations" in heads
            ),
            "hint": "Attestations that your supply chain was red-teamed",
        },
        {
            "key": "check",
            "name": "Check your answers and submit",
            # GOV.UK's task list links a task only once it can be started.
            "url": "" if problems else url("check"),
            "status": "cannot_start" if problems else "not_started",
            "hint": "See the label as it would be published, sign the statement of truth, submit",
        },
    ]
    for section in sections:
        section["findings"] = raised[section["key"]]
    return sections


# Each kind of row: how the checklist names it, the page that edits it, its form, its name field.
ROW_SECTIONS: dict[str, tuple[str, str, type[ProblemFieldsMixin], str]] = {
    "sources": ("Data source", "source-edit", SourceForm, "name"),
    "supply_chain": ("Supply chain party", "party-edit", PartyForm, "name"),
    "red_team_attestations": ("Red-teaming", "attestation-edit", AttestationForm, "assessor"),
}

# The page listing each kind of row, for problems about the rows as a whole (shares, none yet).
ROW_LISTS = {
    "sources": "sources",
    "supply_chain": "parties",
    "red_team_attestations": "attestations",
}


def checklist(
    declaration: ProvenanceDeclaration, data: dict[str, Any], problems: list[Problem]
) -> list[dict[str, str]]:
    """The problems that stop submission, each with a link to the question that fixes it."""
    return [
        {
            "message": checklist_message(data, problem),
            "url": problem_url(declaration, data, problem),
        }
        for problem in problems[:CHECKLIST_LIMIT]
    ]


def row_of(data: dict[str, Any], field: str) -> tuple[str, int, dict[str, Any], str] | None:
    """For `sources.3.licence`: ("sources", 3, that source's data, "licence")."""
    parts = field.split(".")
    if len(parts) < 3 or parts[0] not in ROW_SECTIONS or not parts[1].isdigit():
        return None
    rows = data.get(parts[0]) or []
    index = int(parts[1])
    if index >= len(rows):
        return None
    return parts[0], index, rows[index], ".".join(parts[2:])


def checklist_message(data: dict[str, Any], problem: Problem) -> str:
    found = row_of(data, problem.field)
    if found is None:
        return problem.message
    section, index, row, _ = found
    noun, _, _, name_field = ROW_SECTIONS[section]
    name = row.get(name_field) or "no name"
    return f"{noun} {index + 1} ({name}): {problem.message}"


def problem_url(declaration: ProvenanceDeclaration, data: dict[str, Any], problem: Problem) -> str:
    """The page and control that fix a problem: `sources.3.licence` → that source's licence."""
    found = row_of(data, problem.field)
    if found is not None:
        section, _, row, rest = found
        _, url_name, form_class, _ = ROW_SECTIONS[section]
        # A source's answers are asked over several pages: the one that asks this one.
        url_name = form_class.url_name_for(rest) or url_name
        url = reverse(f"declarations:{url_name}", args=[declaration.pk, row["id"]])
        target = form_class.anchor_for(rest)
        return f"{url}#{target}" if target else url
    head = problem_head(problem)
    if head in ROW_LISTS:
        return reverse(f"declarations:{ROW_LISTS[head]}", args=[declaration.pk])
    if head in STATEMENT_FIELDS:
        url = reverse("declarations:check", args=[declaration.pk])
        return f"{url}#{STATEMENT_ANCHORS[head]}"
    url = reverse("declarations:general", args=[declaration.pk])
    target = GeneralForm.anchor_for(problem.field)
    return f"{url}#{target}" if target else url


# --- Summaries: the task list's read view and check your answers


def summary_context(
    declaration: ProvenanceDeclaration, placed: Iterable[PlacedFinding] = ()
) -> dict[str, Any]:
    """What the declaration says, section by section: a fixed number of queries at any size.

    The regulator's current findings sit beside the answers they are about.
    """
    categories = sources_by_category(declaration)
    current = [item for item in placed if item.finding.current]
    pages = defaultdict(list)
    for item in current:
        pages[item.page].append(item)
    rows = general_rows(declaration)
    for row in rows:
        row["findings"] = [item for item in pages["general"] if item.form_field in row["fields"]]
    beside = {id(item) for row in rows for item in row["findings"]}
    parties = party_rows(declaration)
    for party in parties:
        party["findings"] = pages[f"party-edit:{party['party'].pk}"]
    attestations = attestation_rows(declaration)
    for attestation in attestations:
        attestation["findings"] = pages[f"attestation-edit:{attestation['attestation'].pk}"]
    return {
        "general_rows": rows,
        "categories": categories,
        "source_count": sum(row["count"] for row in categories),
        "share_total": sum((row["share"] for row in categories), Decimal(0)),
        "parties": parties,
        "attestations": attestations,
        "general_findings": [i for i in pages["general"] if id(i) not in beside],
        "source_findings": [i for i in current if i.page.startswith("source-edit:")]
        + pages["sources"],
        "party_findings": pages["parties"],
        "attestation_findings": pages["attestations"],
        "statement_findings": pages["statement"],
        "other_findings": pages[""] + pages["model"],
    }


def party_rows(declaration: ProvenanceDeclaration) -> list[dict[str, Any]]:
    roles = dict(choices.PartyRole.choices)
    return [
        {
            "party": party,
            "role": roles.get(party.role, party.role),
            "country": country_name(party.country),
        }
        for party in declaration.supply_chain.all()
    ]


def attestation_rows(declaration: ProvenanceDeclaration) -> list[dict[str, Any]]:
    outcomes = dict(choices.RedTeamOutcome.choices)
    scopes = dict(choices.RedTeamScope.choices)
    return [
        {
            "attestation": attestation,
            "outcome": outcomes.get(attestation.outcome, attestation.outcome),
            "scope": ", ".join(scopes.get(item, item) for item in attestation.scope or []),
        }
        for attestation in declaration.red_team_attestations.all()
    ]


def sources_by_category(declaration: ProvenanceDeclaration) -> list[dict[str, Any]]:
    labels = dict(choices.SourceCategory.choices)
    rows = (
        declaration.sources.order_by()
        .values("category")
        .annotate(count=Count("id"), share=Sum("share_percent"))
        .order_by("category")
    )
    return [
        {
            "label": labels.get(row["category"], row["category"]),
            "count": row["count"],
            "share": row["share"] or Decimal(0),
        }
        for row in rows
    ]


TOTAL_FIELDS = ("total_tokens", "total_images", "total_audio_hours", "total_video_hours")


def general_rows(declaration: ProvenanceDeclaration) -> list[dict[str, Any]]:
    """The general information as summary-list rows: key, lines of value, the fields to change."""
    bands = declaration.training_data_size or {}
    totals = [
        (label, getattr(declaration, field))
        for label, field in (
            ("Tokens", "total_tokens"),
            ("Images", "total_images"),
            ("Hours of audio", "total_audio_hours"),
            ("Hours of video", "total_video_hours"),
        )
        if getattr(declaration, field) is not None
    ]
    languages = language_names()
    field = GeneralForm.base_fields
    return [
        {
            "key": "Size of the training data",
            "lines": [
                f"{modality.capitalize()}: {choices.SIZE_BANDS[modality].get(band, band)}"
                for modality, band in bands.items()
                if modality in choices.SIZE_BANDS
            ],
            "anchor": "id_size_text_0",
            "fields": ("size_text", "size_image", "size_audio", "size_video"),
        },
        {
            "key": "Exact totals (only the regulator sees these)",
            "lines": [f"{label}: {value:,}" for label, value in totals],
            "anchor": "id_total_tokens",
            "fields": TOTAL_FIELDS,
        },
        {
            "key": "Latest collection date",
            "lines": [
                shown_value(field["latest_collection_date"], declaration.latest_collection_date)
            ],
            "anchor": "id_latest_collection_date_day",
            "fields": ("latest_collection_date",),
        },
        {
            "key": "Trained continuously",
            "lines": [shown_value(field["continuous_training"], declaration.continuous_training)],
            "anchor": "id_continuous_training_0",
            "fields": ("continuous_training",),
        },
        {
            "key": "Languages",
            "lines": [
                f"{languages.get(entry.get('code'), entry.get('code'))}: "
                f"{entry.get('share_percent')}%"
                for entry in declaration.languages or []
            ],
            "anchor": "id_languages",
            "fields": ("languages",),
        },
        {
            "key": "Types of content",
            "lines": list(declaration.content_types or []),
            "anchor": "id_content_types",
            "fields": ("content_types",),
        },
        {
            "key": "Text and data mining opt-outs",
            "lines": [declaration.tdm_opt_out_measures],
            "anchor": "id_tdm_opt_out_measures",
            "fields": ("tdm_opt_out_measures",),
        },
        {
            "key": "Illegal content",
            "lines": [declaration.illegal_content_measures],
            "anchor": "id_illegal_content_measures",
            "fields": ("illegal_content_measures",),
        },
        {
            "key": "Code of practice signatory",
            "lines": [
                shown_value(
                    field["code_of_practice_signatory"], declaration.code_of_practice_signatory
                )
            ],
            "anchor": "id_code_of_practice_signatory_0",
            "fields": ("code_of_practice_signatory",),
        },
    ]
