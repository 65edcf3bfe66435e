"""Show the transparency log's public key, or create its private key file for a new register."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from provenance_client.note import Signer

from registry.transparency import keys


class Command(BaseCommand):
    help = (
        "Print the transparency log's public (verifier) key and key ID. With --create, first "
        "write a new private key to TRANSPARENCY_LOG_KEY_PATH if the log has no key yet; with "
        "--new, print a new private key to set as TRANSPARENCY_LOG_KEY, and nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the key file if neither TRANSPARENCY_LOG_KEY nor the file exists",
        )
        parser.add_argument(
            "--new",
            action="store_true",
            help="Print a new private key for this log's origin (keep it secret)",
        )

    def handle(self, *args, create: bool, new: bool, **options):
        if new:
            self.stdout.write(Signer.generate(settings.TRANSPARENCY_LOG_ORIGIN).to_private_key())
            return
        path = Path(settings.TRANSPARENCY_LOG_KEY_PATH)
        created = False
        if create and not settings.TRANSPARENCY_LOG_KEY.strip() and not path.exists():
            keys.key_create(path)
            created = True
        try:
            verifier = keys.log_verifier()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(
                f"Created the transparency log's private key in {path}; keep it secret."
            )
        self.stdout.write(f"Log: {verifier.name}")
        self.stdout.write(f"Key ID: {verifier.key_id.hex()}")
        self.stdout.write(f"Public key: {verifier.to_verifier_key()}")
