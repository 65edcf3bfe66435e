"""Red-team attestations and their reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.declarations import selectors, services, validation
from registry.declarations.access import (
    MemberRequest,
    access_attestation_for_member,
    access_attestation_report,
    access_declaration_for_member,
    is_editor,
    report_reader_required,
)
from registry.declarations.forms import (
    AttestationForm,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
    RedTeamAttestation,
)
from registry.declarations.views.editing import (
    QuestionPage,
    answer_page,
    editable_declaration,
    page,
    page_form,
)
from registry.declarations.views.findings import findings_for_page
from registry.declarations.views.supply_chain import remove_row
from registry.declarations.views.task_list import attestation_rows
from registry.filings.services import empty_as_stored
from registry.lib.problems import Problem

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
    form, kept = page_form(
        request, lambda data, files: AttestationForm(data, files, initial=initial)
    )
    if request.method == "POST":
        return answer_page(request, form, attestation_page(request, declaration, attestation, form))
    context: dict[str, Any] = {
        "form": form,
        "declaration": declaration,
        "attestation": attestation,
        **kept,
    }
    if attestation is not None:
        page_name = f"attestation-edit:{attestation.pk}"
        context["findings"] = findings_for_page(declaration, page_name, form.fields)
    return page(request, "attestation_form", context)


def attestation_page(
    request: MemberRequest,
    declaration: ProvenanceDeclaration,
    attestation: RedTeamAttestation | None,
    form: AttestationForm,
) -> QuestionPage:
    stored = model_to_dict(attestation, fields=selectors.ATTESTATION_FIELDS) if attestation else {}

    def rules(values: dict[str, Any]) -> list[Problem]:
        return validation.validate_attestation(stored | empty_as_stored(RedTeamAttestation, values))

    def save(values: dict[str, Any]) -> RedTeamAttestation:
        return services.attestation_save(
            actor=request.user,
            declaration=declaration,
            values=values,
            attestation=attestation,
            expected_lock_version=form.cleaned_data.get("lock_version"),
            # A report that could not be read is said on the page, and not saved.
            report=form.cleaned_data.get("report"),
            complete=False,
        )

    def done(saved: RedTeamAttestation) -> HttpResponse:
        messages.success(request, f"The red-teaming by {saved.assessor} is saved")
        return redirect("declarations:attestations", declaration.pk)

    return QuestionPage(
        rules=rules,
        save=save,
        done=done,
        section=(
            f"The red-teaming by {attestation.assessor}" if attestation else "The new red-teaming"
        ),
        later=reverse("declarations:declaration", args=[declaration.pk]),
        reopen=lambda saved: reverse(
            "declarations:attestation-edit", args=[declaration.pk, saved.pk]
        ),
        current=attestation,
        initial_for=AttestationForm.initial_for,
    )


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
