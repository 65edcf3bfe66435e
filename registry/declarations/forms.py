"""The provider's question pages for models and declarations.

Forms read what was typed (a number, a date, a choice from the list), in the formats people use
("1,000,000", a country's name), and turn it into the values the services take. The rules live
in `validation.py`: a question page runs them over the values it would save, and each form shows
the problems about its own questions beside them (`add_page_problems`), so a page shows all of
its problems in one round. A data source is asked over several pages, each a `Source…Form`; the
pages a source needs depend on its category (`source_pages`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from registry.declarations import choices
from registry.declarations.models import AIModel, DataSource, RedTeamAttestation
from registry.declarations.selectors import GENERAL_FIELDS
from registry.declarations.uploads import files, lists, sheets
from registry.declarations.uploads.cells import BIGINT_MAX
from registry.declarations.validation import MESSAGES
from registry.filings.forms import LockVersionForm
from registry.lib.codes import language_names
from registry.lib.forms import (
    AutocompleteSelect,
    CountryField,
    GovukDateField,
    GroupedDecimalField,
    GroupedIntegerField,
    GroupedNumberInput,
    RowsField,
    required_when,
)
from registry.lib.problems import Problem

YES_NO = [("yes", "Yes"), ("no", "No")]
REGULATOR_ONLY = "Only the regulator sees this exact figure: the public sees the band."


HOSTS_FILE_HINT = "A .txt or .csv file with one host a line (or in the first column), up to {}"


def hosts_file_hint() -> str:
    return HOSTS_FILE_HINT.format(files.size_text(upload_limit("TOP_DOMAINS_UPLOAD_MAX_BYTES")))


def upload_limit(name: str) -> int:
    """The size limit of one kind of upload, read when used so a settings change applies."""
    return getattr(settings, name)


# How many top domains a page shows: the full list may be 10,000 long.
TOP_DOMAINS_PREVIEW = 5


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def yes_no_field(label: str, required_message: str, **kwargs: Any) -> forms.TypedChoiceField:
    """Yes or no radios that give True or False (None when nothing was chosen)."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": required_message, "invalid_choice": required_message},
        **kwargs,
    )


