"""The problems every filing kind shares, each produced the way a provider or regulator meets it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import timezone

from registry.declarations.services import (
    declaration_discard,
    declaration_start,
    declaration_update_general,
    declaration_withdraw,
    source_save,
    statement_sign,
)
from registry.filings.states import Status
from registry.filings.validation import (
    MESSAGES,
    as_date,
    as_decimal,
    blank,
    validate_statement_of_truth,
)
from registry.lib.problems import ProblemsError
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration

SIGNED = {"signatory_name": "Alice Owner", "signatory_role": "Director", "signed_at": "now"}


class EveryCodeTests(PersonaTestCase):
    def declaration(self, status=Status.DRAFT, **fields):
        model = AIModelFactory(provider=self.acme)
        return complete_declaration(model=model, status=status, created_by=self.alice, **fields)

    def every_code_case(self) -> dict:
        """For every code: a call that meets it, the field it names and its exact message."""
        draft = self.declaration()
        submitted = self.declaration(Status.SUBMITTED)
        accepted = self.declaration(Status.ACCEPTED)
        returned = self.declaration(Status.CHANGES_REQUESTED, submitted_at=timezone.now())
        fresh_model = AIModelFactory(provider=self.acme)
        sign = {"declaration": draft, "expected_lock_version": draft.lock_version}
        source = {"name": "A late addition"}
        return {
            "signatory_name_required": (
                lambda: statement_sign(actor=self.alice, name=" ", role="Director", **sign),
                "signatory_name",
                "Enter the name of the person signing the statement of truth",
            ),
            "signatory_role_required": (
                lambda: statement_sign(actor=self.alice, name="Alice", role="", **sign),
                "signatory_role",
                "Enter the signatory's role",
            ),
            "statement_not_confirmed": (
                lambda: self.raise_problems(SIGNED | {"signed_at": None}),
                "signed_at",
                "Confirm the statement of truth",
            ),
            "stale_edit": (
                lambda: declaration_update_general(
                    actor=self.bob,
                    declaration=draft,
                    values={"continuous_training": True},
                    expected_lock_version=draft.lock_version - 1,
                ),
                "",
                MESSAGES["stale_edit"],
            ),
            "not_editable": (
                lambda: source_save(actor=self.alice, declaration=submitted, values=source),
                "",
                "This filing can no longer be changed: it has been submitted",
            ),
            "transition_not_allowed": (
                lambda: declaration_withdraw(actor=self.alice, declaration=draft, reason="Gone"),
                "",
                "This filing is draft, so it cannot be withdrawn now",
            ),
            "reason_required": (
                lambda: declaration_withdraw(actor=self.alice, declaration=accepted, reason=""),
                "reason",
                "Give a reason",
            ),
            "not_permitted": (
                lambda: source_save(actor=self.victor, declaration=draft, values=source),
                "",
                "You do not have permission to do this",
            ),
            "open_filing_exists": (
                lambda: declaration_start(actor=self.alice, model=draft.model, amend=False),
                "",
                "There is already a filing in progress: finish or discard it first",
            ),
            "nothing_to_amend": (
                lambda: declaration_start(actor=self.alice, model=fresh_model, amend=True),
                "",
                "There is no accepted version to amend yet",
            ),
            "not_discardable": (
                lambda: declaration_discard(actor=self.alice, declaration=returned),
                "",
                "A filing that has been submitted cannot be deleted",
            ),
        }

    def raise_problems(self, values):
        raise ProblemsError(validate_statement_of_truth(values))

    def test_each_code_is_met_alone_naming_its_field_with_its_message(self):
        for code, (call, field, message) in self.every_code_case().items():
            with self.subTest(code), self.assertRaises(ProblemsError) as raised:
                call()
            [problem] = raised.exception.problems
            self.assertEqual((problem.code, problem.field, problem.message), (code, field, message))

    def test_the_table_covers_every_code_in_messages(self):
        self.assertEqual(set(self.every_code_case()), set(MESSAGES))


class StatementOfTruthTests(SimpleTestCase):
    def test_a_signed_statement_has_no_problems(self):
        self.assertEqual(validate_statement_of_truth(SIGNED), [])

    def test_everything_missing_is_three_problems_in_order(self):
        problems = validate_statement_of_truth({"signatory_name": "  "})
        self.assertEqual(
            [(p.code, p.field) for p in problems],
            [
                ("signatory_name_required", "signatory_name"),
                ("signatory_role_required", "signatory_role"),
                ("statement_not_confirmed", "signed_at"),
            ],
        )


class ReaderTests(SimpleTestCase):
    def test_blank_means_nothing_was_given(self):
        for value, expected in (
            (None, True),
            ("", True),
            ("  \n", True),
            ([], True),
            ({}, True),
            ("x", False),
            (0, False),
            (False, False),
            ([0], False),
            (date(2024, 1, 1), False),
        ):
            with self.subTest(value=value):
                self.assertIs(blank(value), expected)

    def test_as_decimal_reads_finite_numbers_and_their_text(self):
        for value, expected in (
            (5, Decimal(5)),
            ("33.333", Decimal("33.333")),
            (" 7 ", Decimal(7)),
            (1.5, Decimal("1.5")),
            ("1e3", Decimal(1000)),
            ("", None),
            (None, None),
            (True, None),
            ("abc", None),
            ("NaN", None),
            ("Infinity", None),
            ([1], None),
        ):
            with self.subTest(value=value):
                self.assertEqual(as_decimal(value), expected)

    def test_as_date_reads_dates_and_iso_text(self):
        for value, expected in (
            (date(2024, 2, 29), date(2024, 2, 29)),
            ("2024-02-29", date(2024, 2, 29)),
            ("2023-02-29", None),
            ("29/02/2024", None),
            ("", None),
            (None, None),
            (20240229, None),
        ):
            with self.subTest(value=value):
                self.assertEqual(as_date(value), expected)
        moment = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
        self.assertEqual(as_date(moment), moment)
