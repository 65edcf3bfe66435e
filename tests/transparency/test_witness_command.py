"""`manage.py witness` against the register served over HTTP: it cosigns honest growth, its
cosignature is then served with the checkpoint, and a rewritten history, a split view or a
rollback is reported with the witness's state left as it was.

The register runs in a live server thread; the command reads its /log/ URLs with urllib, as a
witness elsewhere would. Rewriting history needs the append-only triggers out of the way on
PostgreSQL, which the tests switch off and back on around the forgery.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import LiveServerTestCase, override_settings
from provenance_client.cosignature import CosignatureVerifier, cosignatures
from provenance_client.merkle import append_leaves, leaf_hash
from provenance_client.note import Signer, open_checkpoint
from provenance_client.record import canonical

from registry.transparency import keys, services
from registry.transparency.models import Checkpoint, Cosignature, LogEntry, LogHead, TreeNode
from registry.transparency.selectors import DatabaseHashes
from tests.transparency.test_log import leaf_hashes, leaves_pending

WITNESS_NAME = "witness.example.org/w1"


@contextlib.contextmanager
def triggers_disabled(*tables: str) -> Iterator[None]:
    """Let the test change what the log integrated, as someone with the database might."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def history_rewritten(index: int = 0) -> None:
    """Change leaf `index`, rebuild the tree and its tiles over it: the log then holds another
    history of the same size, consistent in itself, that only the key's holder could sign."""
    with triggers_disabled("transparency_logentry", "transparency_treenode"):
        forged = canonical({"forged": index})
        LogEntry.objects.filter(index=index).update(data=forged, leaf_hash=leaf_hash(forged))
        TreeNode.objects.all().delete()
        nodes = append_leaves(DatabaseHashes(), 0, leaf_hashes())
        TreeNode.objects.bulk_create(
            [TreeNode(level=level, index=node, hash=value) for (level, node), value in nodes]
        )
    LogHead.objects.filter(pk=1).update(tiles_size=0)
    services.tiles_write()


