"""GOV.UK Design System rendering for ordinary Django forms.

`GovukFormRenderer` is the project's FORM_RENDERER, so any form renders the GOV.UK way:

- `{{ form }}` renders every visible field as a GOV.UK form group, then the hidden fields, after
  any errors not tied to a field. The page template supplies `<form novalidate>`, the CSRF token and
  the button.
- `{{ form.name.as_field_group }}` renders one field's group: label (or fieldset and legend), hint
  from `help_text`, error message, and the widget with GOV.UK classes. `{{ form.name }}` renders
  the widget alone, classes included.
- `{% include "includes/error_summary.html" with form=form %}` lists the errors at the top of the
  page, each linking to `GovukBoundField.error_target_id`.

Widgets need no GOV.UK classes of their own. Classes a form puts in `widget.attrs["class"]` are
kept after the GOV.UK ones (`govuk-input--width-10`, `govuk-!-width-one-half`); on radios and
checkboxes, `govuk-radios--inline`, `govuk-radios--small` and `govuk-checkboxes--small` go on the
group's wrapper instead. Other attributes (`autocomplete`, `spellcheck`) pass through as usual.

Conventions:

- A form with `page_heading_field = "name"` renders that field's label or legend inside the page's
  `<h1>` (GOV.UK's "label as page heading" pattern); the page template then has no other `<h1>`.
- A field that is not required gets " (optional)" after its label, except a single checkbox, so
  no label says it itself (tests/lib/test_forms.py checks every form of the project). A field
  required only in some cases is marked with `required_when` and says when in its hint.
- People's formats: `GroupedIntegerField` and `GroupedDecimalField` read "1,000,000" and
  "2 000 000 000"; `CountryField` reads a country by code or name ("UK" is GB) from a select that
  init.js turns into GOV.UK's accessible autocomplete (`AutocompleteSelect`) where JavaScript runs.
- `RowsField` is GOV.UK's add-another pattern without JavaScript: a row of cells per item, and
  "Add another" and "Remove" buttons that post the page (`<name>-add`, `<name>-remove`), which the
  view shows again with everything typed kept.
- `GovukDateField` (with its `GovukDateInput` day, month and year boxes) returns a `datetime.date`
  and words its errors the GOV.UK way, highlighting only the boxes that are wrong. Pass
  `subject="Release date"` to name the date in those errors, and
  `error_messages={"required": "Enter the release date"}` for the empty case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

import django.forms
import pycountry
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Widget
from django.template.backends.base import BaseEngine
from django.templatetags.static import static
from django.utils.functional import cached_property

from registry.lib.codes import country_choices

DATE_PARTS = ("day", "month", "year")

# A private attribute the bound field hands to GovukDateInput: which boxes to highlight. The widget
# removes it before anything is rendered.
DATE_ERROR_PARTS_ATTR = "govuk_date_error_parts"

# Django's own widget templates, which our engine must find though 'django.forms' isn't an app.
DJANGO_FORMS_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"

# Django widget templates replaced wholesale; the others only need the classes added to attrs.
WIDGET_TEMPLATES = {
    "django/forms/widgets/radio.html": "govuk/forms/widgets/radios.html",
    "django/forms/widgets/checkbox_select.html": "govuk/forms/widgets/checkboxes.html",
    "django/forms/widgets/clearable_file_input.html": "govuk/forms/widgets/clearable_file.html",
}

# The GOV.UK class of each kind of control, and the class it gains when the field has an error.
CONTROL_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "password": (
        "govuk-input govuk-password-input__input govuk-js-password-input-input",
        "govuk-input--error",
    ),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "radios": ("govuk-radios__input", ""),
    "checkboxes": ("govuk-checkboxes__input", ""),
    "checkbox": ("govuk-checkboxes__input", ""),
    "fieldset": ("govuk-input", "govuk-input--error"),
}

# Kinds whose inputs sit in a wrapper (govuk-radios, govuk-checkboxes) that takes modifier classes.
WRAPPED_KINDS = {
    "radios": "govuk-radios",
    "checkboxes": "govuk-checkboxes",
    "checkbox": "govuk-checkboxes",
}

# GOV.UK asks services to accept month names as well as numbers. Spelt out here rather than taken
# from `calendar`, whose names follow the process locale.
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS = {
    **{name: number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
DAY_RE = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?", re.IGNORECASE)
NUMBER_RE = re.compile(r"[0-9]+")


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes in a GOV.UK date input."""

    template_name = "govuk/forms/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, autocomplete: str = "") -> None:
        widgets: dict[str, Widget | type[Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS
        }
        if autocomplete:
            # A date of birth uses autocomplete="bday": each box then gets bday-day and so on.
            for part, widget in widgets.items():
                cast(Widget, widget).attrs["autocomplete"] = f"{autocomplete}-{part}"
        super().__init__(widgets, attrs)

    def decompress(self, value: date | None) -> list[int | None]:
        """Split a date into day, month and year for the boxes."""
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts = attrs.pop(DATE_ERROR_PARTS_ATTR, ())
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id", "")
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            dress_date_part(subwidget, part, base_id, has_error=part in error_parts)
        return context


def dress_date_part(subwidget: dict[str, Any], part: str, base_id: str, *, has_error: bool) -> None:
    """Give one date box its GOV.UK id, classes, label and error state."""
    attrs = subwidget["attrs"]
    if base_id:
        attrs["id"] = f"{base_id}_{part}"
    width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
    error = ["govuk-input--error"] if has_error else []
    attrs["class"] = " ".join(["govuk-input", "govuk-date-input__input", *error, width])
    # Only the boxes that are wrong are invalid, not the whole date.
    if has_error:
        attrs["aria-invalid"] = "true"
    else:
        attrs.pop("aria-invalid", None)
    subwidget["label"] = part.capitalize()


class GovukDateField(forms.Field):
    """A date entered in GOV.UK day, month and year boxes."""

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter a date",
        "incomplete": "%(subject)s must include a %(missing)s",
        "invalid": "%(subject)s must be a real date",
        "year_length": "Year must include 4 numbers",
    }

    def __init__(self, *, subject: str = "Date", **kwargs: Any) -> None:
        self.subject = subject
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        """Turn the three boxes into a date, or raise the one GOV.UK error that fits.

        1. Nothing entered: no date (the required check follows).
        2. A box left empty: "must include a …".
        3. A box that can't be a day, month or year: "must be a real date".
        4. A year of other than 4 digits: "Year must include 4 numbers".
        5. A day the month doesn't have (31 February): "must be a real date".
        """
        if isinstance(value, date):
            return value
        texts = dict(zip(DATE_PARTS, date_part_texts(value), strict=True))
        if not any(texts.values()):
            return None
        self.check_complete(texts)
        numbers = self.parse_parts(texts)
        if len(texts["year"]) != 4:
            raise self.error("year_length", ("year",))
        try:
            return date(numbers["year"], numbers["month"], numbers["day"])
        except ValueError:
            raise self.error("invalid", DATE_PARTS) from None

    def check_complete(self, texts: dict[str, str]) -> None:
        """Raise "must include a …" naming the empty boxes."""
        missing = [part for part in DATE_PARTS if not texts[part]]
        if not missing:
            return
        # GOV.UK highlights the one empty box, or the whole date when more are empty.
        parts = tuple(missing) if len(missing) == 1 else DATE_PARTS
        raise self.error("incomplete", parts, missing=" and ".join(missing))

    def parse_parts(self, texts: dict[str, str]) -> dict[str, int]:
        """Read each box as a number, raising "must be a real date" for any that can't be."""
        numbers = {
            "day": parse_day(texts["day"]),
            "month": parse_month(texts["month"]),
            "year": parse_year(texts["year"]),
        }
        wrong = [part for part, number in numbers.items() if number is None]
        if wrong:
            raise self.error("invalid", tuple(wrong) if len(wrong) == 1 else DATE_PARTS)
        return {part: number for part, number in numbers.items() if number is not None}

    def error(self, code: str, parts: Sequence[str], **params: str) -> ValidationError:
        """Build the error for code, remembering which boxes to highlight."""
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={"subject": self.subject, "parts": tuple(parts), **params},
        )