def radios(label: str, options, message: str, **kwargs: Any) -> forms.ChoiceField:
    kwargs.setdefault("widget", forms.RadioSelect)
    return forms.ChoiceField(
        label=label,
        choices=options,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


def checkboxes(label: str, options, message: str, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=options,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


def text(label: str, max_length: int, message: str = "", **kwargs: Any) -> forms.CharField:
    errors = {"max_length": f"{label} must be {max_length:,} characters or fewer"}
    if message:
        errors["required"] = message
    return forms.CharField(
        label=label, max_length=max_length, required=bool(message), error_messages=errors, **kwargs
    )


def textarea(label: str, message: str = "", max_length: int = 10_000, **kwargs: Any):
    return text(label, max_length, message, widget=forms.Textarea(attrs={"rows": 4}), **kwargs)


def whole_number(label: str, minimum: int = 0, **kwargs: Any) -> GroupedIntegerField:
    """A count, also typed with thousands separators: 1,500,000 or 1 500 000."""
    message = f"{label} must be a whole number from {minimum:,}"
    return GroupedIntegerField(
        label=label,
        required=False,
        min_value=minimum,
        max_value=BIGINT_MAX,
        widget=GroupedNumberInput(
            attrs={
                "inputmode": "numeric",
                "class": "govuk-input--width-20",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "invalid": f"{label} must be a whole number, like 1,500,000",
            "min_value": message,
            "max_value": f"{label} is too large",
        },
        **kwargs,
    )


def hours(label: str) -> GroupedDecimalField:
    """Hours of audio or video, to a tenth, also typed with thousands separators: 1,200.5."""
    return GroupedDecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=1,
        help_text=REGULATOR_ONLY,
        widget=GroupedNumberInput(
            attrs={"inputmode": "decimal", "class": "govuk-input--width-10", "spellcheck": "false"}
        ),
        error_messages={
            "invalid": f"{label} must be a number, like 1,200.5",
            "min_value": f"{label} must be 0 or more",
            "max_digits": f"{label} is too large",
            "max_decimal_places": f"{label} must have at most 1 decimal place",
            "max_whole_digits": f"{label} is too large",
        },
    )


def date_field(label: str, message: str = "", **kwargs: Any) -> GovukDateField:
    errors = {"required": message} if message else {}
    return GovukDateField(
        label=label, subject=label, required=bool(message), error_messages=errors, **kwargs
    )


def size_radios(modality: str, label: str, none: str) -> forms.ChoiceField:
    """A modality's size band, or none of that modality in the training data: at least one
    modality must have a band, which the rules ask for."""
    return required_when(
        radios(
            label,
            [*choices.SIZE_BANDS[modality].items(), ("none", none)],
            MESSAGES["size_band_invalid"].format(label=label.lower()),
            required=False,
            widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
        )
    )


def language_select_choices() -> list[tuple[str, str]]:
    names = sorted(language_names().items(), key=lambda item: item[1])
    return [("", "Select a language"), *names]


def language_column(label: str = "Language") -> forms.ChoiceField:
    """A language from a select (an autocomplete with JavaScript), stored as its ISO code."""
    return forms.ChoiceField(
        label=label,
        choices=language_select_choices,
        widget=AutocompleteSelect(),
        error_messages={
            "required": "select a language",
            "invalid_choice": "select a language from the list",
        },
    )


def country_column() -> CountryField:
    return CountryField(
        label="Country",
        error_messages={
            "required": "select a country",
            "invalid_choice": "select a country from the list",
        },
    )


def share_number(value: Decimal | None) -> int | float | None:
    """A share as JSON keeps it: a whole number stays an int."""
    return None if value is None else lists.number_or_none(str(value))


def language_share_item(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"code": row["code"], "share_percent": share_number(row["share_percent"])}


def first_cell(row: Mapping[str, Any]) -> Any:
    return next(iter(row.values()))


def generator_item(row: Mapping[str, Any]) -> dict[str, str]:
    return {
        "name": row["name"].strip(),
        "provider": row["provider"].strip(),
        "terms_permit_training": row["terms_permit_training"],
    }


def anchor(form_class: Any, field: str) -> str:
    """The id of the control a link to this field should land on (as the error summary does)."""
    found = form_class.base_fields.get(field)
    if found is None:
        return ""
    widget = found.widget
    if isinstance(found, RowsField):
        return widget.cell_id(f"id_{field}", 0, widget.first_column())
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{field}_0"
    if isinstance(found, GovukDateField):
        return f"id_{field}_day"
    return f"id_{field}"


class ProblemFieldsMixin:
    """Map problems from the rules and the services onto this form's fields."""

    # A problem's field (or its first dotted part) → the form field that shows it.
    problem_fields: Mapping[str, str] = {}
    base_fields: dict[str, forms.Field]

    @classmethod
    def field_name_for(cls, problem_field: str) -> str:
        """The form field a problem's field belongs to ("" if none: a problem of the whole)."""
        head = problem_field.split(".", 1)[0]
        name = cls.problem_fields.get(problem_field) or cls.problem_fields.get(head) or head
        return name if name in cls.base_fields else ""

    @classmethod
    def anchor_for(cls, problem_field: str) -> str:
        name = cls.field_name_for(problem_field)
        return anchor(cls, name) if name else ""

    @classmethod
    def url_name_for(cls, problem_field: str) -> str:
        """The page that asks about this field, when it isn't the form's usual one ("": it is)."""
        return ""

    def _post_clean(self) -> None:
        """Keep an unanswered question as its empty answer, so that "Save and come back later"
        saves it cleared; its "required" error stays, for Continue."""
        super()._post_clean()  # type: ignore[misc]
        for name, errors in self.errors.as_data().items():  # type: ignore[attr-defined]
            if name not in self.fields or any(e.code != "required" for e in errors):  # type: ignore[attr-defined]
                continue
            if self.fields[name].widget.is_hidden:  # type: ignore[attr-defined]
                continue  # the version the page showed is no answer: without it, nothing saves
            field = self.fields[name]  # type: ignore[attr-defined]
            field.required = False
            try:
                self.cleaned_data[name] = field.clean(self[name].data)  # type: ignore[attr-defined,index]
            except ValidationError:
                pass
            finally:
                field.required = True

    def values(self) -> dict[str, Any]:
        """The answers read, as the service takes them: none that could not be read."""
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {name: data[name] for name in self.fields if name in data and name != "lock_version"}  # type: ignore[attr-defined]

    def value_keys(self, names: Iterable[str]) -> set[str]:
        """The keys of `values` that these form fields give."""
        return set(names)

    def add_problems(self, problems: Iterable[Problem]) -> None:
        """Show problems (a service's refusal) on their fields, or above the form; each once."""
        for problem in problems:
            name = self.field_name_for(problem.field)
            field = name if name in self.fields else None  # type: ignore[attr-defined]
            shown = self.errors.get(field or "__all__", [])  # type: ignore[attr-defined]
            if problem.message not in shown:
                self.add_error(field, self.problem_error(problem, field))  # type: ignore[attr-defined]

    def add_page_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """Show the rules' problems with this page's questions beside them: each once, none on
        a question whose answer the form could not read (that is said already), none about
        another page's questions. Returns those shown."""
        read_wrong = set(self.errors)  # type: ignore[attr-defined]
        shown = []
        for problem in problems:
            name = self.field_name_for(problem.field)
            if not name and problem.field:
                continue
            field = name or None
            if field is not None and (field not in self.fields or field in read_wrong):  # type: ignore[attr-defined]
                continue
            if problem.message in self.errors.get(field or "__all__", []):  # type: ignore[attr-defined]
                continue
            self.add_error(field, self.problem_error(problem, field))  # type: ignore[attr-defined]
            shown.append(problem)
        return shown

    def problem_error(self, problem: Problem, field: str | None) -> ValidationError | str:
        """A problem as the form's error; for an item of an add-another list, marking its row."""
        rows = self.fields.get(field) if field else None  # type: ignore[attr-defined]
        parts = problem.field.split(".")
        if not isinstance(rows, RowsField) or len(parts) < 2 or not parts[1].isdigit():
            return problem.message
        index = int(parts[1])
        row = rows.positions[index] if index < len(rows.positions) else index
        column = parts[2] if len(parts) > 2 and parts[2] in rows.columns else ""
        message = problem.message.replace("%", "%%")
        return ValidationError(message, params={"row": row, "column": column})

    def shape_fields(self, problems: Iterable[Problem] = ()) -> set[str]:
        """The questions whose answer can't be stored as given: the form could not read it, or
        a rule says it can't be kept (as against an answer missing or inconsistent)."""
        unreadable = {
            name
            for name, errors in self.errors.as_data().items()  # type: ignore[attr-defined]
            if name in self.fields  # type: ignore[attr-defined]
            and (
                self.fields[name].widget.is_hidden  # type: ignore[attr-defined]
                or any(e.code != "required" for e in errors)
            )
        }
        for problem in problems:
            name = self.field_name_for(problem.field)
            if problem.shape and name in self.fields:  # type: ignore[attr-defined]
                unreadable.add(name)
        return unreadable

    def saved_rows(self, initial: Mapping[str, Any]) -> list[tuple[str, str]]:
        """What is saved now, question by question, to show beside a refused stale save."""
        rows = []
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if field.widget.is_hidden or isinstance(field, forms.FileField):
                continue
            rows.append((str(field.label), shown_value(field, initial.get(name))))
        return rows


def shown_value(field: forms.Field, value: Any) -> str:
    """A saved value as the page would show it: choice labels, dates in words, Yes or No."""
    if value in (None, "", [], {}):
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(field, RowsField):
        # Items of one answer read as a list ("English, French"); of several, apart.
        between = ", " if len(field.columns) == 1 else "; "
        return between.join(shown_row(field, row) for row in field.prepare_value(value))
    labels = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(labels.get(value, value))


def shown_row(field: RowsField, row: Mapping[str, str]) -> str:
    """One item of an add-another list in words: "English, 62.5%"."""
    cells = []
    for key, column in field.columns.items():
        value = row.get(key, "")
        labels = dict(getattr(column, "choices", []) or [])
        if value:
            cells.append(str(labels.get(value, value)))
    return ", ".join(cells)


# --- Models and lineage


class ModelDetailsForm(ProblemFieldsMixin, forms.Form):
    name = text("Model name", 200, MESSAGES["name_required"])
    version = text(
        "Version",
        50,
        MESSAGES["version_required"],
        help_text="As you publish it, like 2.1 or 2025-06",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    model_type = radios("Type of model", choices.ModelType.choices, MESSAGES["model_type_invalid"])
    modalities_in = checkboxes(
        "What the model takes in", choices.Modality.choices, MESSAGES["modalities_in_required"]
    )
    modalities_out = checkboxes(
        "What the model produces", choices.Modality.choices, MESSAGES["modalities_out_required"]
    )
    parameter_count = whole_number(
        "Number of parameters", minimum=1, help_text="For example, 7,000,000,000 for 7 billion"
    )
    release_date = date_field("Release date", help_text="For example, 27 3 2025")
    distribution = radios(
        "How the model is distributed",
        choices.Distribution.choices,
        MESSAGES["distribution_invalid"],
    )
    intended_uses = textarea("What the model is intended to be used for", max_length=5000)

    @staticmethod
    def initial_for(model: AIModel) -> dict[str, Any]:
        fields = ModelDetailsForm.base_fields
        return {name: getattr(model, name) for name in fields} | {
            "lock_version": model.lock_version
        }


class ModelEditForm(ModelDetailsForm, LockVersionForm):
    pass


class DependencyForm(ProblemFieldsMixin, forms.Form):
    depends_on = forms.ModelChoiceField(
        label="A model on the register",
        queryset=AIModel.objects.none(),
        required=False,
        empty_label="Select a model",
        help_text="Your own models, and published models of other providers",
        error_messages={"invalid_choice": "Select a model from the list"},
    )
    external_name = text(
        "Or the name of a model not on the register",
        200,
        help_text="For example, a model released by an organisation outside the UK",
    )
    external_provider = text("Who provides that model", 200)
    relation = radios(
        "How this model is built on it", choices.Relation.choices, MESSAGES["relation_invalid"]
    )

    def __init__(self, *args: Any, models=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["depends_on"]
        field.queryset = models if models is not None else AIModel.objects.none()  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{m.name} {m.version} ({m.provider.display_name})"
        )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in ("external_name", "external_provider", "relation")
            if name in data
        }
        if "depends_on" in data:
            chosen = data["depends_on"]
            values["depends_on"] = chosen.pk if chosen else None
        return values


class StartForm(forms.Form):
    start = radios(
        "How do you want to start?",
        [
            ("amend", "Copy the latest accepted declaration and change what is different"),
            ("blank", "Start a blank declaration"),
        ],
        "Select how you want to start the declaration",
    )
    page_heading_field = "start"


# --- General information


class GeneralForm(ProblemFieldsMixin, LockVersionForm):
    size_text = size_radios("text", "Text", "No text")
    size_image = size_radios("image", "Images", "No images")
    size_audio = size_radios("audio", "Audio", "No audio")
    size_video = size_radios("video", "Video", "No video")
    total_tokens = whole_number("Total tokens", help_text=REGULATOR_ONLY)
    total_images = whole_number("Total images", help_text=REGULATOR_ONLY)
    total_audio_hours = hours("Total hours of audio")
    total_video_hours = hours("Total hours of video")
    latest_collection_date = date_field(
        "Latest collection date",
        MESSAGES["latest_collection_date_required"],
        help_text="The last day any of the training data was collected, for example 31 3 2025",
    )
    continuous_training = yes_no_field(
        "Is the model trained continuously on new data?",
        MESSAGES["continuous_training_required"],
    )
    languages = RowsField(
        label="Languages of the training data",
        help_text=(
            "Each language and its share of the training data, in per cent. Add another for "
            "each language"
        ),
        noun="language",
        columns={
            "code": language_column(),
            "share_percent": GroupedDecimalField(
                label="Share, in per cent",
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "class": "govuk-input--width-5",
                        "spellcheck": "false",
                    }
                ),
                error_messages={"invalid": "enter its share as a number, like 62.5"},
            ),
        },
        to_item=language_share_item,
    )
    content_types = textarea(
        "Types of content",
        help_text="One a line, like news articles, source code or forum posts",
        max_length=5000,
    )
    tdm_opt_out_measures = textarea(
        "How do you honour text and data mining opt-outs?",
        MESSAGES["tdm_opt_out_measures_required"],
        help_text="For example, robots.txt, the TDM Reservation Protocol or machine-readable terms",
    )
    illegal_content_measures = textarea(
        "How do you find and remove illegal content?", MESSAGES["illegal_content_measures_required"]
    )
    code_of_practice_signatory = yes_no_field(
        "Have you signed the code of practice?", MESSAGES["code_of_practice_signatory_required"]
    )

    SIZE_FIELDS = {f"size_{modality}": modality for modality in choices.SIZE_BANDS}
    problem_fields = {
        "training_data_size": "size_text",
        **{f"training_data_size.{m}": f"size_{m}" for m in choices.SIZE_BANDS},
    }

    @classmethod
    def initial_for(cls, declaration) -> dict[str, Any]:
        bands = declaration.training_data_size or {}
        initial = {field: bands.get(modality, "") for field, modality in cls.SIZE_FIELDS.items()}
        for name in GENERAL_FIELDS:
            if name in cls.base_fields:
                initial[name] = getattr(declaration, name)
        initial["continuous_training"] = yes_no(declaration.continuous_training)
        initial["code_of_practice_signatory"] = yes_no(declaration.code_of_practice_signatory)
        initial["content_types"] = "\n".join(declaration.content_types or [])
        initial["lock_version"] = declaration.lock_version
        return initial

    def clean_content_types(self) -> list[str]:
        return lists.parse_lines(self.cleaned_data["content_types"])

    def values(self) -> dict[str, Any]:
        """The general information as the service takes it: the bands as one mapping."""
        data = self.cleaned_data
        values = {name: data[name] for name in GENERAL_FIELDS if name in data}
        if all(field in data for field in self.SIZE_FIELDS):
            # Only when every band was read: a partial mapping would drop a saved band.
            values["training_data_size"] = {
                modality: data[field]
                for field, modality in self.SIZE_FIELDS.items()
                if data[field] not in ("", "none", None)
            }
        return values

    def value_keys(self, names: Iterable[str]) -> set[str]:
        return {"training_data_size" if name in self.SIZE_FIELDS else name for name in names}


