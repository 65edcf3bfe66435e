"""C2SP signed notes, verifier keys and checkpoints: the specs' examples, then what is refused."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import SimpleTestCase
from provenance_client import (
    Checkpoint,
    FormatError,
    SignatureError,
    Signer,
    VerificationError,
    Verifier,
    key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    sign_checkpoint,
    sign_note,
)

EXAMPLES = json.loads((Path(__file__).parent / "fixtures" / "c2sp_examples.json").read_text())
ORIGIN = "register.example.gov.uk/log"
ROOT = hashlib.sha256(b"a root").digest()
# A fixed seed, so that the signatures and key IDs below are the same on every run.
LOG_SIGNER = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
OTHER_SIGNER = Signer("witness.example.org", Ed25519PrivateKey.from_private_bytes(bytes(32)))


def signed_checkpoint(size: int = 7, signer: Signer = LOG_SIGNER) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, ROOT), signer)


class SpecExampleTests(SimpleTestCase):
    """The examples published in the C2SP specifications."""

    def test_the_signed_note_example_verifies_with_its_verifier_key(self):
        example = EXAMPLES["signed_note_example"]
        verifier = Verifier.from_verifier_key(example["verifier_key"])
        note = open_note(example["note"], [verifier])
        self.assertEqual(note.text, "This is an example message.\n")
        self.assertEqual([signature.name for signature in note.verified], ["example.com/foo"])
        self.assertEqual(note.unverified, ())

    def test_the_example_key_id_is_computed_as_the_spec_says(self):
        verifier = Verifier.from_verifier_key(EXAMPLES["signed_note_example"]["verifier_key"])
        material = b"example.com/foo\n\x01" + verifier.public_key
        self.assertEqual(key_id("example.com/foo", verifier.public_key).hex(), "530d903a")
        self.assertEqual(hashlib.sha256(material).digest()[:4].hex(), "530d903a")
        self.assertEqual(
            verifier.to_verifier_key(), EXAMPLES["signed_note_example"]["verifier_key"]
        )

    def test_the_checkpoint_example_parses(self):
        text, signatures = parse_note(EXAMPLES["checkpoint_example"]["note"])
        checkpoint = parse_checkpoint(text)
        self.assertEqual(checkpoint.origin, "example.com/behind-the-sofa")
        self.assertEqual(checkpoint.size, 20852163)
        self.assertEqual(
            base64.b64encode(checkpoint.root_hash).decode(),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
        )
        self.assertEqual(checkpoint.extensions, ())
        self.assertEqual(checkpoint.to_text(), text)
        self.assertEqual([signature.name for signature in signatures], [checkpoint.origin])

    def test_the_checkpoint_example_is_refused_without_its_key(self):
        with self.assertRaisesMessage(SignatureError, "no signature by a trusted key"):
            open_note(EXAMPLES["checkpoint_example"]["note"], [LOG_SIGNER.verifier])


class SigningTests(SimpleTestCase):
    def test_a_signed_checkpoint_opens_with_the_log_key(self):
        note = signed_checkpoint()
        self.assertTrue(note.startswith(f"{ORIGIN}\n7\n{base64.b64encode(ROOT).decode()}\n\n"))
        self.assertIn(f"\n\u2014 {ORIGIN} ", note)
        self.assertEqual(open_checkpoint(note, LOG_SIGNER.verifier), Checkpoint(ORIGIN, 7, ROOT))

    def test_the_signature_starts_with_the_key_id(self):
        line = signed_checkpoint().rsplit("\n\n", 1)[1]
        signature = base64.b64decode(line.split(" ")[2])
        self.assertEqual(signature[:4], LOG_SIGNER.verifier.key_id)
        self.assertEqual(len(signature), 4 + 64)

    def test_a_cosigned_note_verifies_each_trusted_key_and_keeps_the_others_unverified(self):
        note = sign_note("hello\n", [LOG_SIGNER, OTHER_SIGNER])
        opened = open_note(note, [LOG_SIGNER.verifier])
        self.assertEqual([signature.name for signature in opened.verified], [ORIGIN])
        self.assertEqual([signature.name for signature in opened.unverified], [OTHER_SIGNER.name])
        both = open_note(note, [LOG_SIGNER.verifier, OTHER_SIGNER.verifier])
        self.assertEqual(len(both.verified), 2)

    def test_a_note_text_may_hold_blank_lines(self):
        note = sign_note("first\n\nsecond\n", [LOG_SIGNER])
        self.assertEqual(open_note(note, [LOG_SIGNER.verifier]).text, "first\n\nsecond\n")

    def test_a_note_is_accepted_as_utf8_bytes(self):
        note = sign_note("ed è subito sera\n", [LOG_SIGNER]).encode()
        self.assertEqual(open_note(note, [LOG_SIGNER.verifier]).text, "ed è subito sera\n")

    def test_a_text_without_its_final_newline_or_with_control_characters_is_not_signed(self):
        for text in ("no newline", "tab\there\n", "carriage\r\n"):
            with self.subTest(text=text), self.assertRaises(FormatError):
                sign_note(text, [LOG_SIGNER])

    def test_extension_lines_are_kept(self):
        checkpoint = Checkpoint(ORIGIN, 3, ROOT, ("an extension", "another"))
        note = sign_checkpoint(checkpoint, LOG_SIGNER)
        self.assertEqual(open_checkpoint(note, LOG_SIGNER.verifier), checkpoint)


class KeyTests(SimpleTestCase):
    def test_a_private_key_string_round_trips(self):
        skey = LOG_SIGNER.to_private_key()
        self.assertTrue(
            skey.startswith(f"PRIVATE+KEY+{ORIGIN}+{LOG_SIGNER.verifier.key_id.hex()}+")
        )
        restored = Signer.from_private_key(skey)
        self.assertEqual(restored.verifier, LOG_SIGNER.verifier)

    def test_a_verifier_key_whose_base64_holds_a_plus_parses(self):
        vkey = LOG_SIGNER.verifier.to_verifier_key()
        self.assertEqual(vkey, f"{ORIGIN}+0639dc82+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4")
        self.assertEqual(Verifier.from_verifier_key(vkey), LOG_SIGNER.verifier)

    def test_a_generated_key_signs_what_its_verifier_key_verifies(self):
        signer = Signer.generate("fresh.example/log")
        verifier = Verifier.from_verifier_key(signer.verifier.to_verifier_key())
        self.assertEqual(open_note(sign_note("x\n", [signer]), [verifier]).text, "x\n")

    def test_malformed_verifier_keys_are_refused(self):
        good = LOG_SIGNER.verifier.to_verifier_key()
        name, hex_id, encoded = good.split("+", 2)
        ecdsa = base64.b64encode(b"\x02" + LOG_SIGNER.verifier.public_key).decode()
        short = base64.b64encode(b"\x01" + bytes(31)).decode()
        cases = {
            "missing part": f"{name}+{hex_id}",
            "wrong key id": f"{name}+00000000+{encoded}",
            "upper-case key id": f"{name}+{hex_id.upper()}+{encoded}",
            "another name": f"other.example+{hex_id}+{encoded}",
            "not base64": f"{name}+{hex_id}+not*base64",
            "another signature type": f"{name}+{hex_id}+{ecdsa}",
            "short key": f"{name}+{hex_id}+{short}",
            "empty name": f"+{hex_id}+{encoded}",
        }
        for case, vkey in cases.items():
            with self.subTest(case), self.assertRaises(FormatError):
                Verifier.from_verifier_key(vkey)

    def test_malformed_private_keys_are_refused(self):
        good = LOG_SIGNER.to_private_key()
        for case, skey in {
            "no prefix": good.removeprefix("PRIVATE+KEY+"),
            "wrong key id": good.replace(LOG_SIGNER.verifier.key_id.hex(), "00000000"),
            "short seed": f"PRIVATE+KEY+{ORIGIN}+00000000+{base64.b64encode(bytes(32)).decode()}",
        }.items():
            with self.subTest(case), self.assertRaises(FormatError):
                Signer.from_private_key(skey)

    def test_key_names_with_spaces_or_plus_are_refused(self):
        for name in ("", "with space", "with+plus", "tab\tname"):
            with self.subTest(name=name), self.assertRaises(FormatError):
                Verifier(name, LOG_SIGNER.verifier.public_key)


class VerificationFailureTests(SimpleTestCase):
    """Every change to a signed note makes opening it fail, with the reason."""

    def test_a_changed_body_fails(self):
        note = signed_checkpoint(size=7).replace(f"{ORIGIN}\n7\n", f"{ORIGIN}\n8\n")
        with self.assertRaisesMessage(SignatureError, f"the signature by {ORIGIN} does not verify"):
            open_checkpoint(note, LOG_SIGNER.verifier)

    def test_any_changed_byte_of_the_signature_fails(self):
        note = signed_checkpoint()
        text, line = note.rsplit("\n\n", 1)
        prefix, encoded = line.rstrip("\n").rsplit(" ", 1)
        signature = base64.b64decode(encoded)
        for position in range(4, len(signature)):
            changed = bytearray(signature)
            changed[position] ^= 0x01
            forged = f"{text}\n\n{prefix} {base64.b64encode(bytes(changed)).decode()}\n"
            with self.assertRaises(SignatureError, msg=f"byte {position}"):
                open_note(forged, [LOG_SIGNER.verifier])

    def test_a_signature_by_an_unknown_key_name_is_ignored_and_so_the_note_fails(self):
        note = signed_checkpoint().replace(f"\u2014 {ORIGIN} ", "\u2014 impostor.example/log ")
        with self.assertRaisesMessage(SignatureError, "no signature by a trusted key"):
            open_note(note, [LOG_SIGNER.verifier])

    def test_a_signature_with_a_wrong_key_id_is_ignored_and_so_the_note_fails(self):
        note = signed_checkpoint()
        text, line = note.rsplit("\n\n", 1)
        prefix, encoded = line.rstrip("\n").rsplit(" ", 1)
        signature = base64.b64decode(encoded)
        wrong_id = bytes([signature[0] ^ 0x01]) + signature[1:]
        forged = f"{text}\n\n{prefix} {base64.b64encode(wrong_id).decode()}\n"
        with self.assertRaisesMessage(SignatureError, "no signature by a trusted key"):
            open_note(forged, [LOG_SIGNER.verifier])

    def test_a_signature_by_another_key_fails(self):
        with self.assertRaisesMessage(SignatureError, "no signature by a trusted key"):
            open_checkpoint(signed_checkpoint(signer=OTHER_SIGNER), LOG_SIGNER.verifier)

    def test_a_checkpoint_of_another_origin_fails(self):
        note = sign_checkpoint(Checkpoint("elsewhere.example/log", 7, ROOT), LOG_SIGNER)
        with self.assertRaisesMessage(FormatError, "is of 'elsewhere.example/log'"):
            open_checkpoint(note, LOG_SIGNER.verifier)
        opened = open_checkpoint(note, LOG_SIGNER.verifier, origin="elsewhere.example/log")
        self.assertEqual(opened.size, 7)

    def test_malformed_notes_are_refused(self):
        note = signed_checkpoint()
        text, signatures = note.rsplit("\n\n", 1)
        cases = {
            "missing blank line": f"{text}\n{signatures}",
            "extra trailing data": f"{note}trailing",
            "extra trailing line": f"{note}trailing\n",
            "blank line after the signatures": f"{note}\n",
            "no final newline": note.rstrip("\n"),
            "no signature lines": f"{text}\n\n",
            "hyphen for em dash": note.replace("\u2014 ", "- "),
            "no space after the dash": note.replace("\u2014 ", "\u2014"),
            "no signature after the name": f"{text}\n\n\u2014 {ORIGIN}\n",
            "signature not base64": f"{text}\n\n\u2014 {ORIGIN} !!!!\n",
            "signature too short": f"{text}\n\n\u2014 {ORIGIN} AAAAAA==\n",
            "unpadded base64": note.replace("=\n", "\n"),
            "control character": note.replace("\n7\n", "\n7\x07\n"),
            "carriage return": note.replace("\n", "\r\n"),
            "invalid UTF-8": note.encode()[:-3] + b"\xff\xfe\n",
        }
        for case, malformed in cases.items():
            with self.subTest(case), self.assertRaises(FormatError):
                open_note(malformed, [LOG_SIGNER.verifier])

    def test_every_failure_is_a_verification_error(self):
        for note in (f"{signed_checkpoint()}x", signed_checkpoint(signer=OTHER_SIGNER)):
            with self.subTest(note=note), self.assertRaises(VerificationError):
                open_checkpoint(note, LOG_SIGNER.verifier)


class CheckpointParsingTests(SimpleTestCase):
    def test_the_empty_tree_has_size_zero(self):
        root = base64.b64encode(ROOT).decode()
        self.assertEqual(parse_checkpoint(f"{ORIGIN}\n0\n{root}\n").size, 0)

    def test_malformed_checkpoints_are_refused(self):
        root = base64.b64encode(ROOT).decode()
        url_safe = base64.urlsafe_b64encode(bytes([251] * 32)).decode()
        cases = {
            "missing root line": f"{ORIGIN}\n7\n",
            "missing size and root": f"{ORIGIN}\n",
            "empty origin": f"\n7\n{root}\n",
            "no final newline": f"{ORIGIN}\n7\n{root}",
            "leading zero": f"{ORIGIN}\n07\n{root}\n",
            "negative size": f"{ORIGIN}\n-7\n{root}\n",
            "plus sign": f"{ORIGIN}\n+7\n{root}\n",
            "size with a space": f"{ORIGIN}\n 7\n{root}\n",
            "hexadecimal size": f"{ORIGIN}\n0x7\n{root}\n",
            "non-ASCII digits": f"{ORIGIN}\n\u0667\n{root}\n",
            "size beyond 64 bits": f"{ORIGIN}\n{2**64}\n{root}\n",
            "root not base64": f"{ORIGIN}\n7\n{root[:-2]}*=\n",
            "root without padding": f"{ORIGIN}\n7\n{root.rstrip('=')}\n",
            "root of 31 bytes": f"{ORIGIN}\n7\n{base64.b64encode(ROOT[:31]).decode()}\n",
            "root of 33 bytes": f"{ORIGIN}\n7\n{base64.b64encode(ROOT + b'x').decode()}\n",
            "url-safe base64": f"{ORIGIN}\n7\n{url_safe}\n",
            "empty extension line": f"{ORIGIN}\n7\n{root}\n\nextension\n",
            "control character in the origin": f"{ORIGIN}\x00\n7\n{root}\n",
        }
        for case, text in cases.items():
            with self.subTest(case), self.assertRaises(FormatError):
                parse_checkpoint(text)

    def test_a_checkpoint_that_cannot_be_written_is_refused(self):
        for case, arguments in {
            "empty origin": ("", 1, ROOT),
            "two-line origin": ("a\nb", 1, ROOT),
            "negative size": (ORIGIN, -1, ROOT),
            "short root": (ORIGIN, 1, ROOT[:20]),
        }.items():
            with self.subTest(case), self.assertRaises(FormatError):
                Checkpoint(*arguments)
        with self.assertRaises(FormatError):
            Checkpoint(ORIGIN, 1, ROOT, ("",))
