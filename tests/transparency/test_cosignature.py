"""C2SP tlog-cosignature: witnesses' Ed25519 cosignatures, the spec's examples, then forgeries."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import SimpleTestCase
from provenance_client import (
    Checkpoint,
    CosignatureSigner,
    CosignatureVerifier,
    FormatError,
    NoteSignature,
    SignatureError,
    Signer,
    Verifier,
    add_signature_lines,
    cosignature_message,
    cosignatures,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    sign_checkpoint,
)

EXAMPLES = json.loads(
    (Path(__file__).parent / "fixtures" / "c2sp_cosignature_examples.json").read_text()
)
ORIGIN = "register.example.gov.uk/log"
LOG = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
# Fixed seeds, so that the cosignatures below are the same on every run.
ALPHA = CosignatureSigner(
    "witness.example.org/alpha", Ed25519PrivateKey.from_private_bytes(b"a" * 32)
)
BETA = CosignatureSigner(
    "witness.example.org/beta", Ed25519PrivateKey.from_private_bytes(b"b" * 32)
)
CHECKPOINT = Checkpoint(ORIGIN, 1234, hashlib.sha256(b"a root").digest())
TEXT = CHECKPOINT.to_text()
TIME = 1_767_225_600  # 2026-01-01T00:00:00Z


def flipped(value: bytes, position: int) -> bytes:
    return value[:position] + bytes([value[position] ^ 0x01]) + value[position + 1 :]


def signature_of(line: str) -> NoteSignature:
    """The NoteSignature of one line, as parse_note reads it from a note."""
    return parse_note("x\n\n" + line)[1][0]


class SpecExampleTests(SimpleTestCase):
    """The examples published in tlog-cosignature and tlog-witness (their keys are not)."""

    def test_the_signed_message_is_the_specs_example(self):
        text, _ = parse_note(EXAMPLES["cosigned_checkpoint"]["note"])
        self.assertEqual(
            cosignature_message(text, 1679315147),
            EXAMPLES["cosignature_message"]["message"].encode(),
        )

    def test_the_example_cosignature_is_a_key_id_a_timestamp_and_a_signature(self):
        """Its timestamp is the time of the spec's example message."""
        _, signatures = parse_note(EXAMPLES["cosigned_checkpoint"]["note"])
        log, witness = signatures
        self.assertEqual(witness.name, "witness.example.com/w1")
        self.assertEqual(len(witness.signature), 8 + 64)
        self.assertEqual(int.from_bytes(witness.signature[:8], "big"), 1679315147)
        self.assertEqual(len(log.signature), 64)

    def test_the_example_cosignature_is_ignored_by_a_witness_of_the_same_name_but_another_key(self):
        other = CosignatureSigner("witness.example.com/w1", ALPHA.private_key).verifier
        self.assertEqual(cosignatures(EXAMPLES["cosigned_checkpoint"]["note"], [other]), {})

    def test_a_witness_response_is_added_to_the_checkpoint_it_answers(self):
        note = EXAMPLES["cosigned_checkpoint"]["note"]
        response = EXAMPLES["witness_response"]["lines"]
        combined = add_signature_lines(note, response.splitlines(keepends=True))
        self.assertEqual(combined, note + response)
        self.assertEqual(len(parse_note(combined)[1]), 5)
        self.assertEqual(add_signature_lines(combined, response.splitlines()), combined)


