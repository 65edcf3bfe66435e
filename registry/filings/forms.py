"""Forms every filing kind uses: the statement of truth signed on submission, and withdrawal."""

from __future__ import annotations

from django import forms

STATEMENT_OF_TRUTH = (
    "I confirm that, to the best of my knowledge and belief, the information in this filing is "
    "true, complete and accurate, and that I am authorised to make this statement on behalf of "
    "the provider. I understand that giving false or misleading information to the register is "
    "an offence under the Digital Sovereignty Act."
)


class LockVersionForm(forms.Form):
    """Carries the version of the filing the page showed, so a stale save can be refused."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StatementOfTruthForm(LockVersionForm):
    """Sign the statement of truth and submit, in one step, as the person signed in.

    The signatory's name is the one on their account, never typed: only their role is asked.
    """

    signatory_role = forms.CharField(
        label="Your role in the organisation",
        max_length=200,
        help_text="For example, Chief Executive or Head of Compliance",
        error_messages={"required": "Enter your role in the organisation"},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    confirm = forms.BooleanField(
        label="I confirm the statement of truth",
        error_messages={"required": "Confirm the statement of truth"},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=2000,
        help_text="This is published with the notice that the filing was withdrawn",
        error_messages={"required": "Give the reason for withdrawing"},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
