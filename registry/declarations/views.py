"""The provider's pages for models, their lineage and their provenance declarations.

Views fetch through `access.py`, write through `services.py` and read through `selectors.py`; what
is left here is turning forms into service calls and problems back into pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.declarations import choices, selectors, services, uploads, validation
from registry.declarations.access import (
    MemberRequest,
    access_attestation_for_member,
    access_attestation_report,
    access_declaration_for_member,
    access_dependency_for_member,
    access_model_for_member,
    access_party_for_member,
    access_source_for_member,
    editor_required,
    is_editor,
    report_reader_required,
)
from registry.declarations.forms import (
    TOP_DOMAINS_PREVIEW,
    AttestationForm,
    DependencyForm,
    GeneralForm,
    ModelDetailsForm,
    ModelEditForm,
    PartyForm,
    ProblemFieldsMixin,
    SourceForm,
    SourcesUploadForm,
    StartForm,
    TopDomainsForm,
    shown_value,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.filings.forms import (
    STATEMENT_OF_TRUTH,
    StatementOfTruthForm,
    SubmitForm,
    WithdrawForm,
)
from registry.filings.selectors import (
    PageFindings,
    PlacedFinding,
    SentFinding,
    current_findings_on_page,
    feedback_context,
    filing_feedback,
    filing_history,
    filing_snapshots,
)
from registry.filings.states import AWAITING_REGULATOR, OPEN, Status
from registry.lib.codes import country_name, language_names
from registry.lib.problems import Problem, ProblemsError

KIND = "declaration"
SOURCES_PER_PAGE = 50
# The checklist names this many problems; a draft with 2,000 bad sources would list thousands.
CHECKLIST_LIMIT = 100
# The upload report shows this many problems; the rest are counted.
UPLOAD_REPORT_LIMIT = 500
STATEMENT_FIELDS = {"signatory_name", "signatory_role", "signed_at"}


# --- Shared steps


def to_declaration(declaration: ProvenanceDeclaration) -> HttpResponse:
    return redirect("declarations:declaration", declaration.pk)


def not_editable_message(declaration: ProvenanceDeclaration) -> str:
    if declaration.status in AWAITING_REGULATOR:
        return "This declaration has been submitted, so it can no longer be changed"
    status = Status(declaration.status).label.lower()
    return f"This declaration is {status}, so it can no longer be changed"


def editable_declaration(view: Callable) -> Callable:
    """Open a page that changes a declaration, for owners and submitters, while it is editable.

    Anything already submitted sends them to its read view with a message, and changes nothing.
    """

    @wraps(view)
    @editor_required
    def wrapper(request: MemberRequest, declaration_id: int, *args: Any, **kwargs: Any):
        declaration = access_declaration_for_member(request.user, declaration_id)
        if not declaration.is_editable:
            messages.error(request, not_editable_message(declaration))
            return to_declaration(declaration)
        return view(request, declaration, *args, **kwargs)

    return wrapper


def is_stale(error: ProblemsError) -> bool:
    return any(problem.code == "stale_edit" for problem in error.problems)


def keep_input_after_stale(form, lock_version: int) -> None:
    """Keep what was typed, but carry the version saved now: saving again is then deliberate."""
    form.data = form.data.copy()
    form.data["lock_version"] = str(lock_version)


def show_refusal(form, error: ProblemsError, current: Any, initial_for: Callable) -> dict:
    """Put a service's problems on the form; after a stale save, also show what is saved now."""
    form.add_problems(error.problems)
    if not is_stale(error):
        return {}
    current.refresh_from_db()
    keep_input_after_stale(form, current.lock_version)
    return {"saved_rows": form.saved_rows(initial_for(current))}


def refused(
    request: HttpRequest, declaration: ProvenanceDeclaration, error: ProblemsError
) -> HttpResponse:
    """Say why a change was refused (say, the filing was submitted meanwhile) on its page."""
    for problem in error.problems:
        messages.error(request, problem.message)
    return to_declaration(declaration)


def posted(request: HttpRequest):
    """The POST data to bind a form to, even when empty (a bare "Start" or "Remove" button)."""
    return request.POST if request.method == "POST" else None


