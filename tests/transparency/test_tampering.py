"""Changing a published record behind the register's back is caught, and the check says where.

Each test changes one thing in the database the way someone with access to it might (on
PostgreSQL the log's append-only triggers are switched off for the change, inside the test's
transaction), then checks the label the register now serves with the installable client and on
/verify. Changes made through the register's own services are logged, and still verify.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import override_settings
from django.urls import reverse
from provenance_client.errors import ProofError
from provenance_client.label import verify_label
from provenance_client.merkle import append_leaves, leaf_hash
from provenance_client.record import (
    declaration_record,
    open_commitment,
    record_sha256,
    sha256_hex,
    verify_opening,
)

from registry.declarations.models import DataSource
from registry.declarations.services import model_update
from registry.filings.models import FilingSnapshot
from registry.providers.services import provider_details, provider_update
from registry.transparency import keys, records, services
from registry.transparency.models import LeafSecret, LogEntry, TreeNode
from registry.transparency.selectors import DatabaseHashes, latest_checkpoint
from tests.base import PersonaTestCase
from tests.labels import published_model
from tests.labels.test_exports import IN_MEMORY
from tests.transparency.test_witness_command import triggers_disabled

RECORD = "The label's declaration record is the one the log recorded"
SNAPSHOT = "The label's snapshot hash is the one the log recorded"
OWNERSHIP_RECORD = "The label's ownership statement record is the one the log recorded"
IN_TREE = "The declaration's leaf is in the tree the checkpoint signs"
OWNERSHIP_IN_TREE = "The ownership statement's leaf is in the tree the checkpoint signs"
CHANGED = "the label was changed after it was logged"


@override_settings(STORAGES=IN_MEMORY)
class TamperingTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = published_model(cls, name="Atlas", sources=3)
        services.log_publish()
        cls.number = cls.declaration.model.registration_number
        cls.entry = LogEntry.objects.get(filing_kind="declaration", filing_id=cls.declaration.pk)

    def label(self) -> dict[str, Any]:
        url = reverse("labels:model-version-json", args=[self.number, 1])
        return self.client.get(url).json()

    def failures(self, label: dict[str, Any] | None = None) -> dict[str, str]:
        """What the client finds wrong with the label the register serves: check → detail."""
        result = verify_label(label or self.label(), log=keys.log_verifier())
        return {step.what: step.detail for step in result.steps if not step.ok}

    def page_failures(self) -> dict[str, str]:
        """The same, as /verify tells it for the model's number."""
        response = self.client.get(reverse("transparency:verify"), {"number": self.number})
        self.assertEqual(response.status_code, 200)
        result = response.context["result"]
        failed = {step.what: step.detail for step in result.steps if not step.ok}
        if failed:
            self.assertContains(response, "The label did not pass every check")
            self.assertNotContains(response, "The label is genuine")
        return failed

    def test_an_untouched_label_passes(self):
        self.assertEqual(self.failures(), {})
        self.assertEqual(self.page_failures(), {})

    def test_a_changed_snapshot_hash_fails_the_snapshot_and_record_checks(self):
        recorded = json.loads(bytes(self.entry.data))["snapshot_sha256"]
        FilingSnapshot.objects.filter(
            filing_kind="declaration", filing_id=self.declaration.pk
        ).update(sha256="0" * 64)
        for failures in (self.failures(), self.page_failures()):
            self.assertEqual(set(failures), {RECORD, SNAPSHOT})
            self.assertEqual(
                failures[SNAPSHOT],
                f"the label gives the snapshot hash '{'0' * 64}', but leaf {self.entry.index} "
                f"recorded {recorded}",
            )

    def test_a_changed_snapshot_content_no_longer_matches_the_leaf_or_its_commitments(self):
        snapshot = records.accepted_snapshot("declaration", self.declaration.pk)
        content = json.loads(snapshot.content)
        content["total_tokens"] = 1
        FilingSnapshot.objects.filter(pk=snapshot.pk).update(content=json.dumps(content))
        leaf = json.loads(bytes(self.entry.data))
        # The label shows neither, so it still verifies; the regulator's own checks catch it.
        tampered = records.accepted_snapshot("declaration", self.declaration.pk)
        self.assertNotEqual(sha256_hex(tampered.content.encode()), leaf["snapshot_sha256"])
        values = records.regulator_only_values("declaration", json.loads(tampered.content))
        secret = bytes(LeafSecret.objects.get(entry=self.entry).secret)
        opening = open_commitment(secret, values, "/total_tokens")
        with self.assertRaisesMessage(ProofError, "does not match the commitment"):
            verify_opening(opening, leaf["commitments"])
        # While the value the declaration held opens.
        opening["value"] = self.declaration.total_tokens
        verify_opening(opening, leaf["commitments"])

    def test_a_changed_public_column_of_a_source_fails_the_record_check(self):
        DataSource.objects.filter(declaration=self.declaration, name="Source 1").update(
            licence="LicenseRef-something-else"
        )
        label = self.label()
        self.assertIn("LicenseRef-something-else", json.dumps(label))
        for failures in (self.failures(label), self.page_failures()):
            self.assertEqual(list(failures), [RECORD])
            self.assertIn(CHANGED, failures[RECORD])
            self.assertIn(f"leaf {self.entry.index} recorded", failures[RECORD])

    def test_a_model_changed_in_the_database_fails_but_through_its_service_is_logged(self):
        model = self.declaration.model
        type(model).objects.filter(pk=model.pk).update(intended_uses="Anything at all.")
        self.assertEqual(list(self.failures()), [RECORD])
        model.refresh_from_db()
        model_update(
            actor=self.alice,
            model=model,
            values={"intended_uses": "Drafting and summarising text, nothing else."},
            expected_lock_version=None,
        )
        services.log_publish()
        self.assertEqual(self.failures(), {})
        latest = LogEntry.objects.filter(filing_kind="declaration").order_by("-index").first()
        self.assertEqual(latest.act, "corrected")

    def test_a_provider_changed_in_the_database_fails_but_through_its_service_is_logged(self):
        type(self.acme).objects.filter(pk=self.acme.pk).update(trading_name="Acme Labs")
        self.assertEqual(list(self.failures()), [OWNERSHIP_RECORD])
        self.assertIn(CHANGED, self.failures()[OWNERSHIP_RECORD])
        provider_update(
            actor=self.alice,
            provider=self.acme,
            details=provider_details(self.acme) | {"trading_name": "Acme Models"},
        )
        services.log_publish()
        label = self.label()
        self.assertEqual(label["provider"]["name"], "Acme Models")
        self.assertEqual(self.failures(label), {})
        latest = LogEntry.objects.order_by("-index").first()
        self.assertEqual((latest.filing_kind, latest.act), ("ownership", "corrected"))

    def test_a_changed_log_entry_is_not_in_the_signed_tree(self):
        # The forger makes the leaf record the changed label, so that its record check passes.
        DataSource.objects.filter(declaration=self.declaration, name="Source 1").update(
            licence="LicenseRef-something-else"
        )
        leaf = json.loads(bytes(self.entry.data))
        leaf["label_sha256"] = record_sha256(declaration_record(self.label()))
        forged = records.canonical(leaf)
        with triggers_disabled("transparency_logentry"):
            LogEntry.objects.filter(index=self.entry.index).update(
                data=forged, leaf_hash=leaf_hash(forged)
            )
        for failures in (self.failures(), self.page_failures()):
            self.assertEqual(list(failures), [IN_TREE])
            self.assertIn(
                f"leaf {self.entry.index} is not in the signed tree of "
                f"{latest_checkpoint().size} leaves",
                failures[IN_TREE],
            )

    def test_a_log_entry_that_is_not_a_leaf_fails_its_form_check(self):
        with triggers_disabled("transparency_logentry"):
            LogEntry.objects.filter(index=self.entry.index).update(data=b'{"act": "accepted"}')
        failures = self.failures()
        self.assertIn("The declaration's leaf is canonical JSON of the leaf's form", failures)
        self.assertIn(IN_TREE, failures)

    def test_a_changed_tree_node_fails_the_inclusion_of_the_leaves_it_proves(self):
        # The log holds the ownership statement's leaf (0) and the declaration's (1): each
        # proves the other's inclusion with the other's leaf hash.
        self.assertEqual(self.entry.index, 1)
        with triggers_disabled("transparency_treenode"):
            TreeNode.objects.filter(level=0, index=0).update(hash=b"\x00" * 32)
        for failures in (self.failures(), self.page_failures()):
            self.assertEqual(list(failures), [IN_TREE])
            self.assertIn("leaf 1 is not in the signed tree of 2 leaves", failures[IN_TREE])
        with triggers_disabled("transparency_treenode"):
            TreeNode.objects.filter(level=0, index=1).update(hash=b"\x00" * 32)
        self.assertEqual(set(self.failures()), {IN_TREE, OWNERSHIP_IN_TREE})

    def test_a_history_resigned_with_the_key_is_caught_against_a_checkpoint_one_trusts(self):
        trusted = latest_checkpoint().note
        DataSource.objects.filter(declaration=self.declaration, name="Source 1").update(
            licence="LicenseRef-something-else"
        )
        leaf = json.loads(bytes(self.entry.data))
        leaf["label_sha256"] = record_sha256(declaration_record(self.label()))
        forged = records.canonical(leaf)
        with triggers_disabled("transparency_logentry", "transparency_treenode"):
            LogEntry.objects.filter(index=self.entry.index).update(
                data=forged, leaf_hash=leaf_hash(forged)
            )
            TreeNode.objects.all().delete()
            hashes = [bytes(h) for h in LogEntry.objects.values_list("leaf_hash", flat=True)]
            TreeNode.objects.bulk_create(
                [
                    TreeNode(level=level, index=index, hash=value)
                    for (level, index), value in append_leaves(DatabaseHashes(), 0, hashes)
                ]
            )
        services.checkpoint_sign(2)
        # Whoever holds the key can sign any history, and a label alone can't tell...
        self.assertEqual(self.failures(), {})
        # ...but against a checkpoint of the same size one already trusts, it is a split view.
        result = verify_label(self.label(), log=keys.log_verifier(), checkpoint=trusted)
        failed = [step for step in result.steps if not step.ok]
        self.assertEqual(len(failed), 1)
        self.assertIn(
            "split view: the log signed two different trees of 2 leaves", failed[0].detail
        )
