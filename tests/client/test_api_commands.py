"""The client's API commands, run against the register served over HTTP.

`main([...])` is the command a provider's engineer runs; it reaches a live server thread with
urllib, with a real API key, as it would reach the register. Each refusal is checked for its exit
status and the problem codes and pointers it prints; each failure to run for its one-line message.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from django.test import LiveServerTestCase, SimpleTestCase
from provenance_client.api import KEY_VARIABLE, URL_VARIABLE
from provenance_client.cli import main

from registry.accounts.models import ApiScope
from registry.accounts.roles import MemberRole
from registry.accounts.services import api_key_create
from registry.declarations.models import ProvenanceDeclaration
from registry.filings.models import FilingSnapshot
from registry.filings.states import Status
from tests.api.test_declarations import PUBLIC_DATASET, whole_body
from tests.factories import AIModelFactory, MembershipFactory, ProviderFactory, UserFactory
from tests.transparency.test_label_verify import LOG, published

REPOSITORY = Path(__file__).resolve().parents[2]


def problem_body(model_id: int) -> dict[str, Any]:
    """A whole declaration with three problems a draft can hold."""
    return whole_body(
        model_id,
        tdm_opt_out_measures="",
        sources=[
            PUBLIC_DATASET | {"share_percent": 70},
            PUBLIC_DATASET | {"name": "", "share_percent": 20},
            PUBLIC_DATASET | {"licence": "MIT AND (Apache-2.0", "share_percent": 10},
        ],
    )


def run(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the command with only these of the client's variables set; return status and output."""
    out, err = io.StringIO(), io.StringIO()
    variables = {name: value for name, value in os.environ.items() if not name.startswith("PROV")}
    with (
        mock.patch.dict(os.environ, variables | (environ or {}), clear=True),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ApiCommandTests(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        acme = ProviderFactory(legal_name="Acme Intelligence Ltd", trading_name="Acme AI")
        self.alice = UserFactory(email="alice@acme.example", full_name="Alice Owner")
        MembershipFactory(user=self.alice, provider=acme, role=MemberRole.OWNER)
        self.model = AIModelFactory(provider=acme, name="Acme Chat", version="2.1")
        _, self.write_key = api_key_create(actor=self.alice, name="CI", scope=ApiScope.WRITE)
        _, self.read_key = api_key_create(actor=self.alice, name="Audit", scope=ApiScope.READ)

    def command(self, *argv: str, key: str | None = None) -> tuple[int, str, str]:
        status, out, err = run(
            *argv,
            environ={URL_VARIABLE: self.live_server_url, KEY_VARIABLE: key or self.write_key},
        )
        self.assertNotIn("Traceback", err)
        self.assertNotIn(key or self.write_key, out + err, "the key is never printed")
        return status, out, err

    def write(self, name: str, content: str) -> str:
        path = self.folder / name
        path.write_text(content)
        return str(path)

    def api(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        """What the API itself answers, through Django's test client, for comparison."""
        headers = {"Authorization": f"Bearer {key or self.write_key}"}
        answer = getattr(self.client, method.lower())(
            path, json.dumps(body or {}), content_type="application/json", headers=headers
        )
        return answer.json()

    def test_create_validate_submit_and_status_of_a_whole_declaration(self):
        body = {k: v for k, v in whole_body(self.model.pk).items() if k != "model"}
        status, out, err = self.command(
            "declarations",
            "create",
            "--model",
            str(self.model.pk),
            self.write("d.json", json.dumps(body)),
        )
        self.assertEqual((status, err), (0, ""))
        declaration = ProvenanceDeclaration.objects.get()
        lines = out.splitlines()
        self.assertEqual(
            lines[0], f"Created declaration {declaration.pk} (DEC-{declaration.pk:06d}-v1)"
        )
        self.assertEqual(lines[1], "Status: draft")
        self.assertRegex(lines[2], r'^ETag: "?.+"?$')
        self.assertEqual(len(lines), 3, "no problems to fix")

        status, out, _ = self.command("declarations", "validate", str(declaration.pk))
        self.assertEqual(status, 0)
        self.assertEqual(out, f"Declaration {declaration.pk} is valid: it can be submitted.\n")

        status, out, err = self.command("declarations", "submit", str(declaration.pk))
        self.assertEqual((status, err), (0, ""), out)
        snapshot = FilingSnapshot.objects.get()
        self.assertEqual(
            out.splitlines(),
            [
                f"Submitted declaration {declaration.pk}: status submitted",
                f"Snapshot SHA-256: {snapshot.sha256}",
            ],
        )
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, Status.SUBMITTED)

        status, out, _ = self.command("declarations", "status", str(declaration.pk))
        self.assertEqual(status, 0)
        self.assertIn("Status: submitted", out)
        self.assertIn("Version: 1", out)
        self.assertIn(f"Snapshot SHA-256: {snapshot.sha256}", out)
        self.assertIn("submit → submitted", out)

        status, out, _ = self.command("declarations", "status", str(declaration.pk), "--json")
        self.assertEqual(status, 0)
        read = json.loads(out)
        self.assertEqual(
            (read["status"], read["snapshot"]["sha256"]), ("submitted", snapshot.sha256)
        )

    def test_validate_prints_the_apis_own_codes_and_pointers_and_exits_1(self):
        created = self.api("POST", "/api/v1/declarations/", problem_body(self.model.pk))
        expected = self.api("POST", f"/api/v1/declarations/{created['id']}/validate")["problems"]
        self.assertEqual(len(expected), 3)

        status, out, err = self.command("declarations", "validate", str(created["id"]))
        self.assertEqual((status, err), (1, ""))
        lines = out.splitlines()
        self.assertEqual(lines[0], f"Declaration {created['id']} has 3 problem(s):")
        self.assertEqual(
            lines[1:],
            [f"  {p['code']}  {p['pointer']}  {p['detail']}" for p in expected],
        )
        self.assertEqual(
            {tuple(line.split()[:2]) for line in lines[1:]},
            {
                ("tdm_opt_out_measures_required", "/tdm_opt_out_measures"),
                ("source_name_required", "/sources/1/name"),
                ("licence_invalid", "/sources/2/licence"),
            },
        )
        status, out, _ = self.command("declarations", "validate", str(created["id"]), "--json")
        self.assertEqual((status, json.loads(out)), (1, {"valid": False, "problems": expected}))

    def test_a_draft_with_problems_is_created_and_they_are_listed(self):
        body = problem_body(self.model.pk)
        status, out, _ = self.command(
            "declarations",
            "create",
            "--model",
            str(self.model.pk),
            self.write("d.json", json.dumps(body)),
        )
        self.assertEqual(status, 0, "the draft is kept, problems and all")
        self.assertIn("3 problem(s) to fix before it can be submitted:", out)
        self.assertIn("  licence_invalid  /sources/2/licence  ", out)

    def test_submitting_a_declaration_with_problems_is_refused_with_them(self):
        created = self.api("POST", "/api/v1/declarations/", problem_body(self.model.pk))
        status, out, err = self.command("declarations", "submit", str(created["id"]))
        self.assertEqual((status, out), (1, ""))
        self.assertIn("the register found problems in the request", err)
        self.assertIn("  source_name_required  /sources/1/name  ", err)
        self.assertEqual(ProvenanceDeclaration.objects.get().status, Status.DRAFT)

    def test_models_lists_the_providers_models(self):
        other = AIModelFactory(provider=ProviderFactory(), name="Not ours")
        status, out, _ = self.command("models")
        self.assertEqual(status, 0)
        self.assertEqual(out, f"{self.model.pk}  (no number yet)  Acme Chat 2.1\n")
        self.assertNotIn(other.name, out)
        status, out, _ = self.command("models", "--json", key=self.read_key)
        self.assertEqual([m["id"] for m in json.loads(out)], [self.model.pk])

    def test_a_read_key_is_refused_on_create_with_the_problem(self):
        path = self.write("d.json", json.dumps({}))
        status, out, err = self.command(
            "declarations", "create", "--model", str(self.model.pk), path, key=self.read_key
        )
        self.assertEqual((status, out), (1, ""))
        self.assertIn("the API key may not do this (403 Forbidden)", err)
        self.assertIn("This key may only read", err)
        self.assertFalse(ProvenanceDeclaration.objects.exists())

    def test_another_providers_model_is_404_with_its_pointer(self):
        other = AIModelFactory(provider=ProviderFactory())
        path = self.write("d.json", "{}")
        status, _, err = self.command("declarations", "create", "--model", str(other.pk), path)
        self.assertEqual(status, 1)
        self.assertIn("(404 Not Found)", err)
        self.assertIn("  not_found  /model  ", err)

    def test_a_second_open_declaration_is_refused_as_a_conflict(self):
        path = self.write("d.json", "{}")
        self.assertEqual(
            self.command("declarations", "create", "--model", str(self.model.pk), path)[0], 0
        )
        status, out, err = self.command(
            "declarations", "create", "--model", str(self.model.pk), path, "--json"
        )
        self.assertEqual(status, 1)
        self.assertEqual(json.loads(out)["code"], "open_filing_exists", "--json gives the problem")
        self.assertIn("not possible in the declaration's current state (409 Conflict)", err)
        self.assertEqual(ProvenanceDeclaration.objects.count(), 1)

    def test_a_key_the_register_does_not_know_exits_2_worded_401(self):
        status, out, err = self.command("models", key="prk_00000000.not-a-key")
        self.assertEqual((status, out), (2, ""))
        self.assertEqual(len(err.splitlines()), 1)
        self.assertIn("did not accept the API key (401 Unauthorized)", err)
        self.assertIn(KEY_VARIABLE, err)

    def test_a_file_that_is_not_json_exits_2_and_sends_nothing(self):
        path = self.write("d.json", "model: 1\n")
        status, out, err = self.command(
            "declarations", "create", "--model", str(self.model.pk), path
        )
        self.assertEqual((status, out), (2, ""))
        self.assertIn(f"provenance-register: {path} is not JSON", err)
        self.assertFalse(ProvenanceDeclaration.objects.exists())

    def test_an_answer_that_is_not_json_exits_2(self):
        status, _, err = run(
            "models",
            "--url",
            f"{self.live_server_url}/register/",
            environ={KEY_VARIABLE: self.write_key},
        )
        self.assertEqual(status, 2)
        self.assertEqual(len(err.splitlines()), 1, err)


class ApiCommandConfigurationTests(SimpleTestCase):
    def test_no_address_exits_2_saying_which_variable_to_set(self):
        status, out, err = run("models", environ={KEY_VARIABLE: "prk_x.y"})
        self.assertEqual((status, out), (2, ""))
        self.assertEqual(
            err, f"provenance-register: no register address: set {URL_VARIABLE} (or give --url)\n"
        )

    def test_no_key_exits_2_saying_which_variable_to_set(self):
        status, _, err = run("declarations", "status", "1", "--url", "http://127.0.0.1:9")
        self.assertEqual(status, 2)
        self.assertIn(f"no API key: set {KEY_VARIABLE}", err)

    def test_a_register_that_is_down_exits_2_connection_refused(self):
        url = f"http://127.0.0.1:{closed_port()}"
        status, out, err = run("models", environ={URL_VARIABLE: url, KEY_VARIABLE: "prk_x.y"})
        self.assertEqual((status, out), (2, ""))
        self.assertEqual(
            err,
            f"provenance-register: cannot reach the register at {url}/api/v1/: connection "
            "refused (is the address right, and the register up?)\n",
        )

    def test_an_address_that_is_not_one_exits_2(self):
        status, _, err = run(
            "models", environ={URL_VARIABLE: "file:///etc/passwd", KEY_VARIABLE: "k"}
        )
        self.assertEqual(status, 2)
        self.assertIn("is not a register address", err)

    def test_the_key_is_not_an_option_and_help_says_why(self):
        status, out, _ = run("declarations", "submit", "--help")
        self.assertEqual(status, 0)
        self.assertIn(KEY_VARIABLE, out)
        self.assertIn("never accepted on the command line", " ".join(out.split()))
        status, _, err = run("models", "--key", "prk_x.y")
        self.assertEqual(status, 2)
        self.assertIn("unrecognized arguments: --key", err)

    def test_an_id_that_is_not_one_is_a_usage_error(self):
        status, _, err = run("declarations", "status", "../1")
        self.assertEqual(status, 2)
        self.assertIn("'../1' is not an id", err)


def execute(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    """Run a program of the test's own, with fixed arguments, and capture what it prints."""
    return subprocess.run(  # noqa: S603 (our own fixed command lines)
        [str(arg) for arg in argv], capture_output=True, text=True, check=False, timeout=120
    )


class InstalledClientTests(SimpleTestCase):
    """`pip install ./client` into a fresh virtual environment gives a working command."""

    def test_the_client_installs_and_its_command_runs(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        environment = folder / "env"
        made = execute(sys.executable, "-m", "venv", "--system-site-packages", environment)
        self.assertEqual(made.returncode, 0, made.stderr)
        python = environment / "bin" / "python"
        purelib = execute(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
        ).stdout.strip()
        # The client's dependencies and its build backend (hatchling) come from the outer
        # environment, so the install needs no network; the checkout's editable install, a .pth
        # of that environment's own, is not seen from here.
        Path(purelib, "outer.pth").write_text(sysconfig.get_path("purelib") + "\n")
        source = shutil.copytree(REPOSITORY / "client", folder / "client")  # builds leave no trace
        installed = execute(
            python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
            "--no-index", source,
        )  # fmt: skip
        self.assertEqual(installed.returncode, 0, installed.stderr)
        where = execute(python, "-c", "import provenance_client; print(provenance_client.__file__)")
        self.assertTrue(where.stdout.startswith(purelib), "the installed copy, not the checkout's")

        command = environment / "bin" / "provenance-register"
        shown = execute(command, "--help")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        for name in ("verify", "models", "declarations"):
            self.assertIn(name, shown.stdout)
        label, _, _ = published()
        path = folder / "label.json"
        path.write_text(json.dumps(label))
        verified = execute(command, "verify", path, "--key", LOG.verifier.to_verifier_key())
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        self.assertEqual(verified.stdout.splitlines()[-1], "Verified: all 18 checks hold.")
