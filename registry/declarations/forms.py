"""The provider's question pages for models and declarations.

Forms check the shape of what was typed (a number, a date, a choice from the list) and turn it into
the values the services take; the rules themselves live in `validation.py` and come back from the
services as problems, which `add_problems_to_form` shows on the field they name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.conf import settings

from registry.declarations import choices, uploads
from registry.declarations.models import AIModel, DataSource, RedTeamAttestation
from registry.declarations.selectors import GENERAL_FIELDS
from registry.declarations.validation import MESSAGES
from registry.filings.forms import LockVersionForm
from registry.lib.codes import country_choices
from registry.lib.forms import GovukDateField
from registry.lib.problems import Problem

BIGINT_MAX = uploads.BIGINT_MAX
YES_NO = [("yes", "Yes"), ("no", "No")]
REGULATOR_ONLY = "Only the regulator sees this exact figure: the public sees the band."


HOSTS_FILE_HINT = "A .txt or .csv file with one host a line (or in the first column), up to {}"


def hosts_file_hint() -> str:
    return HOSTS_FILE_HINT.format(uploads.size_text(upload_limit("TOP_DOMAINS_UPLOAD_MAX_BYTES")))


def upload_limit(name: str) -> int:
    """The size limit of one kind of upload, read when used so a settings change applies."""
    return getattr(settings, name)


# How many top domains the source form shows: the full list may be 10,000 long.
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


def whole_number(label: str, minimum: int = 0, **kwargs: Any) -> forms.IntegerField:
    message = f"{label} must be a whole number from {minimum:,}"
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=minimum,
        max_value=BIGINT_MAX,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-20"}),
        error_messages={
            "invalid": f"{label} must be a whole number, like 1500000",
            "min_value": message,
            "max_value": f"{label} is too large",
        },
        **kwargs,
    )


def date_field(label: str, message: str = "", **kwargs: Any) -> GovukDateField:
    errors = {"required": message} if message else {}
    return GovukDateField(
        label=label, subject=label, required=bool(message), error_messages=errors, **kwargs
    )


def size_radios(modality: str, label: str, none: str) -> forms.ChoiceField:
    """A modality's size band, or none of that modality in the training data."""
    return radios(
        label,
        [*choices.SIZE_BANDS[modality].items(), ("none", none)],
        MESSAGES["size_band_invalid"].format(label=label.lower()),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
    )


def anchor(form_class: Any, field: str) -> str:
    """The id of the control a link to this field should land on (as the error summary does)."""
    found = form_class.base_fields.get(field)
    if found is None:
        return ""
    widget = found.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{field}_0"
    if isinstance(found, GovukDateField):
        return f"id_{field}_day"
    return f"id_{field}"


