"""A case, tab by tab, and what a regulator does on it.

Views fetch through `access.py`, read through `case_tabs.py` and act through `services.py`.
Every action on a case is a POST that redirects back to the tab (and the answer) it was taken
from, with a banner when it worked; when refused, that tab shows again with the refused form
and the service's reasons in an error summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry.accounts.access import regulator_required
from registry.filings.selectors import latest_submission, snapshot_data
from registry.lib.problems import ProblemsError, add_problems_to_form
from registry.review import case_tabs, selectors, services
from registry.review.access import (
    RegulatorRequest,
    access_case_for_regulator,
    access_finding_for_regulator,
    access_source_for_regulator,
)
from registry.review.diff import normal, readable
from registry.review.forms import AssignForm, DecisionForm, FindingForm, NoteForm, RulingForm
from registry.review.models import Case, FindingOutcome, NoteKind
from registry.review.services import MISSING, value_at
from registry.review.validation import field_exists
from registry.review.views.common import page


@dataclass(frozen=True)
class Refused:
    """A form that was refused, and where on the case it goes back."""

    form: forms.Form
    slot: str
    source_id: int | None = None


# Where a refused form shows again when the POST did not say which tab it came from.
SLOT_TABS = {
    "start_form": "summary",
    "assign_form": "summary",
    "note_form": "timeline",
    "ruling": "filing",
    "findings": "findings",
}
AUTO_IDS = {"start_form": "start_%s", "assign_form": "assign_%s", "note_form": "note_%s"}
# An answer's or row's id on a tab ("field-sources-3-licence"), to come back to after an action.
ANCHOR = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,120}")


def ruling_auto_id(source_id: Any) -> str:
    return f"ruling_{source_id}_%s"


def sources_page_number(request: RegulatorRequest) -> str:
    return request.GET.get("sources_page", "")


def sources_query(sources_page: str) -> str:
    """The page of sources shown, carried through each form so the page comes back the same."""
    return f"?sources_page={sources_page}" if sources_page.isdigit() else ""


def return_tab(request: RegulatorRequest, default: str = "summary") -> str:
    """The tab a form was posted from (it says so), or the action's own."""
    tab = request.POST.get("return_to", "")
    return tab if tab in case_tabs.TAB_NAMES else default


def tab_url(case: Case, tab: str, sources_page: str = "", anchor: str = "") -> str:
    url_name = next(item.url_name for item in case_tabs.TABS if item.name == tab)
    url = reverse(url_name, args=[case.pk]) + sources_query(sources_page)
    return f"{url}#{anchor}" if anchor and ANCHOR.fullmatch(anchor) else url


def to_case(request: RegulatorRequest, case: Case, default: str = "summary") -> HttpResponse:
    """Back to where the regulator was: the tab, the page of sources and the answer."""
    anchor = request.POST.get("return_anchor", "")
    return redirect(
        tab_url(case, return_tab(request, default), sources_page_number(request), anchor)
    )


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


def tab_context(case: Case, tab: str, request: RegulatorRequest, frame: dict) -> dict[str, Any]:
    """What one tab shows, given the frame around it (which has loaded the filing and staff)."""
    if tab == "summary":
        return case_tabs.summary_tab(case, frame["filing"], request.user)
    if tab == "filing":
        return case_tabs.filing_tab(case, sources_page_number(request))
    if tab == "changes":
        return case_tabs.changes_tab(case, frame["filing"])
    if tab == "findings":
        return case_tabs.findings_tab(case)
    return case_tabs.timeline_tab(case, frame["staff"])


def show_tab(
    request: RegulatorRequest, case: Case, tab: str, refused: Refused | None = None
) -> HttpResponse:
    sources_page = sources_page_number(request)
    context = case_tabs.case_frame(case, request.user, tab, timezone.localdate())
    context |= tab_context(case, tab, request, context)
    context |= {
        "assign_form": AssignForm(
            staff=context["staff"],
            initial={"assignee": str(case.assignee_id or "")},
            auto_id=AUTO_IDS["assign_form"],
        ),
        "note_form": NoteForm(auto_id=AUTO_IDS["note_form"]),
        "section": "queue",
        "sources_query": sources_query(sources_page),
        "sources_page_number": sources_page if sources_page.isdigit() else "",
    }
    if refused is not None:
        if refused.slot in context:
            context[refused.slot] = refused.form
        # base.html titles the page "Error: …" and the summary lists the form's problems.
        context["form"] = refused.form
    attach_ruling_forms(context, refused)
    return page(request, f"case_{tab}", context)