class KeyTests(SimpleTestCase):
    def test_the_key_id_is_computed_with_the_cosignature_type_byte(self):
        verifier = ALPHA.verifier
        material = b"witness.example.org/alpha\n\x04" + verifier.public_key
        self.assertEqual(verifier.key_id, hashlib.sha256(material).digest()[:4])
        log_key_id = Verifier(ALPHA.name, verifier.public_key).key_id
        self.assertNotEqual(verifier.key_id, log_key_id)

    def test_a_verifier_key_round_trips_with_type_byte_4(self):
        vkey = ALPHA.verifier.to_verifier_key()
        name, hex_id, encoded = vkey.split("+", 2)
        self.assertEqual((name, hex_id), (ALPHA.name, ALPHA.verifier.key_id.hex()))
        self.assertEqual(base64.b64decode(encoded), b"\x04" + ALPHA.verifier.public_key)
        self.assertEqual(CosignatureVerifier.from_verifier_key(vkey), ALPHA.verifier)

    def test_a_wrong_verifier_key_is_refused(self):
        vkey = ALPHA.verifier.to_verifier_key()
        log_vkey = Verifier(ALPHA.name, ALPHA.verifier.public_key).to_verifier_key()
        name, hex_id, encoded = vkey.split("+", 2)
        for bad, message in (
            (log_vkey, "not an Ed25519 cosigner key (type byte 0x04)"),
            (f"{name}+{hex_id}", "a name, a key ID and a key"),
            (f"{name}+00000000+{encoded}", "ID '00000000' does not match"),
            (f"{name}+{hex_id}0+{encoded}", "does not match its name and key"),
            (f"other.example+{hex_id}+{encoded}", "does not match its name and key"),
            (f"{name}+{hex_id}+{encoded[:-4]}", "an Ed25519 public key is 32 bytes, not 29"),
            (f"{name}+{hex_id}+{encoded[:-1]}!", "not valid base64"),
            (f"{name}+{hex_id}+{encoded}=", "not in canonical base64"),
            (f"has space+{hex_id}+{encoded}", "a key name must be non-empty"),
        ):
            with self.subTest(bad), self.assertRaisesMessage(FormatError, message):
                CosignatureVerifier.from_verifier_key(bad)

    def test_a_private_key_round_trips(self):
        skey = ALPHA.to_private_key()
        name, hex_id, encoded = skey.removeprefix("PRIVATE+KEY+").split("+", 2)
        self.assertEqual((name, hex_id), (ALPHA.name, ALPHA.verifier.key_id.hex()))
        self.assertEqual(base64.b64decode(encoded), b"\x04" + b"a" * 32)
        self.assertEqual(CosignatureSigner.from_private_key(skey).verifier, ALPHA.verifier)
        generated = CosignatureSigner.generate("witness.example.org/new")
        parsed = CosignatureSigner.from_private_key(generated.to_private_key())
        self.assertEqual(parsed.verifier, generated.verifier)

    def test_a_wrong_private_key_is_refused(self):
        skey = ALPHA.to_private_key()
        log_skey = Signer(ALPHA.name, ALPHA.private_key).to_private_key()
        name, hex_id, encoded = skey.removeprefix("PRIVATE+KEY+").split("+", 2)
        for bad, message in (
            (log_skey, "not a 32-byte Ed25519 seed of type 0x04"),
            (skey.removeprefix("PRIVATE+"), "starts with 'PRIVATE+KEY+'"),
            (f"PRIVATE+KEY+{name}+{hex_id}", "holds a name, a key ID and a key"),
            (f"PRIVATE+KEY+{name}+00000000+{encoded}", "ID '00000000' does not match"),
            (f"PRIVATE+KEY+{name}+{hex_id}+{encoded[:-4]}", "not a 32-byte Ed25519 seed"),
        ):
            with self.subTest(bad), self.assertRaisesMessage(FormatError, message):
                CosignatureSigner.from_private_key(bad)


