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
from registry.lib.forms import GovukDateField
from registry.review.caseload import OUTCOMES, DecidedFilters, ShownCase, parse_shown
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
# The bulk assignment's choice of nobody: its empty choice means none was made.
BULK_NOBODY = "nobody"


def staff_choices(staff: Sequence[User]) -> list[tuple[str, str]]:
    return [(str(person.pk), person.full_name or person.email) for person in staff]


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


# --- The queue


def full_width(form: forms.Form, *names: str) -> None:
    """Stretch these fields to the width of their column: the filters sit in a narrow one."""
    for name in names:
        form.fields[name].widget.attrs["class"] = "govuk-!-width-full"


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
        full_width(self, "kind", "flag", "assignee", "due")
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


class DecidedFilterForm(forms.Form):
    """The decided cases' filters, read from the address; a date that isn't one says so."""

    outcome = forms.ChoiceField(label="Outcome", choices=[("", "Any"), *OUTCOMES], required=False)
    kind = forms.ChoiceField(
        label="Kind of filing", choices=[("", "Any"), *FilingKind.choices], required=False
    )
    assignee = forms.ChoiceField(label="Case officer", required=False)
    decider = forms.ChoiceField(label="Decided by", required=False)
    provider = forms.CharField(
        label="Provider",
        help_text="Name or PRV- number",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    decided_from = GovukDateField(label="Decided on or after", subject="Date", required=False)
    decided_to = GovukDateField(label="Decided on or before", subject="Date", required=False)
    sort = forms.ChoiceField(
        choices=[
            ("-decided", "Decided, latest first"),
            ("decided", "Decided, earliest first"),
            ("reference", "Reference, A to Z"),
            ("-reference", "Reference, Z to A"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, staff: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        full_width(self, "outcome", "kind", "assignee", "decider", "provider")
        people = [("", "Anyone"), ("me", "Me"), *staff_choices(staff)]
        choice_field(self, "assignee").choices = people
        choice_field(self, "decider").choices = people

    def filters(self) -> DecidedFilters:
        """The filters given, each left at its default when it isn't a choice or a date."""
        self.is_valid()
        given = {name: value for name, value in self.cleaned_data.items() if value}
        return DecidedFilters(**given)


class BulkAssignForm(forms.Form):
    """Cases ticked on the queue, each as it was shown, and whom to assign them to."""

    case = forms.Field(
        label="Cases to assign",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the cases to assign"},
    )
    assignee = forms.ChoiceField(
        label="Assign selected cases to",
        error_messages={
            "required": "Choose who to assign the selected cases to",
            "invalid_choice": MESSAGES["assignee_not_regulator"],
        },
    )

    def __init__(self, *args: Any, staff: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {str(person.pk): person for person in staff}
        choice_field(self, "assignee").choices = [
            ("", "Choose someone"),
            *staff_choices(staff),
            (BULK_NOBODY, "Nobody (unassign)"),
        ]

    def clean_case(self) -> list[str]:
        """Every ticked box's value, as text: `shown_cases` reads each."""
        return [str(value) for value in self.cleaned_data["case"]]

    def chosen_assignee(self) -> User | None:
        return self.staff.get(self.cleaned_data["assignee"])

    def shown_cases(self) -> list[ShownCase | str]:
        """Each ticked case as it was shown, or the value itself when it can't be read."""
        return [parse_shown(value) or value for value in self.cleaned_data["case"]]


class SavedFilterForm(forms.Form):
    name = forms.CharField(
        label="Name for these filters",
        max_length=80,
        error_messages={
            "required": "Enter a name for these filters",
            "max_length": "Name must be 80 characters or fewer",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )


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
    # The filing's version when the page was shown (see services.case_decide).
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


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
    """A finding on the field whose "Raise a finding" link was followed: what to change."""

    field = forms.CharField(
        max_length=200,
        widget=forms.HiddenInput,
        error_messages={"required": MESSAGES["finding_field_required"]},
    )
    message = forms.CharField(
        label="What must the provider change?",
        help_text="The provider sees this beside the question, when you request changes.",
        max_length=TEXT_LIMIT,
        error_messages={"required": MESSAGES["finding_message_required"]},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FindingReplyForm(forms.Form):
    """The provider's answer to a finding sent to them."""

    reply = forms.CharField(
        label="Your reply",
        help_text="The regulator sees it with the finding when you resubmit.",
        max_length=TEXT_LIMIT,
        error_messages={
            "required": MESSAGES["finding_reply_required"],
            "max_length": MESSAGES["finding_reply_too_long"].format(limit=f"{TEXT_LIMIT:,}"),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )


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
