"""A case, and what a regulator does on it.

Views fetch through `access.py`, read through `selectors.py` and act through `services.py`. Every
action on a case is a POST that redirects back to the case with a banner when it worked, or shows
the case again with the service's reasons in an error summary when it was refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from registry.accounts.access import regulator_required
from registry.declarations.models import AIModel
from registry.filings.models import FilingKind
from registry.filings.selectors import latest_submission, snapshot_data
from registry.filings.states import TRANSITIONS
from registry.lib.problems import ProblemsError, add_problems_to_form
from registry.review import selectors, services
from registry.review.access import (
    RegulatorRequest,
    access_case_for_regulator,
    access_finding_for_regulator,
    access_source_for_regulator,
)
from registry.review.forms import (
    AssignForm,
    DecideForm,
    DecisionForm,
    FindingForm,
    NoteForm,
    RequestChangesForm,
    RulingForm,
)
from registry.review.models import Case, NoteKind
from registry.review.views.common import page


@dataclass(frozen=True)
class Refused:
    """A form that was refused, and where on the case page it goes back."""

    form: forms.Form
    slot: str
    source_id: int | None = None


# Each decision's form, and its place on the case page (start_review's is a bare button, so its
# refusals show in the error summary only).
DECISION_FORMS: dict[str, tuple[type[DecisionForm], str]] = {
    "start_review": (DecisionForm, "start_form"),
    "request_changes": (RequestChangesForm, "changes_form"),
    "accept": (DecideForm, "decide_form"),
    "reject": (DecideForm, "decide_form"),
}
AUTO_IDS = {
    "start_form": "start_%s",
    "changes_form": "changes_%s",
    "decide_form": "decide_%s",
    "assign_form": "assign_%s",
    "finding_form": "finding_%s",
    "note_form": "note_%s",
}


def ruling_auto_id(source_id: Any) -> str:
    return f"ruling_{source_id}_%s"


def sources_page_number(request: RegulatorRequest) -> str:
    return request.GET.get("sources_page", "")


def sources_query(sources_page: str) -> str:
    """The page of sources shown, carried through each form so the page comes back the same."""
    return f"?sources_page={sources_page}" if sources_page.isdigit() else ""


def case_url(case: Case, sources_page: str = "") -> str:
    return reverse("review:case", args=[case.pk]) + sources_query(sources_page)


def to_case(request: RegulatorRequest, case: Case) -> HttpResponse:
    return redirect(case_url(case, sources_page_number(request)))


def blank_case_forms(context: dict[str, Any]) -> dict[str, Any]:
    staff = context["staff"]
    case = context["case"]
    return {
        "changes_form": RequestChangesForm(auto_id=AUTO_IDS["changes_form"]),
        "decide_form": DecideForm(auto_id=AUTO_IDS["decide_form"]),
        "assign_form": AssignForm(
            staff=staff,
            initial={"assignee": str(case.assignee_id or "")},
            auto_id=AUTO_IDS["assign_form"],
        ),
        "finding_form": FindingForm(
            field_choices=context["field_choices"], auto_id=AUTO_IDS["finding_form"]
        ),
        "note_form": NoteForm(auto_id=AUTO_IDS["note_form"]),
    }


def attach_ruling_forms(context: dict[str, Any], refused: Refused | None) -> None:
    """Give each confidential source shown its ruling form: the refused one, if it is one."""
    for row in context.get("source_rows", []):
        if not row.confidential:
            continue
        if refused is not None and refused.source_id == row.id:
            row.ruling_form = refused.form
        else:
            row.ruling_form = RulingForm(auto_id=ruling_auto_id(row.id))
        # Each source's radios need their own legend, or every group reads the same.
        row.ruling_form.fields["accepted"].label = f"Decision on the claim of source {row.number}"


def show_case(
    request: RegulatorRequest, case: Case, refused: Refused | None = None
) -> HttpResponse:
    sources_page = sources_page_number(request)
    context = selectors.case_page(case, request.user, sources_page, timezone.localdate())
    context |= blank_case_forms(context)
    if refused is not None:
        if isinstance(refused.form, FindingForm):
            refused.form.offer(context["field_choices"])
        if refused.slot in context:
            context[refused.slot] = refused.form
        # base.html titles the page "Error: …" and the summary lists the form's problems.
        context["form"] = refused.form
    attach_ruling_forms(context, refused)
    context |= {"section": "queue", "sources_query": sources_query(sources_page)}
    return page(request, "case", context)


@regulator_required
@require_GET
def case_detail(request: RegulatorRequest, case_id: int) -> HttpResponse:
    case = access_case_for_regulator(request.user, case_id)
    return show_case(request, case)


def refuse(
    request: RegulatorRequest, case: Case, refused: Refused, error: ProblemsError | None
) -> HttpResponse:
    """Show the case again with the refused form and the service's reasons, if it gave any."""
    if error is not None:
        add_problems_to_form(refused.form, error.problems)
    return show_case(request, case, refused)


