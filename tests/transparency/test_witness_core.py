"""A witness's step against a log served as tiles: it cosigns honest growth and nothing else.

Each log is a tree in memory published as C2SP tlog-tiles in a dict, read through `fetch` as the
witness would read the register's /log/ URLs.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import SimpleTestCase
from provenance_client import Checkpoint, MerkleTree, Signer, sign_checkpoint
from provenance_client.cosignature import CosignatureSigner, add_signature_lines, cosignatures
from provenance_client.tiles import TILE_WIDTH, tile_nodes, tile_path, tiles_for_size
from provenance_client.witness import WitnessReport, witness_step

ORIGIN = "register.example.gov.uk/log"
LOG = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
IMPOSTOR = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(32)))
WITNESS = CosignatureSigner("witness.example.org", Ed25519PrivateKey.from_private_bytes(b"w" * 32))
MONDAY, TUESDAY = 1_796_000_000, 1_796_086_400


class ServedLog:
    """A log whose checkpoint and tiles are files in a dict, as a static web server would serve."""

    def __init__(self, prefix: str = "entry", signer: Signer = LOG) -> None:
        self.prefix = prefix
        self.signer = signer
        self.tree = MerkleTree()
        self.files: dict[str, bytes] = {}

    def grow(self, count: int) -> ServedLog:
        """Append leaves and publish the new size's tiles and checkpoint."""
        for _ in range(count):
            self.tree.append(f"{self.prefix} {self.tree.size}".encode())
        for level, index, width in tiles_for_size(self.tree.size):
            nodes = tile_nodes(level, index, width or TILE_WIDTH)
            self.files[tile_path(level, index, width)] = b"".join(self.tree.read_hashes(nodes))
        body = Checkpoint(ORIGIN, self.tree.size, self.tree.root())
        self.files["checkpoint"] = sign_checkpoint(body, self.signer).encode()
        return self

    def fetch(self, path: str) -> bytes:
        return self.files[path]


def step(log: ServedLog, state: str | None, now: int = MONDAY) -> WitnessReport:
    return witness_step(fetch=log.fetch, log=LOG.verifier, signer=WITNESS, state=state, now=now)


def accepted(log: ServedLog) -> str:
    """The state a witness keeps after accepting the log's current checkpoint."""
    report = step(log, None)
    assert report.status == "cosigned" and report.checkpoint is not None
    return report.checkpoint


class HonestLogTests(SimpleTestCase):
    def assert_cosigned(self, report: WitnessReport, log: ServedLog, now: int) -> None:
        self.assertIs(report.accepted, True)
        self.assertEqual(report.checkpoint, log.files["checkpoint"].decode())
        assert report.checkpoint is not None and report.cosignature is not None
        cosigned = add_signature_lines(report.checkpoint, [report.cosignature])
        self.assertEqual(cosignatures(cosigned, [WITNESS.verifier]), {WITNESS.name: now})

    def test_the_first_checkpoint_is_cosigned_once_the_tiles_reproduce_its_root(self):
        log = ServedLog().grow(300)
        report = step(log, None)
        self.assertEqual(report.status, "cosigned")
        self.assertEqual(report.message, "first checkpoint accepted: 300 leaves")
        self.assert_cosigned(report, log, MONDAY)

    def test_an_empty_log_is_cosigned(self):
        log = ServedLog().grow(0)
        report = step(log, None)
        self.assertEqual(report.status, "cosigned")
        self.assertEqual(step(log.grow(3), report.checkpoint).status, "cosigned")

    def test_a_log_that_grows_is_cosigned_at_each_size(self):
        log = ServedLog().grow(5)
        state = accepted(log)
        for count in (1, 250, 300, 2):
            with self.subTest(size=log.tree.size + count):
                old_size = log.tree.size
                log.grow(count)
                report = step(log, state, TUESDAY)
                self.assertEqual(report.status, "cosigned")
                self.assertEqual(report.message, f"grew from {old_size} leaves to {log.tree.size}")
                self.assert_cosigned(report, log, TUESDAY)
                assert report.checkpoint is not None
                state = report.checkpoint

    def test_an_unchanged_log_is_cosigned_again_with_the_new_time(self):
        log = ServedLog().grow(12)
        report = step(log, accepted(log), TUESDAY)
        self.assertEqual(report.status, "unchanged")
        self.assertEqual(report.message, "unchanged at 12 leaves")
        self.assert_cosigned(report, log, TUESDAY)


