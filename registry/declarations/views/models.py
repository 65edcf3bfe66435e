"""The provider's models and their lineage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.declarations import choices, selectors, services, validation
from registry.declarations.access import (
    MemberRequest,
    access_dependency_for_member,
    access_model_for_member,
    editor_required,
    is_editor,
)
from registry.declarations.forms import (
    DependencyForm,
    ModelDetailsForm,
    ModelEditForm,
)
from registry.declarations.models import AIModel, ModelDependency
from registry.declarations.views.editing import QuestionPage, answer_page, page, page_form
from registry.declarations.views.findings import findings_for_page
from registry.filings.services import empty_as_stored
from registry.filings.states import OPEN
from registry.lib.problems import Problem

# --- Models and lineage


@member_required
@require_GET
def model_list(request: MemberRequest) -> HttpResponse:
    models = selectors.provider_models(request.user.membership.provider_id)
    return page(request, "models", {"models": models, "can_edit": is_editor(request.user)})


@editor_required
@require_http_methods(["GET", "POST"])
def model_new(request: MemberRequest) -> HttpResponse:
    form, kept = page_form(request, lambda data, files: ModelDetailsForm(data))
    if request.method == "POST":
        return answer_page(request, form, model_page(request, None, form))
    return page(request, "model_form", {"form": form, "model": None, **kept})


def model_page(
    request: MemberRequest, model: AIModel | None, form: ModelDetailsForm
) -> QuestionPage:
    """Register a model, or change one: every problem of its details in one round."""
    provider_id = model.provider_id if model else request.user.membership.provider_id
    stored = model_to_dict(model, fields=selectors.MODEL_FIELDS) if model else {}

    def rules(values: dict[str, Any]) -> list[Problem]:
        merged = stored | empty_as_stored(AIModel, values)
        exclude = model.pk if model else None
        return validation.validate_model(merged) + services.problems_model_name(
            provider_id, merged, exclude_id=exclude
        )

    def save(values: dict[str, Any]) -> AIModel:
        if model is None:
            return services.model_register(
                actor=request.user, provider=request.user.membership.provider, values=values
            )
        return services.model_update(
            actor=request.user,
            model=model,
            values=values,
            expected_lock_version=form.cleaned_data.get("lock_version"),
        )

    def done(saved: AIModel) -> HttpResponse:
        said = f"{saved} is registered" if model is None else "The model's details are saved"
        messages.success(request, said)
        return redirect("declarations:model", saved.pk)

    return QuestionPage(
        rules=rules,
        save=save,
        done=done,
        section="The model's details",
        current=model,
        initial_for=ModelDetailsForm.initial_for,
    )


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
    initial = ModelDetailsForm.initial_for(model)
    form, kept = page_form(request, lambda data, files: ModelEditForm(data, initial=initial))
    if request.method == "POST":
        return answer_page(request, form, model_page(request, model, form))
    context: dict[str, Any] = {"form": form, "model": model, **kept}
    answering = selectors.open_declaration(model)
    if answering is not None:
        context["findings"] = findings_for_page(answering, "model", form.fields)
    return page(request, "model_form", context)


@editor_required
@require_http_methods(["GET", "POST"])
def dependency_add(request: MemberRequest, model_id: int) -> HttpResponse:
    model = access_model_for_member(request.user, model_id)
    candidates = selectors.dependable_models(model.provider_id).exclude(pk=model.pk)
    form, kept = page_form(request, lambda data, files: DependencyForm(data, models=candidates))
    if request.method == "POST":
        return answer_page(request, form, dependency_page(request, model))
    return page(request, "dependency_add", {"form": form, "model": model, **kept})


def dependency_page(request: MemberRequest, model: AIModel) -> QuestionPage:
    def rules(values: dict[str, Any]) -> list[Problem]:
        return validation.validate_dependency(values, model_id=model.pk)

    def save(values: dict[str, Any]) -> ModelDependency:
        return services.dependency_add(actor=request.user, model=model, values=values)

    def done(saved: ModelDependency) -> HttpResponse:
        messages.success(request, "The model's lineage is saved")
        return redirect("declarations:model", model.pk)

    return QuestionPage(rules=rules, save=save, done=done, section="The model's lineage")


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
