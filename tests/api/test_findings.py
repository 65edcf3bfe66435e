"""The regulator's findings and messages in a filing's API representation.

A declaration or ownership statement read with a key carries `findings` (sent ones only, each with
a pointer into the filing as it is now) and `messages`; never an internal note, a finding not yet
sent, or the name of anyone at the regulator.
"""

from __future__ import annotations

import json

from registry.declarations import services
from registry.providers.services import link_remove, ownership_transition
from registry.review.models import Case
from registry.review.services import case_decide, finding_add, note_add
from tests.api.base import ApiTestCase
from tests.factories import AIModelFactory, complete_declaration, complete_ownership_statement

REASON = "Please answer the findings."
MESSAGE = "We will call you on Tuesday."
NOTE_SENTINEL = "SENTINEL-INTERNAL-NOTE-2d5c"
UNSENT_SENTINEL = "SENTINEL-UNSENT-FINDING-a7f0"


def send_back(case, filing, findings: dict[str, str]) -> Case:
    """Take the submitted filing into review, raise `findings`, write a message and an internal
    note, and request changes (olivia)."""
    review = Case.objects.get(filing_kind=filing.kind, filing_id=filing.pk)
    case_decide(actor=case.olivia, case=review, action="start_review")
    for field, message in findings.items():
        finding_add(actor=case.olivia, case=review, field=field, message=message)
    note_add(actor=case.olivia, case=review, kind="message", body=MESSAGE)
    note_add(actor=case.olivia, case=review, kind="note", body=NOTE_SENTINEL)
    case_decide(actor=case.olivia, case=review, action="request_changes", reason=REASON)
    return review


class DeclarationFindingsTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = complete_declaration(model=AIModelFactory(provider=cls.acme))
        services.declaration_submit(
            actor=cls.alice, declaration=cls.declaration, expected_lock_version=None
        )
        cls.sources = list(cls.declaration.sources.order_by("id"))
        cls.review = send_back(
            cls,
            cls.declaration,
            {
                "sources.1.licence": "The crawl cannot be CC0.",
                "tdm_opt_out_measures": "Say which opt-out protocols you honour.",
            },
        )
        cls.path = f"/api/v1/declarations/{cls.declaration.pk}/"

    def read(self, key: str = "acme") -> dict:
        response = self.call("GET", self.path, key=key)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json()

    def test_the_sent_findings_with_their_fields_and_pointers(self):
        findings = {f["field"]: f for f in self.read()["findings"]}
        licence = findings["sources.1.licence"]
        self.assertEqual(licence["pointer"], "/sources/1/licence")
        self.assertEqual(licence["row_id"], self.sources[1].pk)
        self.assertEqual(licence["message"], "The crawl cannot be CC0.")
        self.assertEqual(licence["submission"], 1)
        self.assertIs(licence["current"], True)
        self.assertEqual(licence["raised_by"], "regulator")
        self.assertIsNotNone(licence["sent_at"])
        self.assertEqual(findings["tdm_opt_out_measures"]["pointer"], "/tdm_opt_out_measures")
        self.assertIsNone(findings["tdm_opt_out_measures"]["row_id"])
        self.assertEqual(
            set(licence),
            {
                "id",
                "field",
                "pointer",
                "row_id",
                "message",
                "submission",
                "current",
                "raised_by",
                "raised_at",
                "sent_at",
                "status",
                "reply",
                "replied_at",
            },
        )

    def test_a_pointer_follows_its_row_and_is_null_once_the_row_is_removed(self):
        services.source_remove(actor=self.alice, source=self.sources[0])
        licence = next(f for f in self.read()["findings"] if f["field"] == "sources.1.licence")
        self.assertEqual(licence["pointer"], "/sources/0/licence")
        services.source_remove(actor=self.alice, source=self.sources[1])
        licence = next(f for f in self.read()["findings"] if f["field"] == "sources.1.licence")
        self.assertIsNone(licence["pointer"])

    def test_the_messages_from_the_regulator(self):
        messages = self.read()["messages"]
        self.assertEqual([(m["body"], m["author"]) for m in messages], [(MESSAGE, "regulator")])

    def test_never_an_internal_note_an_unsent_finding_or_a_regulators_name(self):
        services.declaration_submit(
            actor=self.alice, declaration=self.declaration, expected_lock_version=None
        )
        case_decide(actor=self.olivia, case=self.review, action="start_review")
        finding_add(
            actor=self.olivia, case=self.review, field="sources.0.name", message=UNSENT_SENTINEL
        )
        note_add(actor=self.olivia, case=self.review, kind="note", body=NOTE_SENTINEL + "-2")
        for key in ("acme", "acme-read"):
            with self.subTest(key=key):
                body = self.call("GET", self.path, key=key).content.decode()
                self.assertNotIn(NOTE_SENTINEL, body)
                self.assertNotIn(UNSENT_SENTINEL, body)
                self.assertNotIn("Olivia", body)
                self.assertNotIn("olivia@", body)
                # What was sent is there: the assertions above can fail.
                self.assertIn("The crawl cannot be CC0.", body)
                self.assertIn(MESSAGE, body)

    def test_after_resubmission_the_findings_are_no_longer_current(self):
        services.declaration_submit(
            actor=self.alice, declaration=self.declaration, expected_lock_version=None
        )
        findings = self.read()["findings"]
        self.assertEqual(len(findings), 2)
        self.assertEqual({f["current"] for f in findings}, {False})

    def test_newest_round_first(self):
        services.declaration_submit(
            actor=self.alice, declaration=self.declaration, expected_lock_version=None
        )
        send_back(self, self.declaration, {"illegal_content_measures": "Say more."})
        findings = self.read()["findings"]
        self.assertEqual([f["submission"] for f in findings], [2, 1, 1])
        self.assertEqual([f["current"] for f in findings], [True, False, False])

    def test_a_draft_never_submitted_has_none(self):
        draft = complete_declaration(model=AIModelFactory(provider=self.acme))
        body = self.call("GET", f"/api/v1/declarations/{draft.pk}/").json()
        self.assertEqual((body["findings"], body["messages"]), ([], []))

    def test_another_providers_key_finds_nothing(self):
        response = self.call("GET", self.path, key="beta")
        self.assertProblem(response, 404, "not_found")
        self.assertNotIn("The crawl cannot be CC0.", response.content.decode())


class OwnershipFindingsTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.statement = complete_ownership_statement(provider=cls.acme, links=2)
        ownership_transition(actor=cls.alice, statement=cls.statement, action="submit")
        cls.links = list(cls.statement.links.order_by("id"))
        send_back(
            cls,
            cls.statement,
            {"links.1.share_percent": "Companies House says 40%.", "links.0": "State-owned?"},
        )
        cls.path = f"/api/v1/ownership-statements/{cls.statement.pk}/"

    def test_the_sent_findings_and_messages(self):
        body = self.call("GET", self.path).json()
        findings = {f["field"]: f for f in body["findings"]}
        self.assertEqual(findings["links.1.share_percent"]["pointer"], "/links/1/share_percent")
        self.assertEqual(findings["links.1.share_percent"]["row_id"], self.links[1].pk)
        self.assertEqual(findings["links.0"]["pointer"], "/links/0")
        self.assertEqual([m["body"] for m in body["messages"]], [MESSAGE])
        text = json.dumps(body)
        self.assertNotIn(NOTE_SENTINEL, text)
        self.assertNotIn("Olivia", text)

    def test_a_removed_links_finding_points_nowhere(self):
        link_remove(actor=self.alice, link=self.links[0])
        findings = {f["field"]: f for f in self.call("GET", self.path).json()["findings"]}
        self.assertIsNone(findings["links.0"]["pointer"])
        self.assertEqual(findings["links.1.share_percent"]["pointer"], "/links/0/share_percent")

    def test_another_providers_key_finds_nothing(self):
        self.assertProblem(self.call("GET", self.path, key="beta"), 404, "not_found")
