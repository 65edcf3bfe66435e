"""Verifying a label: a genuine label holds, and every tampering says where it fails.

Each test publishes labels into a log built in memory, with the register's leaf form, a signed
checkpoint, a witness's cosignature and tlog proofs, so that what is verified is genuine.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import SimpleTestCase
from provenance_client import Checkpoint, MerkleTree, Signer, sign_checkpoint
from provenance_client.cosignature import CosignatureSigner, add_signature_lines
from provenance_client.label import LabelVerification, Step, verify_label
from provenance_client.proof import TlogProof, format_proof, parse_proof
from provenance_client.record import (
    canonical,
    commit,
    declaration_record,
    ownership_record,
    record_sha256,
)

ORIGIN = "register.example.gov.uk/log"
# Fixed seeds, so that every run signs the same bytes.
LOG = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
IMPOSTOR = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(32)))
WITNESS = CosignatureSigner("witness.example.org", Ed25519PrivateKey.from_private_bytes(b"w" * 32))
ABSENT_WITNESS = CosignatureSigner(
    "other-witness.example.net", Ed25519PrivateKey.from_private_bytes(b"o" * 32)
)
COSIGNED_AT = 1_796_000_000
SNAPSHOT = "5a" * 32


def label_document() -> dict[str, Any]:
    """A public label as the register serves it, before its transparency member is added."""
    return {
        "kind": "label",
        "model": {"registration_number": "MOD-000001", "name": "Atlas", "version": "2.1"},
        "provider": {"registration_number": "PRV-000001", "name": "Atlas AI", "country": "GB"},
        "version": 2,
        "status": "accepted",
        "accepted_on": "2026-12-08",
        "sources": [
            {"name": "Common Crawl", "ip_status": "public_domain"},
            {"name": "Licensed news", "ip_status": "licensed"},
        ],
        "confidential_sources": {"count": 1, "share_percent": 12.5},
        "versions": [{"version": 1}, {"version": 2}],
        "ownership": {"ultimate_parent": "Atlas Holdings plc", "uk_control": True},
        "control": {"verdict": "uk_controlled"},
        "public_alerts": [],
        "lineage": {"parents": []},
        "snapshot_sha256": SNAPSHOT,
    }


def leaf_of(label: dict[str, Any], kind: str = "declaration", **changes: Any) -> bytes:
    """The leaf the register appends when it accepts the label's declaration or ownership."""
    provider = label["provider"]["registration_number"]
    if kind == "declaration":
        number, version, record = label["model"]["registration_number"], label["version"], None
        record = declaration_record(label)
    else:
        number, version, record = provider, 3, ownership_record(label)
    leaf = {
        "act": "accepted",
        "filing": {"kind": kind, "number": number, "provider": provider, "version": version},
        "time": "2026-12-08T02:40:00Z",
        "snapshot_sha256": SNAPSHOT if kind == "declaration" else "0c" * 32,
        "label_sha256": record_sha256(record),
        "pdf_sha256": None,
        "commitments": commit(b"s" * 32, {"/sources/2/name": "A confidential archive"}),
        **changes,
    }
    return canonical(leaf)


class MemoryLog:
    """A log in memory: leaves, their tree, and checkpoints signed by a key."""

    def __init__(self, signer: Signer = LOG) -> None:
        self.signer = signer
        self.leaves: list[bytes] = []
        self.tree = MerkleTree()

    def append(self, leaf: bytes) -> int:
        self.leaves.append(leaf)
        return self.tree.append(leaf)

    def append_filler(self, count: int) -> None:
        for number in range(count):
            self.append(canonical({"filler": len(self.leaves), "number": number}))

    def checkpoint(self, cosigners: tuple[CosignatureSigner, ...] = (WITNESS,)) -> str:
        body = Checkpoint(self.signer.name, self.tree.size, self.tree.root())
        note = sign_checkpoint(body, self.signer)
        lines = [cosigner.cosign(body.to_text(), COSIGNED_AT) for cosigner in cosigners]
        return add_signature_lines(note, lines) if lines else note

    def proof(self, index: int, checkpoint: str, extra: bytes | None = None) -> str:
        size = int(checkpoint.split("\n")[1])
        hashes = tuple(self.tree.inclusion_proof(index, size))
        leaf = self.leaves[index] if extra is None else extra
        return format_proof(TlogProof(index, hashes, checkpoint, extra=leaf))


