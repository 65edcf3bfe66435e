"""Every form of a label carries the proofs of its leaves: its JSON (the version's and the
model's), the public API's, its page, and the PDF's attached record. The proofs are read against
the latest checkpoint in a fixed number of queries, however many sources the label has.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from provenance_client.label import verify_label
from provenance_client.proof import parse_proof
from provenance_client.record import declaration_record, record_sha256

from registry.filings.states import Status
from registry.providers.models import OwnershipStatement
from registry.transparency import keys, services
from registry.transparency.models import LogEntry
from registry.transparency.selectors import latest_checkpoint
from tests.base import PersonaTestCase
from tests.labels import accepted_ownership, published_model, visitor_stamps_expire
from tests.labels.test_exports import IN_MEMORY
from tests.labels.test_selectors import US_FUND


def verified(label: dict[str, Any]) -> list[str]:
    """The failed checks of a label (none for a genuine one)."""
    result = verify_label(label, log=keys.log_verifier(), witnesses=keys.witnesses())
    return [f"{step.what}: {step.detail}" for step in result.steps if not step.ok]


@override_settings(STORAGES=IN_MEMORY)
class LabelProofTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        accepted_ownership(cls, links=[US_FUND])
        cls.declaration = published_model(cls, name="Atlas")
        services.log_publish()
        cls.number = cls.declaration.model.registration_number
        cls.entry = LogEntry.objects.get(filing_kind="declaration", filing_id=cls.declaration.pk)
        statement = OwnershipStatement.objects.get(provider=cls.acme, status=Status.ACCEPTED)
        cls.ownership_entry = LogEntry.objects.get(filing_kind="ownership", filing_id=statement.pk)

    def get_json(self, url: str) -> dict[str, Any]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_every_json_form_of_the_label_carries_proofs_that_verify(self):
        for url in (
            reverse("labels:model-version-json", args=[self.number, 1]),
            reverse("labels:model-json", args=[self.number]),
            f"/api/v1/public/models/{self.number}/",
            f"/api/v1/public/models/{self.number}/versions/1/",
        ):
            with self.subTest(url):
                label = self.get_json(url)
                self.assertEqual(verified(label), [])
                transparency = label["transparency"]
                self.assertEqual(transparency["log"], settings.TRANSPARENCY_LOG_ORIGIN)
                self.assertEqual(transparency["declaration"]["leaf_index"], self.entry.index)
                self.assertEqual(
                    transparency["ownership"]["leaf_index"], self.ownership_entry.index
                )
                self.assertEqual(
                    transparency["verify_url"],
                    f"{settings.SITE_URL}/verify/?number={self.number}&version=1",
                )

    def test_a_proof_carries_the_leaf_and_the_latest_checkpoint(self):
        label = self.get_json(reverse("labels:model-version-json", args=[self.number, 1]))
        proof = parse_proof(label["transparency"]["declaration"]["proof"])
        self.assertEqual(proof.index, self.entry.index)
        self.assertEqual(proof.extra, bytes(self.entry.data))
        self.assertEqual(proof.checkpoint, latest_checkpoint().note)
        leaf = json.loads(proof.extra)
        self.assertEqual(leaf["label_sha256"], record_sha256(declaration_record(label)))
        self.assertEqual(leaf["snapshot_sha256"], label["snapshot_sha256"])

    def test_the_proofs_are_not_part_of_the_record_they_prove(self):
        label = self.get_json(reverse("labels:model-version-json", args=[self.number, 1]))
        without = {key: value for key, value in label.items() if key != "transparency"}
        self.assertEqual(
            record_sha256(declaration_record(label)), record_sha256(declaration_record(without))
        )

    def test_the_proofs_follow_the_log_as_it_grows(self):
        url = reverse("labels:model-version-json", args=[self.number, 1])
        before = parse_proof(self.get_json(url)["transparency"]["declaration"]["proof"])
        published_model(self, name="Borealis")
        services.log_publish()
        after = parse_proof(self.get_json(url)["transparency"]["declaration"]["proof"])
        self.assertEqual(after.index, before.index)
        self.assertNotEqual(after.checkpoint, before.checkpoint)
        self.assertEqual(verified(self.get_json(url)), [])

    def test_the_label_page_shows_its_leaf_and_links_to_verify(self):
        for persona in ("anonymous", "alice", "charlie", "olivia"):
            with self.subTest(persona=persona):
                self.client.logout()
                if persona != "anonymous":
                    self.sign_in(getattr(self, persona))
                response = self.client.get(reverse("labels:model-version", args=[self.number, 1]))
                self.assertContains(response, f"Logged as leaf <strong>{self.entry.index}</strong>")
                self.assertContains(
                    response,
                    f'href="{settings.SITE_URL}/verify/?number={self.number}&amp;version=1"',
                )

    def test_a_new_ownership_statement_is_the_one_labels_prove(self):
        second = accepted_ownership(self, links=[US_FUND | {"share_percent": 30}])
        url = reverse("labels:model-version-json", args=[self.number, 1])
        services.log_publish()
        label = self.get_json(url)
        entry = LogEntry.objects.get(filing_kind="ownership", filing_id=second.pk)
        self.assertEqual(label["transparency"]["ownership"]["leaf_index"], entry.index)
        self.assertEqual(verified(label), [])

    def test_with_no_ownership_statement_in_force_the_label_proves_its_declaration(self):
        OwnershipStatement.objects.filter(provider=self.acme).update(status=Status.WITHDRAWN)
        label = self.get_json(reverse("labels:model-version-json", args=[self.number, 1]))
        self.assertIsNone(label["transparency"]["ownership"])
        self.assertEqual(verified(label), [])

    def test_the_label_changes_its_validators_once_its_leaf_is_logged(self):
        second = published_model(self, name="Borealis")
        url = reverse("labels:model-version-json", args=[second.model.registration_number, 1])
        first = Client().get(url)
        self.assertIsNone(first.json()["transparency"]["declaration"]["leaf_index"])
        services.log_publish()
        visitor_stamps_expire()
        again = Client().get(url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(again.status_code, 200)
        self.assertIsNotNone(again.json()["transparency"]["declaration"]["leaf_index"])


@override_settings(STORAGES=IN_MEMORY)
class LabelProofQueryTests(PersonaTestCase):
    # The label's JSON, whatever the number of sources, once its leaves are integrated
    # (anonymous, so no session):
    #  1. the caching validators (label_stamp)
    #  2. the declaration with its model, provider and PDF (label_declaration)
    #  3-4. the sources that are not confidential, and the confidential ones (counted only)
    #  5-6. the accepted ownership statement and its investors
    #  7-8. the supply chain and the red-team attestations
    #  9. the published versions
    #  10. the model's lineage, both ways
    #  11. the hash of the accepted snapshot
    #  12. the latest checkpoint whose tiles are written
    #  13. its cosignatures
    #  14-15. the declaration's latest leaf, and the accepted ownership statement's
    #  16-17. the tree nodes of each leaf's inclusion proof, one read each
    LABEL_JSON_QUERIES = 17

    def test_the_label_json_runs_the_same_queries_for_10_and_1000_sources(self):
        accepted_ownership(self, links=[US_FUND])
        small = published_model(self, name="Small", sources=10)
        large = published_model(self, name="Large", sources=1000)
        services.log_publish()
        for declaration in (small, large):
            number = declaration.model.registration_number
            url = reverse("labels:model-version-json", args=[number, 1])
            with self.subTest(sources=declaration.sources.count()):
                with self.assertNumQueries(self.LABEL_JSON_QUERIES):
                    response = Client().get(url)
                label = response.json()
                self.assertEqual(len(label["sources"]), declaration.sources.count())
                self.assertIsNotNone(label["transparency"]["declaration"]["proof"])
                self.assertEqual(verified(label), [])
