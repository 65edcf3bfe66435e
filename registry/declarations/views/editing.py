"""What every page that edits a draft does: find it, refuse it once submitted, show refusals,
and answer a question page's post with a redirect, every problem of the page shown at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from registry.declarations.access import (
    MemberRequest,
    access_declaration_for_member,
    editor_required,
)
from registry.declarations.models import (
    ProvenanceDeclaration,
)
from registry.filings.states import AWAITING_REGULATOR, Status
from registry.lib.problems import Problem, ProblemsError
from registry.lib.refused_posts import (
    kept_errors,
    refused_post_kept,
    refused_post_redirect,
    show_problems,
)

KIND = "declaration"

# --- Shared steps


def to_declaration(declaration: ProvenanceDeclaration) -> HttpResponse:
    return redirect("declarations:declaration", declaration.pk)


def not_editable_message(declaration: ProvenanceDeclaration) -> str:
    if declaration.status in AWAITING_REGULATOR:
        return "This declaration has been submitted, so it can no longer be changed"
    status = Status(declaration.status).label.lower()
    return f"This declaration is {status}, so it can no longer be changed"


def editable_declaration(view: Callable) -> Callable:
    """Open a page that changes a declaration, for owners and submitters, while it is editable.

    Anything already submitted sends them to its read view with a message, and changes nothing.
    """

    @wraps(view)
    @editor_required
    def wrapper(request: MemberRequest, declaration_id: int, *args: Any, **kwargs: Any):
        declaration = access_declaration_for_member(request.user, declaration_id)
        if not declaration.is_editable:
            messages.error(request, not_editable_message(declaration))
            return to_declaration(declaration)
        return view(request, declaration, *args, **kwargs)

    return wrapper


def is_stale(error: ProblemsError) -> bool:
    return any(problem.code == "stale_edit" for problem in error.problems)


def keep_input_after_stale(form, lock_version: int) -> None:
    """Keep what was typed, but carry the version saved now: saving again is then deliberate."""
    form.data = form.data.copy()
    form.data["lock_version"] = str(lock_version)


def show_refusal(form, error: ProblemsError, current: Any, initial_for: Callable) -> dict:
    """Put a service's problems on the form; after a stale save, also show what is saved now."""
    form.add_problems(error.problems)
    if not is_stale(error):
        return {}
    current.refresh_from_db()
    keep_input_after_stale(form, current.lock_version)
    return {"saved_rows": form.saved_rows(initial_for(current))}


def refused(
    request: HttpRequest, declaration: ProvenanceDeclaration, error: ProblemsError
) -> HttpResponse:
    """Say why a change was refused (say, the filing was submitted meanwhile) on its page."""
    for problem in error.problems:
        messages.error(request, problem.message)
    return to_declaration(declaration)


def posted(request: HttpRequest):
    """The POST data to bind a form to, even when empty (a bare "Start" or "Remove" button)."""
    return request.POST if request.method == "POST" else None


def files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"declarations/{template}.html", context, status=status)


# --- Question pages: every problem of the page in one round, and "Save and come back later"

# The button that saves what can be saved and leaves for the task list.
SAVE_LATER = "save_later"
# An add-another button: `<field>-add`, or `<field>-remove` with the row as its value.
ROW_BUTTON = re.compile(r"^(?P<field>[a-z_]+)-(?P<action>add|remove)$")


@dataclass
class QuestionPage:
    """What a question page's post needs besides its form.

    `rules` are the page's rules over the values it would save (every problem of the whole,
    shape and completeness; the form keeps those about its own questions); `save` writes values
    (keeping what is incomplete: the page's check is the gate) and raises ProblemsError;
    `done` answers a save by Continue. With `later` (the task list's address) the page offers
    "Save and come back later"; `section` names the page in what that says; `reopen` gives the
    address of the page that changes what a save made (an added row's own page). `current` and
    `initial_for` show what is saved now beside what was typed, after a stale save.
    """

    rules: Callable[[dict[str, Any]], list[Problem]]
    save: Callable[[dict[str, Any]], Any]
    done: Callable[[Any], HttpResponse]
    section: str
    later: str = ""
    reopen: Callable[[Any], str] | None = None
    current: Any = None
    initial_for: Callable[[Any], dict[str, Any]] | None = None


def page_form(request: HttpRequest, make: Callable[..., Any]) -> tuple[Any, dict[str, Any]]:
    """A question page's form: bound to the post; on the GET after a refused post, to what was
    typed, with its problems; else unbound (no error before the person has acted). Also the
    context the refused post kept."""
    if request.method == "POST":
        return make(request.POST, request.FILES), {}
    data, errors, context = refused_post_kept(request)
    form = make(data, None)
    if data is not None:
        show_problems(form, errors)
    return form, context