def published(
    label: dict[str, Any] | None = None,
    *,
    ownership: bool = True,
    cosigners: tuple[CosignatureSigner, ...] = (WITNESS,),
) -> tuple[dict[str, Any], MemoryLog, str]:
    """Publish a label into a new log among other leaves; return it with its proofs, and the log."""
    label = label_document() if label is None else label
    log = MemoryLog()
    log.append_filler(5)
    declaration_index = log.append(leaf_of(label))
    log.append_filler(3)
    ownership_index = log.append(leaf_of(label, "ownership"))
    log.append_filler(2)
    checkpoint = log.checkpoint(cosigners)
    label["transparency"] = {
        "log": ORIGIN,
        "declaration": {
            "leaf_index": declaration_index,
            "proof": log.proof(declaration_index, checkpoint),
        },
        "ownership": {
            "leaf_index": ownership_index,
            "proof": log.proof(ownership_index, checkpoint),
        }
        if ownership
        else None,
        "verify_url": "https://register.example.gov.uk/verify",
    }
    return label, log, checkpoint


def verify(label: dict[str, Any], **options: Any) -> LabelVerification:
    options.setdefault("log", LOG.verifier)
    options.setdefault("witnesses", [WITNESS.verifier])
    return verify_label(label, **options)


def flipped_hex_digit(digit: bytes) -> bytes:
    return b"1" if digit == b"0" else b"0"


def failures(result: LabelVerification) -> list[Step]:
    return [step for step in result.steps if not step.ok]


def step(result: LabelVerification, what: str) -> Step:
    (found,) = [step for step in result.steps if step.what == what]
    return found


DECLARATION_STEPS = [
    "The label carries a proof of its declaration's leaf",
    "The declaration's proof is a well-formed tlog-proof",
    "The declaration's leaf is canonical JSON of the leaf's form",
    "The declaration's leaf is of this label",
    "The label's declaration record is the one the log recorded",
    "The label's snapshot hash is the one the log recorded",
    "The declaration's checkpoint is signed by the log's key",
    "Witnesses cosigned the declaration's checkpoint",
    "The declaration's leaf is in the tree the checkpoint signs",
]
OWNERSHIP_STEPS = [
    "The label carries a proof of its ownership statement's leaf",
    "The ownership statement's proof is a well-formed tlog-proof",
    "The ownership statement's leaf is canonical JSON of the leaf's form",
    "The ownership statement's leaf is of this label",
    "The label's ownership statement record is the one the log recorded",
    "The ownership statement's checkpoint is signed by the log's key",
    "Witnesses cosigned the ownership statement's checkpoint",
    "The ownership statement's leaf is in the tree the checkpoint signs",
]