def date_part_texts(value: Any) -> list[str]:
    """Return the day, month and year as stripped strings, empty when not given."""
    if not isinstance(value, list | tuple):
        value = [None, None, None]
    padded = [*value, None, None, None][:3]
    return ["" if text is None else str(text).strip() for text in padded]


def parse_day(text: str) -> int | None:
    """Read a day of the month: 1 to 31, with or without a leading zero or an ordinal suffix."""
    match = DAY_RE.fullmatch(text)
    day = int(match.group(1)) if match else 0
    return day if 1 <= day <= 31 else None


def parse_month(text: str) -> int | None:
    """Read a month as 1 to 12 or its English name or abbreviation."""
    if NUMBER_RE.fullmatch(text):
        month = int(text)
        return month if 1 <= month <= 12 else None
    return MONTHS.get(text.lower().rstrip("."))


def parse_year(text: str) -> int | None:
    """Read a year as digits; its length is checked separately."""
    if not NUMBER_RE.fullmatch(text):
        return None
    year = int(text)
    return year if year >= 1 else None


# --- People's formats: numbers with thousands separators, countries by name

# A number written with thousands separators, as people type and paste them: commas, spaces
# (no-break and thin ones too) or underscores between groups of three digits.
GROUPED_DIGITS = re.compile(r"[+-]?[0-9]{1,3}(?:[, \u00a0\u202f_][0-9]{3})+(?:\.[0-9]+)?")
DIGIT_SEPARATORS = re.compile(r"[, \u00a0\u202f_]")


