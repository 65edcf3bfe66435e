"""The feedback form: two questions with GOV.UK character counts, and the page it came from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import URLResolver, get_resolver

from registry.service.models import FEEDBACK_MAX_CHARS

TRYING_TO_DO_REQUIRED = "Enter what you were trying to do"
TRYING_TO_DO_TOO_LONG = (
    f"What you were trying to do must be {FEEDBACK_MAX_CHARS:,} characters or less"
)
IMPROVE_REQUIRED = "Enter how we could improve this service"
IMPROVE_TOO_LONG = (
    f"How we could improve this service must be {FEEDBACK_MAX_CHARS:,} characters or less"
)

# The feedback pages themselves are not what anyone is giving feedback on.
NOT_A_SUBJECT = ("service:feedback", "service:feedback-sent")


class CharacterCountTextarea(forms.Textarea):
    """The textarea of a GOV.UK character count: described by its count, limited by the server.

    GOV.UK asks for no `maxlength` attribute: a browser would cut pasted text short without saying
    so, where the count tells people how much to remove.
    """

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.pop("maxlength", None)
        described_by = [widget_attrs.get("aria-describedby", ""), f"{widget_attrs['id']}-info"]
        widget_attrs["aria-describedby"] = " ".join(part for part in described_by if part)
        return context


class FeedbackTextField(forms.CharField):
    """A free-text answer whose length is counted as the character count counts it."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        # Browsers send a line break as CR LF; the count on the page counted it as one character.
        return text.replace("\r\n", "\n") if text else ""


class FeedbackForm(forms.Form):
    trying_to_do = FeedbackTextField(
        label="What were you trying to do?",
        max_length=FEEDBACK_MAX_CHARS,
        error_messages={"required": TRYING_TO_DO_REQUIRED, "max_length": TRYING_TO_DO_TOO_LONG},
        widget=CharacterCountTextarea(attrs={"rows": 5, "class": "govuk-js-character-count"}),
    )
    how_to_improve = FeedbackTextField(
        label="How could we improve this service?",
        max_length=FEEDBACK_MAX_CHARS,
        error_messages={"required": IMPROVE_REQUIRED, "max_length": IMPROVE_TOO_LONG},
        widget=CharacterCountTextarea(attrs={"rows": 5, "class": "govuk-js-character-count"}),
    )
    # The URL name of the page the phase banner's link was followed from (never its address,
    # which may hold a secret such as an invitation's token). It is set by the link, not by the
    # visitor: a value that names no page of ours is dropped, not shown as a problem.
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_page(self) -> str:
        return page_name(self.cleaned_data["page"])


def page_name(name: str) -> str:
    """Return the name if it is the URL name of one of the service's pages, else nothing."""
    if name in NOT_A_SUBJECT or name not in url_names(get_resolver()):
        return ""
    return name


def url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    """Name every page the resolver routes, with its namespace (`labels:model`)."""
    names = {f"{namespace}{name}" for name in resolver.reverse_dict if isinstance(name, str)}
    for inner, (_, included) in resolver.namespace_dict.items():
        names |= url_names(included, f"{namespace}{inner}:")
    return names
