"""The register's search forms: what a visitor may search, filter, sort and page by.

A bad value never stops a search and is never silently dropped: the form names it in an error,
leaves it out, and applies everything else it was given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from registry.declarations import choices
from registry.labels import selectors
from registry.labels.selectors import search
from registry.providers.models import ControlVerdict
from registry.review import risks

QUERY_MAX_LENGTH = 200
# How much of a bad value an error message repeats, and how many bad values it names.
SHOWN_VALUE_LENGTH = 40
SHOWN_VALUES = 3

ALERT_CHOICES = [(code, risks.RULES[code].title) for code in selectors.PUBLIC_ALERTS] + [
    (selectors.NO_ALERTS, "No alerts")
]

QUERY_ERRORS = {
    "max_length": (
        "Search must be %(limit_value)d characters or fewer (it has %(show_value)d), so the "
        "results are not searched by it"
    ),
    "null_characters_not_allowed": (
        "Search must not contain control characters, so the results are not searched by it"
    ),
}
PUNCTUATION_ONLY = (
    "Search for a word or a registration number: no model or provider is named '%(value)s', "
    "and a search of punctuation alone finds nothing else"
)
PAGE_NOT_A_NUMBER = "'%(value)s' is not a page number, so the first page is shown"
# Page numbers have at most this many digits; a longer one is past the end of any search.
PAGE_DIGITS = 9
PAGE_BEYOND_THE_END = (
    "There is no page %(number)d: the results fill %(pages)d, so the first page is shown"
)
PAGE_TOO_FAR = (
    "There is no page %(value)s: the results are not that long, so the first page is shown"
)
SORT_UNKNOWN = "'%(value)s' is not a way to sort the results, so they are sorted by %(default)s"


def shown(value: str) -> str:
    """A visitor's value as an error message repeats it: a long one cut short."""
    value = " ".join(value.split())
    if len(value) <= SHOWN_VALUE_LENGTH:
        return value
    return value[: SHOWN_VALUE_LENGTH - 1] + "…"


def listed(values: list[str]) -> str:
    """'a', 'a' and 'b', 'a', 'b', 'c' and 2 more."""
    quoted = [f"'{shown(value)}'" for value in values[:SHOWN_VALUES]]
    if len(values) > SHOWN_VALUES:
        quoted.append(f"{len(values) - SHOWN_VALUES} more")
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


class FilterField(forms.MultipleChoiceField):
    """A filter's checkboxes, whose values are alternatives. Values the register doesn't know
    are each named in one error, and the known ones still apply (`known`)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        # Each value once, in order; an empty value is no value, not a wrong one.
        return [choice for choice in dict.fromkeys(super().to_python(value)) if choice]

    def validate(self, value: list[str]) -> None:
        unknown = [choice for choice in value if not self.valid_value(choice)]
        if not unknown:
            return
        if len(unknown) == 1:
            message = f"{listed(unknown)} is not an option of '{self.label}', so it was left out"
        else:
            message = f"{listed(unknown)} are not options of '{self.label}', so they were left out"
        raise ValidationError(message, code="invalid_choice")

    def known(self, values: Iterable[str]) -> list[str]:
        """The values the register knows, each once: what the filter applies."""
        return [value for value in dict.fromkeys(values) if self.valid_value(value)]


def clean_query(value: str) -> str:
    """Spaces typed around and between words don't change a search."""
    return " ".join(value.split())


def page_number(value: str) -> int | None:
    """The page asked for (None: the first); an error naming anything that isn't one."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not value.strip("0"):
        raise ValidationError(PAGE_NOT_A_NUMBER, params={"value": shown(value)}, code="invalid")
    if len(value.lstrip("0")) > PAGE_DIGITS:
        raise ValidationError(PAGE_TOO_FAR, params={"value": shown(value)}, code="invalid")
    return int(value)


class PagedSearchForm(forms.Form):
    """Words to search for, and a page of the results: a refused search is left out, and a bad
    page number shows the first page instead, each with an error saying so."""

    q = forms.CharField(required=False, max_length=QUERY_MAX_LENGTH, error_messages=QUERY_ERRORS)
    page = forms.CharField(required=False, strip=True)
    field_order = ["q", "page"]
    # Where an error summary sends the visitor for each field: the control to correct.
    ERROR_TARGETS: dict[str, str] = {"q": "q", "page": "results"}

    def __init__(self, data: QueryDict, **kwargs: Any) -> None:
        super().__init__(data, auto_id="%s", **kwargs)
        self.full_clean()  # at once: what applies is read from what was cleaned

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data["q"])

    def clean_page(self) -> int | None:
        return page_number(self.cleaned_data["page"])

    @property
    def query(self) -> str:
        """The search applied: none if it was refused."""
        return self.cleaned_data.get("q") or ""

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    def punctuation_found_nothing(self) -> None:
        """Refuse a search of punctuation alone that no name matched."""
        self.add_error(
            "q",
            ValidationError(PUNCTUATION_ONLY, params={"value": shown(self.query)}, code="invalid"),
        )

    def page_beyond_the_end(self, number: int, pages: int) -> None:
        """Refuse a page past the last: the results have only `pages`."""
        self.add_error(
            "page",
            ValidationError(
                PAGE_BEYOND_THE_END, params={"number": number, "pages": pages}, code="invalid"
            ),
        )

    def problems(self) -> list[dict[str, str]]:
        """Every error, in the page's order, with the id of the control it is about."""
        return [
            {"message": str(message), "target": self.error_target(name)}
            for name in self.fields
            for message in self.errors.get(name, [])
        ]

    def error_target(self, name: str) -> str:
        return self.ERROR_TARGETS[name]


