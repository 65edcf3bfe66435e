"""The `provenance-register` command: verify a label file offline against the log's published key.

    provenance-register verify LABEL --key VKEY [--witness VKEY ...] [--checkpoint FILE]

LABEL is a label's JSON, as the register serves it, or its PDF, which embeds that JSON. Each check
is printed with ✓ or ✗; the exit status is 0 when all hold, 1 when one fails, and 2 when the
command cannot run (a usage error, a file that cannot be read, a key that is not a key).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from provenance_client.cosignature import CosignatureVerifier
from provenance_client.errors import FormatError
from provenance_client.label import LabelVerification, verify_label
from provenance_client.note import Verifier
from provenance_client.pdf import extract_label

PROG = "provenance-register"
VERIFIED, FAILED, UNUSABLE = 0, 1, 2


class UsageError(Exception):
    """What the command was given cannot be used; the message says which argument and why."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # a terminal that cannot show ✓ shows '?'
    # pypdf logs its repairs of damaged files; the command reports what matters itself.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stopped:  # argparse exits on --help (0) and on a usage error (2)
        return stopped.code if isinstance(stopped.code, int) else UNUSABLE
    try:
        return int(arguments.run(arguments))
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return UNUSABLE
    except RecursionError:
        # JSON nested deeper than Python recurses: no label the register writes is.
        print(f"{PROG}: the file is nested too deeply to be a label", file=sys.stderr)
        return UNUSABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check what the AI Training-Data Provenance Register publishes, offline.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    verify = commands.add_parser(
        "verify",
        help="verify a label's JSON or PDF against the log's key",
        description="Verify that a label is, unchanged, in the register's log.",
    )
    verify.add_argument("label", metavar="LABEL", help="the label's .json file or its .pdf")
    verify.add_argument(
        "--key", required=True, metavar="VKEY", help="the log's published verifier key"
    )
    verify.add_argument(
        "--witness",
        action="append",
        default=[],
        metavar="VKEY",
        help="a witness's verifier key, to report its cosignature (may be repeated)",
    )
    verify.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="a checkpoint of the log you already trust, to compare the label's with",
    )
    verify.set_defaults(run=_verify)
    return parser


def _verify(arguments: argparse.Namespace) -> int:
    log = _log_key(arguments.key)
    witnesses = [_witness_key(vkey) for vkey in arguments.witness]
    label = _read_label(Path(arguments.label))
    checkpoint = None
    if arguments.checkpoint is not None:
        checkpoint = _read(Path(arguments.checkpoint), "checkpoint").decode("utf-8", "replace")
    result = verify_label(label, log=log, witnesses=witnesses, checkpoint=checkpoint)
    _print(result)
    return VERIFIED if result.ok else FAILED


def _print(result: LabelVerification) -> None:
    for step in result.steps:
        print(f"{'✓' if step.ok else '✗'} {step.what}: {step.detail}")
    failed = sum(not step.ok for step in result.steps)
    if result.ok:
        print(f"Verified: all {len(result.steps)} checks hold.")
    else:
        print(f"NOT verified: {failed} of {len(result.steps)} checks failed.")


def _log_key(vkey: str) -> Verifier:
    try:
        return Verifier.from_verifier_key(vkey)
    except FormatError as error:
        raise UsageError(f"--key is not the log's verifier key: {error}") from error


def _witness_key(vkey: str) -> CosignatureVerifier:
    try:
        return CosignatureVerifier.from_verifier_key(vkey)
    except FormatError as error:
        raise UsageError(
            f"--witness {vkey[:40]!r} is not a witness's verifier key: {error}"
        ) from error


def _read_label(path: Path) -> dict[str, Any]:
    data = _read(path, "label")
    if data.startswith(b"%PDF-"):
        try:
            return extract_label(data)
        except FormatError as error:
            raise UsageError(f"{path} holds no label: {error}") from error
    try:
        label = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UsageError(f"{path} is neither a label's JSON nor its PDF: {error}") from error
    if not isinstance(label, dict):
        raise UsageError(f"{path} is JSON, but not a label: it is not a JSON object")
    return label


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(
            f"cannot read the {what} file {path}: {error.strerror or error}"
        ) from error
