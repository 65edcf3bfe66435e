from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.labels.exports import KEEP, open_data_export


class Command(BaseCommand):
    help = "Export the whole public register as CSV and JSON Lines, with their SHA-256 and rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep", type=int, default=KEEP, help=f"exports kept per format (default {KEEP})"
        )

    def handle(self, *args, **options):
        for export in open_data_export(timezone.now(), keep=options["keep"]):
            self.stdout.write(
                f"{export.file.name}  {export.rows} rows  {export.size} bytes  "
                f"sha256 {export.sha256}"
            )