# --- Data sources


class RowLockForm(forms.Form):
    """Carries the version of a row (source, party, attestation) the page showed, when editing."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


@dataclass(frozen=True)
class SourcePage:
    """One page of the questions about a data source.

    `url_name` is its address (`declarations:<url_name>`, with the declaration and the source);
    `categories` are the kinds of source it asks (none: every kind).
    """

    url_name: str
    title: str
    categories: frozenset[str] = frozenset()

    def asks(self, category: str) -> bool:
        return not self.categories or category in self.categories


# Paid-for data must name its owner and licence (validation's rule), said on the rights page.
PAID_ACQUISITIONS = {choices.Acquisition.PURCHASED, choices.Acquisition.LICENSED}
LICENCE_HINT = (
    "An SPDX licence expression, like MIT, CC-BY-4.0, Apache-2.0 OR MIT, or "
    "LicenseRef-your-name for terms of your own"
)


class SourcePageForm(ProblemFieldsMixin, RowLockForm):
    """A page of questions about a data source: its fields are the source's own."""

    page: ClassVar[SourcePage]
    # A question revealed by an answer (GOV.UK conditional reveal): field → (answer, question).
    reveals: ClassVar[dict[str, tuple[Any, str]]] = {}

    def __init__(self, *args: Any, source: DataSource | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.source = source

    def questions(self) -> list[tuple[Any, Any, str]]:
        """The page's questions in order: each bound field, the question its answer reveals
        (or None) and the answer that reveals it; a revealed question is not listed again."""
        revealed = {question for _, question in self.reveals.values()}
        found = []
        for field in self.visible_fields():
            if field.name in revealed:
                continue
            answer, question = self.reveals.get(field.name, ("", ""))
            found.append((field, self[question] if question else None, str(answer)))
        return found

    @classmethod
    def initial_for(cls, source: DataSource) -> dict[str, Any]:
        initial = {name: getattr(source, name) for name in cls.base_fields if hasattr(source, name)}
        for name in ("robots_txt_respected", "tdm_opt_out_respected"):
            if name in cls.base_fields:
                initial[name] = yes_no(getattr(source, name))
        initial["lock_version"] = source.lock_version
        return initial


class SourceKindForm(SourcePageForm):
    page = SourcePage("source-kind", "Name and kind of source")

    name = text("Name of the source", 300, MESSAGES["source_name_required"])
    category = radios(
        "What kind of source is it?",
        choices.SourceCategory.choices,
        MESSAGES["category_invalid"],
        help_text="The next pages ask what this kind of source needs",
    )


class SourceAboutForm(SourcePageForm):
    page = SourcePage("source-about", "About the source")

    description = textarea("Description", MESSAGES["description_required"])
    url = forms.URLField(
        label="Web address",
        max_length=2000,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": MESSAGES["url_invalid"],
            "max_length": "Web address must be 2,000 characters or fewer",
        },
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    dataset_version = text(
        "Version of the dataset",
        100,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    purpose = textarea(
        "How does this source further the model's purpose?", MESSAGES["purpose_required"]
    )


class SourceSizeForm(SourcePageForm):
    page = SourcePage("source-size", "Content, size and share")

    modalities = checkboxes(
        "What kinds of data does it hold?",
        choices.Modality.choices,
        MESSAGES["modalities_required"],
    )
    languages = RowsField(
        label="Languages of the data",
        help_text="Add another for each language. Leave empty if it holds no language, like images",
        noun="language",
        columns={"code": language_column()},
        to_item=first_cell,
    )
    share_percent = forms.DecimalField(
        label="Share of the training mix, in per cent",
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=3,
        help_text="The shares of all sources must add up to 100. For example, 12.5",
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "govuk-input--width-5", "spellcheck": "false"}
        ),
        error_messages={
            "required": MESSAGES["share_required"],
            "invalid": MESSAGES["share_invalid"],
            "min_value": MESSAGES["share_invalid"],
            "max_value": MESSAGES["share_invalid"],
            "max_digits": MESSAGES["share_invalid"],
            "max_decimal_places": "The share must have at most 3 decimal places",
            "max_whole_digits": MESSAGES["share_invalid"],
        },
    )
    size_tokens = whole_number("Size in tokens", help_text="Only the regulator sees this")
    size_records = whole_number("Number of records", help_text="Only the regulator sees this")
    size_bytes = whole_number("Size in bytes", help_text="Only the regulator sees this")

    def values(self) -> dict[str, Any]:
        values = super().values()
        if "languages" in values:
            values["languages"] = list(dict.fromkeys(values["languages"]))  # each once
        return values


