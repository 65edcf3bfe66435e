"""The caseload: decided cases, bulk assignment from the queue, saved filters and CSV exports.

Bulk assignment and saved filters are posts that come back to the page they were made on, with
its filters as they were (post, redirect, get): the outcome of each case in a banner, or the
form's problems in an error summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from registry.accounts.access import regulator_required
from registry.lib.problems import ProblemsError, add_problems_to_form
from registry.lib.refused_posts import refused_post_kept, refused_post_redirect, show_problems
from registry.review import caseload, exports, selectors
from registry.review.access import RegulatorRequest
from registry.review.caseload import AssignOutcome, Outcome
from registry.review.forms import (
    BulkAssignForm,
    DecidedFilterForm,
    QueueFilterForm,
    SavedFilterForm,
)
from registry.review.views.common import page, search_query

# Where a bulk assignment leaves each case's outcome for the queue it returns to.
BULK_OUTCOMES = "review:bulk-assigned"
# The pages a bulk assignment or a saved filter can come from and go back to.
RETURN_PAGES = ("console", "my-cases", "decided")
FILTER_FORMS: dict[str, type[forms.Form]] = {
    "console": QueueFilterForm,
    "my-cases": QueueFilterForm,
    "decided": DecidedFilterForm,
}


def filter_keys(form_class: type[forms.Form]) -> list[str]:
    """The address's keys a page's filters are read from: a date's are its three boxes'."""
    keys = []
    for name, field in form_class.base_fields.items():
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            keys += [f"{name}{suffix}" for suffix in cast(Any, widget).widgets_names]
        else:
            keys.append(name)
    return keys


def page_query(view: str, query: str) -> str:
    """The filters of a page's address, without its page number or anything else."""
    return caseload.kept_query(query, filter_keys(FILTER_FORMS[view]))


def back_to(view: str, query: str, anchor: str = "") -> HttpResponse:
    url = reverse(f"review:{view}")
    kept = page_query(view, query)
    return redirect(url + (f"?{kept}" if kept else "") + (f"#{anchor}" if anchor else ""))


def posted_view(request: RegulatorRequest) -> str:
    view = request.POST.get("view", "")
    return view if view in RETURN_PAGES else "console"


def refused(
    request: RegulatorRequest, form: forms.Form, view: str, which: str, anchor: str
) -> HttpResponse:
    """Back to the page, filtered as it was, with the form's problems for the one GET that
    follows (kept under the page's path, which is what the page reads them by)."""
    path = reverse(f"review:{view}")
    refused_post_redirect(request, form, context={"form": which}, path=path)
    return back_to(view, request.POST.get("query", ""), anchor)


def kept_forms(request: RegulatorRequest, staff: list[Any]) -> dict[str, Any]:
    """The bulk assignment and save-filter forms of a page, with a refused post's problems."""
    data, errors, kept = refused_post_kept(request)
    bulk_form = BulkAssignForm(staff=staff, auto_id="bulk_%s")
    saved_form = SavedFilterForm(auto_id="saved_filter_%s")
    if data is not None:
        if kept.get("form") == "bulk":
            bulk_form = BulkAssignForm(data, staff=staff, auto_id="bulk_%s")
            show_problems(bulk_form, errors)
        elif kept.get("form") == "saved":
            saved_form = SavedFilterForm(data, auto_id="saved_filter_%s")
            show_problems(saved_form, errors)
    refused_form = bulk_form if bulk_form.errors else saved_form if saved_form.errors else None
    return {"bulk_form": bulk_form, "saved_filter_form": saved_form, "form": refused_form}


def caseload_context(request: RegulatorRequest, view: str, staff: list[Any]) -> dict[str, Any]:
    """What the queue and the decided cases add: the officer's saved filters and the forms to
    save one and to assign cases, the outcome of a bulk assignment just made, and the page's
    filters as a query string (for the forms to come back to)."""
    context = kept_forms(request, staff)
    outcomes = request.session.pop(BULK_OUTCOMES, None) if view != "decided" else None
    return context | {
        "saved_filters": list(caseload.saved_filters_of(request.user, view)),
        "page_view": view,
        "filter_query": page_query(view, request.GET.urlencode()),
        "bulk_outcomes": outcomes,
        "bulk_assigned": sum(1 for o in outcomes or [] if o["outcome"] == Outcome.ASSIGNED),
    }


@dataclass(frozen=True)
class TickableRow:
    """A queue row with its checkbox: the case as shown, and whether it is ticked."""

    row: Any
    token: str
    ticked: bool