def case_tab_view(tab: str):
    @regulator_required
    @require_GET
    def view(request: RegulatorRequest, case_id: int) -> HttpResponse:
        case = access_case_for_regulator(request.user, case_id)
        return show_tab(request, case, tab)

    view.__name__ = view.__qualname__ = f"case_{tab}"
    view.__doc__ = f"A case's {tab} tab."
    return view


case_detail = case_tab_view("summary")
case_filing = case_tab_view("filing")
case_changes = case_tab_view("changes")
case_findings = case_tab_view("findings")
case_timeline = case_tab_view("timeline")


def refuse(
    request: RegulatorRequest, case: Case, refused: Refused, error: ProblemsError | None
) -> HttpResponse:
    """Show the tab the form came from again, with the form and the service's reasons."""
    if error is not None:
        add_problems_to_form(refused.form, error.problems)
    tab = return_tab(request, SLOT_TABS.get(refused.slot, "summary"))
    return show_tab(request, case, tab, refused)


def refuse_start(
    request: RegulatorRequest, case: Case, form: DecisionForm, error: ProblemsError | None
) -> HttpResponse:
    return refuse(request, case, Refused(form, "start_form"), error)


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


# --- Findings


def finding_target(case: Case, field: str) -> dict[str, str]:
    """The answer a finding is about, as the filing tab shows it: its name and its value."""
    data = snapshot_data(latest_submission(case.filing_kind, case.filing_id))
    if not field_exists(data, field):
        return {}
    value = value_at(data, field, None)
    name = field.rpartition(".")[2]
    if value is MISSING or isinstance(value, dict):
        shown = ""  # a whole row: its heading names it
    else:
        shown = readable(name, normal(name, value))
    return {"label": selectors.path_label(data, field), "value": shown}


def finding_page(
    request: RegulatorRequest, case: Case, form: FindingForm, field: str
) -> HttpResponse:
    """The question "what must the provider change?" about one answer, with the answer shown;
    it remembers the tab and answer it came from, to go back there."""
    given = request.GET if request.method == "GET" else request.POST
    return_to = str(given.get("return_to", ""))
    return_to = return_to if return_to in case_tabs.TAB_NAMES else "filing"
    anchor = str(given.get("return_anchor", ""))
    anchor = anchor if ANCHOR.fullmatch(anchor) else ""
    context = {
        "case": case,
        "form": form,
        "target": finding_target(case, field) if field else {},
        "return_to": return_to,
        "return_anchor": anchor,
        "back_url": tab_url(case, return_to, sources_page_number(request), anchor),
        "sources_query": sources_query(sources_page_number(request)),
        "section": "queue",
    }
    return page(request, "finding_new", context)


@regulator_required
@require_http_methods(["GET", "POST"])
def finding_add(request: RegulatorRequest, case_id: int) -> HttpResponse:
    """Raise a finding on the answer whose "Raise a finding" link was followed."""
    case = access_case_for_regulator(request.user, case_id)
    if request.method == "GET":
        field = request.GET.get("field", "")[:200]
        return finding_page(request, case, FindingForm(initial={"field": field}), field)
    form = FindingForm(request.POST)
    field = str(request.POST.get("field", ""))[:200]
    if not form.is_valid():
        return finding_page(request, case, form, field)
    try:
        finding = services.finding_add(
            actor=request.user, case=case, field=field, message=form.cleaned_data["message"]
        )
    except ProblemsError as error:
        add_problems_to_form(form, error.problems)
        return finding_page(request, case, form, field)
    messages.success(request, f"Finding raised on {field_name(case, finding.field)}")
    return to_case(request, case, "filing")


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
    return to_case(request, case, "findings")


OUTCOME_SAID = {
    FindingOutcome.RESOLVED: "resolved",
    FindingOutcome.CARRIED_FORWARD: "carried forward: it goes with your next request for changes",
}


@regulator_required
@require_POST
def finding_conclude(request: RegulatorRequest, case_id: int, finding_id: int) -> HttpResponse:
    """Resolve a finding the provider has answered, or carry it into the next round."""
    case = access_case_for_regulator(request.user, case_id)
    finding = access_finding_for_regulator(request.user, case, finding_id)
    outcome = request.POST.get("outcome", "")
    try:
        services.finding_conclude(actor=request.user, finding=finding, outcome=outcome)
    except ProblemsError as error:
        return refuse(request, case, Refused(forms.Form(data={}), "findings"), error)
    said = OUTCOME_SAID[FindingOutcome(outcome)]
    messages.success(request, f"Finding on {field_name(case, finding.field)} {said}")
    return to_case(request, case, "findings")


# --- Notes and confidentiality


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
    return to_case(request, case, "timeline")


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
    return to_case(request, case, "filing")