class CosignTests(SimpleTestCase):
    def test_a_cosignature_verifies_and_gives_its_timestamp(self):
        line = ALPHA.cosign(TEXT, TIME)
        self.assertTrue(
            line.startswith("\u2014 witness.example.org/alpha ") and line.endswith("\n")
        )
        signature = signature_of(line)
        self.assertEqual(signature.key_id, ALPHA.verifier.key_id)
        self.assertEqual(signature.signature[:8], TIME.to_bytes(8, "big"))
        self.assertEqual(ALPHA.verifier.verify(TEXT, signature), TIME)

    def test_it_signs_the_header_the_time_and_the_checkpoint(self):
        signature = signature_of(ALPHA.cosign(TEXT, TIME))
        message = f"cosignature/v1\ntime {TIME}\n{TEXT}".encode()
        self.assertEqual(cosignature_message(TEXT, TIME), message)
        public = ALPHA.private_key.public_key()
        public.verify(signature.signature[8:], message)  # raises if it signed anything else

    def test_the_timestamps_limits(self):
        self.assertEqual(ALPHA.verifier.verify(TEXT, signature_of(ALPHA.cosign(TEXT, 0))), 0)
        top = 2**63 - 1
        self.assertEqual(ALPHA.verifier.verify(TEXT, signature_of(ALPHA.cosign(TEXT, top))), top)
        for bad in (-1, 2**63):
            with self.assertRaisesMessage(ValueError, f"between 0 and 2^63 - 1, not {bad}"):
                ALPHA.cosign(TEXT, bad)

    def test_a_timestamp_over_2_63_is_refused_even_when_signed(self):
        timestamp = 2**63
        message = f"cosignature/v1\ntime {timestamp}\n{TEXT}".encode()
        material = (
            ALPHA.verifier.key_id + timestamp.to_bytes(8, "big") + ALPHA.private_key.sign(message)
        )
        signature = NoteSignature(ALPHA.name, material[:4], material[4:])
        with self.assertRaisesMessage(SignatureError, "has a timestamp over 2^63 - 1"):
            ALPHA.verifier.verify(TEXT, signature)

    def test_only_checkpoints_are_cosigned(self):
        with self.assertRaisesMessage(FormatError, "needs an origin, a tree size and a root hash"):
            ALPHA.cosign("Any note at all.\n", TIME)

    def test_any_changed_byte_fails(self):
        signature = signature_of(ALPHA.cosign(TEXT, TIME))
        for position in range(len(signature.signature)):
            changed = NoteSignature(
                signature.name, signature.key_id, flipped(signature.signature, position)
            )
            with self.assertRaises(SignatureError, msg=f"signature byte {position}"):
                ALPHA.verifier.verify(TEXT, changed)
        for position in range(len(TEXT)):
            text = flipped(TEXT.encode(), position).decode()
            with self.assertRaises(SignatureError, msg=f"text byte {position}"):
                ALPHA.verifier.verify(text, signature)

    def test_a_cosignature_is_not_taken_for_another_witness_or_another_time(self):
        signature = signature_of(ALPHA.cosign(TEXT, TIME))
        with self.assertRaisesMessage(SignatureError, "is not one by witness.example.org/beta"):
            BETA.verifier.verify(TEXT, signature)
        same_key = CosignatureSigner("witness.example.org/gamma", ALPHA.private_key).verifier
        with self.assertRaisesMessage(SignatureError, "is not one by witness.example.org/gamma"):
            same_key.verify(TEXT, signature)
        moved = NoteSignature(
            signature.name,
            signature.key_id,
            (TIME + 1).to_bytes(8, "big") + signature.signature[8:],
        )
        with self.assertRaisesMessage(
            SignatureError, "by witness.example.org/alpha does not verify"
        ):
            ALPHA.verifier.verify(TEXT, moved)
        short = NoteSignature(signature.name, signature.key_id, signature.signature[8:])
        with self.assertRaisesMessage(SignatureError, "is not a timestamped signature"):
            ALPHA.verifier.verify(TEXT, short)