def files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"declarations/{template}.html", context, status=status)


# --- Models and lineage


@member_required
@require_GET
def model_list(request: MemberRequest) -> HttpResponse:
    models = selectors.provider_models(request.user.membership.provider_id)
    return page(request, "models", {"models": models, "can_edit": is_editor(request.user)})


@editor_required
@require_http_methods(["GET", "POST"])
def model_new(request: MemberRequest) -> HttpResponse:
    form = ModelDetailsForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            model = services.model_register(
                actor=request.user, provider=request.user.membership.provider, values=form.values()
            )
        except ProblemsError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{model} is registered")
            return redirect("declarations:model", model.pk)
    return page(request, "model_form", {"form": form, "model": None})


@member_required
@require_GET
def model_detail(request: MemberRequest, model_id: int) -> HttpResponse:
    model = access_model_for_member(request.user, model_id)
    declarations = list(model.declarations.order_by("-version"))
    context = {
        "model": model,
        "dependencies": model.dependencies.select_related("depends_on__provider"),
        "dependants": selectors.dependable_models(model.provider_id).filter(
            dependencies__depends_on=model
        ),
        "declarations": declarations,
        "open_declaration": next((d for d in declarations if d.status in OPEN), None),
        "can_edit": is_editor(request.user),
        "parameters": f"{model.parameter_count:,}" if model.parameter_count else "Not given",
        "takes_in": modality_labels(model.modalities_in),
        "produces": modality_labels(model.modalities_out),
    }
    return page(request, "model", context)


def modality_labels(values: list[str]) -> str:
    labels = dict(choices.Modality.choices)
    return ", ".join(str(labels.get(value, value)) for value in values or [])


