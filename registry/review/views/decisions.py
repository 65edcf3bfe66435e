"""Decisions on a case: each confirmed on its own page, which says what it will do.

Starting a review is a button on the case. Requesting changes, accepting and rejecting each
open a confirmation page (what will be sent or published, or why it cannot be done now) whose
form posts here; a refusal shows that page again with the reasons, nothing decided.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from registry.accounts.access import regulator_required
from registry.declarations.models import AIModel
from registry.filings.models import FilingKind
from registry.filings.states import TRANSITIONS
from registry.lib.problems import ProblemsError, add_problems_to_form
from registry.review import decisions, services
from registry.review.access import RegulatorRequest, access_case_for_regulator
from registry.review.forms import DecideForm, DecisionForm, RequestChangesForm
from registry.review.models import Case
from registry.review.views.case import refuse_start, to_case
from registry.review.views.common import page

CONFIRMED_FORMS: dict[str, type[DecisionForm]] = {
    "accept": DecideForm,
    "reject": DecideForm,
    "request_changes": RequestChangesForm,
}


def show_confirmation(
    request: RegulatorRequest, case: Case, action: str, form: DecisionForm
) -> HttpResponse:
    confirmation = decisions.confirmation(case, action, request.user)
    if not form.is_bound:
        form.initial.update(action=action, lock_version=confirmation.lock_version)
    context = {"confirmation": confirmation, "case": case, "form": form, "section": "queue"}
    return page(request, "decision_confirm", context)


@regulator_required
@require_GET
def decision_confirm(request: RegulatorRequest, case_id: int, action: str) -> HttpResponse:
    """What accepting, rejecting or requesting changes will do, with the form to do it."""
    if action not in CONFIRMED_FORMS:
        raise Http404("No such decision")
    case = access_case_for_regulator(request.user, case_id)
    return show_confirmation(request, case, action, CONFIRMED_FORMS[action]())


@regulator_required
@require_POST
def case_decide(request: RegulatorRequest, case_id: int) -> HttpResponse:
    """Take a decision: start the review (from the case), or one confirmed on its page."""
    case = access_case_for_regulator(request.user, case_id)
    chosen = request.POST.get("action", "")
    confirmed = chosen in CONFIRMED_FORMS
    form = (CONFIRMED_FORMS[chosen] if confirmed else DecisionForm)(request.POST)

    def refused(error: ProblemsError | None) -> HttpResponse:
        if confirmed:
            if error is not None:
                add_problems_to_form(form, error.problems)
            return show_confirmation(request, case, chosen, form)
        return refuse_start(request, case, form, error)

    if not form.is_valid():
        return refused(None)
    action = form.cleaned_data["action"]
    try:
        filing = services.case_decide(
            actor=request.user,
            case=case,
            action=action,
            reason=form.cleaned_data["reason"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except ProblemsError as error:
        return refused(error)
    messages.success(request, decision_message(case, action, filing))
    return to_case(request, case)


def decision_message(case: Case, action: str, filing: Any) -> str:
    said = f"{case.reference} was {TRANSITIONS[action].past}"
    if action == "accept" and case.filing_kind == FilingKind.DECLARATION:
        # Read afresh: the number was given to the model inside the transition.
        number = AIModel.objects.get(pk=filing.model_id).registration_number
        return f"{said}. The model is registered as {number} and its label is published"
    return said