class GenuineLabelTests(SimpleTestCase):
    def test_a_published_label_verifies_step_by_step(self):
        label, _, _ = published()
        result = verify(label)
        self.assertEqual(failures(result), [])
        self.assertIs(result.ok, True)
        self.assertEqual(
            [step.what for step in result.steps],
            ["The label names the log whose key you gave", *DECLARATION_STEPS, *OWNERSHIP_STEPS],
        )
        self.assertEqual(
            step(result, "The declaration's leaf is in the tree the checkpoint signs").detail,
            "leaf 5 of 12",
        )
        self.assertEqual(
            step(result, "The declaration's leaf is of this label").detail,
            "leaf 5 is of declaration MOD-000001 version 2 by PRV-000001",
        )

    def test_the_witnesses_that_cosigned_are_named_with_the_time(self):
        label, _, _ = published()
        result = verify(label, witnesses=[WITNESS.verifier, ABSENT_WITNESS.verifier])
        self.assertIs(result.ok, True)
        self.assertEqual(
            step(result, "Witnesses cosigned the declaration's checkpoint").detail,
            "cosigned by witness.example.org at 2026-11-30T00:53:20Z; "
            "not cosigned by other-witness.example.net",
        )

    def test_with_no_witness_keys_the_result_says_no_cosignature_was_checked(self):
        label, _, _ = published(cosigners=())
        result = verify(label, witnesses=[])
        self.assertIs(result.ok, True)
        self.assertEqual(
            step(result, "Witnesses cosigned the declaration's checkpoint").detail,
            "no witness keys were given, so no cosignature was checked",
        )

    def test_a_label_naming_no_owners_verifies_its_declaration_and_says_what_is_unproved(self):
        document = label_document()
        document["ownership"] = None
        label, _, _ = published(document, ownership=False)
        result = verify(label)
        self.assertIs(result.ok, True)
        self.assertEqual(
            [step.what for step in result.steps],
            [
                "The label names the log whose key you gave",
                *DECLARATION_STEPS,
                "The label names no accepted ownership statement",
            ],
        )

    def test_a_label_naming_owners_with_its_ownership_proof_stripped_fails(self):
        label, _, _ = published()
        for stripped in (None, "missing"):
            with self.subTest(ownership=stripped):
                changed = copy.deepcopy(label)
                changed["ownership"]["uk_control"] = False  # the owners changed, the proof gone
                if stripped is None:
                    changed["transparency"]["ownership"] = None
                else:
                    del changed["transparency"]["ownership"]
                result = verify(changed)
                self.assertIs(result.ok, False)
                self.assertEqual(
                    [s.what for s in result.steps if not s.ok],
                    ["The label carries a proof of its ownership statement's leaf"],
                )

    def test_a_label_that_does_not_repeat_its_snapshot_hash_says_so(self):
        document = label_document()
        del document["snapshot_sha256"]
        label, _, _ = published(document)
        result = verify(label)
        self.assertIs(result.ok, True)
        self.assertEqual(
            step(result, "The label's snapshot hash is the one the log recorded").detail,
            "the label gives no snapshot hash to compare with leaf 5's; "
            "its record's hash above covers it as published",
        )

    def test_what_changes_with_time_and_other_filings_is_not_covered_by_the_leaf(self):
        label, _, _ = published()
        label["public_alerts"] = [{"code": "red_team_overdue"}]
        label["versions"].append({"version": 3})
        self.assertIs(verify(label).ok, True)