class WitnessCommandTests(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.enterContext(override_settings(MEDIA_ROOT=self.folder / "media"))
        self.key = self.folder / "witness.key"
        self.state = self.folder / "witness.state"
        out = self.call("--create-key", WITNESS_NAME, "--key", str(self.key))
        self.witness_key = out.splitlines()[-1]
        self.witness = CosignatureVerifier.from_verifier_key(self.witness_key)
        self.enterContext(override_settings(TRANSPARENCY_WITNESSES=[self.witness_key]))
        leaves_pending(3)
        services.log_publish()

    def call(self, *argv: str) -> str:
        """Run the command; what it printed stays in `self.printed`, even if it fails."""
        self.printed = io.StringIO()
        call_command("witness", *argv, stdout=self.printed)
        return self.printed.getvalue()

    def witness_step(self, *extra: str, log_key: str | None = None) -> str:
        return self.call(
            "--log",
            f"{self.live_server_url}/log/",
            "--log-key",
            log_key or keys.log_verifier().to_verifier_key(),
            "--key",
            str(self.key),
            "--state",
            str(self.state),
            *extra,
        )

    def served_cosignatures(self) -> dict[str, int]:
        served = self.client.get("/log/checkpoint").content
        return cosignatures(served, [self.witness])

    def test_the_key_is_created_once_and_its_verifier_key_printed(self):
        self.assertEqual(self.witness.name, WITNESS_NAME)
        self.assertTrue(self.key.read_text().startswith("PRIVATE+KEY+witness.example.org/w1+"))
        self.assertEqual(self.key.stat().st_mode & 0o777, 0o600)
        with self.assertRaisesMessage(CommandError, "exists already: a witness keeps its key"):
            self.call("--create-key", WITNESS_NAME, "--key", str(self.key))
        with self.assertRaises(CommandError):
            self.call("--create-key", "bad name with spaces", "--key", str(self.folder / "k"))

    def test_the_first_run_cosigns_and_the_register_serves_the_cosignature(self):
        out = self.witness_step("--post")
        self.assertIn("cosigned: first checkpoint accepted: 3 leaves", out)
        self.assertIn(f"Kept the cosignature by {WITNESS_NAME}.", out)
        checkpoint = Checkpoint.objects.get()
        self.assertEqual(Cosignature.objects.get().checkpoint, checkpoint)
        self.assertEqual(list(self.served_cosignatures()), [WITNESS_NAME])
        open_checkpoint(self.state.read_text(), keys.log_verifier())
        self.assertTrue(self.state.read_text().startswith(checkpoint.note))

    def test_after_more_leaves_a_second_run_cosigns_the_grown_log(self):
        self.witness_step("--post")
        leaves_pending(300)
        services.log_publish()
        out = self.witness_step("--post")
        self.assertIn("cosigned: grew from 3 leaves to 303", out)
        latest = Checkpoint.objects.latest()
        self.assertEqual(latest.size, 303)
        self.assertEqual(Cosignature.objects.filter(checkpoint=latest).count(), 1)
        self.assertEqual(list(self.served_cosignatures()), [WITNESS_NAME])
        self.assertEqual(open_checkpoint(self.state.read_text(), keys.log_verifier()).size, 303)
        # Nothing new: the same checkpoint again, and the one cosignature kept.
        self.assertIn("unchanged: unchanged at 303 leaves", self.witness_step("--post"))
        self.assertEqual(Cosignature.objects.filter(checkpoint=latest).count(), 1)

    def test_a_rewritten_history_is_reported_and_the_old_state_kept(self):
        self.witness_step("--post")
        accepted = self.state.read_text()
        history_rewritten(index=1)
        leaves_pending(2)
        services.log_integrate()
        services.tiles_write()
        with self.assertRaisesMessage(CommandError, "The log misbehaved (rewrite)"):
            self.witness_step("--post")
        self.assertIn(
            "rewrite: rewrite: the log's tree of 5 leaves does not extend the tree of 3 leaves",
            self.printed.getvalue(),
        )
        self.assertEqual(self.state.read_text(), accepted)
        # No cosignature of the rewritten tree was posted.
        self.assertEqual(Cosignature.objects.filter(checkpoint__size=5).count(), 0)
        # The tiles' history holds together: a newcomer would cosign it. That is why a witness
        # keeps what it accepted.
        self.state.unlink()
        out = self.witness_step()
        self.assertIn("cosigned: first checkpoint accepted: 5 leaves", out)

    def test_two_trees_of_one_size_are_a_split_view(self):
        self.witness_step("--post")
        accepted = self.state.read_text()
        history_rewritten(index=0)
        services.checkpoint_sign(3)
        with self.assertRaisesMessage(CommandError, "The log misbehaved (split_view)"):
            self.witness_step("--post")
        self.assertIn(
            "split_view: split view: the log signed two trees of 3 leaves with different roots",
            self.printed.getvalue(),
        )
        self.assertEqual(self.state.read_text(), accepted)
        self.assertEqual(Cosignature.objects.count(), 1)

    def test_a_smaller_checkpoint_is_a_rollback(self):
        leaves_pending(4)
        services.log_publish()
        self.witness_step("--post")
        accepted = self.state.read_text()
        services.checkpoint_sign(3)  # the log now answers with a tree it had before
        self.assertEqual(
            open_checkpoint(self.client.get("/log/checkpoint").content, keys.log_verifier()).size, 3
        )
        with self.assertRaisesMessage(CommandError, "The log misbehaved (rollback)"):
            self.witness_step("--post")
        self.assertIn(
            "rollback: the log's checkpoint is of 3 leaves, fewer than the 7",
            self.printed.getvalue(),
        )
        self.assertEqual(self.state.read_text(), accepted)

    def test_a_checkpoint_not_signed_by_the_logs_key_is_refused(self):
        impostor = Signer.generate(keys.log_verifier().name).verifier.to_verifier_key()
        with self.assertRaisesMessage(CommandError, "The log misbehaved (bad_signature)"):
            self.witness_step(log_key=impostor)
        self.assertIs(self.state.exists(), False)

    def test_a_witness_the_log_does_not_name_is_refused_by_the_log(self):
        with (
            override_settings(TRANSPARENCY_WITNESSES=[]),
            self.assertRaisesMessage(
                CommandError,
                "The log refused the cosignature: The checkpoint carries no cosignature by a "
                "witness of this log.",
            ),
        ):
            self.witness_step("--post")
        self.assertIs(Cosignature.objects.exists(), False)
        # The witness itself accepted the checkpoint: it keeps it as its state.
        self.assertEqual(open_checkpoint(self.state.read_text(), keys.log_verifier()).size, 3)

    def test_what_the_command_needs_is_asked_for(self):
        for missing, argv in (
            ("--log", ["--key", str(self.key)]),
            ("--log-key", ["--key", str(self.key), "--log", f"{self.live_server_url}/log/"]),
            (
                "--state",
                [
                    "--key",
                    str(self.key),
                    "--log",
                    f"{self.live_server_url}/log/",
                    "--log-key",
                    keys.log_verifier().to_verifier_key(),
                ],
            ),
        ):
            with (
                self.subTest(missing),
                self.assertRaisesMessage(CommandError, f"{missing} is required to witness a log"),
            ):
                self.call(*argv)
        with self.assertRaisesMessage(CommandError, "A key is not valid"):
            self.witness_step(log_key="not a key")
        self.key.write_text("PRIVATE+KEY+nonsense\n")
        with self.assertRaisesMessage(CommandError, "A key is not valid"):
            self.witness_step()
        self.key.unlink()
        with self.assertRaisesMessage(CommandError, "Cannot read the witness key"):
            self.witness_step()

    def test_a_log_that_does_not_answer_is_reported(self):
        with self.assertRaisesMessage(
            CommandError, "Cannot read http://127.0.0.1:9/log/checkpoint"
        ):
            self.call(
                "--log",
                "http://127.0.0.1:9/log",
                "--log-key",
                keys.log_verifier().to_verifier_key(),
                "--key",
                str(self.key),
                "--state",
                str(self.state),
            )
