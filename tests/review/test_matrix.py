"""Every console page and action for every persona: regulator staff only, everyone else kept out."""

from __future__ import annotations

from django.urls import reverse

from registry.declarations.services import declaration_submit
from registry.review.models import Case, CaseNote, ConfidentialityRuling, Finding, SavedFilter
from registry.review.services import case_decide, finding_add
from tests.factories import AIModelFactory, complete_declaration
from tests.matrix import PERSONAS, Matrix, MatrixTestCase, expect

# Console pages: regulator staff who passed two-factor; anyone else signed in sees a 404 (the
# administrator too, who is not regulator staff); nobody signed in is asked to sign in.
REGULATORS = expect("sign-in", 404, 404, 404, 404, 404, 200, 200, 404)
# Actions take a POST only: regulators who GET one are told so.
REGULATOR_ACTIONS = expect("sign-in", 404, 404, 404, 404, 404, 405, 405, 404)


def case(test) -> int:
    return test.case.pk


def finding(test) -> int:
    return test.finding.pk


def source(test) -> int:
    return test.source.pk


def provider(test) -> int:
    return test.acme.pk


def model(test) -> int:
    return test.declaration.model_id


def saved_filter(test) -> int:
    owner = test.olivia
    return SavedFilter.objects.get_or_create(owner=owner, view="console", name="Mine")[0].pk


CASE = {"case_id": case}

MATRIX: Matrix = {
    "review:console": ({}, REGULATORS),
    "review:my-cases": ({}, REGULATORS),
    "review:overview": ({}, REGULATORS),
    "review:case": (CASE, REGULATORS),
    "review:case-filing": (CASE, REGULATORS),
    "review:case-changes": (CASE, REGULATORS),
    "review:case-findings": (CASE, REGULATORS),
    "review:case-timeline": (CASE, REGULATORS),
    "review:case-accept": (CASE, REGULATORS),
    "review:case-reject": (CASE, REGULATORS),
    "review:case-request-changes": (CASE, REGULATORS),
    "review:case-assign": (CASE, REGULATOR_ACTIONS),
    "review:case-decide": (CASE, REGULATOR_ACTIONS),
    # A question page (GET) that posts to itself.
    "review:finding-add": (CASE, REGULATORS),
    "review:finding-remove": (CASE | {"finding_id": finding}, REGULATOR_ACTIONS),
    "review:finding-conclude": (CASE | {"finding_id": finding}, REGULATOR_ACTIONS),
    "review:note-add": (CASE, REGULATOR_ACTIONS),
    "review:confidentiality-rule": (CASE | {"source_id": source}, REGULATOR_ACTIONS),
    "review:redeclaration": ({}, REGULATORS),
    "review:providers": ({}, REGULATORS),
    "review:provider": ({"provider_id": provider}, REGULATORS),
    "review:models": ({}, REGULATORS),
    "review:model": ({"model_id": model}, REGULATORS),
    "review:search": ({}, REGULATORS),
    "review:named-model": ({"name": "acme-atlas-2.0"}, REGULATORS),
    # The caseload (issue 14 part 6); its posts' refusals are tested in test_caseload.py.
    "review:decided": ({}, REGULATORS),
    "review:decided-export": ({}, REGULATORS),
    "review:queue-export": ({}, REGULATORS),
    "review:providers-export": ({}, REGULATORS),
    "review:models-export": ({}, REGULATORS),
    "review:search-export": ({}, REGULATORS),
    "review:bulk-assign": ({}, REGULATOR_ACTIONS),
    "review:saved-filter-add": ({}, REGULATOR_ACTIONS),
    "review:saved-filter-delete": ({"saved_filter_id": saved_filter}, REGULATOR_ACTIONS),
}

# What each persona gets when they POST an action: only regulators act.
POSTED = expect("sign-in", 404, 404, 404, 404, 404, 302, 302, 404)


class ConsoleMatrixTests(MatrixTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = complete_declaration(
            model=AIModelFactory(provider=cls.acme), created_by=cls.alice
        )
        cls.source = cls.declaration.sources.get(name="Source 1")
        type(cls.source).objects.filter(pk=cls.source.pk).update(
            confidential=True, confidentiality_reason="Supplier contract"
        )
        declaration_submit(actor=cls.alice, declaration=cls.declaration, expected_lock_version=None)
        cls.case = Case.objects.get(filing_kind="declaration", filing_id=cls.declaration.pk)
        case_decide(actor=cls.olivia, case=cls.case, action="start_review")
        cls.finding = finding_add(
            actor=cls.olivia, case=cls.case, field="signatory_role", message="Check the role"
        )

    def test_every_console_page_for_every_persona(self):
        self.check_matrix(MATRIX)

    def state(self) -> tuple:
        """Everything an action could change, to check that a refused one changed nothing."""
        self.case.refresh_from_db()
        return (
            self.case.status,
            self.case.assignee_id,
            list(Finding.objects.values_list("pk", "field")),
            CaseNote.objects.count(),
            ConfidentialityRuling.objects.count(),
        )

    def actions(self) -> list[tuple[str, dict, str]]:
        """Each action with data that would work, were the person allowed to act, and the tab
        it comes back to."""
        return [
            (
                "review:case-assign",
                self.url("review:case-assign", CASE),
                {"assignee": ""},
                "review:case",
            ),
            (
                "review:note-add",
                self.url("review:note-add", CASE),
                {"kind": "note", "body": "Hi"},
                "review:case-timeline",
            ),
            (
                "review:finding-add",
                self.url("review:finding-add", CASE),
                {"field": "signatory_name", "message": "Check"},
                "review:case-filing",
            ),
            (
                "review:confidentiality-rule",
                self.url("review:confidentiality-rule", CASE | {"source_id": source}),
                {"accepted": "yes", "reason": "Fine"},
                "review:case-filing",
            ),
            (
                "review:finding-remove",
                self.url("review:finding-remove", CASE | {"finding_id": finding}),
                {},
                "review:case-findings",
            ),
            (
                "review:case-decide",
                self.url("review:case-decide", CASE),
                {"action": "request_changes", "reason": "See the finding"},
                "review:case",
            ),
        ]

    def test_nobody_but_regulators_can_act_and_a_refusal_changes_nothing(self):
        before = self.state()
        for persona in PERSONAS:
            if persona in ("olivia", "diana"):
                continue
            for name, url, data, _ in self.actions():
                with self.subTest(action=name, persona=persona):
                    self.client.logout()
                    if persona != "anonymous":
                        self.sign_in(getattr(self, persona))
                    response = self.client.post(url, data)
                    self.assert_outcome(response, POSTED[persona])
                    self.assertEqual(self.state(), before)

    def test_regulators_act(self):
        self.sign_in(self.olivia)
        before = self.state()
        for name, url, data, tab in self.actions():
            with self.subTest(action=name):
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], reverse(tab, args=[self.case.pk]))
        self.assertNotEqual(self.state(), before)
        self.assertEqual(self.case.status, "changes_requested")

    def test_regulators_who_have_not_passed_two_factor_are_sent_to_it(self):
        for persona in ("olivia", "diana"):
            for name, (kwargs, _) in MATRIX.items():
                with self.subTest(page=name, persona=persona):
                    self.client.logout()
                    self.sign_in(getattr(self, persona), verified=False)
                    response = self.client.get(self.url(name, kwargs))
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(reverse("accounts:two-factor")))