class TamperedLabelTests(SimpleTestCase):
    """Each change to a published label or its proof fails, at the step that says what changed."""

    def assert_fails(self, result: LabelVerification, what: str, *details: str) -> None:
        self.assertIs(result.ok, False)
        failed = {step.what: step.detail for step in failures(result)}
        self.assertIn(what, failed)
        for detail in details:
            self.assertIn(detail, failed[what])

    def test_a_changed_record_member_is_caught_with_both_hashes(self):
        label, _, _ = published()
        logged = record_sha256(declaration_record(label))
        label["sources"][1]["ip_status"] = "public_domain"
        changed = record_sha256(declaration_record(label))
        result = verify(label)
        self.assert_fails(
            result,
            "The label's declaration record is the one the log recorded",
            f"the label's declaration record hashes to {changed}, but leaf 5 recorded {logged}: "
            "the label was changed after it was logged",
        )
        self.assertEqual(len(failures(result)), 1)

    def test_a_changed_ownership_member_is_caught_by_the_ownership_leaf(self):
        label, _, _ = published()
        label["control"]["verdict"] = "foreign_controlled"
        result = verify(label)
        self.assert_fails(
            result,
            "The label's ownership statement record is the one the log recorded",
            "but leaf 9 recorded",
            "the label was changed after it was logged",
        )
        self.assertEqual(len(failures(result)), 1)

    def test_a_changed_snapshot_hash_is_caught(self):
        for changed in ("00" * 32, None):
            with self.subTest(changed=changed):
                label, _, _ = published()
                label["snapshot_sha256"] = changed
                result = verify(label)
                self.assert_fails(
                    result,
                    "The label's snapshot hash is the one the log recorded",
                    f"the label gives the snapshot hash {changed!r}, "
                    f"but leaf 5 recorded {SNAPSHOT}",
                )
                self.assert_fails(
                    result, "The label's declaration record is the one the log recorded"
                )

    def test_a_changed_byte_of_the_leaf_breaks_the_inclusion_proof(self):
        label, log, checkpoint = published()
        leaf = log.leaves[5]
        position = leaf.index(record_sha256(declaration_record(label)).encode())
        forged = (
            leaf[:position]
            + flipped_hex_digit(leaf[position : position + 1])
            + leaf[position + 1 :]
        )
        label["transparency"]["declaration"]["proof"] = log.proof(5, checkpoint, extra=forged)
        result = verify(label)
        self.assert_fails(
            result,
            "The declaration's leaf is in the tree the checkpoint signs",
            "leaf 5 is not in the signed tree of 12 leaves",
            "the inclusion proof leads to a different root hash",
        )
        self.assert_fails(result, "The label's declaration record is the one the log recorded")

    def test_a_leaf_spelled_other_than_canonically_is_refused_and_not_included(self):
        label, log, checkpoint = published()
        spaced = log.leaves[5].replace(b'"act":', b'"act": ')
        label["transparency"]["declaration"]["proof"] = log.proof(5, checkpoint, extra=spaced)
        result = verify(label)
        self.assert_fails(
            result,
            "The declaration's leaf is canonical JSON of the leaf's form",
            "leaf 5: the leaf is not in canonical JSON (RFC 8785)",
        )
        self.assert_fails(result, "The declaration's leaf is in the tree the checkpoint signs")

    def test_another_models_label_is_refused_by_its_number(self):
        label, _, _ = published()
        label["model"]["registration_number"] = "MOD-000002"
        self.assert_fails(
            verify(label),
            "The declaration's leaf is of this label",
            "leaf 5 records number 'MOD-000001' where the label has 'MOD-000002'",
        )

    def test_another_version_is_refused(self):
        label, _, _ = published()
        label["version"] = 3
        self.assert_fails(
            verify(label),
            "The declaration's leaf is of this label",
            "leaf 5 records version 2 where the label has 3",
        )

    def test_another_providers_ownership_is_refused(self):
        label, _, _ = published()
        label["provider"]["registration_number"] = "PRV-000009"
        result = verify(label)
        self.assert_fails(
            result,
            "The ownership statement's leaf is of this label",
            "number 'PRV-000001' where the label has 'PRV-000009'",
            "provider 'PRV-000001' where the label has 'PRV-000009'",
        )
        self.assert_fails(result, "The declaration's leaf is of this label", "provider")

    def test_a_proof_lent_from_another_leaf_is_refused(self):
        label, _, _ = published()
        label["transparency"]["declaration"] = copy.deepcopy(label["transparency"]["ownership"])
        self.assert_fails(
            verify(label),
            "The declaration's leaf is of this label",
            "leaf 9 records kind 'ownership' where the label has 'declaration'",
        )

    def test_a_checkpoint_signed_by_another_key_is_refused(self):
        label, _, _ = published()
        self.assert_fails(
            verify(label, log=IMPOSTOR.verifier),
            "The declaration's checkpoint is signed by the log's key",
            "the note carries no signature by a trusted key: the checkpoint is not the log's",
        )

    def test_a_key_of_another_log_is_refused_by_name(self):
        label, _, _ = published()
        other = Signer("other.example.org/log", LOG.private_key)
        result = verify(label, log=other.verifier)
        self.assert_fails(
            result,
            "The label names the log whose key you gave",
            "the label says it is in the log 'register.example.gov.uk/log', "
            "but the key is 'other.example.org/log''s",
        )
        self.assert_fails(result, "The declaration's checkpoint is signed by the log's key")

    def test_a_forged_checkpoint_is_refused(self):
        label, log, checkpoint = published()
        # A log that signed a tree of 12 leaves cannot be made to seem to have signed one of 6.
        signatures = checkpoint.split("\n\n", 1)[1]
        forged_body = Checkpoint(ORIGIN, 6, log.tree.root(6)).to_text()
        forged = forged_body + "\n" + signatures
        label["transparency"]["declaration"]["proof"] = log.proof(5, forged)
        self.assert_fails(
            verify(label),
            "The declaration's checkpoint is signed by the log's key",
            "the signature by register.example.gov.uk/log does not verify",
        )
        # One signed by another key with the log's name, over a tree without the leaf, too.
        impostor_log = MemoryLog(IMPOSTOR)
        impostor_log.append_filler(12)
        impostor = impostor_log.checkpoint(cosigners=())
        label["transparency"]["declaration"]["proof"] = log.proof(5, impostor)
        self.assert_fails(
            verify(label),
            "The declaration's checkpoint is signed by the log's key",
            "no signature by a trusted key",
        )

    def test_a_truncated_proof_is_refused(self):
        label, _, _ = published()
        entry = label["transparency"]["declaration"]
        proof = parse_proof(entry["proof"])
        shorter = TlogProof(proof.index, proof.hashes[:-1], proof.checkpoint, proof.extra)
        entry["proof"] = format_proof(shorter)
        self.assert_fails(
            verify(label),
            "The declaration's leaf is in the tree the checkpoint signs",
            "the inclusion proof is shorter than the path to the root",
        )

    def test_a_proof_cut_short_in_transit_does_not_parse(self):
        label, _, _ = published()
        entry = label["transparency"]["declaration"]
        entry["proof"] = entry["proof"][:120]
        self.assert_fails(
            verify(label),
            "The declaration's proof is a well-formed tlog-proof",
            "a tlog proof needs a blank line between its proof and its checkpoint",
        )

    def test_a_proof_of_another_index_than_the_label_names_is_refused(self):
        label, _, _ = published()
        label["transparency"]["declaration"]["leaf_index"] = 6
        self.assert_fails(
            verify(label),
            "The declaration's proof is a well-formed tlog-proof",
            "the label names leaf 6, but its proof is of leaf 5",
        )

    def test_a_proof_without_its_leaf_is_refused(self):
        label, _, _ = published()
        entry = label["transparency"]["declaration"]
        proof = parse_proof(entry["proof"])
        entry["proof"] = format_proof(TlogProof(proof.index, proof.hashes, proof.checkpoint))
        self.assert_fails(
            verify(label),
            "The declaration's proof is a well-formed tlog-proof",
            "the proof carries no leaf in its extra data",
        )

    def test_a_bad_cosignature_by_a_known_witness_fails(self):
        label, log, _ = published(cosigners=())
        body = Checkpoint(ORIGIN, log.tree.size, log.tree.root())
        prefix, encoded = WITNESS.cosign(body.to_text(), COSIGNED_AT).rsplit(" ", 1)
        signature = bytearray(base64.b64decode(encoded))
        signature[-1] ^= 0x01
        bad_line = f"{prefix} {base64.b64encode(bytes(signature)).decode()}\n"
        note = add_signature_lines(sign_checkpoint(body, LOG), [bad_line])
        for filing in ("declaration", "ownership"):
            entry = label["transparency"][filing]
            entry["proof"] = log.proof(entry["leaf_index"], note)
        self.assert_fails(
            verify(label),
            "Witnesses cosigned the declaration's checkpoint",
            "the cosignature by witness.example.org does not verify",
        )