FieldT = TypeVar("FieldT", bound=forms.Field)


def required_when(field: FieldT) -> FieldT:
    """Mark a field that is required only in some cases (its hint says which), so its label is
    not called optional: the form lets it be empty, and the rules ask for it when it's needed."""
    field.required_sometimes = True  # type: ignore[attr-defined]
    return field


def ungroup_digits(value: Any) -> Any:
    """A number typed as "1,000,000" or "2 000 000 000" without its separators; else unchanged.

    Only separators between groups of three are read as such: "1,5" stays as typed (and is
    refused), rather than being guessed to be 15 or 1.5.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    return DIGIT_SEPARATORS.sub("", text) if GROUPED_DIGITS.fullmatch(text) else text


class GroupedNumberInput(forms.TextInput):
    """A text box for a number that shows a saved one grouped in thousands: 2,900,000,000."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return f"{value:,}"
        return super().format_value(value)


class GroupedIntegerField(forms.IntegerField):
    """A whole number, also as people write it: 1,000,000 or 2 000 000 000."""

    def to_python(self, value: Any) -> int | None:
        return super().to_python(ungroup_digits(value))


class GroupedDecimalField(forms.DecimalField):
    """A decimal number, also with thousands separators: 1,200.5."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(ungroup_digits(value))


# Names in common use for a country that are not its ISO name, so "UK" finds GB.
COUNTRY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    "US": ("USA", "America", "United States of America"),
    "AE": ("UAE", "Emirates"),
    "CZ": ("Czech Republic",),
    "NL": ("Holland", "The Netherlands"),
    "RU": ("Russia",),
    "TR": ("Turkey",),
    "KR": ("Korea",),
    "CI": ("Ivory Coast",),
    "CV": ("Cape Verde",),
    "MK": ("Macedonia",),
    "MM": ("Burma",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "VA": ("Vatican", "Vatican City"),
    "PS": ("Palestine",),
    "BN": ("Brunei",),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo"),
}

# Where a select of countries or languages finds the autocomplete that enhances it.
AUTOCOMPLETE_MODULE = "js/autocomplete.js"
AUTOCOMPLETE_SCRIPT = "govuk/accessible-autocomplete.min.js"
AUTOCOMPLETE_STYLE = "govuk/accessible-autocomplete.min.css"


def fold(text: str) -> str:
    """Text as compared when looking a name up: lower case, single spaces, no accents' effect."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().replace(".", "").split())


