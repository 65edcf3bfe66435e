"""The supply chain, one party at a time."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.declarations import selectors, services, validation
from registry.declarations.access import (
    MemberRequest,
    access_declaration_for_member,
    access_party_for_member,
    is_editor,
)
from registry.declarations.forms import (
    PartyForm,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
    SupplyChainParty,
)
from registry.declarations.views.editing import (
    QuestionPage,
    answer_page,
    editable_declaration,
    page,
    page_form,
    refused,
)
from registry.declarations.views.findings import findings_for_page
from registry.declarations.views.task_list import party_rows
from registry.filings.services import empty_as_stored
from registry.lib.problems import Problem, ProblemsError

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
    form, kept = page_form(request, lambda data, files: PartyForm(data, initial=initial))
    if request.method == "POST":
        return answer_page(request, form, party_page(request, declaration, party, form))
    context: dict[str, Any] = {"form": form, "declaration": declaration, "party": party, **kept}
    if party is not None:
        context["findings"] = findings_for_page(declaration, f"party-edit:{party.pk}", form.fields)
    return page(request, "party_form", context)


def party_page(
    request: MemberRequest,
    declaration: ProvenanceDeclaration,
    party: SupplyChainParty | None,
    form: PartyForm,
) -> QuestionPage:
    stored = model_to_dict(party, fields=selectors.PARTY_FIELDS) if party else {}

    def rules(values: dict[str, Any]) -> list[Problem]:
        return validation.validate_party(stored | empty_as_stored(SupplyChainParty, values))

    def save(values: dict[str, Any]) -> SupplyChainParty:
        return services.party_save(
            actor=request.user,
            declaration=declaration,
            values=values,
            party=party,
            expected_lock_version=form.cleaned_data.get("lock_version"),
            complete=False,
        )

    def done(saved: SupplyChainParty) -> HttpResponse:
        messages.success(request, f"{saved.name} is saved")
        return redirect("declarations:parties", declaration.pk)

    return QuestionPage(
        rules=rules,
        save=save,
        done=done,
        section=f"Supply chain party {party.name}" if party else "The new supply chain party",
        later=reverse("declarations:declaration", args=[declaration.pk]),
        reopen=lambda saved: reverse("declarations:party-edit", args=[declaration.pk, saved.pk]),
        current=party,
        initial_for=PartyForm.initial_for,
    )


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