class UnfinishedLabelTests(SimpleTestCase):
    def test_a_label_waiting_for_its_leaf_says_so(self):
        label, _, _ = published()
        label["transparency"]["declaration"] = {"leaf_index": None, "proof": None}
        result = verify(label)
        self.assertIs(result.ok, False)
        self.assertEqual(
            failures(result),
            [
                Step(
                    "The label carries a proof of its declaration's leaf",
                    False,
                    "the declaration is still waiting for its leaf to be added to the log: "
                    "try again once the log has integrated it",
                )
            ],
        )

    def test_a_label_without_a_transparency_member_fails_at_once(self):
        label = label_document()
        result = verify(label)
        self.assertIs(result.ok, False)
        self.assertEqual(
            [(step.what, step.ok) for step in result.steps],
            [("The label carries a proof of its place in the log", False)],
        )

    def test_no_steps_is_not_success(self):
        self.assertIs(LabelVerification([]).ok, False)

    def test_nonsense_never_raises(self):
        label, _, _ = published()
        nonsense: list[Any] = [
            {},
            {"transparency": "yes"},
            {"transparency": {"log": ORIGIN, "declaration": []}},
            {"transparency": {"log": ORIGIN, "declaration": {"leaf_index": 5, "proof": 7}}},
            {"transparency": {"log": ORIGIN, "declaration": {"leaf_index": 5, "proof": "x"}}},
            {**label, "model": None, "provider": "PRV-000001"},
            {**label, "sources": [float("nan")]},
            {**label, "control": ...},
        ]
        without_control = dict(label)
        del without_control["control"]
        nonsense.append(without_control)
        for document in nonsense:
            with self.subTest(document=str(document)[:60]):
                result = verify(document)
                self.assertIs(result.ok, False)
                self.assertTrue(failures(result))