@cache
def country_lookup() -> dict[str, str]:
    """Every way the register reads a country (folded) → its ISO 3166-1 alpha-2 code."""
    lookup: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [code, country.alpha_3, country.name]
        names += [getattr(country, key, "") for key in ("common_name", "official_name")]
        names += COUNTRY_SYNONYMS.get(code, ())
        for name in filter(None, names):
            lookup.setdefault(fold(name), code)
    return lookup


def country_code_for(text: str) -> str:
    """The code of a country given by its code, its name or a name in common use ("UK"); "" if
    none is known by that name."""
    return country_lookup().get(fold(text or ""), "")


def autocomplete_attrs() -> dict[str, str]:
    """The attributes that have init.js enhance a select with the accessible autocomplete."""
    return {
        "data-app-module": static(AUTOCOMPLETE_MODULE),
        "data-autocomplete-script": static(AUTOCOMPLETE_SCRIPT),
        "data-autocomplete-style": static(AUTOCOMPLETE_STYLE),
    }


class AutocompleteSelect(forms.Select):
    """A GOV.UK select that, with JavaScript, becomes an accessible autocomplete.

    Without JavaScript it stays a select, which works everywhere. An option may carry other names
    to be found by (`synonyms`: value → names), as "UK" finds the United Kingdom.
    """

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.synonyms = synonyms or {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, value, {**autocomplete_attrs(), **(attrs or {})})

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        # Codes are found too: "FR" finds France, "de" German.
        found_by = [str(value), *self.synonyms.get(str(value), ())] if value else []
        if found_by:
            option["attrs"]["data-synonyms"] = "|".join(found_by)
        return option


def country_select_choices() -> list[tuple[str, str]]:
    return [("", "Select a country"), *country_choices()]