@editor_required
@require_http_methods(["GET", "POST"])
def model_edit(request: MemberRequest, model_id: int) -> HttpResponse:
    model = access_model_for_member(request.user, model_id)
    form = ModelEditForm(posted(request), initial=ModelDetailsForm.initial_for(model))
    context: dict[str, Any] = {"form": form, "model": model}
    answering = selectors.open_declaration(model)
    if answering is not None:
        context["findings"] = findings_for_page(answering, "model", form.fields)
    if request.method == "POST" and form.is_valid():
        try:
            services.model_update(
                actor=request.user,
                model=model,
                values=form.values(),
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            context |= show_refusal(form, error, model, ModelDetailsForm.initial_for)
        else:
            messages.success(request, "The model's details are saved")
            return redirect("declarations:model", model.pk)
    return page(request, "model_form", context)


@editor_required
@require_http_methods(["GET", "POST"])
def dependency_add(request: MemberRequest, model_id: int) -> HttpResponse:
    model = access_model_for_member(request.user, model_id)
    candidates = selectors.dependable_models(model.provider_id).exclude(pk=model.pk)
    form = DependencyForm(posted(request), models=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.dependency_add(actor=request.user, model=model, values=form.values())
        except ProblemsError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, "The model's lineage is saved")
            return redirect("declarations:model", model.pk)
    return page(request, "dependency_add", {"form": form, "model": model})


@editor_required
@require_http_methods(["GET", "POST"])
def dependency_remove(request: MemberRequest, model_id: int, dependency_id: int) -> HttpResponse:
    dependency = access_dependency_for_member(request.user, model_id, dependency_id)
    back = reverse("declarations:model", args=[model_id])
    if request.method == "POST":
        services.dependency_remove(actor=request.user, dependency=dependency)
        messages.success(request, "The model's lineage is saved")
        return redirect(back)
    base = dependency.depends_on or dependency.external_name
    context = {"question": f"Remove {base} from the lineage of {dependency.model}?", "back": back}
    return page(request, "confirm_remove", context)


# --- Starting, reading and discarding declarations


@editor_required
@require_http_methods(["GET", "POST"])
def declaration_start(request: MemberRequest, model_id: int) -> HttpResponse:
    model = access_model_for_member(request.user, model_id)
    current = selectors.open_declaration(model)
    if current is not None:
        messages.error(request, "There is already a declaration in progress for this model")
        return to_declaration(current)
    can_amend = selectors.latest_accepted(model) is not None
    form = StartForm(posted(request))
    if not can_amend:
        del form.fields["start"]
    if request.method == "POST" and form.is_valid():
        amend = form.cleaned_data.get("start") == "amend"
        try:
            declaration = services.declaration_start(actor=request.user, model=model, amend=amend)
        except ProblemsError as error:
            form.add_error(None, [problem.message for problem in error.problems])
        else:
            return to_declaration(declaration)
    return page(request, "start", {"form": form, "model": model, "can_amend": can_amend})


@member_required
@require_GET
def declaration_detail(request: MemberRequest, declaration_id: int) -> HttpResponse:
    """The task list while the provider may edit it; otherwise what was filed, read-only."""
    declaration = access_declaration_for_member(request.user, declaration_id)
    if declaration.is_editable and is_editor(request.user):
        return page(request, "task_list", task_list_context(declaration))
    return page(request, "read", read_context(declaration, request.user))


def task_list_context(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    data = selectors.declaration_data(declaration)
    problems = validation.validate_declaration(data)
    sections = task_sections(declaration, data, problems)
    return {
        "declaration": declaration,
        "sections": sections,
        "completed": sum(1 for section in sections if section["status"] == "Completed"),
        "checklist": checklist(declaration, data, problems),
        "problem_count": len(problems),
        **regulator_context(declaration),
    }


def read_context(declaration: ProvenanceDeclaration, user) -> dict[str, Any]:
    snapshot = (
        filing_snapshots(KIND, declaration.pk)
        .only("sha256", "submission", "submitted_at")
        .order_by("-submission")
        .first()
    )
    regulator = regulator_context(declaration)
    return {
        "declaration": declaration,
        "snapshot": snapshot,
        "can_edit": is_editor(user),
        **regulator,
        **summary_context(declaration, regulator["placed_findings"]),
    }


def regulator_context(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    history = list(filing_history(KIND, declaration.pk))
    return feedback_context(declaration, history, place_findings)


@editable_declaration
@require_http_methods(["GET", "POST"])
def declaration_discard(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    if declaration.submitted_at is not None:
        messages.error(request, "A declaration that has been submitted cannot be deleted")
        return to_declaration(declaration)
    if request.method == "POST":
        try:
            services.declaration_discard(actor=request.user, declaration=declaration)
        except ProblemsError as error:
            return refused(request, declaration, error)
        messages.success(request, f"Draft declaration version {declaration.version} is deleted")
        return redirect("declarations:model", declaration.model_id)
    return page(request, "discard", {"declaration": declaration})


# --- The task list and its checklist


def blank(value: Any) -> bool:
    return value in (None, "", [], {})


def problem_head(problem: Problem) -> str:
    return problem.field.split(".", 1)[0]


def task_status(started: bool, has_problems: bool) -> str:
    if not started:
        return "Not started"
    return "Incomplete" if has_problems else "Completed"


def task_sections(
    declaration: ProvenanceDeclaration, data: dict[str, Any], problems: list[Problem]
) -> list[dict[str, Any]]:
    """Each section of the task list, with its link, status and hint."""
    heads = {problem_head(problem) for problem in problems}
    general_started = any(not blank(data.get(name)) for name in selectors.GENERAL_FIELDS)
    signed_before = bool(declaration.signatory_name) and declaration.signed_at is None
    counts = {key: len(data[key]) for key in ("sources", "supply_chain", "red_team_attestations")}

    def url(name: str) -> str:
        return reverse(f"declarations:{name}", args=[declaration.pk])

    return [
        {
            "name": "General information",
            "url": url("general"),
            "status": task_status(general_started, bool(heads & set(selectors.GENERAL_FIELDS))),
            "hint": "Size, languages, collection dates and the measures you take",
        },
        {
            "name": "Data sources",
            "url": url("sources"),
            "status": task_status(bool(counts["sources"]), "sources" in heads),
            "hint": f"{counts['sources']:,} source{'s' if counts['sources'] != 1 else ''}",
        },
        {
            "name": "Supply chain",
            "url": url("parties"),
            "status": task_status(bool(counts["supply_chain"]), "supply_chain" in heads),
            "hint": "Compute, hosting, data and model vendors. Leave empty if there are none",
        },
        {
            "name": "Red-teaming",
            "url": url("attestations"),
            "status": task_status(
                bool(counts["red_team_attestations"]), "red_team_attestations" in heads
            ),
            "hint": "Attestations that your supply chain was red-teamed",
        },
        {
            "name": "Statement of truth",
            "url": url("statement"),
            "status": task_status(bool(declaration.signatory_name), bool(heads & STATEMENT_FIELDS)),
            "hint": (
                "Sign again: the declaration changed after it was signed"
                if signed_before
                else "Sign once everything else is complete"
            ),
        },
    ]


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
        if section == "sources" and rest.startswith("top_domains"):
            return reverse("declarations:source-domains", args=[declaration.pk, row["id"]])
        url = reverse(f"declarations:{url_name}", args=[declaration.pk, row["id"]])
        target = form_class.anchor_for(rest)
        return f"{url}#{target}" if target else url
    head = problem_head(problem)
    if head in ROW_LISTS:
        return reverse(f"declarations:{ROW_LISTS[head]}", args=[declaration.pk])
    if head in STATEMENT_FIELDS:
        target = "id_confirm" if head == "signed_at" else f"id_{head}"
        return reverse("declarations:statement", args=[declaration.pk]) + "#" + target
    url = reverse("declarations:general", args=[declaration.pk])
    target = GeneralForm.anchor_for(problem.field)
    return f"{url}#{target}" if target else url


# --- The regulator's findings, where the provider answers them


def place_findings(
    declaration: ProvenanceDeclaration, findings: list[SentFinding]
) -> list[PlacedFinding]:
    """Each finding with the page and question that answer it (rows found by their ids)."""
    names = row_names(declaration, findings)
    return [place_finding(declaration, finding, names) for finding in findings]


def row_names(
    declaration: ProvenanceDeclaration, findings: list[SentFinding]
) -> dict[str, dict[int, str]]:
    """The name of each row the findings point into that still exists: a query per kind."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for finding in findings:
        if finding.collection in ROW_SECTIONS and finding.row_id is not None:
            wanted[finding.collection].add(finding.row_id)
    names = {}
    for section, ids in wanted.items():
        name_field = ROW_SECTIONS[section][3]
        rows = getattr(declaration, section).filter(pk__in=ids)
        names[section] = {pk: name for pk, name in rows.values_list("pk", name_field)}
    return names


def place_finding(
    declaration: ProvenanceDeclaration, finding: SentFinding, names: dict[str, dict[int, str]]
) -> PlacedFinding:
    if finding.collection in ROW_SECTIONS:
        return place_row_finding(declaration, finding, names.get(finding.collection, {}))
    head = finding.parts[0]
    if head in ROW_LISTS:
        url = reverse(f"declarations:{ROW_LISTS[head]}", args=[declaration.pk])
        return PlacedFinding(finding, finding.label, page=ROW_LISTS[head], url=url)
    if head in STATEMENT_FIELDS:
        url = reverse("declarations:statement", args=[declaration.pk])
        return PlacedFinding(finding, finding.label, "statement", head, anchored(url, f"id_{head}"))
    if head == "model":
        url = reverse("declarations:model-edit", args=[declaration.model_id])
        path = ".".join(finding.parts[1:])
        name, target = ModelDetailsForm.field_name_for(path), ModelDetailsForm.anchor_for(path)
        return PlacedFinding(finding, finding.label, "model", name, anchored(url, target))
    url = reverse("declarations:general", args=[declaration.pk])
    name, target = GeneralForm.field_name_for(finding.field), GeneralForm.anchor_for(finding.field)
    return PlacedFinding(finding, finding.label, "general", name, anchored(url, target))


def place_row_finding(
    declaration: ProvenanceDeclaration, finding: SentFinding, names: dict[int, str]
) -> PlacedFinding:
    """A finding about a source, party or attestation: on its page, unless it was removed."""
    noun, url_name, form_class, _ = ROW_SECTIONS[finding.collection]
    about = f": {finding.label}" if finding.label else ""
    if finding.row_id is None or finding.row_id not in names:
        number = (finding.index or 0) + 1
        title = f"{noun} {number} of submission {finding.submission}{about}"
        return PlacedFinding(finding, title, removed=True)
    row_id = finding.row_id
    title = f"{noun} “{names[row_id] or 'no name'}”{about}"
    url = reverse(f"declarations:{url_name}", args=[declaration.pk, row_id])
    path = finding.within_row
    name = form_class.field_name_for(path) if path else ""
    target = form_class.anchor_for(path) if path else ""
    return PlacedFinding(finding, title, f"{url_name}:{row_id}", name, anchored(url, target))


def anchored(url: str, target: str) -> str:
    """A page's address, landing on the control a finding is about (if there is one)."""
    return f"{url}#{target}" if target else url


def findings_for_page(
    declaration: ProvenanceDeclaration, page: str, fields: Iterable[str] = ()
) -> PageFindings:
    return current_findings_on_page(declaration, place_findings, page, fields)


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


# --- General information


@editable_declaration
@require_http_methods(["GET", "POST"])
def general(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    form = GeneralForm(posted(request), initial=GeneralForm.initial_for(declaration))
    context: dict[str, Any] = {
        "form": form,
        "declaration": declaration,
        "findings": findings_for_page(declaration, "general", form.fields),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_update_general(
                actor=request.user,
                declaration=declaration,
                values=form.values(),
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            context |= show_refusal(form, error, declaration, GeneralForm.initial_for)
        else:
            messages.success(request, "General information is saved")
            return to_declaration(declaration)
    return page(request, "general", context)


# --- Data sources


@member_required
@require_GET
def source_list(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    # The list never needs a source's top domains, which may be 10,000 hosts long.
    sources = declaration.sources.only(
        "id", "declaration_id", "name", "category", "share_percent", "licence", "confidential"
    ).order_by("id")
    paginated = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    share_total = declaration.sources.aggregate(total=Sum("share_percent"))["total"]
    context = {
        "declaration": declaration,
        "page": paginated,
        "share_total": share_total or Decimal(0),
        "can_edit": declaration.is_editable and is_editor(request.user),
        "categories": dict(choices.SourceCategory.choices),
        "findings": findings_for_page(declaration, "sources"),
    }
    return page(request, "sources", context)


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_add(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    form = SourceForm(posted(request), files(request))
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_save(
                actor=request.user, declaration=declaration, values=form.values()
            )
        except ProblemsError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{source.name} is added")
            return redirect("declarations:sources", declaration.pk)
    return page(request, "source_form", {"form": form, "declaration": declaration})


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_edit(
    request: MemberRequest, declaration: ProvenanceDeclaration, source_id: int
) -> HttpResponse:
    source = access_source_for_member(request.user, declaration.pk, source_id)
    domains = source.top_domains or []
    form = SourceForm(
        posted(request),
        files(request),
        initial=SourceForm.initial_for(source),
        with_top_domains=not domains,
    )
    context: dict[str, Any] = {
        "form": form,
        "declaration": declaration,
        "source": source,
        "domain_count": len(domains),
        "domain_preview": domains[:TOP_DOMAINS_PREVIEW],
        "findings": findings_for_page(declaration, f"source-edit:{source.pk}", form.fields),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.source_save(
                actor=request.user,
                declaration=declaration,
                values=form.values(),
                source=source,
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            context |= show_refusal(form, error, source, SourceForm.initial_for)
        else:
            messages.success(request, f"{form.cleaned_data['name']} is saved")
            return redirect("declarations:sources", declaration.pk)
    return page(request, "source_form", context)


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_domains(
    request: MemberRequest, declaration: ProvenanceDeclaration, source_id: int
) -> HttpResponse:
    """Replace a source's top domains from a file or a pasted list."""
    source = access_source_for_member(request.user, declaration.pk, source_id)
    form = TopDomainsForm(
        posted(request), files(request), initial={"lock_version": source.lock_version}
    )
    if request.method == "POST" and form.is_valid():
        hosts = form.cleaned_data["hosts"]
        try:
            services.source_save(
                actor=request.user,
                declaration=declaration,
                values={"top_domains": hosts},
                source=source,
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            form.add_error("file", [problem.message for problem in error.problems])
            if is_stale(error):
                source.refresh_from_db()
                keep_input_after_stale(form, source.lock_version)
        else:
            messages.success(request, f"{len(hosts):,} top domains are saved for {source.name}")
            return redirect("declarations:source-edit", declaration.pk, source.pk)
    domains = source.top_domains or []
    context = {
        "form": form,
        "declaration": declaration,
        "source": source,
        "domain_count": len(domains),
        "domain_preview": domains[:TOP_DOMAINS_PREVIEW],
    }
    return page(request, "top_domains", context)


@editable_declaration
@require_http_methods(["GET", "POST"])
def source_remove(
    request: MemberRequest, declaration: ProvenanceDeclaration, source_id: int
) -> HttpResponse:
    source = access_source_for_member(request.user, declaration.pk, source_id)
    back = reverse("declarations:sources", args=[declaration.pk])
    if request.method == "POST":
        try:
            services.source_remove(actor=request.user, source=source)
        except ProblemsError as error:
            return refused(request, declaration, error)
        messages.success(request, f"{source.name} is removed")
        return redirect(back)
    context = {"question": f"Remove {source.name} from the data sources?", "back": back}
    return page(request, "confirm_remove", context)


@editable_declaration
@require_http_methods(["GET", "POST"])
def sources_upload(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Add or replace sources from a CSV file: all of them, or none and a report of why."""
    form = SourcesUploadForm(posted(request), files(request))
    report: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        replace = form.cleaned_data["mode"] == "replace"
        rows, problems = uploads.parse_sources_csv(form.cleaned_data["file"])
        whole_file = [problem for problem in problems if uploads.problem_cell(problem)[0] is None]
        if whole_file:
            form.add_error("file", [problem.message for problem in whole_file])
        elif problems:
            report = uploads.source_row_problems(rows, problems)
        else:
            try:
                count = services.sources_import(
                    actor=request.user, declaration=declaration, rows=rows, replace=replace
                )
            except ProblemsError as error:
                report = [p for p in error.problems if uploads.problem_cell(p)[0] is not None]
                others = [p.message for p in error.problems if p not in report]
                if others:
                    form.add_error("file", others)
            else:
                action = "replace the sources" if replace else "are added"
                messages.success(request, f"{count:,} sources {action}")
                return redirect("declarations:sources", declaration.pk)
        if report:
            form.add_error("file", upload_report_message(report))
    context = {
        "form": form,
        "declaration": declaration,
        "report": [upload_report_row(problem) for problem in report[:UPLOAD_REPORT_LIMIT]],
        "report_more": max(0, len(report) - UPLOAD_REPORT_LIMIT),
    }
    return page(request, "sources_upload", context)


def upload_report_message(report: list[Problem]) -> str:
    rows = len({uploads.problem_cell(problem)[0] for problem in report})
    return (
        f"The file has {len(report):,} problem{'s' if len(report) != 1 else ''} in {rows:,} "
        f"row{'s' if rows != 1 else ''}, so no sources were saved. Correct the file and upload it "
        "again"
    )


def upload_report_row(problem: Problem) -> dict[str, Any]:
    row, column = uploads.problem_cell(problem)
    return {"row": row, "column": column, "message": problem.message}


@member_required
@require_GET
def sources_template(request: MemberRequest) -> HttpResponse:
    """The CSV template for a sources upload: its header row names every column."""
    response = HttpResponse(uploads.sources_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="data-sources-template.csv"'
    return response


# --- Supply chain


@member_required
@require_GET
def party_list(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    context = {
        "declaration": declaration,
        "parties": party_rows(declaration),
        "can_edit": declaration.is_editable and is_editor(request.user),
        "findings": findings_for_page(declaration, "parties"),
    }
    return page(request, "parties", context)


def save_party(request, declaration, party: SupplyChainParty | None) -> HttpResponse:
    initial = PartyForm.initial_for(party) if party else {}
    form = PartyForm(posted(request), initial=initial)
    context: dict[str, Any] = {"form": form, "declaration": declaration, "party": party}
    if party is not None:
        context["findings"] = findings_for_page(declaration, f"party-edit:{party.pk}", form.fields)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_save(
                actor=request.user,
                declaration=declaration,
                values=form.values(),
                party=party,
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            if party is None:
                form.add_problems(error.problems)
            else:
                context |= show_refusal(form, error, party, PartyForm.initial_for)
        else:
            messages.success(request, f"{form.cleaned_data['name']} is saved")
            return redirect("declarations:parties", declaration.pk)
    return page(request, "party_form", context)


@editable_declaration
@require_http_methods(["GET", "POST"])
def party_add(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    return save_party(request, declaration, None)


@editable_declaration
@require_http_methods(["GET", "POST"])
def party_edit(
    request: MemberRequest, declaration: ProvenanceDeclaration, party_id: int
) -> HttpResponse:
    party = access_party_for_member(request.user, declaration.pk, party_id)
    return save_party(request, declaration, party)


@editable_declaration
@require_http_methods(["GET", "POST"])
def party_remove(
    request: MemberRequest, declaration: ProvenanceDeclaration, party_id: int
) -> HttpResponse:
    party = access_party_for_member(request.user, declaration.pk, party_id)
    return remove_row(request, declaration, party, "parties", f"Remove {party.name}?")


def remove_row(request, declaration, row, list_name: str, question: str) -> HttpResponse:
    back = reverse(f"declarations:{list_name}", args=[declaration.pk])
    if request.method == "POST":
        try:
            services.row_remove(actor=request.user, row=row)
        except ProblemsError as error:
            return refused(request, declaration, error)
        messages.success(request, f"{row} is removed")
        return redirect(back)
    return page(request, "confirm_remove", {"question": question, "back": back})


# --- Red-teaming


@member_required
@require_GET
def attestation_list(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    context = {
        "declaration": declaration,
        "attestations": attestation_rows(declaration),
        "can_edit": declaration.is_editable and is_editor(request.user),
        "findings": findings_for_page(declaration, "attestations"),
    }
    return page(request, "attestations", context)


def save_attestation(request, declaration, attestation: RedTeamAttestation | None):
    initial = AttestationForm.initial_for(attestation) if attestation else {}
    form = AttestationForm(posted(request), files(request), initial=initial)
    context: dict[str, Any] = {"form": form, "declaration": declaration, "attestation": attestation}
    if attestation is not None:
        page_name = f"attestation-edit:{attestation.pk}"
        context["findings"] = findings_for_page(declaration, page_name, form.fields)
    if request.method == "POST" and form.is_valid():
        try:
            services.attestation_save(
                actor=request.user,
                declaration=declaration,
                values=form.values(),
                attestation=attestation,
                expected_lock_version=form.cleaned_data["lock_version"],
                report=form.cleaned_data["report"],
            )
        except ProblemsError as error:
            if attestation is None:
                form.add_problems(error.problems)
            else:
                context |= show_refusal(form, error, attestation, AttestationForm.initial_for)
        else:
            messages.success(
                request, f"The red-teaming by {form.cleaned_data['assessor']} is saved"
            )
            return redirect("declarations:attestations", declaration.pk)
    return page(request, "attestation_form", context)


@editable_declaration
@require_http_methods(["GET", "POST"])
def attestation_add(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    return save_attestation(request, declaration, None)


@editable_declaration
@require_http_methods(["GET", "POST"])
def attestation_edit(
    request: MemberRequest, declaration: ProvenanceDeclaration, attestation_id: int
) -> HttpResponse:
    attestation = access_attestation_for_member(request.user, declaration.pk, attestation_id)
    return save_attestation(request, declaration, attestation)


@editable_declaration
@require_http_methods(["GET", "POST"])
def attestation_remove(
    request: MemberRequest, declaration: ProvenanceDeclaration, attestation_id: int
) -> HttpResponse:
    attestation = access_attestation_for_member(request.user, declaration.pk, attestation_id)
    question = f"Remove the red-teaming by {attestation.assessor}?"
    return remove_row(request, declaration, attestation, "attestations", question)


@report_reader_required
@require_GET
def attestation_report(request: MemberRequest, declaration_id: int, attestation_id: int):
    """Serve a red-team report to the provider's members and regulator staff, as a download."""
    attestation = access_attestation_report(request.user, attestation_id)
    if attestation.declaration_id != declaration_id:
        raise Http404
    try:
        handle = attestation.report.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"red-team-report-{attestation.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Statement of truth, check your answers, submission


@editable_declaration
@require_http_methods(["GET", "POST"])
def statement(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    initial = {
        "signatory_name": declaration.signatory_name or request.user.full_name,
        "signatory_role": declaration.signatory_role,
        "lock_version": declaration.lock_version,
    }
    form = StatementOfTruthForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_sign(
                actor=request.user,
                declaration=declaration,
                name=form.cleaned_data["signatory_name"],
                role=form.cleaned_data["signatory_role"],
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            for problem in error.problems:
                form.add_error(
                    problem.field if problem.field in form.fields else None, problem.message
                )
            if is_stale(error):
                declaration.refresh_from_db()
                keep_input_after_stale(form, declaration.lock_version)
        else:
            messages.success(request, "The statement of truth is signed")
            return redirect("declarations:check", declaration.pk)
    context = {
        "form": form,
        "declaration": declaration,
        "statement": STATEMENT_OF_TRUTH,
        "findings": findings_for_page(declaration, "statement", form.fields),
    }
    return page(request, "statement", context)


@editable_declaration
@require_http_methods(["GET", "POST"])
def check(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Check your answers, the checklist, and the submit button carrying the version shown."""
    form = SubmitForm(posted(request), initial={"lock_version": declaration.lock_version})
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_submit(
                actor=request.user,
                declaration=declaration,
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except ProblemsError as error:
            if any(p.code == "transition_not_allowed" for p in error.problems):
                declaration.refresh_from_db()
                messages.error(request, not_editable_message(declaration))
                return to_declaration(declaration)
            declaration.refresh_from_db()
            keep_input_after_stale(form, declaration.lock_version)
            form.add_error(None, submit_refusal(error))
        else:
            return redirect("declarations:submitted", declaration.pk)
    data = selectors.declaration_data(declaration)
    problems = validation.validate_declaration(data)
    current = filing_feedback(declaration, findings_only_current=True).findings
    context = {
        "form": form,
        "declaration": declaration,
        "checklist": checklist(declaration, data, problems),
        "problem_count": len(problems),
        **summary_context(declaration, place_findings(declaration, current)),
    }
    return page(request, "check", context)


def submit_refusal(error: ProblemsError) -> str:
    if is_stale(error):
        return (
            "Someone changed this declaration since you opened this page. Check your answers "
            "again, then submit"
        )
    if any(problem.code == "not_permitted" for problem in error.problems):
        return error.problems[0].message
    return "You cannot submit yet: fix the problems listed below"


@member_required
@require_GET
def submitted(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    if declaration.submitted_at is None:
        return to_declaration(declaration)
    return page(request, "submitted", {"declaration": declaration})


@editor_required
@require_http_methods(["GET", "POST"])
def withdraw(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    if declaration.status != Status.ACCEPTED:
        messages.error(request, "Only an accepted declaration can be withdrawn")
        return to_declaration(declaration)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_withdraw(
                actor=request.user, declaration=declaration, reason=form.cleaned_data["reason"]
            )
        except ProblemsError as error:
            form.add_error(None, [problem.message for problem in error.problems])
        else:
            return redirect("declarations:withdrawn", declaration.pk)
    return page(request, "withdraw", {"form": form, "declaration": declaration})


@member_required
@require_GET
def withdrawn(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    if declaration.status != Status.WITHDRAWN:
        return to_declaration(declaration)
    return page(request, "withdrawn", {"declaration": declaration})
