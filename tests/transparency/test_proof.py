"""C2SP tlog-proof: the file format both ways, then verification and everything it refuses."""

from __future__ import annotations

import base64
from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import SimpleTestCase
from provenance_client import (
    Checkpoint,
    CosignatureSigner,
    FormatError,
    MerkleTree,
    ProofError,
    SignatureError,
    Signer,
    TlogProof,
    VerificationError,
    VerifiedProof,
    add_signature_lines,
    format_proof,
    leaf_hash,
    parse_proof,
    sign_checkpoint,
    verify_proof,
)

ORIGIN = "register.example.gov.uk/log"
LOG = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
ALPHA = CosignatureSigner(
    "witness.example.org/alpha", Ed25519PrivateKey.from_private_bytes(b"a" * 32)
)
BETA = CosignatureSigner(
    "witness.example.org/beta", Ed25519PrivateKey.from_private_bytes(b"b" * 32)
)
STRANGER = CosignatureSigner(
    "witness.example.net/x", Ed25519PrivateKey.from_private_bytes(b"x" * 32)
)
ENTRIES = [f"declaration {number}".encode() for number in range(21)]
TREE = MerkleTree(leaf_hash(entry) for entry in ENTRIES)
TIME = 1_767_225_600


def checkpoint_note(size: int = 21, witnesses=(ALPHA, BETA)) -> str:
    checkpoint = Checkpoint(ORIGIN, size, TREE.root(size))
    note = sign_checkpoint(checkpoint, LOG)
    text = checkpoint.to_text()
    return add_signature_lines(note, [witness.cosign(text, TIME) for witness in witnesses])


def proof_of(index: int, size: int = 21, **changes) -> TlogProof:
    fields = {
        "index": index,
        "hashes": tuple(TREE.inclusion_proof(index, size)),
        "checkpoint": checkpoint_note(size),
        **changes,
    }
    return TlogProof(**fields)


def flipped(value: bytes, position: int) -> bytes:
    return value[:position] + bytes([value[position] ^ 0x01]) + value[position + 1 :]


