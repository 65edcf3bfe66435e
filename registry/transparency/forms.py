"""The /verify page's one question: which label to check, by file or by number."""

from __future__ import annotations

import re

from django import forms

from registry.lib.forms import required_when

# A label's JSON is a few hundred kilobytes at most, its PDF a few megabytes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MODEL_NUMBER = re.compile(r"MOD-[0-9]{6}")


class VerifyForm(forms.Form):
    label_file = required_when(
        forms.FileField(
            label="Upload a label file",
            required=False,
            help_text="The label's JSON (.json) or its PDF (.pdf), as downloaded from the "
            "register. Upload a file, or enter a registration number below",
            widget=forms.ClearableFileInput(
                attrs={"accept": ".json,.pdf,application/json,application/pdf"}
            ),
        )
    )
    number = required_when(
        forms.CharField(
            label="Or enter a registration number",
            required=False,
            max_length=20,
            help_text="The model's MOD- number, for example MOD-000123, to check the label the "
            "register shows now",
            widget=forms.TextInput(
                attrs={
                    "spellcheck": "false",
                    "autocomplete": "off",
                    "class": "govuk-input--width-10",
                }
            ),
        )
    )
    version = forms.IntegerField(
        label="Label version",
        required=False,
        min_value=1,
        help_text="Leave empty for the model's latest label",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Label version must be a whole number, like 2",
            "min_value": "Label version must be 1 or more",
        },
    )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip().upper()
        if number and not MODEL_NUMBER.fullmatch(number):
            raise forms.ValidationError(
                "Enter a registration number in the correct format, like MOD-000123"
            )
        return number

    def clean_label_file(self):
        upload = self.cleaned_data["label_file"]
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB")
        return upload

    def clean(self):
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("label_file") and not cleaned.get("number"):
            self.add_error("label_file", "Upload a label file or enter a registration number")
        return cleaned
