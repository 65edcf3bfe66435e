"""Open one of a leaf's commitments: prove a regulator-only value without publishing the rest.

    manage.py log_open 12 /sources/3/size_tokens > opening.json

prints the value, its salt and its Merkle path among the leaf's commitments, as JSON that
`provenance_client.record.verify_opening` checks against the public leaf (GET /log/tile/entries/…
or any label's proof). The leaf's secret never leaves the database: only this value's salt does.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from provenance_client.record import open_commitment, parse_leaf, verify_opening

from registry.transparency.models import LeafSecret, LogEntry
from registry.transparency.records import accepted_snapshot, regulator_only_values


class Command(BaseCommand):
    help = "Print the opening of one regulator-only value committed to in a leaf of the log."

    def add_arguments(self, parser):
        parser.add_argument("index", type=int, help="The leaf's index in the log")
        parser.add_argument("pointer", help="The value's JSON pointer, e.g. /total_tokens")

    def handle(self, *args, index: int, pointer: str, **options):
        entry = LogEntry.objects.filter(index=index).first()
        if entry is None:
            raise CommandError(f"The log has no leaf {index}")
        secret = LeafSecret.objects.get(entry=entry).secret
        leaf = parse_leaf(bytes(entry.data))
        snapshot = accepted_snapshot(entry.filing_kind, entry.filing_id)
        values = regulator_only_values(entry.filing_kind, json.loads(snapshot.content))
        if pointer not in values:
            known = ", ".join(sorted(values)[:5])
            raise CommandError(f"Leaf {index} commits to no value at {pointer} (it has {known}…)")
        opening = open_commitment(bytes(secret), values, pointer)
        verify_opening(opening, leaf["commitments"])  # never hand out an opening that fails
        self.stdout.write(json.dumps(opening, indent=2))