class SourceRightsForm(SourcePageForm):
    """Who owns the data and on what terms: asked first, and required, of paid-for data."""

    page = SourcePage("source-rights", "Rights and licence")

    owner = text("Owner or rightsholder", 300, help_text="Who created the data or holds its rights")
    licence = text(
        "Licence",
        500,
        help_text=LICENCE_HINT,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    licence_use_category = radios(
        "What does the licence allow?", choices.LicenceUse.choices, MESSAGES["licence_use_invalid"]
    )
    acquisition = radios(
        "How was the data acquired?", choices.Acquisition.choices, MESSAGES["acquisition_invalid"]
    )
    ip_status = radios(
        "What is its intellectual property status?",
        choices.IpStatus.choices,
        MESSAGES["ip_status_invalid"],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.is_paid():
            # Asked as required (no "(optional)"); the rule says so if it is left empty, with
            # the page's other problems, and knows when the answers above change it.
            for name in ("owner", "licence"):
                self.fields[name].required = True
                self.fields[name].help_text += ". Required: the data is licensed or purchased"
        else:
            for name in ("owner", "licence"):
                self.fields[name].help_text += ". Required for licensed or purchased data"

    def is_paid(self) -> bool:
        source = self.source
        return source is not None and (
            source.category == choices.SourceCategory.LICENSED
            or source.acquisition in PAID_ACQUISITIONS
        )

    def full_clean(self) -> None:
        """Read owner and licence as optional: whether they are needed is the rule's to say."""
        relaxed = [self.fields[name] for name in ("owner", "licence") if self.fields[name].required]
        for field in relaxed:
            field.required = False
        try:
            super().full_clean()
        finally:
            for field in relaxed:
                field.required = True


class SourcePersonalForm(SourcePageForm):
    page = SourcePage("source-personal", "Personal data and processing")

    personal_data = radios(
        "Does the source hold personal data?",
        choices.YesNoUnknown.choices,
        MESSAGES["personal_data_invalid"],
    )
    personal_data_measures = textarea("How is the personal data protected?")
    aggregate_consumer_data = forms.BooleanField(
        label="The source includes aggregate consumer information", required=False
    )
    processing = checkboxes(
        "What processing was applied to it?",
        choices.Processing.choices,
        MESSAGES["processing_invalid"],
        required=False,
    )
    processing_notes = textarea("Notes on processing")

    reveals = {"personal_data": ("yes", "personal_data_measures")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Needed when the answer above is yes, which shows it: "(optional)" would mislead.
        self.fields["personal_data_measures"].required = True

    def full_clean(self) -> None:
        field = self.fields["personal_data_measures"]
        field.required = False
        try:
            super().full_clean()
        finally:
            field.required = True


class SourceDatesForm(SourcePageForm):
    page = SourcePage("source-dates", "Dates and collection")

    # The dates are optional (DESIGN §3.3): an invented date is worse than none.
    collection_start = date_field(
        "When did collection start?", help_text="For example, 27 3 2023. Leave blank if not known"
    )
    collection_end = date_field(
        "When did collection end?", help_text="Leave blank if it is ongoing or not known"
    )
    collection_ongoing = forms.BooleanField(label="Collection is ongoing", required=False)
    first_used_on = date_field(
        "When was it first used to train the model?", help_text="Leave blank if not known"
    )
    countries = RowsField(
        label="Countries where the data was collected",
        help_text="Add another for each country",
        noun="country",
        columns={"code": country_column()},
        to_item=first_cell,
    )

    def values(self) -> dict[str, Any]:
        values = super().values()
        if "countries" in values:
            values["countries"] = list(dict.fromkeys(values["countries"]))  # each once
        return values


class SourceCrawlerForm(SourcePageForm):
    page = SourcePage(
        "source-crawler", "The crawler", frozenset({choices.SourceCategory.WEB_CRAWL})
    )

    crawler_name = text("Crawler's name", 200, MESSAGES["crawler_name_required"])
    crawler_user_agent = text(
        "Crawler's user agent",
        500,
        MESSAGES["crawler_user_agent_required"],
        help_text="As it identifies itself to web servers, like ExampleBot/1.0",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    robots_txt_respected = yes_no_field(
        "Does the crawler respect robots.txt?", MESSAGES["robots_txt_respected_required"]
    )
    tdm_opt_out_respected = yes_no_field(
        "Does the crawler respect text and data mining opt-outs?",
        MESSAGES["tdm_opt_out_respected_required"],
    )


# The top domains have a page of their own (a file or a pasted list of up to 10,000 hosts).
TOP_DOMAINS_PAGE = SourcePage(
    "source-domains", "Top domains crawled", frozenset({choices.SourceCategory.WEB_CRAWL})
)


class SourceGeneratorsForm(SourcePageForm):
    page = SourcePage(
        "source-generators",
        "Models that generated the data",
        frozenset({choices.SourceCategory.SYNTHETIC}),
    )

    generator_models = RowsField(
        label="Which models generated this data?",
        required=True,
        error_messages={"required": MESSAGES["generator_models_required"]},
        help_text=(
            "Each model, who provides it, and whether its terms permit training another model "
            "on what it generates. Add another for each model"
        ),
        noun="generator model",
        columns={
            "name": forms.CharField(
                label="Model",
                max_length=200,
                error_messages={
                    "required": "enter the model's name",
                    "max_length": "the model's name must be 200 characters or fewer",
                },
            ),
            "provider": forms.CharField(
                label="Provided by",
                max_length=200,
                required=False,
                error_messages={"max_length": "the provider must be 200 characters or fewer"},
            ),
            "terms_permit_training": forms.ChoiceField(
                label="Do its terms permit training on its output?",
                choices=[
                    ("yes", "Yes"),
                    ("no", "No"),
                    ("unknown", "Not known"),
                ],
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "select yes, no or not known"},
            ),
        },
        to_item=generator_item,
    )


class SourceConfidentialityForm(SourcePageForm):
    page = SourcePage("source-confidentiality", "Confidentiality")

    confidential = forms.BooleanField(
        label="Ask the regulator to keep this source's name, owner, web address and description "
        "from the public",
        required=False,
        help_text="Its category and share still count on the public label. The regulator decides "
        "whether to accept the claim",
    )
    confidentiality_reason = textarea("Why should it be kept confidential?")

    reveals = {"confidential": (True, "confidentiality_reason")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Asked only once confidentiality is asked for, which reveals it.
        self.fields["confidentiality_reason"].required = True
        revealed = f"conditional-{self['confidentiality_reason'].auto_id}"
        self.fields["confidential"].widget.attrs["data-aria-controls"] = revealed

    def full_clean(self) -> None:
        field = self.fields["confidentiality_reason"]
        field.required = False
        try:
            super().full_clean()
        finally:
            field.required = True


# Every page about a source, in the order they are asked.
SOURCE_PAGE_FORMS: list[type[SourcePageForm]] = [
    SourceKindForm,
    SourceAboutForm,
    SourceSizeForm,
    SourceRightsForm,
    SourcePersonalForm,
    SourceDatesForm,
    SourceCrawlerForm,
    SourceGeneratorsForm,
    SourceConfidentialityForm,
]
SOURCE_PAGES: list[SourcePage] = [
    *(form.page for form in SOURCE_PAGE_FORMS[:7]),
    TOP_DOMAINS_PAGE,
    *(form.page for form in SOURCE_PAGE_FORMS[7:]),
]
SOURCE_PAGE_FORM = {form.page.url_name: form for form in SOURCE_PAGE_FORMS}


def source_pages(category: str) -> list[SourcePage]:
    """The pages a source of this category is asked on, in order."""
    return [page for page in SOURCE_PAGES if page.asks(category)]


def next_source_page(category: str, url_name: str) -> SourcePage | None:
    """The page after this one for a source of this category (None after the last)."""
    pages = source_pages(category)
    names = [page.url_name for page in pages]
    if url_name not in names:
        return pages[0] if pages else None
    index = names.index(url_name) + 1
    return pages[index] if index < len(pages) else None


class SourceForm(
    SourceKindForm,
    SourceAboutForm,
    SourceSizeForm,
    SourceRightsForm,
    SourcePersonalForm,
    SourceDatesForm,
    SourceCrawlerForm,
    SourceGeneratorsForm,
    SourceConfidentialityForm,
):
    """Every question about a data source, to place a problem or a finding about any of its
    fields: the page that asks it (`url_name_for`) and the control there (`anchor_for`).

    Never shown as one page: each `Source…Form` is a page of it.
    """

    @classmethod
    def page_form_for(cls, problem_field: str) -> type[ProblemFieldsMixin] | None:
        head = problem_field.split(".", 1)[0]
        if head == "top_domains":
            return TopDomainsForm
        for form in SOURCE_PAGE_FORMS:
            if form.field_name_for(problem_field):
                return form
        return None

    @classmethod
    def field_name_for(cls, problem_field: str) -> str:
        form = cls.page_form_for(problem_field)
        return form.field_name_for(problem_field) if form else ""

    @classmethod
    def anchor_for(cls, problem_field: str) -> str:
        form = cls.page_form_for(problem_field)
        return form.anchor_for(problem_field) if form else ""

    @classmethod
    def url_name_for(cls, problem_field: str) -> str:
        form = cls.page_form_for(problem_field)
        if form is TopDomainsForm:
            return TOP_DOMAINS_PAGE.url_name
        return form.page.url_name if form is not None else ""  # type: ignore[attr-defined]


class TopDomainsForm(ProblemFieldsMixin, RowLockForm):
    """A crawl's top domains: a file or a pasted list, which replaces the list saved."""

    file = forms.FileField(
        label="Upload a file",
        required=False,
        error_messages={"empty": "The selected file is empty"},
    )
    text = textarea(
        "Or paste the list",
        help_text="One host a line, like example.com",
        max_length=2_000_000,
    )
    problem_fields = {"top_domains": "text"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = hosts_file_hint()

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        try:
            return files.read_text_upload(
                upload,
                max_bytes=upload_limit("TOP_DOMAINS_UPLOAD_MAX_BYTES"),
                extensions=(".txt", ".csv"),
            )
        except files.UploadError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        field = "file" if cleaned.get("file") else "text"
        given = cleaned.get(field) or ""
        if not given.strip():
            return cleaned  # nothing given: the list saved stays as it is
        hosts, errors = lists.parse_hosts(given)
        if errors:
            self.add_error(field, lists.summarise_errors(errors))
        else:
            cleaned["hosts"] = hosts
        return cleaned

    def values(self) -> dict[str, Any]:
        """The new list, if one was given and read."""
        hosts = self.cleaned_data.get("hosts")
        return {} if hosts is None else {"top_domains": hosts}

    def value_keys(self, names: Iterable[str]) -> set[str]:
        return {"top_domains"} if set(names) & {"file", "text"} else set()


class SourcesUploadForm(forms.Form):
    """A CSV or XLSX file of sources; cleaning it reads every row (`sheets.SourcesFile`)."""

    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    mode = radios(
        "What should the upload do?",
        [
            ("append", "Add these sources to the ones already listed"),
            ("replace", "Replace every source already listed with these"),
        ],
        "Select whether to add to or replace the sources already listed",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = files.size_text(upload_limit("SOURCES_UPLOAD_MAX_BYTES"))
        self.fields["file"].help_text = (
            f"A CSV file saved as CSV UTF-8, or an Excel workbook (.xlsx): up to "
            f"{sheets.MAX_SOURCE_ROWS:,} sources and {limit}"
        )

    def clean_file(self) -> sheets.SourcesFile:
        try:
            return sheets.read_sources_file(
                self.cleaned_data["file"], max_bytes=upload_limit("SOURCES_UPLOAD_MAX_BYTES")
            )
        except files.UploadError as error:
            raise forms.ValidationError(error.messages) from None


# --- Supply chain and red-teaming


class PartyForm(ProblemFieldsMixin, RowLockForm):
    name = text("Name of the party", 300, MESSAGES["party_name_required"])
    role = radios("Role", choices.PartyRole.choices, MESSAGES["party_role_invalid"])
    country = CountryField(
        label="Country",
        required=False,
        help_text="Where the party is incorporated",
        error_messages={"invalid_choice": "Select a country from the list"},
    )
    company_number = text(
        "Company number",
        50,
        help_text="Its Companies House number, or its registration number abroad",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )

    @classmethod
    def initial_for(cls, party) -> dict[str, Any]:
        return {name: getattr(party, name) for name in cls.base_fields}


class AttestationForm(ProblemFieldsMixin, RowLockForm):
    assessor = text("Who carried out the red-teaming?", 300, MESSAGES["assessor_required"])
    assessor_independent = yes_no_field(
        "Is the assessor independent of your organisation?",
        MESSAGES["assessor_independent_required"],
    )
    scope = checkboxes(
        "What did the red-teaming cover?", choices.RedTeamScope.choices, MESSAGES["scope_required"]
    )
    performed_on = date_field("Date carried out", MESSAGES["performed_on_required"])
    outcome = radios("Outcome", choices.RedTeamOutcome.choices, MESSAGES["outcome_invalid"])
    summary = textarea(
        "Summary of what was tested and found",
        MESSAGES["summary_required"],
        help_text="This is published on the model's label",
    )
    next_due = date_field("Next red-teaming due", help_text="For example, 1 4 2026")
    report = forms.FileField(
        label="Report",
        required=False,
        error_messages={"empty": "The selected file is empty"},
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = files.size_text(upload_limit("RED_TEAM_REPORT_MAX_BYTES"))
        self.fields[
            "report"
        ].help_text = f"A PDF up to {limit}. Only the regulator and your organisation can open it"

    @classmethod
    def initial_for(cls, attestation: RedTeamAttestation) -> dict[str, Any]:
        initial = {name: getattr(attestation, name) for name in cls.base_fields if name != "report"}
        initial["assessor_independent"] = yes_no(attestation.assessor_independent)
        initial["lock_version"] = attestation.lock_version
        return initial

    def clean_report(self):
        upload = self.cleaned_data.get("report")
        if upload:
            try:
                files.check_pdf(upload, max_bytes=upload_limit("RED_TEAM_REPORT_MAX_BYTES"))
            except files.UploadError as error:
                raise forms.ValidationError(error.message) from None
        return upload

    def values(self) -> dict[str, Any]:
        values = super().values()
        values.pop("report", None)
        return values


class ConfirmForm(forms.Form):
    """A page that only asks "are you sure?": the POST is the answer."""
