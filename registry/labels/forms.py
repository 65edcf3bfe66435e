"""The register's search form: what a visitor may search and filter the register by."""

from __future__ import annotations

from typing import Any

from django import forms

from registry.declarations import choices

ANY = [("", "Any")]
YES_NO_ANY = [("", "Any"), ("yes", "Yes"), ("no", "No")]


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the register",
        required=False,
        max_length=200,
        help_text="A model or provider name, or a MOD- or PRV- registration number",
    )
    category = forms.ChoiceField(
        label="Uses a source of this kind",
        choices=ANY + list(choices.SourceCategory.choices),
        required=False,
    )
    modality = forms.ChoiceField(
        label="Takes in or puts out",
        choices=ANY + list(choices.Modality.choices),
        required=False,
    )
    foreign_control = forms.ChoiceField(
        label="Provider under foreign control", choices=YES_NO_ANY, required=False
    )
    state_affiliated = forms.ChoiceField(
        label="Provider has a state-affiliated investor", choices=YES_NO_ANY, required=False
    )
    has_alerts = forms.ChoiceField(label="Has public alerts", choices=YES_NO_ANY, required=False)

    YES_NO_FIELDS = ("foreign_control", "state_affiliated", "has_alerts")

    def filters(self) -> dict[str, Any]:
        """The search's keyword arguments for `selectors.search_models`; none if invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        filters: dict[str, Any] = {
            "q": data["q"].strip(),
            "category": data["category"],
            "modality": data["modality"],
        }
        for field in self.YES_NO_FIELDS:
            filters[field] = {"yes": True, "no": False}.get(data[field])
        return filters

    def active_filters(self) -> list[str]:
        """What the visitor filtered by, in words, for the results' summary."""
        if not self.is_valid():
            return []
        active = []
        for name in ("category", "modality", *self.YES_NO_FIELDS):
            value = self.cleaned_data[name]
            if value:
                field = self.fields[name]
                chosen = dict(field.choices)[value]  # type: ignore[attr-defined]
                active.append(f"{field.label}: {chosen}")
        return active
