"""GOV.UK form rendering: form groups, widget classes, the date field and the error summary."""

from __future__ import annotations

import importlib
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string
from pytest_django.asserts import assertInHTML

from registry.lib.forms import GovukDateField, GovukDateInput, GovukFormRenderer, required_when

COUNTRIES = [("", "Choose a country"), ("GB", "United Kingdom"), ("FR", "France")]
KINDS = [("llm", "Language model"), ("vision", "Vision model")]
SOURCES = [("web", "Web crawl"), ("books", "Books")]


class EveryWidgetForm(forms.Form):
    """One field of each kind the renderer styles, each with its own error message."""

    name = forms.CharField(
        help_text="As registered at Companies House",
        error_messages={"required": "Enter the organisation name"},
        widget=forms.TextInput(
            attrs={"autocomplete": "organization", "class": "govuk-input--width-20"}
        ),
    )
    email = forms.EmailField(error_messages={"required": "Enter an email address"})
    website = forms.URLField(required=False, assume_scheme="https")
    employees = forms.IntegerField(error_messages={"required": "Enter the number of employees"})
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a summary"},
    )
    country = forms.ChoiceField(choices=COUNTRIES, error_messages={"required": "Select a country"})
    kind = forms.ChoiceField(
        label="What kind of model is it?",
        choices=KINDS,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        help_text="Select one",
        error_messages={"required": "Select the kind of model"},
    )
    sources = forms.MultipleChoiceField(
        label="Which sources did you use?",
        choices=SOURCES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one source"},
    )
    data_sheet = forms.FileField(error_messages={"required": "Upload a data sheet"})
    confirm = forms.BooleanField(
        label="I confirm the information is correct",
        help_text="False statements are an offence",
        error_messages={"required": "Confirm the information is correct"},
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


class ReleaseForm(forms.Form):
    released_on = GovukDateField(
        label="When was the model released?",
        subject="Release date",
        help_text="For example, 27 3 2024",
        error_messages={"required": "Enter the release date"},
    )


class OptionalDateForm(forms.Form):
    released_on = GovukDateField(required=False)


class StartTags(HTMLParser):
    """Collect every start tag's attributes, to look elements up by id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def element(html: str, element_id: str) -> dict[str, str | None]:
    """Return the attributes of the one element with the given id."""
    parser = StartTags()
    parser.feed(html)
    found = [attrs for _tag, attrs in parser.tags if attrs.get("id") == element_id]
    assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
    return found[0]


def classes(html: str, element_id: str) -> list[str]:
    return (element(html, element_id).get("class") or "").split()


def error_message(field_id: str, text: str) -> str:
    return (
        f'<p id="{field_id}_error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {text}</p>'
    )


def bound_every_widget_form() -> EveryWidgetForm:
    form = EveryWidgetForm(data={"email": "not-an-email", "employees": "many"}, files={})
    assert form.is_valid() is False
    return form


def date_form(day: str, month: str, year: str) -> ReleaseForm:
    data = {"released_on_day": day, "released_on_month": month, "released_on_year": year}
    return ReleaseForm(data=data)


# --- The renderer


def test_forms_use_the_govuk_renderer_and_bound_field() -> None:
    form = EveryWidgetForm()

    assert isinstance(form.renderer, GovukFormRenderer)
    assert form["name"].govuk_kind == "input"


@pytest.mark.parametrize(
    ("field_id", "control_class", "error_class"),
    [
        ("id_name", "govuk-input", "govuk-input--error"),
        ("id_email", "govuk-input", "govuk-input--error"),
        ("id_employees", "govuk-input", "govuk-input--error"),
        ("id_password", "govuk-input", "govuk-input--error"),
        ("id_summary", "govuk-textarea", "govuk-textarea--error"),
        ("id_country", "govuk-select", "govuk-select--error"),
        ("id_data_sheet", "govuk-file-upload", "govuk-file-upload--error"),
        ("id_kind_0", "govuk-radios__input", None),
        ("id_sources_0", "govuk-checkboxes__input", None),
        ("id_confirm", "govuk-checkboxes__input", None),
    ],
)
def test_each_widget_gets_its_govuk_class_and_error_class(
    field_id: str, control_class: str, error_class: str | None
) -> None:
    unbound = str(EveryWidgetForm())
    bound = str(bound_every_widget_form())

    assert control_class in classes(unbound, field_id)
    assert "aria-invalid" not in element(unbound, field_id)
    assert control_class in classes(bound, field_id)
    assert element(bound, field_id)["aria-invalid"] == "true"
    if error_class:
        assert error_class not in classes(unbound, field_id)
        assert error_class in classes(bound, field_id)


def test_a_text_field_group_has_label_hint_error_and_describedby() -> None:
    html = bound_every_widget_form()["name"].as_field_group()

    assertInHTML('<label class="govuk-label" for="id_name">Name</label>', html)
    assertInHTML(
        '<div id="id_name_helptext" class="govuk-hint">As registered at Companies House</div>', html
    )
    assertInHTML(error_message("id_name", "Enter the organisation name"), html)
    assert html.startswith('<div class="govuk-form-group govuk-form-group--error">')
    name = element(html, "id_name")
    assert name["aria-describedby"] == "id_name_helptext id_name_error"
    assert name["autocomplete"] == "organization"


def test_the_forms_own_classes_follow_the_govuk_ones() -> None:
    html = bound_every_widget_form()["name"].as_field_group()

    assert classes(html, "id_name") == [
        "govuk-input",
        "govuk-input--error",
        "govuk-input--width-20",
    ]


def test_a_valid_field_has_no_error_markup() -> None:
    form = EveryWidgetForm(data={"name": "Acme AI"}, files={})
    form.is_valid()
    html = form["name"].as_field_group()

    assert html.startswith('<div class="govuk-form-group">')
    assert "govuk-error-message" not in html
    assert element(html, "id_name")["aria-describedby"] == "id_name_helptext"


def test_the_widget_alone_gets_the_govuk_classes() -> None:
    html = str(bound_every_widget_form()["email"])

    assert html.startswith("<input")
    assert classes(html, "id_email") == ["govuk-input", "govuk-input--error"]


def test_an_optional_field_says_so_in_its_label() -> None:
    html = EveryWidgetForm()["website"].as_field_group()

    assertInHTML('<label class="govuk-label" for="id_website">Website (optional)</label>', html)


def test_a_field_required_only_in_some_cases_is_not_called_optional() -> None:
    class Organisation(forms.Form):
        company_number = required_when(
            forms.CharField(required=False, help_text="Required if incorporated in the UK")
        )

    html = Organisation()["company_number"].as_field_group()

    assertInHTML('<label class="govuk-label" for="id_company_number">Company number</label>', html)
    assert Organisation(data={}).is_valid()


def test_the_password_field_is_a_govuk_password_input() -> None:
    html = bound_every_widget_form()["password"].as_field_group()

    assert html.startswith(
        '<div class="govuk-form-group govuk-form-group--error govuk-password-input"'
        ' data-module="govuk-password-input">'
    )
    password = element(html, "id_password")
    assert password["type"] == "password"
    assert password["spellcheck"] == "false"
    assert password["autocapitalize"] == "none"
    assert password["autocomplete"] == "current-password"
    assert "govuk-js-password-input-input" in classes(html, "id_password")
    assert 'aria-controls="id_password" aria-label="Show password" hidden>Show</button>' in html


def test_radios_sit_in_a_fieldset_described_by_hint_and_error() -> None:
    html = bound_every_widget_form()["kind"].as_field_group()

    assertInHTML('<legend class="govuk-fieldset__legend">What kind of model is it?</legend>', html)
    assert (
        '<fieldset class="govuk-fieldset" aria-describedby="id_kind_helptext id_kind_error">'
        in html
    )
    assertInHTML(error_message("id_kind", "Select the kind of model"), html)
    assertInHTML(
        '<label class="govuk-label govuk-radios__label" for="id_kind_1">Vision model</label>', html
    )
    # The inline modifier styles the wrapper, not each radio.
    assert '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">' in html
    assert classes(html, "id_kind_0") == ["govuk-radios__input"]
    assert "aria-describedby" not in element(html, "id_kind_0")


def test_checkboxes_sit_in_a_fieldset_with_the_checkboxes_module() -> None:
    form = EveryWidgetForm(data={"sources": ["books"]}, files={})
    html = form["sources"].as_field_group()

    assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes">' in html
    assertInHTML(
        '<label class="govuk-label govuk-checkboxes__label" for="id_sources_0">Web crawl</label>',
        html,
    )
    assert "checked" not in element(html, "id_sources_0")
    assert "checked" in element(html, "id_sources_1")


def test_a_single_checkbox_has_its_label_and_hint_after_the_box() -> None:
    html = bound_every_widget_form()["confirm"].as_field_group()

    box = html.index('id="id_confirm"')
    label = html.index('<label class="govuk-label govuk-checkboxes__label" for="id_confirm">')
    hint = html.index('<div id="id_confirm_helptext" class="govuk-hint govuk-checkboxes__hint">')
    assert box < label < hint
    assert "(optional)" not in html
    assert element(html, "id_confirm")["aria-describedby"] == "id_confirm_helptext id_confirm_error"


def test_a_file_already_uploaded_is_shown_with_a_govuk_clear_checkbox() -> None:
    class StoredFile:
        url = "/media/sheet.pdf"

        def __str__(self) -> str:
            return "sheet.pdf"

    class DataSheetForm(forms.Form):
        data_sheet = forms.FileField(required=False)

    html = DataSheetForm(initial={"data_sheet": StoredFile()})["data_sheet"].as_field_group()

    assertInHTML('<a class="govuk-link" href="/media/sheet.pdf">sheet.pdf</a>', html)
    assert classes(html, "data_sheet-clear_id") == ["govuk-checkboxes__input"]
    assert classes(html, "id_data_sheet") == ["govuk-file-upload"]


def test_the_page_heading_field_puts_its_label_in_the_h1() -> None:
    class NameForm(forms.Form):
        page_heading_field = "name"
        name = forms.CharField(label="What is the organisation called?")
        kind = forms.ChoiceField(label="What kind?", choices=KINDS, widget=forms.RadioSelect)

    form = NameForm()

    assertInHTML(
        '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="id_name">'
        "What is the organisation called?</label></h1>",
        form["name"].as_field_group(),
    )
    assert "<h1" not in form["kind"].as_field_group()


def test_a_legend_can_be_the_page_heading() -> None:
    class KindForm(forms.Form):
        page_heading_field = "kind"
        kind = forms.ChoiceField(label="What kind?", choices=KINDS, widget=forms.RadioSelect)

    assertInHTML(
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">'
        '<h1 class="govuk-fieldset__heading">What kind?</h1></legend>',
        str(KindForm()),
    )


def test_the_whole_form_renders_non_field_errors_groups_then_hidden_fields() -> None:
    class TeamForm(forms.Form):
        name = forms.CharField()
        token = forms.CharField(widget=forms.HiddenInput, required=False)

        def clean(self) -> dict:
            raise forms.ValidationError("Check the whole declaration again")

    form = TeamForm(data={"name": "Acme"})
    form.is_valid()
    html = str(form)

    assert html.index("Check the whole declaration again") < html.index('for="id_name"')
    assert html.index('for="id_name"') < html.index('<input type="hidden" name="token"')
    assert "errorlist" not in html


# --- The date field


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("1", "2", "2025", date(2025, 2, 1)),
        ("01", "02", "2025", date(2025, 2, 1)),
        (" 3 ", " 9 ", " 2024 ", date(2024, 9, 3)),
        ("1st", "January", "2025", date(2025, 1, 1)),
        ("22nd", "sept", "2024", date(2024, 9, 22)),
        ("5", "Dec.", "2023", date(2023, 12, 5)),
        ("29", "2", "2024", date(2024, 2, 29)),
    ],
)
def test_the_date_field_reads_real_dates(day: str, month: str, year: str, expected: date) -> None:
    form = date_form(day, month, year)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["released_on"] == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "highlighted"),
    [
        ("", "", "", "Enter the release date", ("day", "month", "year")),
        ("", "2", "2025", "Release date must include a day", ("day",)),
        ("1", "", "2025", "Release date must include a month", ("month",)),
        ("1", "2", "", "Release date must include a year", ("year",)),
        ("", "", "2025", "Release date must include a day and month", ("day", "month", "year")),
        ("1", "", "", "Release date must include a month and year", ("day", "month", "year")),
        ("31", "2", "2025", "Release date must be a real date", ("day", "month", "year")),
        ("29", "2", "2025", "Release date must be a real date", ("day", "month", "year")),
        ("32", "1", "2025", "Release date must be a real date", ("day",)),
        ("0", "1", "2025", "Release date must be a real date", ("day",)),
        ("1", "13", "2025", "Release date must be a real date", ("month",)),
        ("x", "2", "2025", "Release date must be a real date", ("day",)),
        ("1", "Febtober", "2025", "Release date must be a real date", ("month",)),
        ("1", "2", "twenty", "Release date must be a real date", ("year",)),
        ("a", "b", "2025", "Release date must be a real date", ("day", "month", "year")),
        ("1", "2", "25", "Year must include 4 numbers", ("year",)),
        ("1", "2", "20255", "Year must include 4 numbers", ("year",)),
    ],
)
def test_the_date_field_explains_what_is_wrong_and_highlights_it(
    day: str, month: str, year: str, message: str, highlighted: tuple[str, ...]
) -> None:
    form = date_form(day, month, year)

    assert form.is_valid() is False
    assert form.errors["released_on"] == [message]
    html = form["released_on"].as_field_group()
    assertInHTML(error_message("id_released_on", message), html)
    for part in ("day", "month", "year"):
        box_id = f"id_released_on_{part}"
        assert ("govuk-input--error" in classes(html, box_id)) is (part in highlighted), part
        assert (element(html, box_id).get("aria-invalid") == "true") is (part in highlighted), part


def test_an_optional_date_left_empty_is_none() -> None:
    form = OptionalDateForm(data={"released_on_day": "", "released_on_month": " "})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["released_on"] is None


def test_the_date_field_has_govuk_default_messages() -> None:
    form = OptionalDateForm(data={"released_on_day": "1", "released_on_month": "14"})

    assert form.is_valid() is False
    assert form.errors["released_on"] == ["Date must include a year"]
    assert ReleaseForm(data={}).errors["released_on"] == ["Enter the release date"]
    assert GovukDateField().error_messages["required"] == "Enter a date"


def test_the_date_input_renders_a_govuk_date_input_in_a_group_fieldset() -> None:
    html = date_form("", "2", "2025")["released_on"].as_field_group()

    assert (
        '<fieldset class="govuk-fieldset" role="group"'
        ' aria-describedby="id_released_on_helptext id_released_on_error">'
    ) in html
    assert '<div class="govuk-date-input" id="id_released_on">' in html
    assertInHTML(
        '<label class="govuk-label govuk-date-input__label" for="id_released_on_month">'
        "Month</label>",
        html,
    )
    month = element(html, "id_released_on_month")
    assert month["name"] == "released_on_month"
    assert month["value"] == "2"
    assert month["inputmode"] == "numeric"
    assert classes(html, "id_released_on_month") == [
        "govuk-input",
        "govuk-date-input__input",
        "govuk-input--width-2",
    ]
    assert "govuk-input--width-4" in classes(html, "id_released_on_year")


def test_the_date_input_shows_an_initial_date_in_its_boxes() -> None:
    html = str(ReleaseForm(initial={"released_on": date(2024, 3, 27)})["released_on"])

    assert element(html, "id_released_on_day")["value"] == "27"
    assert element(html, "id_released_on_month")["value"] == "3"
    assert element(html, "id_released_on_year")["value"] == "2024"


def test_the_date_input_can_autocomplete_a_birthday() -> None:
    class BirthdayForm(forms.Form):
        born_on = GovukDateField(widget=GovukDateInput(autocomplete="bday"))

    html = str(BirthdayForm()["born_on"])

    assert element(html, "id_born_on_day")["autocomplete"] == "bday-day"
    assert element(html, "id_born_on_year")["autocomplete"] == "bday-year"


def test_an_error_added_by_the_form_highlights_the_whole_date() -> None:
    form = date_form("1", "2", "2999")
    form.is_valid()
    form.add_error("released_on", "Release date must be in the past")
    html = form["released_on"].as_field_group()

    for part in ("day", "month", "year"):
        assert "govuk-input--error" in classes(html, f"id_released_on_{part}")


# --- The error summary


def render_summary(form: forms.Form) -> str:
    return render_to_string("includes/error_summary.html", {"form": form})


def test_the_error_summary_lists_non_field_errors_then_links_each_field_error() -> None:
    class DeclarationForm(EveryWidgetForm):
        released_on = GovukDateField(error_messages={"required": "Enter the release date"})

        def clean(self) -> dict:
            raise forms.ValidationError("Check the whole declaration again")

    form = DeclarationForm(data={"email": "x", "released_on_day": "4", "released_on_year": "2025"})
    form.is_valid()
    html = render_summary(form)

    assert 'data-module="govuk-error-summary"' in html
    assertInHTML('<h2 class="govuk-error-summary__title">There is a problem</h2>', html)
    expected = [
        "<li>Check the whole declaration again</li>",
        '<li><a href="#id_name">Enter the organisation name</a></li>',
        '<li><a href="#id_email">Enter a valid email address.</a></li>',
        '<li><a href="#id_kind_0">Select the kind of model</a></li>',
        '<li><a href="#id_sources_0">Select at least one source</a></li>',
        '<li><a href="#id_confirm">Confirm the information is correct</a></li>',
        '<li><a href="#id_released_on_month">Date must include a month</a></li>',
    ]
    positions = [html.index(item) for item in expected]
    assert positions == sorted(positions)


def test_the_error_summary_links_a_wholly_wrong_date_to_its_day() -> None:
    form = date_form("31", "2", "2025")
    form.is_valid()

    assertInHTML(
        '<li><a href="#id_released_on_day">Release date must be a real date</a></li>',
        render_summary(form),
    )


def test_the_error_summary_does_not_link_to_a_hidden_field() -> None:
    class StepForm(forms.Form):
        step = forms.IntegerField(widget=forms.HiddenInput)

    form = StepForm(data={"step": "first"})
    form.is_valid()

    assertInHTML("<li>Enter a whole number.</li>", render_summary(form))


@pytest.mark.parametrize(
    "data",
    [None, {"released_on_day": "1", "released_on_month": "2", "released_on_year": "2025"}],
    ids=["unbound", "valid"],
)
def test_the_error_summary_is_empty_without_errors(data: dict | None) -> None:
    assert render_summary(ReleaseForm(data=data)).strip() == ""


# --- The page template


@pytest.fixture
def plain_static_storage(settings) -> None:
    """Serve static files unhashed, so pages render without running collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def render_page(context: dict) -> str:
    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}Release date{% endblock %}'
        "{% block content %}<h1>Page</h1>{% endblock %}"
    )
    return page.render(context)


