"""Check your answers with the label's preview, signing and submitting, and withdrawal."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from registry.accounts.access import member_required
from registry.accounts.models import User
from registry.declarations import selectors, services, validation
from registry.declarations.access import (
    MemberRequest,
    access_declaration_for_member,
    editor_required,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
)
from registry.declarations.views.editing import (
    editable_declaration,
    is_stale,
    keep_input_after_stale,
    not_editable_message,
    page,
    posted,
    to_declaration,
)
from registry.declarations.views.findings import place_findings
from registry.declarations.views.task_list import (
    STATEMENT_FIELDS,
    checklist,
    summary_context,
)
from registry.filings.forms import (
    STATEMENT_OF_TRUTH,
    StatementOfTruthForm,
    WithdrawForm,
)
from registry.filings.selectors import filing_feedback, findings_on_page
from registry.filings.states import Status
from registry.filings.validation import before_signing
from registry.labels.selectors.label import draft_label
from registry.lib.problems import ProblemsError
from registry.lib.refused_posts import refused_post, refused_post_redirect, show_problems

# Refusals that mean the declaration left the provider's hands meanwhile (submitted in another tab).
NO_LONGER_EDITABLE = {"not_editable", "transition_not_allowed"}
# What a finding about the statement of truth sits above on check your answers.
STATEMENT_QUESTIONS = ("signatory_name", "signatory_role", "confirm")
STALE_SUBMIT = (
    "Someone changed this declaration since you opened this page. Check your answers again, "
    "then sign and submit"
)
NOT_YET = "You cannot submit yet: do the things listed at the top of this page first"

# --- Check your answers, then sign and submit in one step


@editable_declaration
@require_http_methods(["GET", "POST"])
def statement(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Send the old statement of truth page to where it is signed now: just above Submit."""
    return redirect(reverse("declarations:check", args=[declaration.pk]) + "#statement-of-truth")


@editable_declaration
@require_http_methods(["GET", "POST"])
def check(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Check your answers and the label they would publish, then sign and submit."""
    if request.method == "POST":
        return check_post(request, declaration)
    kept, errors = refused_post(request)
    form = StatementOfTruthForm(kept, initial=statement_initial(declaration, request.user))
    if kept is not None:
        show_problems(form, errors)
    return page(request, "check", check_context(declaration, form))


def statement_initial(declaration: ProvenanceDeclaration, user: User) -> dict[str, Any]:
    """The version shown, and the role this person gave when they last signed this filing."""
    same_person = declaration.signatory_name == user.full_name
    return {
        "lock_version": declaration.lock_version,
        "signatory_role": declaration.signatory_role if same_person else "",
    }


def check_context(declaration: ProvenanceDeclaration, form: StatementOfTruthForm) -> dict:
    data = selectors.declaration_data(declaration)
    problems = before_signing(validation.validate_declaration(data))
    current = filing_feedback(declaration, findings_only_current=True).findings
    placed = place_findings(declaration, current)
    label = draft_label(declaration)
    return {
        "form": form,
        "declaration": declaration,
        "checklist": checklist(declaration, data, problems),
        "problem_count": len(problems),
        "ready": not problems,
        "label": label,
        "high_alerts": sum(1 for alert in label["public_alerts"] if alert["severity"] == "high"),
        "statement": STATEMENT_OF_TRUTH,
        "findings": findings_on_page(placed, "statement", STATEMENT_QUESTIONS),
        **summary_context(declaration, placed),
    }


def check_post(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Sign and submit; whatever stops it is shown on the page after a redirect."""
    form = StatementOfTruthForm(request.POST)
    if not form.is_valid():
        return refused_post_redirect(request, form)
    try:
        services.declaration_sign_and_submit(
            actor=request.user,
            declaration=declaration,
            role=form.cleaned_data["signatory_role"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except ProblemsError as error:
        declaration.refresh_from_db()
        if any(problem.code in NO_LONGER_EDITABLE for problem in error.problems):
            messages.error(request, not_editable_message(declaration))
            return to_declaration(declaration)
        show_submit_refusal(form, error, declaration)
        return refused_post_redirect(request, form)
    return redirect("declarations:submitted", declaration.pk)


def show_submit_refusal(
    form: StatementOfTruthForm, error: ProblemsError, declaration: ProvenanceDeclaration
) -> None:
    """Say why nothing was signed or submitted. After a change made meanwhile, the page shows
    the latest answers, and submitting them needs a fresh confirmation."""
    if is_stale(error):
        keep_input_after_stale(form, declaration.lock_version)
        cast(QueryDict, form.data).pop("confirm", None)
        form.add_error(None, STALE_SUBMIT)
        return
    # Refusals of the person (an email address not confirmed) or of the signature are said as
    # they are; the answers' own problems are already listed as things to do.
    said = [p.message for p in error.problems if p.field in ("", *STATEMENT_FIELDS)]
    if len(said) < len(error.problems):
        said.append(NOT_YET)
    form.add_error(None, said)


@member_required
@require_GET
def submitted(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    if declaration.submitted_at is None:
        return to_declaration(declaration)
    return page(request, "submitted", {"declaration": declaration})


# --- Withdrawal


@editor_required
@require_http_methods(["GET", "POST"])
def withdraw(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    if declaration.status != Status.ACCEPTED:
        messages.error(request, "Only an accepted declaration can be withdrawn")
        return to_declaration(declaration)
    kept, errors = refused_post(request)
    form = WithdrawForm(posted(request) if request.method == "POST" else kept)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.declaration_withdraw(
                    actor=request.user, declaration=declaration, reason=form.cleaned_data["reason"]
                )
            except ProblemsError as error:
                form.add_error(None, [problem.message for problem in error.problems])
            else:
                return redirect("declarations:withdrawn", declaration.pk)
        return refused_post_redirect(request, form)
    if kept is not None:
        show_problems(form, errors)
    return page(request, "withdraw", {"form": form, "declaration": declaration})


@member_required
@require_GET
def withdrawn(request: MemberRequest, declaration_id: int) -> HttpResponse:
    declaration = access_declaration_for_member(request.user, declaration_id)
    if declaration.status != Status.WITHDRAWN:
        return to_declaration(declaration)
    return page(request, "withdrawn", {"declaration": declaration})
