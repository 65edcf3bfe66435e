"""Starting, reading and discarding declarations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.declarations import selectors, services, validation
from registry.declarations.access import (
    MemberRequest,
    access_declaration_for_member,
    access_model_for_member,
    editor_required,
    is_editor,
)
from registry.declarations.forms import (
    StartForm,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
)
from registry.declarations.views.editing import (
    KIND,
    editable_declaration,
    page,
    posted,
    refused,
    to_declaration,
)
from registry.declarations.views.findings import place_findings
from registry.declarations.views.task_list import (
    checklist,
    summary_context,
    task_sections,
)
from registry.filings.selectors import (
    feedback_context,
    filing_history,
    filing_snapshots,
)
from registry.filings.validation import before_signing
from registry.lib.problems import ProblemsError
from registry.lib.refused_posts import refused_post, refused_post_redirect, show_problems

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
    kept, errors = refused_post(request)
    form = StartForm(posted(request) if request.method == "POST" else kept)
    if not can_amend:
        del form.fields["start"]
    if request.method == "POST":
        if form.is_valid():
            amend = form.cleaned_data.get("start") == "amend"
            try:
                declaration = services.declaration_start(
                    actor=request.user, model=model, amend=amend
                )
            except ProblemsError as error:
                form.add_error(None, [problem.message for problem in error.problems])
            else:
                return to_declaration(declaration)
        return refused_post_redirect(request, form)
    if kept is not None:
        show_problems(form, errors)
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
    """The task list: what is still to do is a list to work through, never an error, since
    nothing has been refused yet (the statement of truth is signed on submitting)."""
    data = selectors.declaration_data(declaration)
    problems = before_signing(validation.validate_declaration(data))
    regulator = regulator_context(declaration)
    sections = task_sections(declaration, data, problems, regulator["current_findings"])
    to_fill = sections[:-1]  # the last section checks the others' answers and submits them
    return {
        "declaration": declaration,
        "sections": sections,
        "to_fill": len(to_fill),
        "completed": sum(1 for section in to_fill if section["status"] == "completed"),
        "checklist": checklist(declaration, data, problems),
        "problem_count": len(problems),
        **regulator,
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
