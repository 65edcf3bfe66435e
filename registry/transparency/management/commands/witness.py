"""Witness a register's transparency log from outside: the command another party runs.

It reads only the log's public URLs (the checkpoint and tiles under /log/), keeps the last
checkpoint it accepted in a state file, checks that each new one extends it, and cosigns:

    manage.py witness --create-key --key witness.key        # once: prints the key to publish
    manage.py witness --log https://register.example/log/ --log-key "$(cat log.key)" \\
        --key witness.key --state witness.state --post      # as often as you like

A split view (two checkpoints of one size with different roots), a rollback or a rewritten
history is reported and the command exits 1, keeping the state it had, so the evidence stays.
The logic is the installable client's (`provenance_client.witness`); this is its front door.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from provenance_client.cosignature import CosignatureSigner
from provenance_client.errors import FormatError
from provenance_client.note import Verifier
from provenance_client.witness import witness_step

# A witness reads a handful of small files; a log that doesn't answer in this long is down.
TIMEOUT_SECONDS = 30
GOOD = {"cosigned", "unchanged"}


class Command(BaseCommand):
    help = "Check a transparency log's latest checkpoint against the last one seen, and cosign it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--log", help="The log's URL prefix, e.g. https://register.example/log/"
        )
        parser.add_argument("--log-key", help="The log's public verifier key (from /log/key)")
        parser.add_argument("--key", required=True, help="This witness's private key file")
        parser.add_argument("--state", help="Where the last accepted checkpoint is kept")
        parser.add_argument("--post", action="store_true", help="Post the cosignature to the log")
        parser.add_argument(
            "--create-key",
            metavar="NAME",
            help="Create the witness's key file under this name (e.g. witness.example.org/w1)",
        )

    def handle(self, *args, **options):
        key_path = Path(options["key"])
        if options["create_key"]:
            self.create_key(key_path, options["create_key"])
            return
        for required in ("log", "log_key", "state"):
            if not options[required]:
                raise CommandError(f"--{required.replace('_', '-')} is required to witness a log")
        try:
            signer = CosignatureSigner.from_private_key(key_path.read_text().strip())
            log = Verifier.from_verifier_key(options["log_key"].strip())
        except OSError as error:
            raise CommandError(f"Cannot read the witness key {key_path}: {error}") from error
        except FormatError as error:
            raise CommandError(f"A key is not valid: {error}") from error
        prefix = options["log"].rstrip("/") + "/"
        state_path = Path(options["state"])
        state = state_path.read_text() if state_path.exists() else None
        report = witness_step(
            fetch=lambda path: self.fetch(prefix + path),
            log=log,
            signer=signer,
            state=state,
            now=int(time.time()),
        )
        self.stdout.write(f"{report.status}: {report.message}")
        if report.status not in GOOD:
            raise CommandError(f"The log misbehaved ({report.status}); the state is kept as it was")
        if report.checkpoint is not None:
            state_path.write_text(report.checkpoint)
        if options["post"] and report.checkpoint and report.cosignature:
            self.post(prefix + "cosignature", report.checkpoint + report.cosignature)

    def create_key(self, path: Path, name: str) -> None:
        if path.exists():
            raise CommandError(f"{path} exists already: a witness keeps its key")
        try:
            signer = CosignatureSigner.generate(name)
        except FormatError as error:
            raise CommandError(str(error)) from error
        path.touch(mode=0o600)
        path.write_text(signer.to_private_key() + "\n")
        self.stdout.write(f"Created {path}. Publish this key and ask the register to name it:")
        self.stdout.write(signer.verifier.to_verifier_key())

    def fetch(self, url: str) -> bytes:
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.read()
        except (urllib.error.URLError, OSError) as error:
            raise CommandError(f"Cannot read {url}: {error}") from error

    def post(self, url: str, note: str) -> None:
        request = urllib.request.Request(  # noqa: S310
            url,
            data=note.encode(),
            method="POST",
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                self.stdout.write(response.read().decode().strip())
        except urllib.error.HTTPError as error:
            raise CommandError(
                f"The log refused the cosignature: {error.read().decode()}"
            ) from error
        except (urllib.error.URLError, OSError) as error:
            raise CommandError(f"Cannot post to {url}: {error}") from error
