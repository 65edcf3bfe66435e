"""The log as anyone reads it: its checkpoint, key and tiles under /log/, the page that explains
it, and the endpoint witnesses post their cosignatures to.

The tiles are files in the storage; each test gets an empty storage of its own.
"""

from __future__ import annotations

import base64
import time

from django.test import Client, TestCase, override_settings
from django.urls import reverse
from provenance_client.cosignature import CosignatureSigner, cosignatures
from provenance_client.merkle import (
    read_consistency_proof,
    read_inclusion_proof,
    read_root,
    verify_consistency,
    verify_inclusion,
)
from provenance_client.note import Checkpoint as CheckpointBody
from provenance_client.note import Signer, Verifier, open_checkpoint, parse_note, sign_checkpoint
from provenance_client.tiles import TileReader, decode_entries

from registry.audit.models import AuditEvent
from registry.transparency import keys, services
from registry.transparency.models import Checkpoint, Cosignature, LogEntry
from registry.transparency.selectors import DatabaseHashes, checkpoint_note, latest_checkpoint
from registry.transparency.views import MAX_COSIGNATURE_BYTES
from tests.base import PersonaTestCase
from tests.labels.test_exports import IN_MEMORY
from tests.labels.test_selectors import SENTINEL_NUMBERS, SENTINEL_TEXT, US_FUND, sentinel_filing
from tests.matrix import PERSONAS
from tests.transparency.test_log import leaves_pending

CHECKPOINT = reverse("transparency:checkpoint")
KEY = reverse("transparency:key")
COSIGNATURE = reverse("transparency:cosignature")
LOG = reverse("transparency:log")
WITNESS = CosignatureSigner.generate("witness.example.org/w1")
WITNESS_KEY = WITNESS.verifier.to_verifier_key()
# Another key under the same name: a witness the log does not know, pretending.
IMPOSTOR = CosignatureSigner.generate("witness.example.org/w1")
STRANGER = CosignatureSigner.generate("stranger.example.net")


def tile_url(path: str) -> str:
    return f"/log/{path}"


class FreshStorageTestCase(TestCase):
    def setUp(self):
        super().setUp()
        self.enterContext(override_settings(STORAGES=IN_MEMORY))


# --- The checkpoint and the key


class CheckpointViewTests(FreshStorageTestCase):
    def test_before_any_checkpoint_it_is_not_found_in_plain_text(self):
        response = self.client.get(CHECKPOINT)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(response.content, b"The log has no checkpoint yet.\n")

    def test_the_latest_checkpoint_signed_by_the_log_with_a_short_cache(self):
        leaves_pending(3)
        services.log_publish()
        response = self.client.get(CHECKPOINT)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(response["Cache-Control"], "public, max-age=5")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        body = open_checkpoint(response.content, keys.log_verifier())
        checkpoint = Checkpoint.objects.get()
        self.assertEqual((body.size, body.root_hash), (3, bytes(checkpoint.root_hash)))
        self.assertEqual(response.content.decode(), checkpoint.note)

    def test_a_newer_checkpoint_is_served_only_once_its_tiles_are_written(self):
        leaves_pending(3)
        services.log_publish()
        leaves_pending(2)
        services.log_integrate()
        self.assertEqual(
            open_checkpoint(self.client.get(CHECKPOINT).content, keys.log_verifier()).size, 3
        )
        services.tiles_write()
        self.assertEqual(
            open_checkpoint(self.client.get(CHECKPOINT).content, keys.log_verifier()).size, 5
        )

    def test_the_key_is_the_logs_verifier_key(self):
        response = self.client.get(KEY)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(response["Cache-Control"], "public, max-age=3600")
        self.assertEqual(response.content.decode(), keys.log_verifier().to_verifier_key() + "\n")
        # It opens the checkpoints the log signs, and it is nothing but the public key.
        leaves_pending(1)
        services.log_publish()
        verifier = Verifier.from_verifier_key(response.content.decode().strip())
        open_checkpoint(self.client.get(CHECKPOINT).content, verifier)
        self.assertNotIn(b"PRIVATE", response.content)

    def test_the_page_of_an_empty_log_says_nothing_is_published_yet(self):
        response = self.client.get(LOG)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "None yet")
        self.assertContains(response, "Nothing has been published yet.")
        self.assertContains(response, keys.log_verifier().to_verifier_key())

    def test_writing_to_them_is_not_allowed(self):
        for url in (CHECKPOINT, KEY, tile_url("tile/0/000.p/1")):
            with self.subTest(url):
                self.assertEqual(self.client.post(url).status_code, 405)