class CosignedNoteTests(SimpleTestCase):
    """A checkpoint with its log's signature and witnesses' cosignatures."""

    def cosigned(self) -> str:
        note = sign_checkpoint(CHECKPOINT, LOG)
        return add_signature_lines(note, [ALPHA.cosign(TEXT, TIME), BETA.cosign(TEXT, TIME + 5)])

    def test_each_known_witness_is_named_with_its_timestamp(self):
        note = self.cosigned()
        witnesses = [ALPHA.verifier, BETA.verifier]
        self.assertEqual(
            cosignatures(note, witnesses),
            {"witness.example.org/alpha": TIME, "witness.example.org/beta": TIME + 5},
        )
        self.assertEqual(
            cosignatures(note, [BETA.verifier]), {"witness.example.org/beta": TIME + 5}
        )
        self.assertEqual(cosignatures(note, []), {})
        self.assertEqual(cosignatures(note.encode(), witnesses), cosignatures(note, witnesses))

    def test_the_log_and_the_witnesses_keys_do_not_stand_in_for_each_other(self):
        """The log's note verifier ignores cosignatures; a cosigner key ignores the log's line,
        even when both are the same key under the same name."""
        note = self.cosigned()
        self.assertEqual(open_checkpoint(note, LOG.verifier), CHECKPOINT)
        self.assertEqual(len(open_note(note, [LOG.verifier]).unverified), 2)
        log_as_witness = CosignatureSigner(ORIGIN, LOG.private_key).verifier
        self.assertEqual(cosignatures(note, [log_as_witness]), {})
        with self.assertRaisesMessage(SignatureError, "no signature by a trusted key"):
            open_note(note, [Verifier(ALPHA.name, ALPHA.verifier.public_key)])

    def test_a_known_witness_bad_cosignature_refuses_the_note(self):
        note = sign_checkpoint(CHECKPOINT, LOG)
        other_text = Checkpoint(ORIGIN, 1235, CHECKPOINT.root_hash).to_text()
        forged = add_signature_lines(
            note, [ALPHA.cosign(other_text, TIME), BETA.cosign(TEXT, TIME)]
        )
        with self.assertRaisesMessage(
            SignatureError, "by witness.example.org/alpha does not verify"
        ):
            cosignatures(forged, [ALPHA.verifier, BETA.verifier])
        self.assertEqual(cosignatures(forged, [BETA.verifier]), {"witness.example.org/beta": TIME})

    def test_any_changed_byte_of_the_cosignature_lines_fails(self):
        note = self.cosigned()
        start = note.index("\u2014 witness.example.org/alpha")
        encoded = note.encode()
        begin = len(note[:start].encode())
        for position in range(begin, len(encoded)):
            changed = flipped(encoded, position)
            with self.assertRaises((SignatureError, FormatError), msg=f"byte {position}"):
                result = cosignatures(changed, [ALPHA.verifier, BETA.verifier])
                # A changed name or key ID makes the line unknown: the witness is then missing.
                if set(result) != {ALPHA.name, BETA.name}:
                    raise SignatureError("a cosignature went missing")

    def test_the_later_of_two_cosignatures_by_one_witness_is_kept(self):
        note = add_signature_lines(self.cosigned(), [ALPHA.cosign(TEXT, TIME + 60)])
        self.assertEqual(cosignatures(note, [ALPHA.verifier])[ALPHA.name], TIME + 60)


class AddSignatureLinesTests(SimpleTestCase):
    def test_lines_are_appended_once_with_or_without_their_newline(self):
        note = sign_checkpoint(CHECKPOINT, LOG)
        line = ALPHA.cosign(TEXT, TIME)
        once = add_signature_lines(note, [line, line.removesuffix("\n"), line])
        self.assertEqual(once, note + line)
        self.assertEqual(add_signature_lines(once, [line]), once)
        log_line = note[note.index("\u2014") :]
        self.assertEqual(add_signature_lines(note, [log_line]), note)
        self.assertEqual(add_signature_lines(note, []), note)
        self.assertEqual(parse_checkpoint(parse_note(once)[0]), CHECKPOINT)

    def test_a_malformed_line_is_refused(self):
        note = sign_checkpoint(CHECKPOINT, LOG)
        line = ALPHA.cosign(TEXT, TIME)
        for bad, message in (
            ("", "a signature line must be one non-empty line"),
            ("\n", "a signature line must be one non-empty line"),
            (line + line, "a signature line must be one non-empty line"),
            ("- " + line[2:], "a signature line starts with an em dash and a space"),
            (line.replace(" ", "  ", 1), "a key name must be non-empty"),
            (line[:-3] + "!\n", "is not valid base64"),
        ):
            with self.subTest(bad), self.assertRaisesMessage(FormatError, message):
                add_signature_lines(note, [bad])
        with self.assertRaisesMessage(FormatError, "carries no signature lines"):
            add_signature_lines(TEXT + "\n", [line])
