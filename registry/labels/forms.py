"""The register's search form: what a visitor may search and filter the register by."""

from __future__ import annotations

from typing import Any

from django import forms

from registry.declarations import choices
from registry.labels import selectors
from registry.providers.models import ControlVerdict
from registry.review import risks

ALERT_CHOICES = [(code, risks.RULES[code].title) for code in selectors.PUBLIC_ALERTS] + [
    (selectors.NO_ALERTS, "No alerts")
]


class RegisterSearchForm(forms.Form):
    """A search and filters that combine: within a filter any value matches, across filters all
    must. Every field is optional; a value the register doesn't know is an error, never ignored."""

    q = forms.CharField(
        label="Search the register",
        required=False,
        max_length=200,
        help_text="A model or provider name, or a MOD- or PRV- registration number",
    )
    category = forms.MultipleChoiceField(
        label="Trained on",
        choices=choices.SourceCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    modality = forms.MultipleChoiceField(
        label="Takes in or puts out",
        choices=choices.Modality.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    control = forms.MultipleChoiceField(
        label="Who controls the provider",
        choices=ControlVerdict.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    alert = forms.MultipleChoiceField(
        label="Alerts on the label",
        choices=ALERT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    FILTERS = ("category", "modality", "control", "alert")

    def filters(self) -> dict[str, Any]:
        """The search's keyword arguments for `selectors.search_models`; none if invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"].strip(),
            "categories": data["category"],
            "modalities": data["modality"],
            "control": data["control"],
            "alerts": data["alert"],
        }

    def active_filters(self) -> list[str]:
        """What the visitor filtered by, in words, for the results' summary."""
        if not self.is_valid():
            return []
        active = []
        for name in self.FILTERS:
            field = self.fields[name]
            names = dict(field.choices)  # type: ignore[attr-defined]
            chosen = [str(names[value]) for value in self.cleaned_data[name]]
            if chosen:
                active.append(f"{field.label}: {' or '.join(chosen)}")
        return active