class ProblemFieldsMixin:
    """Map problems from the services onto this form's fields."""

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

    def add_problems(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            name = self.field_name_for(problem.field)
            field = name if name in self.fields else None  # type: ignore[attr-defined]
            # A field may hold several problems (each bad language); show each once.
            shown = self.errors.get(field or "__all__", [])  # type: ignore[attr-defined]
            if problem.message not in shown:
                self.add_error(field, problem.message)  # type: ignore[attr-defined]

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
    labels = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return str(labels.get(value, value))


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
        "Number of parameters", minimum=1, help_text="For example, 7000000000 for 7 billion"
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

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ModelDetailsForm.base_fields}


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
        chosen = self.cleaned_data.get("depends_on")
        return {
            "depends_on": chosen.pk if chosen else None,
            "external_name": self.cleaned_data["external_name"],
            "external_provider": self.cleaned_data["external_provider"],
            "relation": self.cleaned_data["relation"],
        }


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
    total_audio_hours = forms.DecimalField(
        label="Total hours of audio",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=1,
        help_text=REGULATOR_ONLY,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "invalid": "Total hours of audio must be a number, like 1200.5",
            "min_value": "Total hours of audio must be 0 or more",
            "max_digits": "Total hours of audio is too large",
            "max_decimal_places": "Total hours of audio must have at most 1 decimal place",
            "max_whole_digits": "Total hours of audio is too large",
        },
    )
    total_video_hours = forms.DecimalField(
        label="Total hours of video",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=1,
        help_text=REGULATOR_ONLY,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "invalid": "Total hours of video must be a number, like 1200.5",
            "min_value": "Total hours of video must be 0 or more",
            "max_digits": "Total hours of video is too large",
            "max_decimal_places": "Total hours of video must have at most 1 decimal place",
            "max_whole_digits": "Total hours of video is too large",
        },
    )
    latest_collection_date = date_field(
        "Latest collection date",
        MESSAGES["latest_collection_date_required"],
        help_text="The last day any of the training data was collected, for example 31 3 2025",
    )
    continuous_training = yes_no_field(
        "Is the model trained continuously on new data?",
        MESSAGES["continuous_training_required"],
    )
    languages = textarea(
        "Languages of the training data",
        help_text=(
            "One language a line: its ISO 639-1 code, a space, and its share of the data in per "
            "cent, like en 62.5"
        ),
        max_length=5000,
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
        initial["languages"] = "\n".join(
            f"{entry.get('code', '')} {entry.get('share_percent', '')}"
            for entry in declaration.languages or []
        )
        initial["content_types"] = "\n".join(declaration.content_types or [])
        initial["lock_version"] = declaration.lock_version
        return initial

    def clean_languages(self) -> list[dict[str, Any]]:
        entries, errors = uploads.parse_language_shares(self.cleaned_data["languages"])
        if errors:
            raise forms.ValidationError(uploads.summarise_errors(errors))
        return entries

    def clean_content_types(self) -> list[str]:
        return uploads.parse_lines(self.cleaned_data["content_types"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [cleaned.get(field) for field in self.SIZE_FIELDS]
        if not self.has_error("size_text") and all(band in ("", "none", None) for band in chosen):
            # Said with the page's other problems, not only once they are fixed.
            self.add_error("size_text", MESSAGES["size_band_missing"])
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        bands = {
            modality: data[field]
            for field, modality in self.SIZE_FIELDS.items()
            if data.get(field) not in ("", "none", None)
        }
        values = {name: data[name] for name in GENERAL_FIELDS if name in data}
        return values | {"training_data_size": bands}


# --- Data sources


class RowLockForm(forms.Form):
    """Carries the version of a row (source, party, attestation) the page showed, when editing."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


CRAWL_FIELDS = [
    "crawler_name",
    "crawler_user_agent",
    "robots_txt_respected",
    "tdm_opt_out_respected",
]
# Questions that only some categories of source must answer.
CONDITIONAL_FIELDS = {
    choices.SourceCategory.WEB_CRAWL: CRAWL_FIELDS,
    choices.SourceCategory.SYNTHETIC: ["generator_models"],
}
LICENCE_HINT = (
    "An SPDX licence expression, like MIT, CC-BY-4.0, Apache-2.0 OR MIT, or "
    "LicenseRef-your-name for terms of your own. Required for licensed or purchased data"
)


class SourceForm(ProblemFieldsMixin, RowLockForm):
    """Every field of a data source, in the groups the page shows them in."""

    # About the source
    name = text("Name of the source", 300, MESSAGES["source_name_required"])
    category = radios("Category", choices.SourceCategory.choices, MESSAGES["category_invalid"])
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
    )
    dataset_version = text("Version of the dataset", 100)
    owner = text(
        "Owner or rightsholder",
        300,
        help_text=(
            "Who created the data or holds its rights. Required for licensed or purchased data"
        ),
    )
    purpose = textarea(
        "How does this source further the model's purpose?", MESSAGES["purpose_required"]
    )
    # Rights and licence
    licence = text(
        "Licence",
        500,
        help_text=LICENCE_HINT,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    licence_use_category = radios(
        "What the licence allows", choices.LicenceUse.choices, MESSAGES["licence_use_invalid"]
    )
    acquisition = radios(
        "How the data was acquired", choices.Acquisition.choices, MESSAGES["acquisition_invalid"]
    )
    ip_status = radios(
        "Intellectual property status", choices.IpStatus.choices, MESSAGES["ip_status_invalid"]
    )
    # Size and share
    modalities = checkboxes("Modalities", choices.Modality.choices, MESSAGES["modalities_required"])
    languages = text(
        "Languages",
        1000,
        help_text="ISO 639-1 codes separated by spaces or commas, like en fr de",
    )
    size_tokens = whole_number("Size in tokens", help_text="Only the regulator sees this")
    size_records = whole_number("Number of records", help_text="Only the regulator sees this")
    size_bytes = whole_number("Size in bytes", help_text="Only the regulator sees this")
    share_percent = forms.DecimalField(
        label="Share of the training mix, in per cent",
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=3,
        help_text="The shares of all sources must add up to 100. For example, 12.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
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
    # Collection
    collection_start = date_field("Collection started", MESSAGES["collection_start_required"])
    collection_end = date_field("Collection ended", help_text="Leave blank if it is ongoing")
    collection_ongoing = forms.BooleanField(label="Collection is ongoing", required=False)
    first_used_on = date_field("First used to train on", MESSAGES["first_used_on_required"])
    countries = text(
        "Countries where the data was collected",
        1000,
        help_text="ISO 3166 codes separated by spaces or commas, like GB FR US",
    )
    # Personal data
    personal_data = radios(
        "Does the source hold personal data?",
        choices.YesNoUnknown.choices,
        MESSAGES["personal_data_invalid"],
    )
    personal_data_measures = textarea(
        "How is the personal data protected?",
        help_text="Required if the source holds personal data",
    )
    aggregate_consumer_data = forms.BooleanField(
        label="The source includes aggregate consumer information", required=False
    )
    # Processing
    processing = checkboxes(
        "Processing applied",
        choices.Processing.choices,
        MESSAGES["processing_invalid"],
        required=False,
    )
    processing_notes = textarea("Notes on processing")
    # Web crawls (required of them only: see full_clean)
    crawler_name = text("Crawler's name", 200, MESSAGES["crawler_name_required"])
    crawler_user_agent = text("Crawler's user agent", 500, MESSAGES["crawler_user_agent_required"])
    robots_txt_respected = yes_no_field(
        "Does the crawler respect robots.txt?", MESSAGES["robots_txt_respected_required"]
    )
    tdm_opt_out_respected = yes_no_field(
        "Does the crawler respect text and data mining opt-outs?",
        MESSAGES["tdm_opt_out_respected_required"],
    )
    top_domains_text = textarea(
        "Top domains crawled",
        MESSAGES["top_domains_required"],
        help_text=(
            "The top 10% of crawled domains by content size: one host a line, like example.com. "
            "Or upload a file instead"
        ),
        max_length=2_000_000,
    )
    top_domains_file = forms.FileField(
        label="Or upload a list of top domains",
        required=False,
        error_messages={"empty": "The selected file is empty"},
    )
    # Synthetic data (required of them only: see full_clean)
    generator_models = textarea(
        "Models that generated the data",
        MESSAGES["generator_models_required"],
        help_text=(
            "One a line: the model, its provider, and whether its terms permit training on its "
            "output (yes, no or unknown), separated by |, like Model X | Example Labs | no"
        ),
    )
    # Confidentiality
    confidential = forms.BooleanField(
        label="Ask the regulator to keep this source's name, owner, web address and description "
        "from the public",
        required=False,
        help_text="Its category and share still count on the public label. The regulator decides "
        "whether to accept the claim",
    )
    confidentiality_reason = textarea(
        "Why should it be kept confidential?", help_text="Required if you ask for confidentiality"
    )

    FIELDSETS = [
        (
            "About the source",
            "",
            ["name", "category", "description", "url", "dataset_version", "owner", "purpose"],
        ),
        ("Rights and licence", "", ["licence", "licence_use_category", "acquisition", "ip_status"]),
        (
            "Size and share",
            "Only the regulator sees exact sizes: the public sees shares.",
            [
                "modalities",
                "languages",
                "share_percent",
                "size_tokens",
                "size_records",
                "size_bytes",
            ],
        ),
        (
            "Collection",
            "",
            [
                "collection_start",
                "collection_end",
                "collection_ongoing",
                "first_used_on",
                "countries",
            ],
        ),
        (
            "Personal data",
            "",
            ["personal_data", "personal_data_measures", "aggregate_consumer_data"],
        ),
        ("Processing", "", ["processing", "processing_notes"]),
        (
            "If it is a web crawl",
            "Answer these only if the source was crawled from the web.",
            [*CRAWL_FIELDS, "top_domains_text", "top_domains_file"],
        ),
        (
            "If it is synthetic",
            "Answer this only if the data was generated by models.",
            ["generator_models"],
        ),
        ("Confidentiality", "", ["confidential", "confidentiality_reason"]),
    ]
    LIST_FIELDS = {"languages", "countries"}
    problem_fields = {"top_domains": "top_domains_text"}

    def __init__(self, *args: Any, with_top_domains: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not with_top_domains:
            # The list is kept on its own page once there is one: it may be 10,000 long.
            del self.fields["top_domains_text"], self.fields["top_domains_file"]
        else:
            self.fields["top_domains_file"].help_text = hosts_file_hint()

    def full_clean(self) -> None:
        """Require the crawl and synthetic answers only of crawls and synthetic data.

        They are shown without "(optional)" all the same: their group's hint says when they apply.
        """
        category = self.data.get("category")
        relaxed = [
            field
            for kind, names in CONDITIONAL_FIELDS.items()
            if category != kind
            for name, field in self.fields.items()
            if name in names
        ]
        if "top_domains_text" in self.fields:
            # It may come as a file instead: clean() checks that one of them holds the list.
            relaxed.append(self.fields["top_domains_text"])
        for field in relaxed:
            field.required = False
        try:
            super().full_clean()
        finally:
            for field in relaxed:
                field.required = True

    def fieldsets(self) -> list[tuple[str, str, list]]:
        """The page's groups of fields: (legend, hint, bound fields)."""
        return [
            (legend, hint, [self[name] for name in names if name in self.fields])
            for legend, hint, names in self.FIELDSETS
        ]

    @classmethod
    def initial_for(cls, source: DataSource) -> dict[str, Any]:
        initial = {name: getattr(source, name) for name in cls.base_fields if hasattr(source, name)}
        initial["languages"] = " ".join(source.languages or [])
        initial["countries"] = " ".join(source.countries or [])
        initial["generator_models"] = uploads.generator_lines(source.generator_models or [])
        for name in ("robots_txt_respected", "tdm_opt_out_respected"):
            initial[name] = yes_no(getattr(source, name))
        initial["lock_version"] = source.lock_version
        return initial

    def clean_languages(self) -> list[str]:
        return uploads.split_codes(self.cleaned_data["languages"])

    def clean_countries(self) -> list[str]:
        return uploads.split_codes(self.cleaned_data["countries"], upper=True)

    def clean_generator_models(self) -> list[dict[str, str]]:
        generators, errors = uploads.parse_generator_lines(self.cleaned_data["generator_models"])
        if errors:
            raise forms.ValidationError(uploads.summarise_errors(errors))
        return generators

    def clean_top_domains_file(self):
        upload = self.cleaned_data.get("top_domains_file")
        if upload:
            try:
                return uploads.read_text_upload(
                    upload,
                    max_bytes=upload_limit("TOP_DOMAINS_UPLOAD_MAX_BYTES"),
                    extensions=(".txt", ".csv"),
                )
            except uploads.UploadError as error:
                raise forms.ValidationError(error.message) from None
        return ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "top_domains_text" in self.fields and not self.errors.get("top_domains_file"):
            text = cleaned.get("top_domains_file") or cleaned.get("top_domains_text") or ""
            hosts, errors = uploads.parse_hosts(text)
            field = "top_domains_file" if cleaned.get("top_domains_file") else "top_domains_text"
            if errors:
                self.add_error(field, uploads.summarise_errors(errors))
            elif not hosts and cleaned.get("category") == choices.SourceCategory.WEB_CRAWL:
                # Said now, with the crawler's other answers, rather than after they are fixed.
                self.add_error(field, MESSAGES["top_domains_required"])
            cleaned["top_domains"] = hosts
        return cleaned

    def values(self) -> dict[str, Any]:
        """The source as the service takes it (the top domains only if this form holds them)."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in self.fields
            if name not in ("lock_version", "top_domains_text", "top_domains_file")
        }
        if "top_domains" in data:
            values["top_domains"] = data["top_domains"]
        return values


class TopDomainsForm(RowLockForm):
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

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = hosts_file_hint()

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        try:
            return uploads.read_text_upload(
                upload,
                max_bytes=upload_limit("TOP_DOMAINS_UPLOAD_MAX_BYTES"),
                extensions=(".txt", ".csv"),
            )
        except uploads.UploadError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        field = "file" if cleaned.get("file") else "text"
        hosts, errors = uploads.parse_hosts(cleaned.get(field) or "")
        if errors:
            self.add_error(field, uploads.summarise_errors(errors))
        elif not hosts:
            self.add_error("file", "Select a file or paste the list of top domains")
        cleaned["hosts"] = hosts
        return cleaned


class SourcesUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
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
        limit = uploads.size_text(upload_limit("SOURCES_UPLOAD_MAX_BYTES"))
        self.fields[
            "file"
        ].help_text = f"Up to {uploads.MAX_SOURCE_ROWS:,} sources and {limit}, saved as CSV UTF-8"

    def clean_file(self) -> str:
        try:
            return uploads.read_text_upload(
                self.cleaned_data["file"],
                max_bytes=upload_limit("SOURCES_UPLOAD_MAX_BYTES"),
                extensions=(".csv",),
            )
        except uploads.UploadError as error:
            raise forms.ValidationError(error.message) from None


# --- Supply chain and red-teaming


class PartyForm(ProblemFieldsMixin, RowLockForm):
    name = text("Name of the party", 300, MESSAGES["party_name_required"])
    role = radios("Role", choices.PartyRole.choices, MESSAGES["party_role_invalid"])
    country = forms.ChoiceField(
        label="Country",
        required=False,
        choices=[("", "Select a country")],
        help_text="Where the party is incorporated",
        error_messages={"invalid_choice": "Select a country from the list"},
    )
    company_number = text(
        "Company number",
        50,
        help_text="Its Companies House number, or its registration number abroad",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Select a country"), *country_choices()]  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, party) -> dict[str, Any]:
        return {name: getattr(party, name) for name in cls.base_fields}

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in ("name", "role", "country", "company_number")
        }


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
        limit = uploads.size_text(upload_limit("RED_TEAM_REPORT_MAX_BYTES"))
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
                uploads.check_pdf(upload, max_bytes=upload_limit("RED_TEAM_REPORT_MAX_BYTES"))
            except uploads.UploadError as error:
                raise forms.ValidationError(error.message) from None
        return upload

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in ("lock_version", "report")
        }


class ConfirmForm(forms.Form):
    """A page that only asks "are you sure?": the POST is the answer."""