def answer_page(request: HttpRequest, form, page: QuestionPage) -> HttpResponse:
    """Answer a question page's post: always with a redirect.

    1. An add-another button: back to the page with a row more or less, all that was typed kept.
    2. Check the page: the form's own reading of each answer, then every rule over the values
       it would save; each problem once, on its question.
    3. "Save and come back later": save every value that can be stored, and go to the task list
       saying what is still to do (or back, if something typed can't be stored).
    4. Continue: save if the page has no problem, else back to it with every problem.
    """
    button = row_button(request)
    if button is not None:
        return refused_post_redirect(request, form, errors={}, anchor=row_anchor(form, *button))
    form.is_valid()
    values = form.values()
    found = page.rules(dict(values))
    form.add_page_problems(found)
    if page.later and SAVE_LATER in request.POST:
        return save_later(request, form, page, values, found)
    if form.errors:
        return refused_post_redirect(request, form, context=files_again(request, form))
    try:
        saved = page.save(values)
    except ProblemsError as error:
        return refused_save(request, form, page, error)
    return page.done(saved)


def row_button(request: HttpRequest) -> tuple[str, str] | None:
    """The add-another button pressed, as (field, "add" or "remove"), if one was."""
    for key in request.POST:
        found = ROW_BUTTON.match(key)
        if found:
            return found.group("field"), found.group("action")
    return None


def row_anchor(form, field: str, action: str) -> str:
    """Where the page opens after an add-another button: the new row, or the list's button."""
    rows = form.fields.get(field)
    if rows is None or action != "add":
        return f"id_{field}_add"
    count = len(rows.widget.value_from_datadict(form.data, None, form.add_prefix(field)))
    return rows.widget.cell_id(f"id_{field}", count - 1, rows.widget.first_column())


def save_later(
    request: HttpRequest, form, page: QuestionPage, values: dict[str, Any], found: list[Problem]
) -> HttpResponse:
    """Save every value of the page that can be stored, however incomplete, and go to the task
    list with what is still to do; what can't be stored stays on the page, with its problems."""
    unreadable = form.shape_fields(found)
    if any(form.fields[name].widget.is_hidden for name in unreadable):
        return refused_post_redirect(request, form)  # not knowing the version, save nothing
    keep = {key: value for key, value in values.items() if key not in form.value_keys(unreadable)}
    try:
        saved = page.save(keep)
    except ProblemsError as error:
        return refused_save(request, form, page, error)
    if unreadable:
        # What was saved has a new version: the page goes on from it, where it now lives.
        form.data = form.data.copy()
        form.data["lock_version"] = str(saved.lock_version)
        messages.success(request, f"{page.section}: your other answers are saved")
        path = page.reopen(saved) if page.reopen else ""
        return refused_post_redirect(
            request,
            form,
            errors=kept_errors(form, unreadable),
            context=files_again(request, form, unreadable),
            path=path,
        )
    messages.success(request, saved_for_later(page.section, form))
    return redirect(page.later)


def files_again(request: HttpRequest, form, fields: Iterable[str] | None = None) -> dict:
    """The files posted that were not saved: a browser can't be given one back to post again,
    so the page asks for them (of `fields` only, if given)."""
    wanted = set(form.fields) if fields is None else set(fields)
    labels = [str(form.fields[name].label) for name in request.FILES if name in wanted]
    return {"files_again": labels} if labels else {}


# The save-later message names this many answers still to give; the rest are counted.
STILL_TO_DO_NAMED = 3


def saved_for_later(section: str, form) -> str:
    said = [str(message) for errors in form.errors.values() for message in errors]
    if not said:
        return f"{section} is saved"
    named = "; ".join(said[:STILL_TO_DO_NAMED])
    more = len(said) - STILL_TO_DO_NAMED
    rest = f"; and {more} more" if more > 0 else ""
    return f"{section} is saved. Still to do there: {named}{rest}"


def refused_save(
    request: HttpRequest, form, page: QuestionPage, error: ProblemsError
) -> HttpResponse:
    """Back to the page with why the save was refused: after a stale save, with what is saved
    now beside what was typed (kept), and the version that saving again replaces."""
    context: dict[str, Any] = {}
    if page.current is not None and page.initial_for is not None:
        context = show_refusal(form, error, page.current, page.initial_for)
    else:
        form.add_problems(error.problems)
    return refused_post_redirect(request, form, context=context)