@regulator_required
@require_POST
def case_decide(request: RegulatorRequest, case_id: int) -> HttpResponse:
    """Start the review, request changes, accept or reject: as the lifecycle allows."""
    case = access_case_for_regulator(request.user, case_id)
    chosen = request.POST.get("action", "")
    form_class, slot = DECISION_FORMS.get(chosen, (DecideForm, "decide_form"))
    form = form_class(request.POST, auto_id=AUTO_IDS[slot])
    refused = Refused(form, slot)
    if not form.is_valid():
        return refuse(request, case, refused, None)
    action = form.cleaned_data["action"]
    try:
        filing = services.case_decide(
            actor=request.user, case=case, action=action, reason=form.cleaned_data["reason"]
        )
    except ProblemsError as error:
        return refuse(request, case, refused, error)
    messages.success(request, decision_message(case, action, filing))
    return to_case(request, case)


def decision_message(case: Case, action: str, filing: Any) -> str:
    said = f"{case.reference} was {TRANSITIONS[action].past}"
    if action == "accept" and case.filing_kind == FilingKind.DECLARATION:
        # Read afresh: the number was given to the model inside the transition.
        number = AIModel.objects.get(pk=filing.model_id).registration_number
        return f"{said}. The model is registered as {number} and its label is published"
    return said


@regulator_required
@require_POST
def case_assign(request: RegulatorRequest, case_id: int) -> HttpResponse:
    case = access_case_for_regulator(request.user, case_id)
    staff = list(selectors.regulator_staff())
    form = AssignForm(request.POST, staff=staff, auto_id=AUTO_IDS["assign_form"])
    refused = Refused(form, "assign_form")
    if not form.is_valid():
        return refuse(request, case, refused, None)
    assignee = form.chosen_assignee()
    try:
        services.case_assign(actor=request.user, case=case, assignee=assignee)
    except ProblemsError as error:
        return refuse(request, case, refused, error)
    if assignee is None:
        messages.success(request, f"{case.reference} is no longer assigned to anyone")
    elif assignee.pk == request.user.pk:
        messages.success(request, f"{case.reference} is assigned to you")
    else:
        messages.success(request, f"{case.reference} is assigned to {assignee.full_name}")
    return to_case(request, case)


@regulator_required
@require_POST
def finding_add(request: RegulatorRequest, case_id: int) -> HttpResponse:
    case = access_case_for_regulator(request.user, case_id)
    form = FindingForm(request.POST, auto_id=AUTO_IDS["finding_form"])
    refused = Refused(form, "finding_form")
    if not form.is_valid():
        return refuse(request, case, refused, None)
    try:
        finding = services.finding_add(
            actor=request.user,
            case=case,
            field=form.chosen_field(),
            message=form.cleaned_data["message"],
        )
    except ProblemsError as error:
        error.problems = [
            replace(problem, field=form.problem_field(problem.field)) for problem in error.problems
        ]
        return refuse(request, case, refused, error)
    messages.success(request, f"Finding raised on {field_name(case, finding.field)}")
    return to_case(request, case)


def field_name(case: Case, path: str) -> str:
    """A finding's field as the case page names it: "Source 3 (Common Crawl): Licence"."""
    snapshot = latest_submission(case.filing_kind, case.filing_id)
    return selectors.path_label(snapshot_data(snapshot), path)


@regulator_required
@require_POST
def finding_remove(request: RegulatorRequest, case_id: int, finding_id: int) -> HttpResponse:
    case = access_case_for_regulator(request.user, case_id)
    finding = access_finding_for_regulator(request.user, case, finding_id)
    try:
        services.finding_remove(actor=request.user, finding=finding)
    except ProblemsError as error:
        return refuse(request, case, Refused(forms.Form(data={}), "findings"), error)
    messages.success(request, f"Finding on {field_name(case, finding.field)} removed")
    return to_case(request, case)


@regulator_required
@require_POST
def note_add(request: RegulatorRequest, case_id: int) -> HttpResponse:
    case = access_case_for_regulator(request.user, case_id)
    form = NoteForm(request.POST, auto_id=AUTO_IDS["note_form"])
    refused = Refused(form, "note_form")
    if not form.is_valid():
        return refuse(request, case, refused, None)
    kind = form.cleaned_data["kind"]
    try:
        services.note_add(actor=request.user, case=case, kind=kind, body=form.cleaned_data["body"])
    except ProblemsError as error:
        return refuse(request, case, refused, error)
    sent = "Message sent to the provider" if kind == NoteKind.MESSAGE else "Internal note saved"
    messages.success(request, sent)
    return to_case(request, case)


@regulator_required
@require_POST
def confidentiality_rule(request: RegulatorRequest, case_id: int, source_id: int) -> HttpResponse:
    """Accept or refuse one source's confidentiality claim, with the reason."""
    case = access_case_for_regulator(request.user, case_id)
    source = access_source_for_regulator(request.user, case, source_id)
    form = RulingForm(request.POST, auto_id=ruling_auto_id(source.pk))
    refused = Refused(form, "ruling", source_id=source.pk)
    if not form.is_valid():
        return refuse(request, case, refused, None)
    accepted = form.cleaned_data["accepted"]
    try:
        services.confidentiality_rule(
            actor=request.user,
            case=case,
            source=source,
            accepted=accepted,
            reason=form.cleaned_data["reason"],
        )
    except ProblemsError as error:
        return refuse(request, case, refused, error)
    verdict = "accepted" if accepted else "refused"
    messages.success(request, f"Confidentiality claim of {source.name} {verdict}")
    return to_case(request, case)