# --- Tiles


class TileTests(FreshStorageTestCase):
    """A log of 5 leaves, then of 300: a full tile and partial ones at two levels."""

    def setUp(self):
        super().setUp()
        leaves_pending(5)
        services.log_publish()
        self.small = latest_checkpoint()
        self.leaves = leaves_pending(295)
        services.log_publish()
        self.checkpoint = latest_checkpoint()

    def get_tile(self, path: str) -> bytes:
        response = self.client.get(tile_url(path))
        self.assertEqual(response.status_code, 200, path)
        return response.content

    def test_a_full_tile_is_256_hashes_and_cached_for_good(self):
        response = self.client.get(tile_url("tile/0/000"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.content), 8192)
        self.assertEqual(response["Cache-Control"], "public, max-age=31536000, immutable")
        self.assertEqual(response["Content-Type"], "application/octet-stream")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        hashes = [
            bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)
        ]
        self.assertEqual(response.content, b"".join(hashes[:256]))

    def test_partial_tiles_name_their_width(self):
        self.assertEqual(len(self.get_tile("tile/0/001.p/44")), 44 * 32)
        # The level-1 tile holds the root of the first full level-0 tile.
        level_one = self.get_tile("tile/1/000.p/1")
        self.assertEqual(level_one, DatabaseHashes().read_hashes([(8, 0)])[0])
        # The partial tile of the smaller tree stays, for readers of its checkpoint.
        self.assertEqual(len(self.get_tile("tile/0/000.p/5")), 5 * 32)
        self.assertEqual(self.client.get(tile_url("tile/0/001.p/45")).status_code, 404)
        self.assertEqual(self.client.get(tile_url("tile/0/002")).status_code, 404)

    def test_entry_bundles_decode_to_the_logs_entries(self):
        stored = [
            bytes(d) for d in LogEntry.objects.order_by("index").values_list("data", flat=True)
        ]
        self.assertEqual(decode_entries(self.get_tile("tile/entries/000")), stored[:256])
        self.assertEqual(decode_entries(self.get_tile("tile/entries/001.p/44")), stored[256:])
        self.assertEqual(decode_entries(self.get_tile("tile/entries/000.p/5")), stored[:5])

    def test_malformed_or_unknown_tile_paths_are_not_found(self):
        for path in (
            "/log/tile/0/1",
            "/log/tile/0/x001",
            "/log/tile/0/x000/001",
            "/log/tile/00/000",
            "/log/tile/64/000",
            "/log/tile/-1/000",
            "/log/tile/0/000.p/0",
            "/log/tile/0/000.p/256",
            "/log/tile/0/000.p/05",
            "/log/tile/0/000.p/",
            "/log/tile/0/",
            "/log/tile/entries/",
            "/log/tile/entries/000.p/x",
            "/log/tile/",
            "/log/tile/../checkpoint",
            "/log/tile/0/../../checkpoint",
            "/log/tile/0/..%2F..%2Fcheckpoint",
            "/log/tile/0/%2e%2e/000",
            "/log/tile/0/000/extra",
            "/log/tile/9/000",
            "/log/tile/entries/002",
            "/log/tile/0/" + "x999/" * 300 + "000",
        ):
            with self.subTest(path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_reading_the_tiles_over_http_reproduces_the_checkpoint_and_its_proofs(self):
        reader = TileReader(self.get_tile, self.checkpoint.size)
        root = bytes(self.checkpoint.root_hash)
        self.assertEqual(read_root(reader, 300), root)
        for index in (0, 4, 5, 255, 256, 299):
            with self.subTest(index=index):
                proof = read_inclusion_proof(reader, index, 300)
                self.assertEqual(proof, read_inclusion_proof(DatabaseHashes(), index, 300))
                hashed = bytes(LogEntry.objects.get(index=index).leaf_hash)
                verify_inclusion(
                    leaf_hash=hashed, index=index, tree_size=300, proof=proof, root=root
                )
        consistency = read_consistency_proof(reader, 5, 300)
        verify_consistency(
            old_size=5,
            new_size=300,
            old_root=bytes(self.small.root_hash),
            new_root=root,
            proof=consistency,
        )
        # The smaller tree from its own tiles, as a reader of its checkpoint would.
        old_reader = TileReader(self.get_tile, 5)
        self.assertEqual(read_root(old_reader, 5), bytes(self.small.root_hash))


# --- Cosignatures


@override_settings(TRANSPARENCY_WITNESSES=[WITNESS_KEY])
class CosignatureTests(FreshStorageTestCase):
    def setUp(self):
        super().setUp()
        leaves_pending(3)
        services.log_publish()
        self.checkpoint = latest_checkpoint()
        self.text, _ = parse_note(self.checkpoint.note)
        # A witness is a program with no session and no CSRF token.
        self.witness_client = Client(enforce_csrf_checks=True)

    def post(self, body: bytes | str):
        if isinstance(body, str):
            body = body.encode()
        return self.witness_client.post(COSIGNATURE, body, content_type="text/plain")

    def cosigned(self, signer: CosignatureSigner = WITNESS, note: str | None = None) -> str:
        note = note or self.checkpoint.note
        text, _ = parse_note(note)
        return note + signer.cosign(text, int(time.time()))

    def assert_refused(self, response, status: int, message: str) -> None:
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn(message, response.content.decode())
        self.assertIs(Cosignature.objects.exists(), False)

    def test_a_witnesss_cosignature_is_kept_and_served_with_the_checkpoint(self):
        response = self.post(self.cosigned())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"Kept the cosignature by witness.example.org/w1.\n")
        kept = Cosignature.objects.get()
        self.assertEqual((kept.checkpoint, kept.witness), (self.checkpoint, WITNESS.name))
        served = self.client.get(CHECKPOINT).content.decode()
        self.assertEqual(served, checkpoint_note(self.checkpoint))
        self.assertTrue(served.startswith(self.checkpoint.note))
        open_checkpoint(served, keys.log_verifier())
        self.assertEqual(list(cosignatures(served, [WITNESS.verifier])), [WITNESS.name])
        event = AuditEvent.objects.get(action="transparency.cosigned")
        self.assertEqual(event.after, {"witness": WITNESS.name, "size": 3})
        # Posting it again keeps the one.
        self.assertEqual(self.post(self.cosigned()).status_code, 200)
        self.assertEqual(Cosignature.objects.count(), 1)

    def test_a_cosignature_by_an_unknown_witness_is_refused(self):
        self.assert_refused(
            self.post(self.cosigned(STRANGER)),
            400,
            "The checkpoint carries no cosignature by a witness of this log.",
        )

    def test_a_bad_signature_by_a_known_witness_is_refused(self):
        line = WITNESS.cosign(self.text, int(time.time()))
        name, encoded = line.removeprefix("— ").split(" ")
        material = bytearray(base64.b64decode(encoded))
        material[-1] ^= 1
        forged = f"— {name} {base64.b64encode(bytes(material)).decode()}\n"
        self.assert_refused(
            self.post(self.checkpoint.note + forged), 400, "A cosignature does not verify"
        )
        # A cosignature of another checkpoint's text, moved onto this one.
        other = CheckpointBody(self.checkpoint_origin(), 3, b"\x01" * 32).to_text()
        moved = WITNESS.cosign(other, int(time.time()))
        self.assert_refused(
            self.post(self.checkpoint.note + moved), 400, "A cosignature does not verify"
        )

    def test_the_line_kept_is_the_witnesss_own_not_an_impostors_under_its_name(self):
        now = int(time.time())
        genuine = WITNESS.cosign(self.text, now)
        response = self.post(self.checkpoint.note + genuine + IMPOSTOR.cosign(self.text, now + 1))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Cosignature.objects.get().line, genuine)
        served = self.client.get(CHECKPOINT).content.decode()
        self.assertEqual(cosignatures(served, [WITNESS.verifier]), {WITNESS.name: now})

    def test_of_two_cosignatures_by_a_witness_the_later_is_kept_with_its_time(self):
        now = int(time.time())
        later, earlier = WITNESS.cosign(self.text, now), WITNESS.cosign(self.text, now - 60)
        self.assertEqual(self.post(self.checkpoint.note + later + earlier).status_code, 200)
        kept = Cosignature.objects.get()
        self.assertEqual(kept.line, later)
        self.assertEqual(kept.signed_at.timestamp(), now)

    def test_a_checkpoint_the_log_never_signed_is_refused(self):
        for body in (
            CheckpointBody(self.checkpoint_origin(), 3, b"\x02" * 32),
            CheckpointBody(self.checkpoint_origin(), 4, bytes(self.checkpoint.root_hash)),
        ):
            with self.subTest(size=body.size):
                # Signed with the log's own key, even: the log keeps no such checkpoint.
                note = sign_checkpoint(body, keys.log_signer())
                self.assert_refused(
                    self.post(self.cosigned(note=note)), 400, "This log signed no such checkpoint."
                )
        impostor_log = Signer.generate(self.checkpoint_origin())
        text = CheckpointBody(self.checkpoint_origin(), 3, b"\x03" * 32)
        self.assert_refused(
            self.post(self.cosigned(note=sign_checkpoint(text, impostor_log))),
            400,
            "This log signed no such checkpoint.",
        )

    def test_what_is_not_a_cosigned_checkpoint_is_refused(self):
        self.assert_refused(self.post(b"\xff\xfe not UTF-8"), 400, "UTF-8 text")
        self.assert_refused(self.post("hello"), 400, "The checkpoint is not well formed")
        self.assert_refused(self.post(""), 400, "The checkpoint is not well formed")
        self.assert_refused(
            self.post("not a checkpoint\n\n— someone AAAA\n"), 400, "not well formed"
        )

    def test_a_body_over_16_kb_is_too_large(self):
        note = self.cosigned()
        padded = note + "x" * (MAX_COSIGNATURE_BYTES + 1 - len(note))
        self.assert_refused(self.post(padded), 413, "at most 16 KB")

    def test_only_post_is_allowed(self):
        for method in ("get", "put", "delete"):
            with self.subTest(method):
                self.assertEqual(getattr(self.client, method)(COSIGNATURE).status_code, 405)

    def checkpoint_origin(self) -> str:
        return open_checkpoint(self.checkpoint.note, keys.log_verifier()).origin