class FormatTests(SimpleTestCase):
    def test_a_proof_is_written_as_the_spec_lays_it_out(self):
        proof = proof_of(5, extra=b"age-v1.2.1")
        hashes = "".join(base64.b64encode(node).decode() + "\n" for node in proof.hashes)
        self.assertEqual(
            format_proof(proof),
            "c2sp.org/tlog-proof@v1\n"
            f"extra {base64.b64encode(b'age-v1.2.1').decode()}\n"
            "index 5\n" + hashes + "\n" + proof.checkpoint,
        )
        self.assertEqual(len(proof.hashes), 5)

    def test_without_extra_data_or_proof_hashes(self):
        checkpoint = checkpoint_note(1)
        proof = TlogProof(index=0, hashes=(), checkpoint=checkpoint)
        self.assertEqual(format_proof(proof), "c2sp.org/tlog-proof@v1\nindex 0\n\n" + checkpoint)
        self.assertEqual(parse_proof(format_proof(proof)), proof)

    def test_every_proof_parses_back_to_itself(self):
        for index in range(21):
            for extra in (None, b"", b"\x00\xff extra"):
                proof = proof_of(index, extra=extra)
                with self.subTest(index=index, extra=extra):
                    self.assertEqual(parse_proof(format_proof(proof)), proof)
                    self.assertEqual(parse_proof(format_proof(proof).encode()), proof)

    def test_malformed_proofs_are_refused_with_what_is_wrong(self):
        good = format_proof(proof_of(5))
        head, _, checkpoint = good.partition("\n\n")
        first_hash = head.split("\n")[2]
        short_hash = base64.b64encode(base64.b64decode(first_hash)[:31]).decode()
        for text, message in (
            ("", "needs a blank line between its proof and its checkpoint"),
            (head + "\n" + checkpoint, "proof hash 5 is not valid base64"),
            (good.replace("@v1", "@v2", 1), "starts with the line 'c2sp.org/tlog-proof@v1'"),
            ("\n" + good, "starts with the line"),
            (good.replace("index 5", "index 05"), "index is a decimal without leading zeros"),
            (good.replace("index 5", "index -5"), "index is a decimal without leading zeros"),
            (good.replace("index 5", "index +5"), "index is a decimal without leading zeros"),
            (good.replace("index 5", "index 5 "), "index is a decimal without leading zeros"),
            (good.replace("index 5", "index \u0665"), "index is a decimal without leading zeros"),
            (good.replace("index 5", "index  5"), "index is a decimal without leading zeros"),
            (good.replace("index 5", "index " + "9" * 5000), "index is too large"),
            (good.replace("index 5", f"index {2**64 - 1}"), "index is between 0 and 2^64 - 2"),
            (good.replace("index 5", "Index 5"), "index line ('index <n>') is missing"),
            (good.replace("index 5\n", ""), "index line ('index <n>') is missing"),
            (
                good.replace("index 5", "extra AA==\nextra AA==\nindex 5"),
                "index line ('index <n>') is missing",
            ),
            (good.replace("index 5", "index 5\nextra AA=="), "proof hash 0 is not valid base64"),
            (
                good.replace("tlog-proof@v1\n", "tlog-proof@v1\nextra !!\n"),
                "extra data is not valid",
            ),
            (
                good.replace("tlog-proof@v1\n", "tlog-proof@v1\nextra AB==\n"),
                "extra data is not in canonical",
            ),
            (good.replace(first_hash, short_hash), "proof hash 0 is 31 bytes, not 32"),
            (good.replace(first_hash, first_hash + "AAAA"), "proof hash 0 is not valid base64"),
            (
                good.replace(first_hash, first_hash[:-2] + "B="),
                "proof hash 0 is not in canonical base64",
            ),
            (good.replace(first_hash, first_hash[:-1] + "!"), "proof hash 0 is not valid base64"),
            (good.replace(first_hash, " " + first_hash), "proof hash 0 is not valid base64"),
            (good.replace(first_hash, "\n".join([first_hash] * 65)), "at most 64 hashes"),
            (good + "\n", "a signed note carries no signature lines"),
            (head + "\n\n\n" + checkpoint, "a checkpoint's tree size is a decimal"),
            (head + "\n\nnot a checkpoint\n\n— x AAAAAAA=\n", "checkpoint needs an origin"),
            (
                head + "\n\n" + checkpoint.partition("\n\n")[0] + "\n",
                "needs a blank line between its text",
            ),
            (good.encode().replace(b"index", b"\xffndex"), "a tlog proof must be valid UTF-8"),
        ):
            with self.subTest(text[:80]), self.assertRaisesMessage(FormatError, message):
                parse_proof(text)

    def test_a_proof_cannot_be_built_malformed(self):
        for changes, message in (
            ({"index": -1}, "index is between 0 and 2^64 - 2, not -1"),
            ({"hashes": (b"x" * 31,)}, "proof hash 0 is 31 bytes, not 32"),
            ({"hashes": (b"x" * 32,) * 65}, "at most 64 hashes"),
            ({"checkpoint": "a note\n\n— x AAAAAAA=\n"}, "needs an origin"),
        ):
            with self.subTest(changes), self.assertRaisesMessage(FormatError, message):
                replace(proof_of(5), **changes)


