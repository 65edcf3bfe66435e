"""The `provenance-register verify` command: what it prints and the status it exits with."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase
from provenance_client.cli import main
from pypdf import PdfWriter

from tests.transparency.test_label_verify import IMPOSTOR, LOG, WITNESS, MemoryLog, published

LOG_KEY = LOG.verifier.to_verifier_key()
WITNESS_KEY = WITNESS.verifier.to_verifier_key()


def label_pdf(label: dict[str, Any] | None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if label is not None:
        writer.add_attachment("label.json", json.dumps(label).encode())
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


class VerifyCommandTests(SimpleTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, name: str, content: bytes | str) -> str:
        path = self.folder / name
        if isinstance(content, str):
            content = content.encode()
        path.write_bytes(content)
        return str(path)

    def run_command(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
        self.assertNotIn("Traceback", err.getvalue())
        return status, out.getvalue(), err.getvalue()

    def test_a_genuine_label_json_verifies_and_exits_0(self):
        label, _, _ = published()
        path = self.write("label.json", json.dumps(label))
        status, out, err = self.run_command("verify", path, "--key", LOG_KEY)
        self.assertEqual(status, 0)
        lines = out.splitlines()
        self.assertEqual(len(lines), 19)
        self.assertTrue(all(line.startswith("✓ ") for line in lines[:-1]))
        self.assertIn(
            "✓ The declaration's leaf is in the tree the checkpoint signs: leaf 5 of 12", lines
        )
        self.assertEqual(lines[-1], "Verified: all 18 checks hold.")
        self.assertEqual(err, "")

    def test_a_genuine_label_pdf_verifies(self):
        label, _, _ = published()
        path = self.write("label.pdf", label_pdf(label))
        status, out, _ = self.run_command("verify", path, "--key", LOG_KEY)
        self.assertEqual(status, 0)
        self.assertTrue(out.endswith("Verified: all 18 checks hold.\n"))

    def test_witnesses_and_a_trusted_checkpoint_are_checked(self):
        label, _, checkpoint = published()
        path = self.write("label.json", json.dumps(label))
        trusted = self.write("checkpoint", checkpoint)
        status, out, _ = self.run_command(
            "verify", path, "--key", LOG_KEY, "--witness", WITNESS_KEY, "--checkpoint", trusted
        )
        self.assertEqual(status, 0)
        self.assertIn(
            "✓ Witnesses cosigned the declaration's checkpoint: cosigned by witness.example.org",
            out,
        )
        self.assertIn("✓ The proof's checkpoint of 12 leaves agrees with the one you trust", out)

    def test_a_tampered_label_fails_and_exits_1_saying_where(self):
        label, _, _ = published()
        label["sources"][0]["name"] = "Something else"
        path = self.write("label.json", json.dumps(label))
        status, out, _ = self.run_command("verify", path, "--key", LOG_KEY)
        self.assertEqual(status, 1)
        (failed,) = [line for line in out.splitlines() if line.startswith("✗ ")]
        self.assertTrue(
            failed.startswith("✗ The label's declaration record is the one the log recorded: ")
        )
        self.assertIn("the label was changed after it was logged", failed)
        self.assertTrue(out.endswith("NOT verified: 1 of 18 checks failed.\n"))

    def test_a_forked_trusted_checkpoint_fails_as_a_split_view(self):
        label, _, _ = published()
        fork = MemoryLog()
        fork.append_filler(12)
        path = self.write("label.json", json.dumps(label))
        trusted = self.write("checkpoint", fork.checkpoint())
        status, out, _ = self.run_command("verify", path, "--key", LOG_KEY, "--checkpoint", trusted)
        self.assertEqual(status, 1)
        self.assertIn(
            "✗ The proof's checkpoint of 12 leaves agrees with the one you trust: split view", out
        )

    def test_another_key_under_the_logs_name_fails_and_exits_1(self):
        label, _, _ = published()
        path = self.write("label.json", json.dumps(label))
        status, out, _ = self.run_command(
            "verify", path, "--key", IMPOSTOR.verifier.to_verifier_key()
        )
        self.assertEqual(status, 1)
        self.assertIn(
            "✗ The declaration's checkpoint is signed by the log's key: the note carries no "
            "signature by a trusted key",
            out,
        )


class UnusableInputTests(SimpleTestCase):
    """What the command cannot use exits 2 with one clear line, never a traceback."""

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        label, _, _ = published()
        self.label = str(self.folder / "label.json")
        Path(self.label).write_text(json.dumps(label))

    def run_command(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
        self.assertNotIn("Traceback", err.getvalue())
        return status, out.getvalue(), err.getvalue()

    def assert_unusable(self, argv: tuple[str, ...], message: str) -> None:
        status, out, err = self.run_command(*argv)
        self.assertEqual(status, 2)
        self.assertEqual(out, "")
        self.assertIn(message, err)

    def test_usage_errors_exit_2(self):
        cases = {
            (): "error: the following arguments are required: COMMAND",
            ("check", self.label): "invalid choice: 'check'",
            ("verify", self.label): "the following arguments are required: --key",
            ("verify", "--key", LOG_KEY): "the following arguments are required: LABEL",
        }
        for argv, message in cases.items():
            with self.subTest(argv=argv):
                self.assert_unusable(argv, message)

    def test_help_exits_0(self):
        status, out, _ = self.run_command("verify", "--help")
        self.assertEqual(status, 0)
        self.assertIn("--witness VKEY", out)

    def test_a_file_that_cannot_be_read_exits_2(self):
        missing = str(self.folder / "missing.json")
        self.assert_unusable(
            ("verify", missing, "--key", LOG_KEY),
            f"provenance-register: cannot read the label file {missing}: No such file",
        )
        self.assert_unusable(
            ("verify", str(self.folder), "--key", LOG_KEY), "cannot read the label file"
        )
        self.assert_unusable(
            ("verify", self.label, "--key", LOG_KEY, "--checkpoint", missing),
            "cannot read the checkpoint file",
        )

    def test_a_file_that_is_not_a_label_exits_2(self):
        cases: dict[str, tuple[bytes, str]] = {
            "notes.txt": (b"just some words", "is neither a label's JSON nor its PDF"),
            "binary.json": (b"\xff\xfe\x00", "is neither a label's JSON nor its PDF"),
            "list.json": (b"[1, 2, 3]", "is JSON, but not a label: it is not a JSON object"),
            "blank.pdf": (label_pdf(None), "holds no label: the PDF carries no embedded"),
            "broken.pdf": (b"%PDF-1.7\nnothing else", "holds no label: the file is not a readable"),
        }
        for name, (content, message) in cases.items():
            with self.subTest(name):
                path = self.folder / name
                path.write_bytes(content)
                self.assert_unusable(("verify", str(path), "--key", LOG_KEY), message)

    def test_keys_that_are_not_keys_exit_2(self):
        self.assert_unusable(
            ("verify", self.label, "--key", "not-a-key"), "--key is not the log's verifier key"
        )
        self.assert_unusable(
            ("verify", self.label, "--key", WITNESS_KEY),
            "--key is not the log's verifier key: the verifier key is not an Ed25519 key",
        )
        self.assert_unusable(
            ("verify", self.label, "--key", LOG_KEY, "--witness", LOG_KEY),
            "is not a witness's verifier key",
        )


class ConsoleScriptTests(SimpleTestCase):
    def test_the_package_installs_the_provenance_register_command(self):
        (script,) = entry_points(group="console_scripts", name="provenance-register")
        self.assertEqual(script.value, "provenance_client.cli:main")
