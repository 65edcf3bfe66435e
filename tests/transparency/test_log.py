"""The log's leaves and its sequencer.

Every publishing act (a declaration or ownership statement accepted, superseded or withdrawn, a
label PDF issued) writes one leaf in its own transaction; after the commit the sequencer gives
the leaves their places in order and signs a checkpoint; each label then carries a proof that the
installable client accepts with the log's published key. A leaf holds hashes and salted
commitments only: nothing personal and nothing only the regulator may see, though the regulator
can later open any commitment.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import secrets
import tempfile
import unittest
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from provenance_client.cli import main as client_main
from provenance_client.errors import ProofError
from provenance_client.label import verify_label
from provenance_client.merkle import MerkleTree, leaf_hash, root_hash
from provenance_client.note import Signer, open_checkpoint
from provenance_client.pdf import extract_label
from provenance_client.record import (
    canonical,
    commit,
    open_commitment,
    parse_leaf,
    sha256_hex,
    verify_opening,
)

from registry.declarations.models import ProvenanceDeclaration
from registry.filings.models import FilingSnapshot
from registry.labels.services import label_render_pdf
from registry.providers.models import OwnershipStatement
from registry.transparency import keys, records, services
from registry.transparency.models import (
    Checkpoint,
    Cosignature,
    LeafSecret,
    LogEntry,
    LogHead,
    PendingLeaf,
    TreeNode,
)
from registry.transparency.selectors import latest_checkpoint
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, complete_declaration
from tests.labels import accepted_ownership, publish, published_model, withdraw
from tests.labels.test_exports import IN_MEMORY
from tests.labels.test_selectors import (
    SENTINEL_NUMBERS,
    SENTINEL_TEXT,
    US_FUND,
    amend,
    sentinel_filing,
)

# The filing id of the made-up leaves below: no filing has it, so no label reads them.
NO_FILING = 0


# --- Helpers the other tests of the log share


def made_up_leaf(number: int) -> bytes:
    """A well-formed leaf of a PDF issued for a filing that doesn't exist, different for each
    `number`: for tests of the tree, which doesn't care what a leaf says."""
    return canonical(
        {
            "act": "pdf_issued",
            "filing": {
                "kind": "declaration",
                "number": "MOD-999999",
                "provider": "PRV-999999",
                "version": 1,
            },
            "time": "2026-12-08T02:40:00Z",
            "snapshot_sha256": "5a" * 32,
            "label_sha256": "1b" * 32,
            "pdf_sha256": sha256_hex(f"PDF {number}".encode()),
            "commitments": commit(b"s" * 32, {}),
        }
    )


def leaves_pending(count: int) -> list[bytes]:
    """Put `count` made-up leaves in the outbox, as as many publishing acts would; return them."""
    first = PendingLeaf.objects.count() + LogEntry.objects.count()
    leaves = [made_up_leaf(first + offset) for offset in range(count)]
    PendingLeaf.objects.bulk_create(
        [
            PendingLeaf(
                act="pdf_issued",
                filing_kind="declaration",
                filing_id=NO_FILING,
                data=leaf,
                secret=secrets.token_bytes(32),
            )
            for leaf in leaves
        ]
    )
    return leaves


def leaf_hashes() -> list[bytes]:
    return [bytes(value) for value in LogEntry.objects.values_list("leaf_hash", flat=True)]