@pytest.mark.usefixtures("plain_static_storage")
def test_the_page_title_says_error_when_the_form_has_errors() -> None:
    service = "\N{EN DASH} AI Training Data Provenance Register"
    invalid = date_form("31", "2", "2025")

    assert f"<title>Release date {service}</title>" in render_page({"form": ReleaseForm()})
    assert f"<title>Error: Release date {service}</title>" in render_page({"form": invalid})


@pytest.mark.usefixtures("plain_static_storage")
def test_the_service_navigation_marks_the_current_page() -> None:
    nav_items = [
        {"label": "Dashboard", "url": "/dashboard/", "active": True},
        {"label": "Sign out", "url": "/sign-out/", "active": False},
    ]
    html = render_page({"nav_items": nav_items})

    assertInHTML(
        '<a class="govuk-service-navigation__link" href="/dashboard/" aria-current="page">'
        '<strong class="govuk-service-navigation__active-fallback">Dashboard</strong></a>',
        html,
    )
    assertInHTML('<a class="govuk-service-navigation__link" href="/sign-out/">Sign out</a>', html)
    assert 'id="navigation"' not in render_page({"nav_items": []})


@pytest.mark.usefixtures("plain_static_storage")
def test_messages_show_as_notification_banners() -> None:
    messages = [
        Message(message_levels.SUCCESS, "Declaration submitted"),
        Message(message_levels.INFO, "The register closes at 5pm"),
    ]
    html = render_page({"messages": messages})

    assert (
        '<div class="govuk-notification-banner govuk-notification-banner--success" role="alert"'
        ' aria-labelledby="govuk-notification-banner-title-1"'
    ) in html
    assert (
        '<div class="govuk-notification-banner" role="region"'
        ' aria-labelledby="govuk-notification-banner-title-2"'
    ) in html
    assertInHTML('<p class="govuk-notification-banner__heading">Declaration submitted</p>', html)


