"""The general information page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry.declarations import selectors, services, validation
from registry.declarations.access import (
    MemberRequest,
)
from registry.declarations.forms import (
    GeneralForm,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
)
from registry.declarations.views.editing import (
    QuestionPage,
    answer_page,
    editable_declaration,
    page,
    page_form,
    to_declaration,
)
from registry.declarations.views.findings import findings_for_page
from registry.filings.services import empty_as_stored
from registry.lib.problems import Problem

# --- General information


@editable_declaration
@require_http_methods(["GET", "POST"])
def general(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    initial = GeneralForm.initial_for(declaration)
    form, kept = page_form(request, lambda data, files: GeneralForm(data, initial=initial))
    if request.method == "POST":
        return answer_page(request, form, general_page(request, declaration, form))
    context: dict[str, Any] = {
        "form": form,
        "declaration": declaration,
        "findings": findings_for_page(declaration, "general", form.fields),
        **kept,
    }
    return page(request, "general", context)


def general_page(
    request: MemberRequest, declaration: ProvenanceDeclaration, form: GeneralForm
) -> QuestionPage:
    stored = model_to_dict(declaration, fields=selectors.GENERAL_FIELDS)

    def rules(values: dict[str, Any]) -> list[Problem]:
        # As the service checks them: the page's answers over what is saved.
        return validation.validate_general(stored | empty_as_stored(ProvenanceDeclaration, values))

    def save(values: dict[str, Any]) -> ProvenanceDeclaration:
        return services.declaration_update_general(
            actor=request.user,
            declaration=declaration,
            values=values,
            expected_lock_version=form.cleaned_data.get("lock_version"),
            complete=False,
        )

    def done(saved: ProvenanceDeclaration) -> HttpResponse:
        messages.success(request, "General information is saved")
        return to_declaration(saved)

    return QuestionPage(
        rules=rules,
        save=save,
        done=done,
        section="General information",
        later=reverse("declarations:declaration", args=[declaration.pk]),
        current=declaration,
        initial_for=GeneralForm.initial_for,
    )
