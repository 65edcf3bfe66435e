from __future__ import annotations

from typing import Any, cast

from django import forms

from registry.lib.forms import CountryField, GovukDateField, GroupedDecimalField, required_when
from registry.providers.models import InvestorKind, StateAffiliation
from registry.providers.validation import (
    LINK_MESSAGES,
    MESSAGES,
    normalise_company_number,
    problems_company_number,
    validate_link,
)


class ProviderDetailsForm(forms.Form):
    legal_name = forms.CharField(
        max_length=200,
        help_text="As registered with Companies House or the equivalent body",
        error_messages={"required": "Enter the organisation's legal name"},
    )
    trading_name = forms.CharField(max_length=200, required=False)
    country = CountryField(
        label="Country of incorporation",
        error_messages={
            "required": "Select the country where the organisation is incorporated",
            "invalid_choice": "Select the country where the organisation is incorporated",
        },
    )
    # Required in the UK only: the rule is `validate_provider_details`'s, and the hint says it.
    company_number = required_when(
        forms.CharField(
            # Room for the spaces and dashes people copy with the number; stored without them.
            max_length=20,
            required=False,
            label="Companies House number",
            help_text=(
                "Required if the organisation is incorporated in the UK. 8 characters, like "
                "01234567 or SC123456"
            ),
            widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        )
    )
    registered_address = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        error_messages={"required": "Enter the registered address"},
    )
    website = forms.URLField(
        max_length=300,
        assume_scheme="https",
        error_messages={
            "required": "Enter the organisation's website",
            "invalid": "Enter a web address in the correct format, like https://example.com",
        },
    )
    contact_email = forms.EmailField(
        label="Contact email address",
        max_length=254,
        help_text="Where the regulator writes about your filings",
        error_messages={
            "required": "Enter a contact email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    uk_representative = required_when(
        forms.CharField(
            label="UK representative",
            max_length=1000,
            required=False,
            help_text=(
                "Name and address. Required if the organisation is incorporated outside the UK"
            ),
            widget=forms.Textarea(attrs={"rows": 4}),
        )
    )

    def clean_company_number(self) -> str:
        number = normalise_company_number(self.cleaned_data.get("company_number") or "")
        for problem in problems_company_number(number):
            self.add_error("company_number", problem.message)
        return number

    def clean(self):
        cleaned = super().clean() or {}
        country, number = cleaned.get("country"), cleaned.get("company_number")
        if country == "GB" and number == "" and "company_number" not in self.errors:
            self.add_error("company_number", MESSAGES["company_number_required"])
        return cleaned


# --- Ownership statements

PERCENT_HINT = (
    "The exact figure, up to 3 decimal places. Only the regulator sees it: the public register "
    "shows the band it falls in, like “more than 25% to 50%”"
)


class OwnershipStartForm(forms.Form):
    """How to begin the next statement: from blank, or as a copy of the accepted one."""

    page_heading_field = "start"

    start = forms.ChoiceField(
        label="How do you want to start the new ownership statement?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you want to start the statement",
            "invalid_choice": "Select how you want to start the statement",
        },
    )

    def __init__(self, *args, accepted_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        start = cast(forms.ChoiceField, self.fields["start"])
        blank = ("blank", "Start from blank: add every investor again")
        if accepted_version is None:
            # One possible answer is no question: the page just offers to start.
            start.choices = [blank]
            start.initial = "blank"
            start.widget = forms.HiddenInput()
        else:
            amend = ("amend", f"Amend version {accepted_version}: start from its investors")
            start.choices = [amend, blank]


def percent_field(label: str, required_message: str) -> GroupedDecimalField:
    """An exact percentage from 0 to 100, to 3 decimal places, with errors that name it."""
    return GroupedDecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=3,
        help_text=PERCENT_HINT,
        error_messages={
            "required": required_message,
            "invalid": f"{label} must be a number, like 12.5",
            # These are %-formatted with the limit, so a literal percent sign is doubled.
            "min_value": f"{label} must be 0%% or more",
            "max_value": f"{label} must be 100%% or less",
            "max_decimal_places": f"{label} must have no more than 3 decimal places",
            "max_digits": f"{label} must be 100%% or less, with no more than 3 decimal places",
            "max_whole_digits": f"{label} must be 100%% or less",
        },
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "inputmode": "decimal", "spellcheck": "false"}
        ),
    )


class InvestmentLinkForm(forms.Form):
    """Every field of an investment link; the cross-field rules are the service's validation."""

    investor_name = forms.CharField(
        label="Investor's name",
        max_length=300,
        help_text="A person's full name, or an organisation's registered name",
        error_messages={
            "required": LINK_MESSAGES["investor_name_required"],
            "max_length": "The investor's name must be 300 characters or fewer",
        },
    )
    investor_kind = forms.ChoiceField(
        label="Kind of investor",
        choices=InvestorKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": LINK_MESSAGES["investor_kind_invalid"],
            "invalid_choice": LINK_MESSAGES["investor_kind_invalid"],
        },
    )
    # Found by code or name ("UK"), with an autocomplete over the select where JavaScript runs.
    country = CountryField(
        label="Country",
        help_text="Where the investor is incorporated or, for a person, lives",
        error_messages={
            "required": LINK_MESSAGES["investor_country_invalid"],
            "invalid_choice": LINK_MESSAGES["investor_country_invalid"],
        },
    )
    registration_number = forms.CharField(
        label="Registration number",
        max_length=100,
        required=False,
        help_text="The investor's company or fund registration number, if it has one",
        error_messages={"max_length": "The registration number must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    share_percent = percent_field(
        "Percentage of shares held", LINK_MESSAGES["share_percent_required"]
    )
    votes_percent = percent_field(
        "Percentage of votes held", LINK_MESSAGES["votes_percent_required"]
    )
    board_appointment = forms.BooleanField(
        label="The investor can appoint or remove a majority of the board",
        required=False,
    )
    significant_influence = forms.BooleanField(
        label="The investor has significant influence or control over the organisation",
        required=False,
    )
    state_affiliation = forms.ChoiceField(
        label="Is the investor affiliated with a state?",
        choices=StateAffiliation.choices,
        initial=StateAffiliation.NONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": LINK_MESSAGES["state_affiliation_invalid"],
            "invalid_choice": LINK_MESSAGES["state_affiliation_invalid"],
        },
    )
    acquired_on = GovukDateField(
        label="Date the holding was acquired",
        subject="The date the holding was acquired",
        required=False,
        help_text="For example, 27 3 2021",
    )
    ceased_on = GovukDateField(
        label="Date the holding ended",
        subject="The date the holding ended",
        required=False,
        help_text="Only if the investor no longer holds it. For example, 1 9 2024",
    )
    nsi_notified = forms.BooleanField(
        label="The acquisition was notified under the National Security and Investment Act 2021",
        required=False,
    )
    nsi_reference = forms.CharField(
        label="NSI notification reference",
        max_length=100,
        required=False,
        help_text="Required if the acquisition was notified. Only the regulator sees it",
        error_messages={"max_length": "The NSI reference must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    # The version of the link the form was opened on; empty when adding one.
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        """Check the answers read against the service's rules too, to show every problem at once."""
        cleaned = super().clean() or {}
        for problem in validate_link(cleaned):
            if problem.field in self.fields and problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return cleaned

    def link_values(self) -> dict:
        """The cleaned answers, as the service takes them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "lock_version"}
