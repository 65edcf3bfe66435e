"""The console's forms: the queue's filters, and what a regulator does on a case.

Forms check only that an answer was given (in the services' own words) and is one of the choices;
the services decide whether it may be done, and say why not, so the rules live in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from registry.accounts.models import User
from registry.filings.models import FilingKind
from registry.filings.validation import MESSAGES as FILING_MESSAGES
from registry.review.models import NoteKind
from registry.review.selectors import STATE_TABS, QueueFilters, flag_codes
from registry.review.validation import MESSAGES, TEXT_LIMIT

# The decisions a case page can post, as the lifecycle names them.
DECISIONS = [
    ("start_review", "Start review"),
    ("request_changes", "Request changes"),
    ("accept", "Accept"),
    ("reject", "Reject"),
]
NOBODY = ""


def staff_choices(staff: Sequence[User]) -> list[tuple[str, str]]:
    return [(str(person.pk), person.full_name or person.email) for person in staff]


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


# --- The queue


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the address; an answer that isn't a choice is ignored."""

    state = forms.ChoiceField(
        choices=[(value, label) for value, (label, _) in STATE_TABS.items()], required=False
    )
    kind = forms.ChoiceField(
        label="Kind of filing", choices=[("", "Any"), *FilingKind.choices], required=False
    )
    flag = forms.ChoiceField(label="Risk flag", required=False)
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    due = forms.ChoiceField(
        label="Due",
        choices=[("", "Any time"), ("overdue", "Overdue"), ("soon", "Due within 7 days")],
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[
            ("due", "Due date, soonest first"),
            ("-due", "Due date, latest first"),
            ("submitted", "Submitted, oldest first"),
            ("-submitted", "Submitted, newest first"),
            ("reference", "Reference, A to Z"),
            ("-reference", "Reference, Z to A"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, staff: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "flag").choices = [("", "Any"), *flag_codes()]
        choice_field(self, "assignee").choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("unassigned", "Nobody (unassigned)"),
            *staff_choices(staff),
        ]

    def filters(self) -> QueueFilters:
        """The filters given, each left at its default when it isn't one of the choices."""
        self.is_valid()
        given = {name: value for name, value in self.cleaned_data.items() if value}
        return QueueFilters(**given)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False, strip=True)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


# --- A case


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(
        label="Assign to",
        required=False,
        error_messages={"invalid_choice": MESSAGES["assignee_not_regulator"]},
    )

    def __init__(self, *args: Any, staff: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {str(person.pk): person for person in staff}
        choice_field(self, "assignee").choices = [(NOBODY, "Nobody"), *staff_choices(staff)]

    def chosen_assignee(self) -> User | None:
        return self.staff.get(self.cleaned_data["assignee"])


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=DECISIONS,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a decision",
            "invalid_choice": "Choose a decision",
        },
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RequestChangesForm(DecisionForm):
    """The covering message sent with the findings when changes are requested."""

    reason = forms.CharField(
        label="Message to the provider",
        help_text="Sent with the findings. Say what the provider should do next.",
        max_length=TEXT_LIMIT,
        error_messages={"required": FILING_MESSAGES["reason_required"]},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecideForm(DecisionForm):
    reason = forms.CharField(
        label="Reason for the decision",
        help_text="Recorded with the decision and shown to the provider.",
        max_length=TEXT_LIMIT,
        error_messages={"required": FILING_MESSAGES["reason_required"]},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FindingForm(forms.Form):
    """A finding: the field it is about (chosen, or its path typed) and what to change."""

    field = forms.CharField(
        label="Field",
        max_length=200,
        error_messages={"required": "Choose the field the finding is about, or type its path"},
        widget=forms.Select(),
    )
    path = forms.CharField(
        label="Or type the path of the field",
        help_text=(
            "For a field not listed, such as a source on another page: rows count from 0, so "
            "sources.2.licence is the licence of source 3"
        ),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-20"}),
    )
    message = forms.CharField(
        label="What must the provider change?",
        max_length=TEXT_LIMIT,
        error_messages={"required": MESSAGES["finding_message_required"]},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, field_choices: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A typed path stands in for the list, which is needed only without one.
        if self.is_bound and str(self.data.get("path") or "").strip():
            self.fields["field"].required = False
        self.offer(field_choices)

    def offer(self, field_choices: Sequence[Any]) -> None:
        """List these fields in the select; any other path is typed, and the service checks it."""
        select: Any = self.fields["field"].widget
        select.choices = [("", "Choose a field"), *field_choices]

    def chosen_field(self) -> str:
        """The typed path when there is one: it is the more precise."""
        return self.cleaned_data.get("path") or self.cleaned_data.get("field") or ""

    def problem_field(self, field: str) -> str:
        """Where a service's problem about the field belongs: on the path if one was typed."""
        if field == "field" and self.cleaned_data.get("path"):
            return "path"
        return field


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who is it for?",
        choices=NoteKind.choices,
        initial=NoteKind.NOTE,
        widget=forms.RadioSelect,
        error_messages={
            "required": MESSAGES["note_kind_invalid"],
            "invalid_choice": MESSAGES["note_kind_invalid"],
        },
    )
    body = forms.CharField(
        label="Note or message",
        help_text="Internal notes are never shown to the provider; messages are.",
        error_messages={"required": MESSAGES["note_body_required"]},
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RulingForm(forms.Form):
    """The regulator's answer to one source's claim to confidentiality."""

    accepted = forms.TypedChoiceField(
        label="Decision on the claim",
        choices=[("yes", "Accept the claim"), ("no", "Refuse the claim")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline govuk-radios--small"}),
        error_messages={
            "required": "Choose whether to accept or refuse the claim",
            "invalid_choice": "Choose whether to accept or refuse the claim",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=TEXT_LIMIT,
        error_messages={"required": MESSAGES["ruling_reason_required"]},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