class RegisterSearchForm(PagedSearchForm):
    """The register's search: words, filters that combine (within a filter any value matches,
    across filters all must), an order and a page. Every field is optional."""

    control = FilterField(label="Who controls the provider", choices=ControlVerdict.choices)
    alert = FilterField(label="Alerts on the label", choices=ALERT_CHOICES)
    category = FilterField(label="Trained on", choices=choices.SourceCategory.choices)
    modality = FilterField(label="Takes in or puts out", choices=choices.Modality.choices)
    sort = forms.CharField(required=False, strip=True)

    FILTERS = ("control", "alert", "category", "modality")
    field_order = ["q", *FILTERS, "sort", "page"]
    # The `search_models` keyword each filter's values go to.
    FILTER_KEYWORDS = {
        "control": "control",
        "alert": "alerts",
        "category": "categories",
        "modality": "modalities",
    }
    ERROR_TARGETS = {**PagedSearchForm.ERROR_TARGETS, "sort": "sort"}

    def clean_sort(self) -> str:
        chosen = self.cleaned_data["sort"]
        if chosen and chosen not in search.SORTS:
            default = search.SORTS[search.default_sort(self.query)].lower()
            raise ValidationError(
                SORT_UNKNOWN, params={"value": shown(chosen), "default": default}, code="invalid"
            )
        return chosen

    def error_target(self, name: str) -> str:
        if name in self.FILTERS:
            first_value = self.fields[name].choices[0][0]  # type: ignore[attr-defined]
            return f"{name}-{first_value}"
        return super().error_target(name)

    # --- What the search applies

    def applied(self, name: str) -> list[str]:
        """A filter's values that apply: all of them, or the known ones if some were not."""
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        field: FilterField = self.fields[name]  # type: ignore[assignment]
        data: QueryDict = self.data  # type: ignore[assignment]
        return field.known(data.getlist(name))

    @property
    def sort_applied(self) -> str:
        """The order the results are in: the visitor's choice where it can apply."""
        return search.effective_sort(self.cleaned_data.get("sort") or "", self.query)

    def search(self) -> dict[str, Any]:
        """The keyword arguments of `selectors.search_models` for what applies."""
        filters = {self.FILTER_KEYWORDS[name]: self.applied(name) for name in self.FILTERS}
        return {"q": self.query, "sort": self.sort_applied, **filters}

    # --- Links that change one thing and keep the rest

    def sort_options(self) -> list[dict[str, Any]]:
        """The orders on offer (best match only when searching), the one applied selected."""
        offered = [key for key in search.SORTS if self.query or key != search.BEST_MATCH]
        return [
            {"value": key, "text": search.SORTS[key], "selected": key == self.sort_applied}
            for key in offered
        ]

    def selected_filters(self) -> list[dict[str, Any]]:
        """The filters applied, as MOJ's filter tags: each a link that removes that one value."""
        groups = []
        for name in self.FILTERS:
            names = dict(self.fields[name].choices)  # type: ignore[attr-defined]
            tags = [
                {"text": str(names[value]), "href": self.link(without=(name, value))}
                for value in self.applied(name)
            ]
            if tags:
                groups.append({"label": self.fields[name].label, "tags": tags})
        return groups

    def clear_filters_link(self) -> str:
        """The search and its order without any filter."""
        return self.link(filters=False)

    def link(self, *, without: tuple[str, str] | None = None, filters: bool = True) -> str:
        """A query string of what applies (first page), less one filter value or every filter."""
        params = QueryDict(mutable=True)
        if self.query:
            params["q"] = self.query
        for name in self.FILTERS if filters else ():
            values = [value for value in self.applied(name) if (name, value) != without]
            params.setlist(name, values)
        if self.cleaned_data.get("sort"):
            params["sort"] = self.sort_applied
        return f"?{params.urlencode()}" if params else "?"


class ProviderSearchForm(PagedSearchForm):
    """The list of providers: a name or number to look for, and a page."""
