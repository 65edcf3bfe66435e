"""The ownership statement pages for every persona; the organisation pages are in the main table."""

from __future__ import annotations

from tests.matrix import ACME_EDITORS, ACME_MEMBERS, Matrix, MatrixTestCase, expect
from tests.providers.test_ownership_views import (
    accepted_statement,
    draft_statement,
    withdrawn_statement,
)

# The organisation's own ownership pages: any member; regulators 404; others to their home.
OWN_MEMBERS = expect("sign-in", "home", 200, 200, 200, 200, 404, 404, 403)
# Starting a statement: owners and submitters of any provider; viewers are told they can't.
OWN_EDITORS = expect("sign-in", "home", 200, 200, 403, 200, 404, 404, 403)


def draft(case) -> int:
    return case.draft.pk


def accepted(case) -> int:
    return case.accepted.pk


def withdrawn(case) -> int:
    return case.withdrawn.pk


def draft_link(case) -> int:
    return case.draft.links.get().pk


MATRIX: Matrix = {
    "providers:ownership": ({}, OWN_MEMBERS),
    # Acme has a draft in progress, so Acme's editors are shown it; Beta's owner gets the question.
    "providers:ownership-start": ({}, OWN_EDITORS),
    "providers:ownership-statement": ({"statement_id": draft}, ACME_MEMBERS),
    "providers:ownership-links": ({"statement_id": draft}, ACME_MEMBERS),
    "providers:ownership-link-add": ({"statement_id": draft}, ACME_EDITORS),
    "providers:ownership-link-edit": ({"link_id": draft_link}, ACME_EDITORS),
    "providers:ownership-link-remove": ({"link_id": draft_link}, ACME_EDITORS),
    # Signed on check your answers now: the old page sends editors there.
    "providers:ownership-sign": (
        {"statement_id": draft},
        ACME_EDITORS | {"alice": 302, "bob": 302},
    ),
    "providers:ownership-check": ({"statement_id": draft}, ACME_EDITORS),
    "providers:ownership-discard": ({"statement_id": draft}, ACME_EDITORS),
    "providers:ownership-submitted": ({"statement_id": accepted}, ACME_MEMBERS),
    "providers:ownership-withdraw": ({"statement_id": accepted}, ACME_EDITORS),
    "providers:ownership-withdrawn": ({"statement_id": withdrawn}, ACME_MEMBERS),
}


class OwnershipMatrixTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.withdrawn = withdrawn_statement(cls)
        cls.accepted = accepted_statement(cls)
        cls.draft = draft_statement(cls.acme, cls.alice)

    def test_every_ownership_page_for_every_persona(self):
        self.check_matrix(MATRIX)

    def test_the_statements_are_in_the_states_the_table_assumes(self):
        self.assertEqual(
            [self.withdrawn.status, self.accepted.status, self.draft.status],
            ["withdrawn", "accepted", "draft"],
        )