class VerifyTests(SimpleTestCase):
    def test_every_entry_is_proved_with_its_cosigners(self):
        witnesses = [ALPHA.verifier, BETA.verifier]
        for size in (1, 2, 7, 8, 21):
            for index in range(size):
                proof = parse_proof(format_proof(proof_of(index, size)))
                with self.subTest(size=size, index=index):
                    verified = verify_proof(
                        proof, leaf=ENTRIES[index], log=LOG.verifier, witnesses=witnesses
                    )
                    self.assertEqual(
                        verified,
                        VerifiedProof(
                            checkpoint=Checkpoint(ORIGIN, size, TREE.root(size)),
                            cosigned_by=("witness.example.org/alpha", "witness.example.org/beta"),
                            leaf_hash=leaf_hash(ENTRIES[index]),
                        ),
                    )

    def test_cosigners_are_named_in_the_order_given_and_unknown_ones_ignored(self):
        proof = proof_of(3, checkpoint=checkpoint_note(witnesses=(STRANGER, BETA, ALPHA)))
        verified = verify_proof(
            proof, leaf=ENTRIES[3], log=LOG.verifier, witnesses=[BETA.verifier, ALPHA.verifier]
        )
        self.assertEqual(
            verified.cosigned_by, ("witness.example.org/beta", "witness.example.org/alpha")
        )
        alone = verify_proof(proof, leaf=ENTRIES[3], log=LOG.verifier)
        self.assertEqual(alone.cosigned_by, ())
        uncosigned = proof_of(3, checkpoint=checkpoint_note(witnesses=()))
        verified = verify_proof(
            uncosigned, leaf=ENTRIES[3], log=LOG.verifier, witnesses=[ALPHA.verifier]
        )
        self.assertEqual(verified.cosigned_by, ())

    def test_another_entry_is_not_proved(self):
        proof = proof_of(3)
        for leaf in (ENTRIES[4], ENTRIES[3] + b" ", b"", leaf_hash(ENTRIES[3])):
            with self.subTest(leaf=leaf), self.assertRaisesMessage(ProofError, "different root"):
                verify_proof(proof, leaf=leaf, log=LOG.verifier)

    def test_the_wrong_index_size_or_hashes_are_not_proved(self):
        for proof in (
            proof_of(4, hashes=tuple(TREE.inclusion_proof(3, 21))),
            proof_of(3, hashes=tuple(TREE.inclusion_proof(3, 20))),
            proof_of(3, hashes=tuple(TREE.inclusion_proof(3, 21))[:-1]),
            proof_of(3, checkpoint=checkpoint_note(20)),
        ):
            with self.assertRaises(ProofError):
                verify_proof(proof, leaf=ENTRIES[3], log=LOG.verifier)
        with self.assertRaisesMessage(ProofError, "leaf index 21 is not within a tree of 21"):
            verify_proof(replace(proof_of(3), index=21), leaf=ENTRIES[3], log=LOG.verifier)

    def test_a_checkpoint_not_signed_by_the_log_is_refused(self):
        impostor = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(32)))
        with self.assertRaisesMessage(SignatureError, "no signature by a trusted key"):
            verify_proof(proof_of(3), leaf=ENTRIES[3], log=impostor.verifier)
        other_log = Signer("other.example/log", LOG.private_key)
        with self.assertRaisesMessage(SignatureError, "no signature by a trusted key"):
            verify_proof(proof_of(3), leaf=ENTRIES[3], log=other_log.verifier)

    def test_a_checkpoint_of_another_origin_is_refused(self):
        with self.assertRaisesMessage(FormatError, f"is of {ORIGIN!r}, not 'elsewhere.example'"):
            verify_proof(proof_of(3), leaf=ENTRIES[3], log=LOG.verifier, origin="elsewhere.example")
        verified = verify_proof(proof_of(3), leaf=ENTRIES[3], log=LOG.verifier, origin=ORIGIN)
        self.assertEqual(verified.checkpoint.origin, ORIGIN)

    def test_a_known_witness_bad_cosignature_refuses_the_proof(self):
        checkpoint = sign_checkpoint(Checkpoint(ORIGIN, 21, TREE.root(21)), LOG)
        stale = Checkpoint(ORIGIN, 20, TREE.root(20)).to_text()
        forged = add_signature_lines(checkpoint, [ALPHA.cosign(stale, TIME)])
        proof = proof_of(3, checkpoint=forged)
        with self.assertRaisesMessage(
            SignatureError, "by witness.example.org/alpha does not verify"
        ):
            verify_proof(proof, leaf=ENTRIES[3], log=LOG.verifier, witnesses=[ALPHA.verifier])
        verified = verify_proof(proof, leaf=ENTRIES[3], log=LOG.verifier, witnesses=[BETA.verifier])
        self.assertEqual(verified.cosigned_by, ())

    def test_any_changed_byte_of_the_proof_fails_but_the_unsigned_extra_data(self):
        """Every byte is bound by a signature or the Merkle proof, except the extra data, which
        the spec leaves unauthenticated: a change there still verifies, with other extra data."""
        proof = proof_of(6, extra=b"label 42")
        text = format_proof(proof).encode()
        extra_line = text.index(b"extra ")
        extra_end = text.index(b"\n", extra_line)
        witnesses = [ALPHA.verifier, BETA.verifier]
        extra_positions = range(extra_line + len("extra "), extra_end)
        checked = 0
        for position in range(len(text)):
            changed = flipped(text, position)
            if position in extra_positions:
                try:
                    altered = parse_proof(changed)
                except FormatError:
                    continue
                self.assertNotEqual(altered.extra, proof.extra)
                verify_proof(altered, leaf=ENTRIES[6], log=LOG.verifier, witnesses=witnesses)
                continue
            with self.assertRaises(
                VerificationError, msg=f"byte {position}: {changed[position : position + 1]!r}"
            ):
                parsed = parse_proof(changed)
                verified = verify_proof(
                    parsed, leaf=ENTRIES[6], log=LOG.verifier, witnesses=witnesses
                )
                if len(verified.cosigned_by) != 2:
                    raise SignatureError("a cosignature went missing")
            checked += 1
        self.assertEqual(checked, len(text) - len(extra_positions))
