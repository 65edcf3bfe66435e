"""Open a case for every filing submitted before cases existed, with its clock from its history."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from registry.review.clock import clock_of

CLOSED = {"accepted", "rejected", "superseded", "withdrawn"}


def filing_of(apps, kind: str, filing_id: int):
    if kind == "declaration":
        declaration = (
            apps.get_model("declarations", "ProvenanceDeclaration")
            .objects.select_related("model")
            .get(pk=filing_id)
        )
        subject = f"{declaration.model.name} {declaration.model.version}"
        return declaration, declaration.model.provider_id, subject, "DEC"
    statement = (
        apps.get_model("providers", "OwnershipStatement")
        .objects.select_related("provider")
        .get(pk=filing_id)
    )
    return statement, statement.provider_id, statement.provider.legal_name, "OWN"


def open_cases(apps, schema_editor):
    Case = apps.get_model("review", "Case")
    FilingSnapshot = apps.get_model("filings", "FilingSnapshot")
    FilingTransition = apps.get_model("filings", "FilingTransition")
    submitted = FilingSnapshot.objects.values_list("filing_kind", "filing_id").distinct()
    for kind, filing_id in sorted(set(submitted)):
        if Case.objects.filter(filing_kind=kind, filing_id=filing_id).exists():
            continue
        filing, provider_id, subject, prefix = filing_of(apps, kind, filing_id)
        snapshots = FilingSnapshot.objects.filter(filing_kind=kind, filing_id=filing_id)
        moves = FilingTransition.objects.filter(filing_kind=kind, filing_id=filing_id)
        clock = clock_of(
            [(m.action, timezone.localdate(m.occurred_at)) for m in moves.order_by("occurred_at")]
        )
        Case.objects.create(
            filing_kind=kind,
            filing_id=filing_id,
            provider_id=provider_id,
            reference=f"{prefix}-{filing.pk:06d}-v{filing.version}",
            subject=subject,
            status=filing.status,
            opened_at=snapshots.order_by("submission").first().submitted_at,
            last_submitted_at=snapshots.order_by("submission").last().submitted_at,
            submissions=snapshots.count(),
            closed_at=filing.decided_at if filing.status in CLOSED else None,
            clock_days_used=clock.days_used,
            clock_running_since=clock.running_since,
            due_on=clock.due_on(settings.REVIEW_DAYS),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("filings", "0001_initial"),
        ("declarations", "0001_initial"),
        ("providers", "0001_initial"),
    ]

    operations = [migrations.RunPython(open_cases, migrations.RunPython.noop)]