class MisbehavingLogTests(SimpleTestCase):
    """A misbehaving log gets a report, its signed checkpoint as evidence, and no cosignature."""

    def assert_refused(self, report: WitnessReport, status: str, message: str) -> None:
        self.assertEqual(report.status, status)
        self.assertIn(message, report.message)
        self.assertIsNone(report.cosignature)
        self.assertIs(report.accepted, False)

    def test_a_log_that_rolls_back_is_refused(self):
        log = ServedLog().grow(8)
        earlier = log.files["checkpoint"]
        state = accepted(log.grow(4))
        log.files["checkpoint"] = earlier
        report = step(log, state)
        self.assert_refused(
            report,
            "rollback",
            "rollback: the log's checkpoint is of 8 leaves, fewer than the 12 of the checkpoint",
        )
        self.assertEqual(report.checkpoint, earlier.decode())

    def test_a_log_that_forks_at_the_same_size_is_refused(self):
        log = ServedLog().grow(10)
        state = accepted(log)
        fork = ServedLog(prefix="forged").grow(10)
        self.assert_refused(
            step(fork, state),
            "split_view",
            f"split view: the log signed two trees of 10 leaves with different roots, "
            f"{log.tree.root().hex()} accepted before and {fork.tree.root().hex()} now",
        )

    def test_a_larger_tree_that_rewrites_history_is_refused(self):
        log = ServedLog().grow(10)
        state = accepted(log)
        rewritten = ServedLog(prefix="rewritten").grow(20)
        self.assert_refused(
            step(rewritten, state),
            "rewrite",
            "rewrite: the log's tree of 20 leaves does not extend the tree of 10 leaves",
        )

    def test_a_history_rewritten_by_one_old_leaf_is_refused(self):
        log = ServedLog().grow(300)
        state = accepted(log)
        rewritten = ServedLog()
        for number in range(310):
            leaf = b"changed" if number == 7 else f"entry {number}".encode()
            rewritten.tree.append(leaf)
        rewritten.grow(0)
        self.assert_refused(step(rewritten, state), "rewrite", "does not extend the tree of 300")

    def test_tiles_that_do_not_hold_the_signed_tree_are_refused(self):
        log = ServedLog().grow(20)
        state = accepted(log)
        log.grow(5)
        tile = log.files["tile/0/000.p/25"]
        log.files["tile/0/000.p/25"] = tile[:32] + bytes(32) + tile[64:]
        self.assert_refused(step(log, state), "rewrite", "does not extend the tree of 20 leaves")
        self.assert_refused(
            step(log, None),
            "rewrite",
            "the log's tiles hold a tree of 25 leaves with root",
        )

    def test_a_tile_of_the_wrong_length_is_refused(self):
        log = ServedLog().grow(20)
        log.files["tile/0/000.p/20"] = log.files["tile/0/000.p/20"][:-1]
        self.assert_refused(
            step(log, None),
            "rewrite",
            "the log's tiles cannot be read as a tree of 20 leaves: tile/0/000.p/20 is 639 bytes",
        )

    def test_a_checkpoint_not_signed_by_the_log_is_refused(self):
        log = ServedLog().grow(10)
        state = accepted(log)
        impostor = ServedLog(signer=IMPOSTOR).grow(11)
        self.assert_refused(
            step(impostor, state),
            "bad_signature",
            "the log's checkpoint is not signed by its key register.example.gov.uk/log: "
            "the note carries no signature by a trusted key",
        )

    def test_a_checkpoint_of_another_origin_is_refused(self):
        log = ServedLog().grow(3)
        body = Checkpoint("another.example.org/log", 3, log.tree.root())
        note = sign_checkpoint(body, Signer(ORIGIN, LOG.private_key))
        log.files["checkpoint"] = note.encode()
        self.assert_refused(step(log, None), "bad_signature", "is of 'another.example.org/log'")

    def test_a_checkpoint_that_is_not_a_note_is_refused(self):
        log = ServedLog().grow(3)
        for served in (b"", b"\xff\xfe", b"<html>Not found</html>"):
            with self.subTest(served=served):
                log.files["checkpoint"] = served
                report = step(log, None)
                self.assert_refused(report, "bad_signature", "is not signed by its key")

    def test_a_missing_tile_is_the_fetchs_error_not_a_verdict(self):
        log = ServedLog().grow(10)
        del log.files["tile/0/000.p/10"]
        with self.assertRaises(KeyError):
            step(log, None)