# --- The page


@override_settings(STORAGES=IN_MEMORY)
class LogPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.declaration = sentinel_filing(cls)
        services.log_publish()
        cls.number = cls.declaration.model.registration_number

    def test_every_persona_sees_the_key_the_size_and_the_entries(self):
        verifier_key = keys.log_verifier().to_verifier_key()
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                self.client.logout()
                if persona != "anonymous":
                    self.sign_in(getattr(self, persona))
                response = self.client.get(LOG)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'id="log-key">{verifier_key}</code>')
                self.assertEqual(response.context["checkpoint"].size, 4)
                entries = response.context["entries"]
                self.assertEqual(
                    [(e["index"], e["act"], e["leaf"]["filing"]["number"]) for e in entries],
                    [
                        (3, "Accepted", self.acme.registration_number),
                        (2, "Superseded", self.acme.registration_number),
                        (1, "Accepted", self.number),
                        (0, "Accepted", self.acme.registration_number),
                    ],
                )
                label_page = reverse("labels:model-version", args=[self.number, 1])
                self.assertContains(response, f'href="{label_page}"')
                self.assertContains(response, "Leaky")

    def test_no_regulator_only_or_personal_value_is_on_the_page(self):
        hidden = [
            *SENTINEL_TEXT.values(),
            *(str(number) for number in SENTINEL_NUMBERS.values()),
            US_FUND["investor_name"],
            "Alice Owner",  # the ownership statements' signatory
            *(getattr(self, persona).email for persona in PERSONAS[1:]),
            *(getattr(self, persona).full_name for persona in PERSONAS[1:]),
            "PRIVATE+KEY",
        ]
        for persona in PERSONAS:
            self.client.logout()
            if persona != "anonymous":
                self.sign_in(getattr(self, persona))
            page = self.client.get(LOG).content.decode()
            for value in hidden:
                with self.subTest(persona=persona, value=value):
                    self.assertNotIn(value, page)

    @override_settings(TRANSPARENCY_WITNESSES=[WITNESS_KEY])
    def test_the_witnesses_named_and_whether_they_cosigned(self):
        self.assertContains(self.client.get(LOG), "Not yet")
        checkpoint = latest_checkpoint()
        text, _ = parse_note(checkpoint.note)
        services.cosignature_add(checkpoint.note + WITNESS.cosign(text, int(time.time())))
        response = self.client.get(LOG)
        self.assertContains(response, WITNESS.name)
        self.assertContains(response, "Countersigned")

    # The page, whatever the log's size (anonymous):
    #  1. the latest checkpoint whose tiles are written
    #  2. its cosignatures (for the note)
    #  3. which witnesses cosigned it
    #  4. the newest 20 entries
    #  5-6. the names of the models and providers their numbers stand for
    LOG_PAGE_QUERIES = 6

    def test_the_page_runs_the_same_queries_for_4_and_300_entries(self):
        for extra in (0, 296):
            leaves_pending(extra)
            services.log_publish()
            with self.subTest(entries=LogEntry.objects.count()):
                with self.assertNumQueries(self.LOG_PAGE_QUERIES):
                    response = Client().get(LOG)
                self.assertEqual(
                    len(response.context["entries"]), min(20, LogEntry.objects.count())
                )