class CountryField(forms.ChoiceField):
    """A country from a select (an autocomplete with JavaScript), read by code or by name: "GB",
    "United Kingdom" and "UK" are all GB."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", country_select_choices)
        kwargs.setdefault("widget", AutocompleteSelect(synonyms=COUNTRY_SYNONYMS))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return country_code_for(text) or text


# --- Add another: a list of items, each a row of questions

# A private attribute the bound field hands to RowsWidget: which cells to highlight.
ROWS_ERROR_CELLS_ATTR = "govuk_rows_error_cells"
# The most rows a page reads from one post: a list longer than this is a file's job.
MAX_ROWS = 500
ROW_KEY = re.compile(r"-([0-9]{1,4})-")


class RowsWidget(forms.Widget):
    """GOV.UK's add-another pattern: a row of controls per item, with buttons to add a row and
    to remove one.

    It needs no JavaScript: each button posts the page, which comes back with a row more or
    less and everything typed kept. Controls are named `<name>-<row>-<column>`, rows counting
    from 0; the buttons `<name>-add` and `<name>-remove` (its value the row).
    """

    template_name = "govuk/forms/widgets/rows.html"

    def __init__(
        self, columns: dict[str, forms.Field], noun: str, attrs: dict[str, Any] | None = None
    ) -> None:
        super().__init__(attrs)
        self.columns = columns
        self.noun = noun

    def value_from_datadict(self, data, files, name: str) -> list[dict[str, str]]:
        """The rows as posted, with a row removed or added if a button asked for it."""
        prefix = f"{name}-"
        indexes = sorted(
            {
                int(found.group(1))
                for key in data
                if key.startswith(prefix) and (found := ROW_KEY.match(key, len(name)))
            }
        )[:MAX_ROWS]
        rows = [
            {key: str(data.get(f"{name}-{index}-{key}") or "") for key in self.columns}
            for index in indexes
        ]
        removed = str(data.get(f"{name}-remove") or "")
        if removed.isdigit() and int(removed) < len(rows):
            del rows[int(removed)]
        if f"{name}-add" in data and len(rows) < MAX_ROWS:
            rows.append(dict.fromkeys(self.columns, ""))
        return rows

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return False  # no rows posted means an empty list

    def cell_id(self, base_id: str, row: int, column: str) -> str:
        """The id of a cell's first control (a radio group's first radio)."""
        cell = f"{base_id}_{row}_{column}"
        kind = widget_kind(self.columns[column].widget)
        return f"{cell}_0" if kind in {"radios", "checkboxes"} else cell

    def first_column(self) -> str:
        return next(iter(self.columns))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_cells = attrs.pop(ROWS_ERROR_CELLS_ATTR, ())
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        rows = list(value) if isinstance(value, list | tuple) and value else [{}]
        context["widget"]["rows"] = [
            self.row_context(name, base_id, index, row, error_cells)
            for index, row in enumerate(rows)
        ]
        context["widget"]["noun"] = self.noun
        context["widget"]["add_id"] = f"{base_id}_add"
        return context

    def row_context(
        self, name: str, base_id: str, index: int, row: Any, error_cells: Iterable[Sequence]
    ) -> dict[str, Any]:
        wrong = {tuple(cell) for cell in error_cells}
        cells = []
        for key, column in self.columns.items():
            cell_id = f"{base_id}_{index}_{key}"
            has_error = (index, key) in wrong or (index, "") in wrong
            kind = widget_kind(column.widget)
            cell_attrs: dict[str, Any] = {"id": cell_id}
            if kind in CONTROL_CLASSES:
                base, error = CONTROL_CLASSES[kind]
                own = column.widget.attrs.get("class", "").split()
                cell_attrs["class"] = merge_classes(base.split(), [error] if has_error else [], own)
            if has_error:
                cell_attrs["aria-invalid"] = "true"
            raw = row.get(key, "") if isinstance(row, dict) else ""
            widget = column.widget.get_context(f"{name}-{index}-{key}", raw, cell_attrs)["widget"]
            cells.append(
                {
                    "id": self.cell_id(base_id, index, key),
                    "label": column.label,
                    "kind": kind,
                    "error": has_error,
                    "widget": widget,
                }
            )
        return {
            "index": index,
            "id": f"{base_id}_{index}",
            "legend": f"{self.noun[:1].upper()}{self.noun[1:]} {index + 1}",
            "cells": cells,
        }


class RowsField(forms.Field):
    """A list of items entered with the add-another pattern: each item a row of `columns`.

    Each column is an ordinary field that reads its cell (a choice, a number); a row left empty
    is no item, and a required column is one a row can't be stored without (a language's code);
    an item missing any other answer is a problem for the rules to report, and a draft keeps it.
    `to_item` turns a row's cleaned cells into the item stored; items shown again are read back
    by their keys (a bare value fills the first column). Its errors name the row ("Language 2:
    …") and highlight the cells that are wrong.
    """

    widget = RowsWidget

    def __init__(
        self,
        *,
        columns: dict[str, forms.Field],
        noun: str,
        to_item: Callable[[dict[str, Any]], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.columns = columns
        self.noun = noun
        self.to_item = to_item or dict
        # Where each cleaned item was on the page, so a rule's problem with item 2 can be shown
        # on the row that holds it even when empty rows come before it.
        self.positions: list[int] = []
        kwargs.setdefault("required", False)
        super().__init__(widget=RowsWidget(columns, noun), **kwargs)

    def prepare_value(self, value: Any) -> list[dict[str, str]]:
        """Items (as stored) or rows (as posted) as the text each cell shows."""
        if not isinstance(value, list | tuple):
            return []
        first = next(iter(self.columns))
        return [
            {key: cell_text(item.get(key)) for key in self.columns}
            if isinstance(item, dict)
            else {first: cell_text(item)}
            for item in value
        ]

    def row_label(self, position: int) -> str:
        return f"{self.noun[:1].upper()}{self.noun[1:]} {position + 1}"

    def clean(self, value: Any) -> list[Any]:
        rows = self.prepare_value(value)
        items: list[Any] = []
        self.positions = []
        errors: list[ValidationError] = []
        for position, row in enumerate(rows):
            if not any(text.strip() for text in row.values()):
                continue
            cleaned, wrong = self.clean_row(position, row)
            errors += wrong
            if not wrong:
                items.append(self.to_item(cleaned))
                self.positions.append(position)
        if errors:
            raise ValidationError(errors)
        if not items and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return items

    def clean_row(
        self, position: int, row: dict[str, str]
    ) -> tuple[dict[str, Any], list[ValidationError]]:
        cleaned: dict[str, Any] = {}
        errors = []
        for key, column in self.columns.items():
            try:
                cleaned[key] = column.clean(row.get(key, ""))
            except ValidationError as error:
                for each in error.error_list:
                    # Said with the row; its percent signs kept as such once params are added.
                    said = f"{self.row_label(position)}: {next(iter(each))}".replace("%", "%%")
                    params = {"row": position, "column": key}
                    # Never "required": a row half answered can't be stored as an item.
                    errors.append(ValidationError(said, code="invalid_row", params=params))
        return cleaned, errors


def cell_text(value: Any) -> str:
    return "" if value is None else str(value)


# Checked in order: subclasses before the classes they extend.
WIDGET_KINDS: tuple[tuple[type[Widget], str], ...] = (
    (RowsWidget, "rows"),
    (GovukDateInput, "date"),
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (forms.FileInput, "file"),
    (forms.PasswordInput, "password"),
    (forms.Textarea, "textarea"),
    (forms.Select, "select"),
    (forms.MultiWidget, "fieldset"),
)


def widget_kind(widget: Widget) -> str:
    """Name the GOV.UK component a widget renders as."""
    if widget.is_hidden:
        return "hidden"
    for widget_class, kind in WIDGET_KINDS:
        if isinstance(widget, widget_class):
            return kind
    return "input"


def merge_classes(*groups: Iterable[str]) -> str:
    """Join class names in order, each once."""
    return " ".join(dict.fromkeys(name for group in groups for name in group if name))


class GovukBoundField(BoundField):
    """A bound field that knows its GOV.UK component, classes and error target."""

    @property
    def govuk_kind(self) -> str:
        return widget_kind(self.field.widget)

    @property
    def govuk_template(self) -> str:
        """Name the template that lays out this field's form group."""
        kind = self.govuk_kind
        if kind in {"radios", "checkboxes", "date", "fieldset", "rows"}:
            return "govuk/forms/fieldset_group.html"
        if kind == "checkbox":
            return "govuk/forms/checkbox_group.html"
        return "govuk/forms/label_group.html"

    @property
    def group_classes(self) -> str:
        """Return the classes of the field's govuk-form-group."""
        return merge_classes(
            ["govuk-form-group"],
            ["govuk-form-group--error"] if self.errors else [],
            ["govuk-password-input"] if self.govuk_kind == "password" else [],
        )

    @property
    def is_page_heading(self) -> bool:
        return getattr(self.form, "page_heading_field", None) == self.name

    @property
    def is_optional(self) -> bool:
        if self.field.required or getattr(self.field, "required_sometimes", False):
            return False
        return self.govuk_kind != "checkbox"

    @property
    def wrapper_classes(self) -> str:
        """Return the classes of the radios or checkboxes wrapper, modifiers included."""
        block = WRAPPED_KINDS.get(self.govuk_kind, "")
        own = self.field.widget.attrs.get("class", "").split()
        return merge_classes([block], (name for name in own if name.startswith(f"{block}--")))

    @property
    def wrapper_module(self) -> str:
        return WRAPPED_KINDS.get(self.govuk_kind, "")

    @property
    def error_target_id(self) -> str:
        """Return the id the error summary links to: the first control to correct."""
        base_id = self.field.widget.attrs.get("id") or self.auto_id
        kind = self.govuk_kind
        if not base_id:
            return ""
        if kind == "date":
            return f"{base_id}_{(self.date_error_parts() or DATE_PARTS)[0]}"
        if kind in {"radios", "checkboxes"}:
            return self.field.widget.id_for_label(base_id, "0")
        if kind == "fieldset":
            return f"{base_id}_0"
        if kind == "rows":
            widget = cast(RowsWidget, self.field.widget)
            row, column = next(iter(self.row_error_cells()), (0, ""))
            return widget.cell_id(base_id, row, column or widget.first_column())
        return self.id_for_label or base_id

    def date_error_parts(self) -> tuple[str, ...]:
        """Return the date boxes to highlight: those the errors name, or all of them."""
        named: set[str] = set()
        for error in self.errors.as_data():
            parts = (error.params or {}).get("parts")
            if not parts:
                # An error about the date as a whole (say, "must be in the past").
                return DATE_PARTS
            named.update(parts)
        return tuple(part for part in DATE_PARTS if part in named)

    def row_error_cells(self) -> list[tuple[int, str]]:
        """The cells of an add-another list that its errors name: (row, column), in order."""
        cells = []
        for error in self.errors.as_data():
            params = error.params or {}
            if isinstance(params.get("row"), int):
                cells.append((params["row"], str(params.get("column") or "")))
        return cells

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: Widget | None = None
    ) -> dict[str, Any]:
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        kind = widget_kind(widget)
        if kind == "date":
            attrs[DATE_ERROR_PARTS_ATTR] = self.date_error_parts()  # type: ignore[assignment]
        elif kind == "rows":
            attrs[ROWS_ERROR_CELLS_ATTR] = self.row_error_cells()  # type: ignore[assignment]
        elif kind in CONTROL_CLASSES:
            attrs["class"] = self.control_classes(kind, widget, attrs)
        if kind == "password":
            # GOV.UK's password input: no spellchecking or capitalising of what is typed.
            for name, value in (("spellcheck", "false"), ("autocapitalize", "none")):
                if name not in widget.attrs:
                    attrs.setdefault(name, value)
        return attrs

    def control_classes(self, kind: str, widget: Widget, attrs: dict[str, Any]) -> str:
        """Return the GOV.UK classes for the control, then the form's own."""
        base, error = CONTROL_CLASSES[kind]
        own = [*widget.attrs.get("class", "").split(), *attrs.get("class", "").split()]
        block = WRAPPED_KINDS.get(kind)
        if block:
            # Modifiers of the wrapper (govuk-radios--inline) don't belong on each input.
            own = [name for name in own if not name.startswith(f"{block}--")]
        return merge_classes(base.split(), [error] if self.errors else [], own)


class GovukFormRenderer(DjangoTemplates):
    """Render forms, fields and widgets with the GOV.UK templates in templates/govuk/forms/."""

    form_template_name = "govuk/forms/div.html"
    field_template_name = "govuk/forms/field.html"
    bound_field_class = GovukBoundField

    def get_template(self, template_name: str) -> Any:
        return super().get_template(WIDGET_TEMPLATES.get(template_name, template_name))

    @cached_property
    def engine(self) -> BaseEngine:
        """Build an engine over the project's templates and Django's widgets, then the apps'."""
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [*project_template_dirs(), DJANGO_FORMS_TEMPLATES],
                "NAME": "govukforms",
                "OPTIONS": {},
            }
        )


def project_template_dirs() -> list[Path]:
    """Return the DIRS of the project's Django template engines, in settings order."""
    engines: list[dict[str, Any]] = settings.TEMPLATES
    return [
        Path(directory)
        for engine in engines
        if engine["BACKEND"] == "django.template.backends.django.DjangoTemplates"
        for directory in engine.get("DIRS", [])
    ]