@pytest.mark.usefixtures("plain_static_storage")
def test_the_page_has_no_inline_script_or_style() -> None:
    html = render_page({"form": date_form("31", "2", "2025")})

    parser = StartTags()
    parser.feed(html)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts and all(attrs.get("src") for attrs in scripts)
    assert all("style" not in attrs for _tag, attrs in parser.tags)
    assert "<style" not in html


# --- Every form of the project: no label says "(optional)" twice


def project_form_modules() -> list[str]:
    """The dotted name of every `forms` module of the project: registry/*/forms.py, or a package."""
    registry = Path(__file__).resolve().parents[2] / "registry"
    files = [*registry.glob("*/forms.py"), *registry.glob("*/forms/*.py")]
    names = {".".join(f.relative_to(registry.parent).with_suffix("").parts) for f in files}
    return sorted(name.removesuffix(".__init__") for name in names)


def project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's `forms` modules."""
    found = []
    for name in project_form_modules():
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, forms.BaseForm)
            and value.__module__ == module.__name__
        ]
    return found


def unbound(form_class: type[forms.BaseForm]) -> forms.BaseForm:
    """An empty form of the class, as a page first shows it; search forms always read a query."""
    try:
        return form_class()
    except TypeError:
        return form_class(QueryDict())


class LabelTexts(HTMLParser):
    """The text of every <label> and <legend>, as a screen reader or a sighted person reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("label", "legend"):
            self.open.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("label", "legend") and self.open:
            self.texts.append(" ".join("".join(self.open.pop()).split()))

    def handle_data(self, data: str) -> None:
        for parts in self.open:
            parts.append(data)


def optional_said_twice(text: str) -> bool:
    return text.lower().count("optional") > 1


def test_the_project_forms_are_all_found() -> None:
    names = {form_class.__name__ for form_class in project_form_classes()}

    assert {"AccountCreateForm", "ProviderDetailsForm", "SourceForm", "FeedbackForm"} <= names


def test_a_label_that_says_optional_twice_is_caught() -> None:
    class Doubled(forms.Form):
        nickname = forms.CharField(required=False, label="Nickname (optional)")

    parser = LabelTexts()
    parser.feed(str(Doubled()))

    assert parser.texts == ["Nickname (optional) (optional)"]
    assert optional_said_twice(parser.texts[0])


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", project_form_classes(), ids=lambda cls: cls.__name__)
def test_no_label_of_any_form_says_optional_twice(form_class: type[forms.BaseForm]) -> None:
    form = unbound(form_class)
    parser = LabelTexts()
    parser.feed(str(form))
    # The bound fields as well as the page: a field a template renders on its own counts too.
    said = [
        f"{field.label}{' (optional)' if field.is_optional else ''}"
        for field in form
        if field.label
    ]

    assert [text for text in parser.texts + said if optional_said_twice(text)] == []