def label_json(case: TestCase, declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """The version's label as /register/models/MOD-…/v/N.json serves it."""
    number = declaration.model.registration_number
    response = case.client.get(
        reverse("labels:model-version-json", args=[number, declaration.version])
    )
    case.assertEqual(response.status_code, 200)
    return response.json()


def failed_steps(label: dict[str, Any]) -> list[str]:
    """What the client finds wrong with a label, step by step; empty for a genuine label."""
    result = verify_label(label, log=keys.log_verifier(), witnesses=keys.witnesses())
    return [f"{step.what}: {step.detail}" for step in result.steps if not step.ok]


def entries_of(filing: ProvenanceDeclaration | OwnershipStatement) -> list[tuple[int, str]]:
    """(index, act) of each integrated leaf of the filing, in log order."""
    entries = LogEntry.objects.filter(filing_kind=filing.kind, filing_id=filing.pk)
    return list(entries.order_by("index").values_list("index", "act"))


def leaf_of_entry(entry: LogEntry) -> dict[str, Any]:
    return json.loads(bytes(entry.data))


def log_key() -> str:
    return keys.log_verifier().to_verifier_key()


def run_client(*argv: str) -> tuple[int, str]:
    """Run `provenance-register` as a user would; return its exit status and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = client_main(list(argv))
    return status, out.getvalue()


# --- Publishing acts write leaves


@override_settings(STORAGES=IN_MEMORY)
class PublishingActLeafTests(PersonaTestCase):
    def test_accepting_a_declaration_writes_its_leaf_in_the_same_transaction(self):
        accepted_ownership(self, links=[{}])
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme, name="Atlas"))
        with self.captureOnCommitCallbacks() as callbacks:
            declaration = publish(self, declaration)
        pending = PendingLeaf.objects.filter(filing_kind="declaration", filing_id=declaration.pk)
        self.assertEqual(list(pending.values_list("act", flat=True)), ["accepted"])
        # Written, but not integrated: the sequencer runs once the act has committed.
        self.assertIs(
            LogEntry.objects.filter(filing_kind="declaration", filing_id=declaration.pk).exists(),
            False,
        )
        self.assertGreater(len(callbacks), 0)

    def test_a_rolled_back_acceptance_leaves_no_leaf_and_schedules_nothing(self):
        accepted_ownership(self, links=[{}])
        services.log_publish()
        declaration = complete_declaration(model=AIModelFactory(provider=self.acme, name="Atlas"))
        with (
            self.captureOnCommitCallbacks() as callbacks,
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            publish(self, declaration)
            self.assertEqual(PendingLeaf.objects.count(), 1)
            raise RuntimeError("the publishing transaction fails after the leaf was written")
        self.assertEqual(PendingLeaf.objects.count(), 0)
        self.assertEqual(callbacks, [])
        self.assertEqual(ProvenanceDeclaration.objects.get(pk=declaration.pk).status, "draft")
        self.assertEqual(services.log_integrate(), 0)
        self.assertIs(LogEntry.objects.filter(filing_kind="declaration").exists(), False)

    def test_after_the_commit_the_leaf_is_integrated_and_the_label_proves_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            declaration = published_model(self, name="Atlas")
        self.assertEqual(PendingLeaf.objects.count(), 0)
        entry = LogEntry.objects.get(
            filing_kind="declaration", filing_id=declaration.pk, act="accepted"
        )
        checkpoint = latest_checkpoint()
        self.assertIsNotNone(checkpoint)
        self.assertGreater(checkpoint.size, entry.index)
        self.assertEqual(checkpoint.size, LogHead.objects.get().size)
        label = label_json(self, declaration)
        self.assertEqual(failed_steps(label), [])
        self.assertIs(verify_label(label, log=keys.log_verifier()).ok, True)
        # The label's proof is of the declaration's latest leaf: here its PDF's issue, which the
        # acceptance rendered after the commit.
        latest = LogEntry.objects.filter(filing_kind="declaration", filing_id=declaration.pk)
        self.assertEqual(
            label["transparency"]["declaration"]["leaf_index"],
            latest.order_by("-index").first().index,
        )

    def test_a_label_whose_leaf_is_pending_says_so_and_does_not_verify(self):
        declaration = published_model(self, name="Atlas")
        label = label_json(self, declaration)
        waiting = {"leaf_index": None, "proof": None}
        # Both its leaves wait: the declaration's, and the ownership statement's it names.
        self.assertEqual(label["transparency"]["declaration"], waiting)
        self.assertEqual(label["transparency"]["ownership"], waiting)
        self.assertEqual(len(failed_steps(label)), 2)
        for failed in failed_steps(label):
            self.assertIn("still waiting for its leaf", failed)
        services.log_publish()
        self.assertEqual(failed_steps(label_json(self, declaration)), [])

    def test_superseding_logs_the_old_version_superseded_then_the_new_accepted(self):
        first = published_model(self, name="Atlas")
        services.log_publish()
        second = amend(self, first)
        services.log_publish()
        first_entries, second_entries = entries_of(first), entries_of(second)
        self.assertEqual([act for _, act in first_entries], ["accepted", "superseded"])
        self.assertEqual([act for _, act in second_entries], ["accepted"])
        # The old version is superseded in the acceptance of the new, before it.
        self.assertLess(first_entries[1][0], second_entries[0][0])
        for declaration, act in ((first, "superseded"), (second, "accepted")):
            with self.subTest(version=declaration.version):
                label = label_json(self, declaration)
                self.assertEqual(label["status"], act)
                self.assertEqual(failed_steps(label), [])
                proof = label["transparency"]["declaration"]
                entry = LogEntry.objects.get(index=proof["leaf_index"])
                self.assertEqual(leaf_of_entry(entry)["act"], act)
                self.assertEqual(leaf_of_entry(entry)["filing"]["version"], declaration.version)

    def test_withdrawing_logs_a_withdrawn_leaf_that_the_versions_label_proves(self):
        declaration = published_model(self, name="Atlas")
        withdraw(self, declaration, "Retired")
        services.log_publish()
        self.assertEqual([act for _, act in entries_of(declaration)], ["accepted", "withdrawn"])
        label = label_json(self, declaration)
        self.assertEqual(label["status"], "withdrawn")
        self.assertEqual(failed_steps(label), [])
        self.assertEqual(
            label["transparency"]["declaration"]["leaf_index"], entries_of(declaration)[1][0]
        )

    def test_accepting_an_ownership_statement_logs_it_and_labels_carry_its_proof(self):
        declaration = published_model(self, name="Atlas")
        services.log_publish()
        first = OwnershipStatement.objects.get(provider=self.acme, status="accepted")
        self.assertEqual([act for _, act in entries_of(first)], ["accepted"])
        second = accepted_ownership(self, links=[US_FUND])
        services.log_publish()
        self.assertEqual([act for _, act in entries_of(first)], ["accepted", "superseded"])
        self.assertEqual([act for _, act in entries_of(second)], ["accepted"])
        label = label_json(self, declaration)
        self.assertEqual(label["transparency"]["ownership"]["leaf_index"], entries_of(second)[0][0])
        self.assertEqual(failed_steps(label), [])
        steps = verify_label(label, log=keys.log_verifier()).steps
        self.assertIn(
            "The label's ownership statement record is the one the log recorded",
            [step.what for step in steps if step.ok],
        )

    def test_a_rendered_pdf_logs_its_sha256_and_carries_a_label_that_verifies(self):
        declaration = published_model(self, name="Atlas")
        label_pdf = label_render_pdf(declaration.pk)
        services.log_publish()
        with label_pdf.file.open("rb") as file:
            content = file.read()
        self.assertEqual(label_pdf.sha256, hashlib.sha256(content).hexdigest())
        entry = LogEntry.objects.get(
            filing_kind="declaration", filing_id=declaration.pk, act="pdf_issued"
        )
        self.assertEqual(leaf_of_entry(entry)["pdf_sha256"], label_pdf.sha256)
        attached = extract_label(content)
        self.assertEqual(failed_steps(attached), [])
        # The PDF's own record is the label's: the same hash as the acceptance's leaf recorded.
        accepted = LogEntry.objects.get(
            filing_kind="declaration", filing_id=declaration.pk, act="accepted"
        )
        self.assertEqual(
            leaf_of_entry(entry)["label_sha256"], leaf_of_entry(accepted)["label_sha256"]
        )

        json_bytes = self.client.get(
            reverse("labels:model-version-json", args=[declaration.model.registration_number, 1])
        ).content
        with tempfile.TemporaryDirectory() as folder:
            for name, body in (("label.json", json_bytes), ("label.pdf", content)):
                with self.subTest(name):
                    path = Path(folder) / name
                    path.write_bytes(body)
                    status, out = run_client("verify", str(path), "--key", log_key())
                    self.assertEqual(status, 0, out)
                    self.assertIn("Verified: all", out)
            tampered = json.loads(json_bytes)
            tampered["sources"][0]["name"] = "Something else"
            path = Path(folder) / "tampered.json"
            path.write_text(json.dumps(tampered))
            status, out = run_client("verify", str(path), "--key", log_key())
            self.assertEqual(status, 1, out)
            self.assertIn("✗ The label's declaration record is the one the log recorded", out)


# --- What a leaf holds


@override_settings(STORAGES=IN_MEMORY)
class LeafContentTests(PersonaTestCase):
    """Every regulator-only field and a confidential source filled with sentinels, accepted,
    superseded, withdrawn and its PDF issued: every kind of leaf the register writes."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = sentinel_filing(cls)
        label_render_pdf(cls.declaration.pk)
        cls.second = amend(cls, cls.declaration)
        withdraw(cls, cls.second, "Retired")
        services.log_publish()
        cls.entries = list(LogEntry.objects.order_by("index"))

    def test_every_kind_of_act_is_logged(self):
        self.assertEqual(
            {(entry.filing_kind, entry.act) for entry in self.entries},
            {
                ("ownership", "accepted"),
                ("ownership", "superseded"),
                ("declaration", "accepted"),
                ("declaration", "pdf_issued"),
                ("declaration", "superseded"),
                ("declaration", "withdrawn"),
            },
        )

    def test_every_leaf_is_canonical_and_its_stored_hash_is_its_own(self):
        for entry in self.entries:
            with self.subTest(index=entry.index, act=entry.act):
                leaf = parse_leaf(bytes(entry.data))
                self.assertEqual(bytes(entry.leaf_hash), leaf_hash(bytes(entry.data)))
                self.assertEqual(leaf["act"], entry.act)
                self.assertEqual(leaf["filing"]["kind"], entry.filing_kind)

    def test_no_leaf_holds_personal_data(self):
        personal = [
            SENTINEL_TEXT["signatory name"],
            SENTINEL_TEXT["signatory role"],
            "Alice Owner",
            US_FUND["investor_name"],
            *(person.email for person in (self.alice, self.bob, self.olivia, self.diana)),
            *(person.full_name for person in (self.alice, self.olivia, self.diana)),
        ]
        for entry in self.entries:
            data = bytes(entry.data).decode()
            for value in personal:
                with self.subTest(index=entry.index, value=value):
                    self.assertNotIn(value, data)

    def test_no_leaf_holds_a_regulator_only_value(self):
        sentinels = [*SENTINEL_TEXT.values(), *(str(n) for n in SENTINEL_NUMBERS.values())]
        for entry in self.entries:
            data = bytes(entry.data).decode()
            self.assertEqual(
                set(json.loads(data)),
                {
                    "act",
                    "filing",
                    "time",
                    "snapshot_sha256",
                    "label_sha256",
                    "pdf_sha256",
                    "commitments",
                },
            )
            for sentinel in sentinels:
                with self.subTest(index=entry.index, sentinel=sentinel):
                    self.assertNotIn(sentinel, data)

    def test_the_regulator_can_open_a_commitment_and_a_wrong_value_fails(self):
        cases = [
            ("declaration", self.declaration.pk, "/total_tokens", SENTINEL_NUMBERS["total_tokens"]),
            ("declaration", self.declaration.pk, "/sources/0/size_tokens", 6_172_839_455),
            (
                "declaration",
                self.declaration.pk,
                "/sources/3/confidentiality_reason",
                SENTINEL_TEXT["confidentiality reason"],
            ),
            # A confidential source's name is withheld from the label, and committed to.
            (
                "declaration",
                self.declaration.pk,
                "/sources/3/name",
                SENTINEL_TEXT["confidential source name"],
            ),
            ("ownership", self.sentinel_statement().pk, "/links/0/share_percent", "12.345"),
            (
                "ownership",
                self.sentinel_statement().pk,
                "/links/0/nsi_reference",
                SENTINEL_TEXT["NSI reference"],
            ),
        ]
        for kind, filing_id, pointer, declared in cases:
            entry = LogEntry.objects.filter(
                filing_kind=kind, filing_id=filing_id, act="accepted"
            ).get()
            commitments = leaf_of_entry(entry)["commitments"]
            snapshot = json.loads(records.accepted_snapshot(kind, filing_id).content)
            values = records.regulator_only_values(kind, snapshot)
            secret = bytes(LeafSecret.objects.get(entry=entry).secret)
            with self.subTest(pointer=pointer):
                self.assertEqual(commitments["count"], len(values))
                opening = open_commitment(secret, values, pointer)
                self.assertEqual(opening["value"], declared)
                verify_opening(opening, commitments)  # raises if it does not hold
                with self.assertRaises(ProofError):
                    verify_opening(opening | {"value": "something else"}, commitments)
                other = open_commitment(secrets.token_bytes(32), values, pointer)
                with self.assertRaises(ProofError):
                    verify_opening(other, commitments)

    def test_each_leaf_has_its_own_secret(self):
        secrets_kept = list(LeafSecret.objects.values_list("secret", flat=True))
        self.assertEqual(len(secrets_kept), len(self.entries))
        self.assertEqual(len({bytes(secret) for secret in secrets_kept}), len(self.entries))

    def test_the_snapshot_hash_in_the_leaf_is_the_accepted_snapshots(self):
        entry = LogEntry.objects.get(
            filing_kind="declaration", filing_id=self.declaration.pk, act="accepted"
        )
        snapshot = FilingSnapshot.objects.filter(
            filing_kind="declaration", filing_id=self.declaration.pk
        ).latest("submission")
        self.assertEqual(leaf_of_entry(entry)["snapshot_sha256"], snapshot.sha256)
        self.assertEqual(snapshot.sha256, sha256_hex(snapshot.content.encode()))

    def sentinel_statement(self) -> OwnershipStatement:
        return OwnershipStatement.objects.get(provider=self.acme, status="accepted")


# --- The sequencer


@override_settings(STORAGES=IN_MEMORY)
class SequencerTests(TestCase):
    def test_leaves_are_integrated_in_the_order_written_without_gaps(self):
        written = leaves_pending(5)
        pending = list(PendingLeaf.objects.order_by("id"))
        self.assertEqual(services.log_integrate(), 5)
        entries = list(LogEntry.objects.order_by("index"))
        self.assertEqual([entry.index for entry in entries], [0, 1, 2, 3, 4])
        self.assertEqual([bytes(entry.data) for entry in entries], written)
        self.assertEqual(
            [bytes(secret.secret) for secret in LeafSecret.objects.order_by("entry_id")],
            [bytes(leaf.secret) for leaf in pending],
        )
        self.assertIs(PendingLeaf.objects.exists(), False)
        self.assertEqual(LogHead.objects.get().size, 5)
        more = leaves_pending(3)
        self.assertEqual(services.log_integrate(), 3)
        self.assertEqual(list(LogEntry.objects.values_list("index", flat=True)), list(range(8)))
        self.assertEqual([bytes(e.data) for e in LogEntry.objects.filter(index__gte=5)], more)

    def test_batches_and_one_integration_store_the_same_nodes(self):
        leaves = leaves_pending(300)
        at_once = tree_in_one_integration()
        self.assertEqual(LogEntry.objects.count(), 0)  # rolled back
        self.assertEqual(services.log_integrate(limit=100), 100)
        self.assertEqual(services.log_integrate(limit=7), 7)
        self.assertEqual(services.log_integrate(), 193)
        self.assertEqual(tree_stored(), at_once)
        self.assertEqual(tree_stored(), tree_of([leaf_hash(leaf) for leaf in leaves]))

    def test_integrating_nothing_returns_0_and_signs_nothing(self):
        self.assertEqual(services.log_integrate(), 0)
        self.assertIs(Checkpoint.objects.exists(), False)
        leaves_pending(2)
        services.log_integrate()
        self.assertEqual(services.log_integrate(), 0)
        self.assertEqual(Checkpoint.objects.count(), 1)

    def test_the_latest_checkpoint_signs_the_root_of_every_leaf(self):
        for count in (1, 2, 5, 256, 3):
            leaves_pending(count)
            services.log_publish()
            with self.subTest(size=LogEntry.objects.count()):
                checkpoint = latest_checkpoint()
                self.assertEqual(checkpoint.size, LogEntry.objects.count())
                self.assertEqual(bytes(checkpoint.root_hash), root_hash(leaf_hashes()))
                body = open_checkpoint(checkpoint.note, keys.log_verifier())
                self.assertEqual(body.root_hash, root_hash(leaf_hashes()))
                self.assertEqual(body.size, checkpoint.size)

    def test_a_checkpoint_is_not_served_until_its_tiles_are_written(self):
        leaves_pending(3)
        services.log_publish()
        leaves_pending(2)
        services.log_integrate()
        self.assertEqual(Checkpoint.objects.latest().size, 5)
        self.assertEqual(latest_checkpoint().size, 3)
        services.tiles_write()
        self.assertEqual(latest_checkpoint().size, 5)


def tree_stored() -> dict[tuple[int, int], bytes]:
    return {(node.level, node.index): bytes(node.hash) for node in TreeNode.objects.all()}


def tree_of(hashes: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every perfect subtree of a tree of these leaf hashes, as the log should store them."""
    tree = MerkleTree(hashes)
    nodes = [
        (level, index)
        for level in range(len(hashes).bit_length())
        for index in range(len(hashes) >> level)
    ]
    return dict(zip(nodes, tree.read_hashes(nodes), strict=True))


class RolledBack(Exception):
    pass


def tree_in_one_integration() -> dict[tuple[int, int], bytes]:
    """The nodes one integration of everything pending stores, read and then rolled back."""
    try:
        with transaction.atomic():
            services.log_integrate()
            stored = tree_stored()
            raise RolledBack
    except RolledBack:
        return stored


# --- The database keeps the log append-only


@unittest.skipUnless(connection.vendor == "postgresql", "the triggers exist on PostgreSQL only")
@override_settings(STORAGES=IN_MEMORY)
class AppendOnlyTests(TestCase):
    REFUSED = [
        "UPDATE transparency_logentry SET act = 'withdrawn'",
        "DELETE FROM transparency_logentry",
        "UPDATE transparency_leafsecret SET secret = '\\x00'::bytea",
        "DELETE FROM transparency_leafsecret",
        "UPDATE transparency_treenode SET hash = '\\x00'::bytea",
        "DELETE FROM transparency_treenode",
        "UPDATE transparency_checkpoint SET size = 0",
        "DELETE FROM transparency_checkpoint",
        "UPDATE transparency_cosignature SET witness = 'someone else'",
        "DELETE FROM transparency_cosignature",
    ]

    def setUp(self):
        leaves_pending(3)
        services.log_integrate()
        Cosignature.objects.create(
            checkpoint=Checkpoint.objects.get(),
            witness="witness.example.org",
            line="— witness.example.org AAAA\n",
            signed_at=timezone.now(),
        )

    def test_update_and_delete_of_what_the_log_integrated_are_refused(self):
        before = snapshot_of_log()
        for statement in self.REFUSED:
            with (
                self.subTest(statement),
                self.assertRaisesMessage(DatabaseError, "append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        self.assertEqual(snapshot_of_log(), before)

    def test_the_orm_is_refused_too(self):
        with self.assertRaises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(index=0).update(act="withdrawn")
        with self.assertRaises(DatabaseError), transaction.atomic():
            TreeNode.objects.filter(level=0, index=0).delete()
        self.assertEqual(LogEntry.objects.get(index=0).act, "pdf_issued")

    def test_the_outbox_may_be_emptied(self):
        leaves_pending(2)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM transparency_pendingleaf")
        self.assertIs(PendingLeaf.objects.exists(), False)


def snapshot_of_log() -> list:
    return [
        list(LogEntry.objects.values_list("index", "act", "data")),
        list(LeafSecret.objects.values_list("entry_id", "secret")),
        sorted(TreeNode.objects.values_list("level", "index", "hash")),
        list(Checkpoint.objects.values_list("size", "root_hash", "note")),
        list(Cosignature.objects.values_list("witness", "line")),
    ]


# --- The sweep


@override_settings(STORAGES=IN_MEMORY, TRANSPARENCY_CHECKPOINT_INTERVAL=timedelta(hours=1))
class SweepTests(TestCase):
    def test_a_fresh_checkpoint_is_signed_once_the_last_is_older_than_the_interval(self):
        leaves_pending(2)
        services.log_publish()
        last = Checkpoint.objects.get()
        self.assertEqual(services.log_sweep(last.created_at + timedelta(minutes=59)), 0)
        self.assertEqual(Checkpoint.objects.count(), 1)
        later = last.created_at + timedelta(hours=1)
        self.assertEqual(services.log_sweep(later), 0)
        fresh = Checkpoint.objects.latest()
        self.assertNotEqual(fresh.pk, last.pk)
        self.assertEqual((fresh.size, bytes(fresh.root_hash)), (2, bytes(last.root_hash)))
        self.assertEqual(fresh.created_at, later)
        self.assertEqual(latest_checkpoint(), fresh)
        # And not again within the interval of the fresh one.
        services.log_sweep(later + timedelta(minutes=30))
        self.assertEqual(Checkpoint.objects.count(), 2)

    def test_the_sweep_integrates_what_was_left_pending_and_writes_its_tiles(self):
        leaves_pending(4)
        self.assertEqual(services.log_sweep(), 4)
        head = LogHead.objects.get()
        self.assertEqual((head.size, head.tiles_size), (4, 4))
        self.assertEqual(latest_checkpoint().size, 4)
        # Just signed by the integration, so no second checkpoint.
        self.assertEqual(Checkpoint.objects.count(), 1)

    def test_an_empty_log_signs_the_empty_tree(self):
        self.assertEqual(services.log_sweep(), 0)
        checkpoint = latest_checkpoint()
        self.assertEqual(checkpoint.size, 0)
        self.assertEqual(bytes(checkpoint.root_hash), root_hash([]))


# --- The commands that set the log up


@override_settings(STORAGES=IN_MEMORY)
class BackfillTests(PersonaTestCase):
    """A register that published before it had a log: its filings get their leaves."""

    def setUp(self):
        super().setUp()
        self.first = published_model(self, name="Atlas")
        self.second = amend(self, self.first)
        self.retired = published_model(self, name="Old")
        withdraw(self, self.retired, "Retired")
        PendingLeaf.objects.all().delete()  # as if published before the log existed

    def backfill(self) -> str:
        out = io.StringIO()
        call_command("log_backfill", stdout=out)
        return out.getvalue()

    def test_each_published_filing_gets_one_leaf_of_the_state_it_is_in(self):
        self.assertEqual(self.backfill(), "Appended 4 leaves; the log integrated 4.\n")
        statement = OwnershipStatement.objects.get(provider=self.acme)
        self.assertEqual(entries_of(statement), [(0, "accepted")])
        self.assertEqual([act for _, act in entries_of(self.first)], ["superseded"])
        self.assertEqual([act for _, act in entries_of(self.second)], ["accepted"])
        self.assertEqual([act for _, act in entries_of(self.retired)], ["withdrawn"])
        for declaration in (self.first, self.second, self.retired):
            with self.subTest(declaration=declaration.pk):
                self.assertEqual(failed_steps(label_json(self, declaration)), [])

    def test_running_it_again_appends_nothing(self):
        self.backfill()
        self.assertEqual(self.backfill(), "Appended 0 leaves; the log integrated 0.\n")
        self.assertEqual(LogEntry.objects.count(), 4)

    def test_a_filing_with_a_pending_leaf_is_left_to_the_sequencer(self):
        services.declaration_leaf_append(self.second, "accepted")
        self.assertEqual(self.backfill(), "Appended 3 leaves; the log integrated 4.\n")
        self.assertEqual([act for _, act in entries_of(self.second)], ["accepted"])


class LogKeyCommandTests(TestCase):
    def test_it_prints_the_public_key_and_never_the_private_one(self):
        out = io.StringIO()
        call_command("log_key", stdout=out)
        verifier = keys.log_verifier()
        self.assertIn(f"Public key: {verifier.to_verifier_key()}", out.getvalue())
        self.assertIn(f"Key ID: {verifier.key_id.hex()}", out.getvalue())
        self.assertNotIn("PRIVATE", out.getvalue())

    def test_a_key_for_another_origin_is_refused(self):
        other = Signer.generate("elsewhere.example/log").to_private_key()
        with (
            override_settings(TRANSPARENCY_LOG_KEY=other),
            self.assertRaisesMessage(CommandError, "a key signs for one log only"),
        ):
            call_command("log_key", stdout=io.StringIO())
        with (
            override_settings(TRANSPARENCY_LOG_KEY=other),
            self.assertRaisesMessage(ImproperlyConfigured, "a key signs for one log only"),
        ):
            services.checkpoint_sign(0)
        self.assertIs(Checkpoint.objects.exists(), False)