class TrustedCheckpointTests(SimpleTestCase):
    """A checkpoint the user already trusts, compared with the one the label's proof carries."""

    def test_the_same_checkpoint_agrees(self):
        label, _, checkpoint = published()
        result = verify(label, checkpoint=checkpoint)
        self.assertIs(result.ok, True)
        self.assertEqual(
            [step.what for step in result.steps][-2:],
            [
                "The checkpoint you trust is signed by the log's key",
                "The proof's checkpoint of 12 leaves agrees with the one you trust",
            ],
        )

    def test_a_checkpoint_of_another_size_cannot_be_compared_offline_and_says_so(self):
        label, log, _ = published()
        log.append_filler(4)
        later = log.checkpoint()
        result = verify(label, checkpoint=later)
        self.assertIs(result.ok, True)
        self.assertIn(
            "yours is of 16 leaves, so the two cannot be compared offline",
            step(
                result, "The proof's checkpoint of 12 leaves agrees with the one you trust"
            ).detail,
        )

    def test_two_trees_of_one_size_are_a_split_view(self):
        label, log, _ = published()
        fork = MemoryLog()
        fork.append_filler(12)
        forked = fork.checkpoint()
        result = verify(label, checkpoint=forked)
        failed = failures(result)
        self.assertEqual(len(failed), 1)
        self.assertEqual(
            failed[0].what, "The proof's checkpoint of 12 leaves agrees with the one you trust"
        )
        self.assertTrue(failed[0].detail.startswith("split view: the log signed two different"))
        self.assertIn(log.tree.root().hex(), failed[0].detail)
        self.assertIn(fork.tree.root().hex(), failed[0].detail)

    def test_a_trusted_checkpoint_not_signed_by_the_log_fails(self):
        label, _, _ = published()
        impostor = MemoryLog(IMPOSTOR)
        impostor.append_filler(12)
        result = verify(label, checkpoint=impostor.checkpoint())
        self.assertEqual(
            [step.what for step in failures(result)],
            ["The checkpoint you trust is signed by the log's key"],
        )
