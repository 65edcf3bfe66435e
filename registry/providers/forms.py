from __future__ import annotations

from django import forms

from registry.lib.codes import country_choices


class ProviderDetailsForm(forms.Form):
    legal_name = forms.CharField(
        max_length=200,
        help_text="As registered with Companies House or the equivalent body",
        error_messages={"required": "Enter the organisation's legal name"},
    )
    trading_name = forms.CharField(max_length=200, required=False, label="Trading name (optional)")
    country = forms.ChoiceField(
        label="Country of incorporation",
        choices=[("", "Select a country")],
        error_messages={
            "required": "Select the country where the organisation is incorporated",
            "invalid_choice": "Select the country where the organisation is incorporated",
        },
    )
    company_number = forms.CharField(
        max_length=10,
        required=False,
        label="Companies House number (optional for organisations incorporated outside the UK)",
        help_text="8 characters, like 01234567 or SC123456",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
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
    uk_representative = forms.CharField(
        label="UK representative",
        max_length=1000,
        required=False,
        help_text="Name and address. Required if the organisation is incorporated outside the UK",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Select a country"), *country_choices()]
