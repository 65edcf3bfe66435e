"""The `provenance-register` command: verify labels offline, and file through the provider API.

    provenance-register verify LABEL --key VKEY [--witness VKEY ...] [--checkpoint FILE]
    provenance-register models [--json] [--url URL]
    provenance-register declarations create --model ID FILE [--json] [--url URL]
    provenance-register declarations validate|submit|status ID [--json] [--url URL]

LABEL is a label's JSON, as the register serves it, or its PDF, which embeds that JSON. Each check
is printed with ✓ or ✗; the exit status is 0 when all hold, 1 when one fails, and 2 when the
command cannot run (a usage error, a file that cannot be read, a key that is not a key).

The API commands read the register's address from PROVENANCE_REGISTER_URL (or --url) and the API
key from PROVENANCE_REGISTER_KEY only. They exit 0 when done, 1 when the register refuses (each
problem printed with its code and JSON pointer) and 2 when they cannot run (no address or key, the
network, a key the register does not know, too many requests, an answer that is not JSON).
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

from provenance_client import api
from provenance_client.api import Answer, Refused, RegisterApi, Unreachable
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
    except (UsageError, Unreachable) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return UNUSABLE
    except Refused as refused:
        _print_refusal(refused, as_json=getattr(arguments, "json", False))
        return FAILED
    except RecursionError:
        # JSON nested deeper than Python recurses: no label the register writes is.
        print(f"{PROG}: the file is nested too deeply to be a label", file=sys.stderr)
        return UNUSABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Check what the AI Training-Data Provenance Register publishes, offline, and file "
            "declarations through its API."
        ),
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
    _add_api_commands(commands)
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


# --- The API commands: file through the register's provider API

API_EPILOG = (
    f"The register's address is read from {api.URL_VARIABLE} (e.g. "
    f"https://register.example.gov.uk) unless --url gives it; the API key only from "
    f"{api.KEY_VARIABLE}, sent as 'Authorization: Bearer'. The key is never accepted on the "
    "command line, where it would be kept in shell history and shown to other users, and never "
    "printed. Exit status: 0 done, 1 the register refused (each problem with its code and JSON "
    "pointer), 2 the command could not run."
)


def _add_api_commands(commands: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--url", metavar="URL", help=f"the register's address (default: ${api.URL_VARIABLE})"
    )
    common.add_argument("--json", action="store_true", help="print the register's JSON as is")
    models = commands.add_parser(
        "models",
        parents=[common],
        help="list your organisation's models",
        description="List your organisation's models: id, registration number, name, version.",
        epilog=API_EPILOG,
    )
    models.set_defaults(run=_models)
    declarations = commands.add_parser(
        "declarations",
        help="create, validate, submit and follow declarations",
        description="Create, validate, submit and follow declarations through the API.",
        epilog=API_EPILOG,
    )
    actions = declarations.add_subparsers(title="actions", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        parents=[common],
        help="start a draft from a whole declaration in a JSON file",
        description="Start the model's next version as a draft, filled from FILE, and print its "
        "id, status and ETag, with any problems still to fix before it can be submitted.",
        epilog=API_EPILOG,
    )
    create.add_argument("--model", required=True, type=_id, metavar="ID", help="your model's id")
    create.add_argument("file", metavar="FILE", help="the declaration's JSON (an object)")
    create.set_defaults(run=_create)
    for name, run, summary in (
        ("validate", _validate, "list the problems submitting it now would raise (exit 1 if any)"),
        ("submit", _submit, "submit it to the regulator as it stands now"),
        ("status", _status, "show its status, version, snapshot hash and the regulator's words"),
    ):
        action = actions.add_parser(
            name, parents=[common], help=summary, description=summary, epilog=API_EPILOG
        )
        action.add_argument("declaration", type=_id, metavar="ID", help="the declaration's id")
        action.set_defaults(run=run)


def _id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (a whole number from 1)")
    return int(text)


def _register(arguments: argparse.Namespace) -> RegisterApi:
    return RegisterApi.from_environment(url=arguments.url)


def _models(arguments: argparse.Namespace) -> int:
    models = _register(arguments).models()
    if arguments.json:
        return _print_json(models)
    if not models:
        print("Your organisation has no models registered.")
    for model in models:
        number = model.get("registration_number") or "(no number yet)"
        print(f"{model['id']}  {number}  {model['name']} {model['version']}")
    return VERIFIED


def _create(arguments: argparse.Namespace) -> int:
    body = _read_declaration(Path(arguments.file))
    answer = _register(arguments).declaration_create(arguments.model, body)
    if arguments.json:
        return _print_json(answer.body)
    created = answer.body
    print(f"Created declaration {created['id']} ({created.get('reference', '')})")
    print(f"Status: {created['status']}")
    print(f"ETag: {answer.etag}")
    problems = created.get("problems") or []
    if problems:
        print(f"{len(problems)} problem(s) to fix before it can be submitted:")
        _print_problems(problems)
    return VERIFIED


def _validate(arguments: argparse.Namespace) -> int:
    result = _register(arguments).declaration_validate(arguments.declaration).body
    problems = result.get("problems") or []
    if arguments.json:
        _print_json(result)
    elif problems:
        print(f"Declaration {arguments.declaration} has {len(problems)} problem(s):")
        _print_problems(problems)
    else:
        print(f"Declaration {arguments.declaration} is valid: it can be submitted.")
    return FAILED if problems else VERIFIED


def _submit(arguments: argparse.Namespace) -> int:
    answer = _register(arguments).declaration_submit(arguments.declaration)
    if arguments.json:
        return _print_json(answer.body)
    submitted = answer.body
    print(f"Submitted declaration {submitted['id']}: status {submitted['status']}")
    snapshot = submitted.get("snapshot") or {}
    if snapshot:
        print(f"Snapshot SHA-256: {snapshot.get('sha256')}")
    return VERIFIED


def _status(arguments: argparse.Namespace) -> int:
    answer = _register(arguments).declaration_read(arguments.declaration)
    if arguments.json:
        return _print_json(answer.body)
    _print_status(answer)
    return VERIFIED


def _print_status(answer: Answer) -> None:
    declaration = answer.body
    model = declaration.get("model") or {}
    print(f"Declaration {declaration['id']} ({declaration.get('reference', '')})")
    print(f"Model: {model.get('name', '')} {model.get('version', '')}".rstrip())
    print(f"Status: {declaration['status']}")
    print(f"Version: {declaration.get('version')}")
    snapshot = declaration.get("snapshot") or {}
    print(f"Snapshot SHA-256: {snapshot.get('sha256') or '(not submitted yet)'}")
    print(f"ETag: {answer.etag}")
    for step in declaration.get("history") or []:
        said = f": {step['reason']}" if step.get("reason") else ""
        print(f"  {step['occurred_at']}  {step['action']} → {step['to_status']}{said}")
    for finding in declaration.get("findings") or []:
        where = finding.get("pointer") or finding.get("field", "")
        print(f"Regulator's finding at {where}: {finding['message']}")
    for message in declaration.get("messages") or []:
        print(f"Regulator's message ({message['sent_at']}): {message['body']}")


def _print_problems(problems: list[dict[str, Any]]) -> None:
    for problem in problems:
        pointer = problem.get("pointer") or "(the whole)"
        print(f"  {problem.get('code')}  {pointer}  {problem.get('detail')}")


def _print_refusal(refused: Refused, *, as_json: bool) -> None:
    if as_json and refused.body is not None:
        _print_json(refused.body)
    print(f"{PROG}: {refused}", file=sys.stderr)
    for problem in refused.problems:
        pointer = problem.pointer or "(the whole)"
        print(f"  {problem.code}  {pointer}  {problem.detail}", file=sys.stderr)
    if not refused.problems and refused.code:
        print(f"  {refused.code}", file=sys.stderr)


def _print_json(value: Any) -> int:
    print(json.dumps(value, indent=2, ensure_ascii=False))
    return VERIFIED


def _read_declaration(path: Path) -> dict[str, Any]:
    data = _read(path, "declaration")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UsageError(f"{path} is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise UsageError(f"{path} is JSON, but not a declaration: it is not a JSON object")
    return body