def tickable_rows(rows: list[Any], bulk_form: BulkAssignForm) -> list[TickableRow]:
    """The queue's rows, ticked again as they were when a bulk assignment was refused."""
    ticked = set(cast(QueryDict, bulk_form.data).getlist("case")) if bulk_form.is_bound else set()
    tickable = []
    for row in rows:
        case = row.case
        token = caseload.shown_token(case.pk, case.status, case.assignee_id)
        tickable.append(TickableRow(row, token, token in ticked))
    return tickable


# --- Decided cases


@regulator_required
@require_GET
def decided(request: RegulatorRequest) -> HttpResponse:
    """Closed cases: accepted, rejected, and accepted since superseded or withdrawn."""
    staff = list(selectors.regulator_staff())
    filter_form = DecidedFilterForm(request.GET, staff=staff)
    filters = filter_form.filters()
    context = caseload.decided_page(filters, request.user, request.GET.get("page"))
    context |= caseload_context(request, "decided", staff)
    context |= {"filter_form": filter_form, "filters": filters, "section": "decided"}
    return page(request, "decided", context)


@regulator_required
@require_GET
def decided_export(request: RegulatorRequest) -> HttpResponseBase:
    staff = list(selectors.regulator_staff())
    filters = DecidedFilterForm(request.GET, staff=staff).filters()
    return exports.decided_export(filters, request.user)


# --- Bulk assignment


@regulator_required
@require_POST
def bulk_assign(request: RegulatorRequest) -> HttpResponse:
    """Assign each ticked case, as it was shown, then list what happened to each on the queue."""
    view = posted_view(request)
    query = request.POST.get("query", "")
    staff = list(selectors.regulator_staff())
    form = BulkAssignForm(request.POST, staff=staff, auto_id="bulk_%s")
    if not form.is_valid():
        return refused(request, form, view, "bulk", "bulk-assign")
    shown = [case for case in form.shown_cases() if isinstance(case, caseload.ShownCase)]
    unread = [value for value in form.shown_cases() if isinstance(value, str)]
    try:
        outcomes = caseload.cases_assign(
            actor=request.user, shown=shown, assignee=form.chosen_assignee()
        )
    except ProblemsError as error:
        add_problems_to_form(form, error.problems)
        return refused(request, form, view, "bulk", "bulk-assign")
    outcomes += [
        AssignOutcome(value[:40], Outcome.NOT_FOUND, "not found: no such case") for value in unread
    ]
    request.session[BULK_OUTCOMES] = [outcome.as_dict() for outcome in outcomes]
    return back_to(view, query, "bulk-outcomes")


# --- Saved filters


@regulator_required
@require_POST
def saved_filter_add(request: RegulatorRequest) -> HttpResponse:
    """Save the page's filters as they are under a name of the officer's own."""
    view = posted_view(request)
    query = page_query(view, request.POST.get("query", ""))
    form = SavedFilterForm(request.POST, auto_id="saved_filter_%s")
    if not form.is_valid():
        return refused(request, form, view, "saved", "saved-filters")
    try:
        saved = caseload.saved_filter_create(
            owner=request.user, view=view, name=form.cleaned_data["name"], query=query
        )
    except ProblemsError as error:
        add_problems_to_form(form, error.problems)
        return refused(request, form, view, "saved", "saved-filters")
    messages.success(request, f"Filters saved as “{saved.name}”")
    return back_to(view, query)


@regulator_required
@require_POST
def saved_filter_delete(request: RegulatorRequest, saved_filter_id: int) -> HttpResponse:
    saved = caseload.access_saved_filter_for_owner(request.user, saved_filter_id)
    caseload.saved_filter_delete(saved=saved)
    messages.success(request, f"Saved filter “{saved.name}” deleted")
    return back_to(posted_view(request), request.POST.get("query", ""), "saved-filters")


# --- Exports


@regulator_required
@require_GET
def queue_export(request: RegulatorRequest) -> HttpResponseBase:
    """The queue as filtered and sorted on screen, every page of it."""
    staff = list(selectors.regulator_staff())
    filters = QueueFilterForm(request.GET, staff=staff).filters()
    return exports.queue_export(filters, request.user, "queue")


@regulator_required
@require_GET
def providers_export(request: RegulatorRequest) -> HttpResponseBase:
    return exports.providers_export(search_query(request))


@regulator_required
@require_GET
def models_export(request: RegulatorRequest) -> HttpResponseBase:
    return exports.models_export(search_query(request))


@regulator_required
@require_GET
def search_export(request: RegulatorRequest) -> HttpResponseBase:
    return exports.search_export(search_query(request))
