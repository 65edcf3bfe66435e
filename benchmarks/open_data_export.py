"""The open-data export's peak memory at 100,000 registered models against 1,000.

Run: `make bench-export` (or `.venv/bin/python benchmarks/open_data_export.py [SMALL LARGE]`), with
PostgreSQL at DATABASE_URL (default: the local server, database `register_bench`, created if
missing). It empties the register's tables of that database first: it is for benchmarks only.

The register is built straight into the database with `bulk_create` (a fixture, not the
services), each model with an accepted declaration of 3 sources, a supply-chain party and a
red-team attestation, 1,000 models to a provider; then analysed. The export then runs in a fresh
Python process for each size, and the process's peak resident memory (ru_maxrss) is compared.
Target: the large register within 1.5x of the small one, since the export streams its rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.api_submit import DATABASE_URL, prepare_database
from benchmarks.server import PYTHON, ROOT, benchmark_env

SMALL, LARGE = 1_000, 100_000
BATCH = 2_000
MODELS_PER_PROVIDER = 1_000

# What the fresh process runs: the export, and its peak memory before and after.
CHILD = """
import json, resource, time
import django
django.setup()
from django.utils import timezone
from registry.labels.exports import open_data_export
import registry.api.v1.public  # loaded before the baseline, like the export's other code
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
exports = open_data_export(timezone.now(), keep=1)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "rows": exports[0].rows,
    "bytes": {e.format: e.size for e in exports},
    "baseline_kib": before,
    "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def register_empty() -> None:
    """Remove every provider and model (and what hangs off them) from the benchmark database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE labels_labelpdf, labels_opendataexport, declarations_aimodel, "
            "providers_provider CASCADE"
        )


def register_analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would soon after a bulk load: without
    them PostgreSQL guesses, and scans every source where an index finds a chunk's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def fields_of(instance) -> dict:
    """An unsaved instance's column values, to stamp out copies quickly."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }


def register_grow(start: int, stop: int, owner) -> None:
    """Add registered models number `start` to `stop - 1`, each with an accepted declaration."""
    from django.db import transaction
    from django.utils import timezone

    from registry.declarations.models import (
        AIModel,
        DataSource,
        ProvenanceDeclaration,
        RedTeamAttestation,
        SupplyChainParty,
    )
    from registry.filings.states import Status
    from registry.providers.models import Provider
    from tests.factories import (
        SIGNATURE,
        AIModelFactory,
        DataSourceFactory,
        ProvenanceDeclarationFactory,
        ProviderFactory,
        RedTeamAttestationFactory,
        SupplyChainPartyFactory,
    )

    now = timezone.now()
    provider_fields = fields_of(ProviderFactory.build())
    model_fields = fields_of(AIModelFactory.build(provider=None))
    declaration_fields = fields_of(
        ProvenanceDeclarationFactory.build(model=None, version=1, created_by=owner, **SIGNATURE)
    ) | {
        "status": Status.ACCEPTED,
        "version": 1,
        "signed_at": now,
        "submitted_at": now,
        "decided_at": now,
        "updated_at": now,
    }
    traits = [{}, {"web_crawl": True}, {"synthetic": True}]
    source_fields = [fields_of(DataSourceFactory.build(declaration=None, **t)) for t in traits]
    party_fields = fields_of(SupplyChainPartyFactory.build(declaration=None))
    attestation_fields = fields_of(RedTeamAttestationFactory.build(declaration=None))
    for first in range(start, stop, BATCH):
        numbers = range(first, min(first + BATCH, stop))
        with transaction.atomic():
            providers = {
                n // MODELS_PER_PROVIDER: Provider(
                    **provider_fields
                    | {
                        "registration_number": f"PRV-{n // MODELS_PER_PROVIDER:06d}",
                        "legal_name": f"Export Bench {n // MODELS_PER_PROVIDER} Ltd",
                        "registered_at": now,
                    }
                )
                for n in numbers
                if n % MODELS_PER_PROVIDER == 0
            }
            Provider.objects.bulk_create(providers.values())
            provider_ids = dict(
                Provider.objects.filter(
                    registration_number__in=[f"PRV-{n // MODELS_PER_PROVIDER:06d}" for n in numbers]
                ).values_list("registration_number", "pk")
            )
            models = AIModel.objects.bulk_create(
                AIModel(
                    **model_fields
                    | {
                        "provider_id": provider_ids[f"PRV-{n // MODELS_PER_PROVIDER:06d}"],
                        "name": f"Bench model {n}",
                        "registration_number": f"MOD-{n + 1:06d}",
                    }
                )
                for n in numbers
            )
            declarations = ProvenanceDeclaration.objects.bulk_create(
                ProvenanceDeclaration(**declaration_fields | {"model_id": model.pk})
                for model in models
            )
            DataSource.objects.bulk_create(
                (
                    DataSource(
                        **fields
                        | {
                            "declaration_id": declaration.pk,
                            "name": f"Source {i + 1}",
                            "share_percent": [40, 35, 25][i],
                        }
                    )
                    for declaration in declarations
                    for i, fields in enumerate(source_fields)
                ),
                batch_size=1_000,
            )
            SupplyChainParty.objects.bulk_create(
                SupplyChainParty(**party_fields | {"declaration_id": d.pk}) for d in declarations
            )
            RedTeamAttestation.objects.bulk_create(
                RedTeamAttestation(**attestation_fields | {"declaration_id": d.pk})
                for d in declarations
            )


def export_in_fresh_process(media_root: str) -> dict:
    env = benchmark_env(DATABASE_URL) | {"MEDIA_ROOT": media_root}
    result = subprocess.run(
        [PYTHON, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def mib(kib: int) -> str:
    return f"{kib / 1024:7.1f} MiB"


def main() -> None:
    small, large = (int(arg) for arg in sys.argv[1:3]) if len(sys.argv) > 2 else (SMALL, LARGE)
    prepare_database()
    from registry.accounts.models import User

    register_empty()
    owner = User.objects.create_user(
        f"export-bench{time.time_ns()}@bench.example", "x" * 20, full_name="Bench"
    )
    results = {}
    with tempfile.TemporaryDirectory() as media_root:
        built = 0
        for count in (small, large):
            started = time.perf_counter()
            register_grow(built, count, owner)
            register_analyze()
            built = count
            print(f"built {count:,} registered models in {time.perf_counter() - started:.0f} s")
            results[count] = export_in_fresh_process(media_root)
            run = results[count]
            print(
                f"export of {run['rows']:>7,} models: {run['seconds']:7.1f} s, "
                f"peak memory {mib(run['peak_kib'])} "
                f"(before exporting {mib(run['baseline_kib'])}), "
                f"CSV {run['bytes']['csv'] / 2**20:.1f} MiB, "
                f"JSONL {run['bytes']['jsonl'] / 2**20:.1f} MiB"
            )
    a, b = results[small], results[large]
    print(
        f"peak memory ratio {large:,} / {small:,}: {b['peak_kib'] / a['peak_kib']:.2f}x "
        f"(target <= 1.5x); growth over the baseline: "
        f"{(b['peak_kib'] - b['baseline_kib']) / 1024:.1f} MiB against "
        f"{(a['peak_kib'] - a['baseline_kib']) / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
