"""Post, redirect, get: a page whose post had problems shows them after a redirect.

A refused post keeps what was typed and its problems in the session for the one GET that
follows, so refreshing a page never posts it again and an error is only ever shown after the
person acted. Any form page can use it: declarations, ownership statements, the console.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

# Where a page keeps what was posted to it and its problems, for the one GET that follows.
REFUSED_POST = "refused-post:{path}"
# The params of an error worth keeping across the redirect: which date boxes or list cells are
# wrong, so the page highlights them again.
KEPT_PARAMS = ("parts", "row", "column")


def refused_post_redirect(
    request: HttpRequest,
    form,
    *,
    errors: dict[str, list] | None = None,
    context: dict[str, Any] | None = None,
    anchor: str = "",
    path: str = "",
) -> HttpResponse:
    """Keep what was typed and every problem the form now holds, and send the browser back to
    the same page to show them: refreshing that page never posts again (POST, redirect, GET).

    `errors` keeps other problems than the form's (none: `{}`); `context` keeps what else the
    page shows (JSON-safe); `anchor` is where the page opens (say, a row just added); `path`
    is another page to show them on (the new row's own page, once an added row is saved).
    """
    request.session[REFUSED_POST.format(path=path or request.path)] = {
        "data": {key: values for key, values in form.data.lists() if key not in NOT_KEPT},
        "errors": kept_errors(form) if errors is None else errors,
        "context": context or {},
    }
    target = path or request.get_full_path()
    return redirect(target + (f"#{anchor}" if anchor else ""))


# Never kept: the token is the new page's own, and the buttons were pressed once.
NOT_KEPT = {"csrfmiddlewaretoken", "save_later"}


def kept_errors(form, fields: Iterable[str] | None = None) -> dict[str, list]:
    """A form's errors as a session keeps them: each a message, with the params that say which
    boxes or cells are wrong (only of `fields`, if given)."""
    wanted = None if fields is None else set(fields)
    kept: dict[str, list] = {}
    for field, errors in form.errors.as_data().items():
        if wanted is not None and field not in wanted:
            continue
        kept[field] = [kept_error(error) for error in errors]
    return kept


def kept_error(error: ValidationError) -> str | dict[str, Any]:
    message = str(next(iter(error)))
    params = {key: value for key, value in (error.params or {}).items() if key in KEPT_PARAMS}
    return {"message": message, "params": params} if params else message


def refused_post(request: HttpRequest) -> tuple[QueryDict | None, dict[str, list]]:
    """What a refused post left for this page, once (it is forgotten as it is read): the data to
    bind its form to and the problems to show; (None, {}) if there is none."""
    data, errors, _ = refused_post_kept(request)
    return data, errors


def refused_post_kept(
    request: HttpRequest,
) -> tuple[QueryDict | None, dict[str, list], dict[str, Any]]:
    """As `refused_post`, with the context the page kept too."""
    kept = request.session.pop(REFUSED_POST.format(path=request.path), None)
    if request.method != "GET" or not kept:
        return None, {}, {}
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    return data, kept["errors"], kept.get("context") or {}


def show_problems(form, errors: dict[str, list]) -> None:
    """Put a refused post's problems back on its form, as they were, without checking it again
    (a check now could differ: the problems shown are those of what was posted)."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    for field, said in errors.items():
        for entry in said:
            form.add_error(field if field in form.fields else None, shown_error(entry))


def shown_error(entry: str | dict[str, Any]) -> ValidationError | str:
    if isinstance(entry, str):
        return entry
    # Params make Django %-format the message: its own percent signs must stay as they are.
    message = str(entry["message"]).replace("%", "%%")
    return ValidationError(message, params=entry.get("params") or None)
