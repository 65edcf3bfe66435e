"""Log the filings a register published before it had a transparency log.

Each published filing with no leaf yet gets one for the state it is in now (accepted,
superseded or withdrawn), oldest decision first, and the log is integrated. Safe to run again:
a filing with a leaf is left alone.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from registry.declarations.models import ProvenanceDeclaration
from registry.filings.states import PUBLISHED, Status
from registry.providers.models import OwnershipStatement
from registry.transparency import services
from registry.transparency.models import Act, LogEntry, PendingLeaf

ACT_OF_STATUS: dict[str, str] = {
    Status.ACCEPTED: Act.ACCEPTED,
    Status.SUPERSEDED: Act.SUPERSEDED,
    Status.WITHDRAWN: Act.WITHDRAWN,
}


def logged(kind: str) -> set[int]:
    """The filings of this kind with a leaf, integrated or pending."""
    entries = LogEntry.objects.filter(filing_kind=kind).values_list("filing_id", flat=True)
    pending = PendingLeaf.objects.filter(filing_kind=kind).values_list("filing_id", flat=True)
    return set(entries) | set(pending)


class Command(BaseCommand):
    help = "Append a leaf for each published filing that has none, then integrate the log."

    def handle(self, *args, **options):
        appended = 0
        statements = OwnershipStatement.objects.exclude(pk__in=logged("ownership"))
        for statement in statements.filter(status__in=PUBLISHED).order_by("decided_at", "pk"):
            with transaction.atomic():
                services.ownership_leaf_append(statement, ACT_OF_STATUS[statement.status])
            appended += 1
        declarations = ProvenanceDeclaration.objects.exclude(pk__in=logged("declaration"))
        for declaration in declarations.filter(status__in=PUBLISHED).order_by("decided_at", "pk"):
            with transaction.atomic():
                services.declaration_leaf_append(declaration, ACT_OF_STATUS[declaration.status])
            appended += 1
        added = services.log_publish()
        self.stdout.write(f"Appended {appended} leaves; the log integrated {added}.")
