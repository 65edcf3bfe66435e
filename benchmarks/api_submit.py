"""Filing through the API against writing the same rows straight into the database.

Run: `make bench-api` (or `.venv/bin/python benchmarks/api_submit.py`), with PostgreSQL at
DATABASE_URL (default: the local server, database `register_bench`, created if missing).

It prints two ratios, each measured side by side in one run:
1. time to create a declaration with 1,000 data sources and submit it through the API (gunicorn on
   127.0.0.1), against inserting the same declaration and rows with `bulk_create` — target ≤ 3x;
2. the server's peak memory (VmHWM of the gunicorn worker) serving one 10,000-source bulk request,
   against a 100-source one, each on a freshly started worker — target ≤ 3x.

It also gives one figure: the time to save a 10,000-source draft holding problems (one source in
ten has no licence and a share that is not a number's worth of the total, and the signatory has
no role), and the time to validate that draft, which lists every problem at once.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.server import benchmark_env, gunicorn, peak_rss_kib, worker_pids

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/register_bench")
ROUNDS = 9
SOURCES = 1_000

GENERAL = {
    "training_data_size": {"text": "1b_10t"},
    "total_tokens": 2_000_000_000_000,
    "latest_collection_date": "2024-12-31",
    "continuous_training": False,
    "languages": [{"code": "en", "share_percent": 80}, {"code": "fr", "share_percent": 20}],
    "content_types": ["news articles", "source code"],
    "tdm_opt_out_measures": "We honour robots.txt and TDM-Rep opt-outs at crawl time.",
    "illegal_content_measures": "Hash matching against known illegal material.",
    "code_of_practice_signatory": True,
}


def source(n: int, count: int) -> dict:
    return {
        "name": f"Dataset {n}",
        "category": "public_dataset",
        "description": "Openly published encyclopaedia articles.",
        "url": f"https://data.example/dataset/{n}",
        "dataset_version": "2024-06",
        "owner": "Example Foundation",
        "licence": "CC-BY-4.0",
        "licence_use_category": "commercial",
        "acquisition": "public",
        "modalities": ["text"],
        "languages": ["en"],
        "size_tokens": 1_000_000,
        "share_percent": str(Decimal(100) / count),  # 0.1, 1 or 0.01: they add up to 100
        "collection_start": "2023-01-01",
        "collection_end": "2024-06-30",
        "first_used_on": "2024-07-01",
        "purpose": "Broad general knowledge.",
        "personal_data": "no",
        "ip_status": "mixed",
        "processing": ["deduplication"],
        "countries": ["GB"],
    }


def sources(count: int) -> list[dict]:
    return [source(n, count) for n in range(count)]


def sources_with_problems(count: int) -> list[dict]:
    """Every tenth source lacks its licence and claims 5% of the data, so the shares add up
    wrong: problems a draft holds, not refusals."""
    rows = sources(count)
    for row in rows[::10]:
        row["licence"] = ""
        row["share_percent"] = "5"
    return rows


def declaration_body(model_id: int, count: int) -> dict:
    return {
        "model": model_id,
        "amend": False,
        **GENERAL,
        "sources": sources(count),
        "signatory_name": "Bench Marker",
        "signatory_role": "Chief Executive",
        "sign": True,
    }


def prepare_database() -> None:
    """Create the benchmark database if it is missing, and migrate it."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(benchmark_env(DATABASE_URL))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_provider():
    """An owner, their provider and a write key; returns (owner, provider, raw key)."""
    from django.utils import timezone

    from registry.accounts.models import ApiScope, User
    from registry.accounts.services import api_key_create
    from registry.providers.services import provider_register

    stamp = time.time_ns()
    owner = User.objects.create_user(
        f"bench{stamp}@bench.example",
        "x" * 20,
        full_name="Bench",
        email_verified_at=timezone.now(),  # signing a statement of truth needs a proven address
    )
    provider = provider_register(
        user=owner,
        details={
            "legal_name": f"Bench {stamp} Ltd",
            "country": "GB",
            "company_number": "12345678",
            "registered_address": "1 Bench Road",
            "website": "https://bench.example",
            "contact_email": "bench@bench.example",
        },
    )
    _, raw = api_key_create(actor=owner, name="bench", scope=ApiScope.WRITE)
    return owner, provider, raw


def new_model(owner, provider, n: int):
    from registry.declarations.services import model_register

    return model_register(
        actor=owner,
        provider=provider,
        values={
            "name": f"Bench {n}",
            "version": "1.0",
            "model_type": "foundation",
            "modalities_in": ["text"],
            "modalities_out": ["text"],
            "distribution": "api",
        },
    )


def post(base: str, path: str, key: str, body: dict | None) -> dict:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(
        base + path,
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{path} answered {error.code}: {error.read()[:2000]!r}") from None


def through_api(base: str, key: str, model_id: int, count: int) -> float:
    started = time.perf_counter()
    created = post(base, "/api/v1/declarations/", key, declaration_body(model_id, count))
    submitted = post(base, f"/api/v1/declarations/{created['id']}/submit", key, None)
    elapsed = time.perf_counter() - started
    if submitted["status"] != "submitted":
        raise RuntimeError(f"not submitted: {submitted}")
    return elapsed


def straight_to_database(owner, model, count: int) -> float:
    """The floor: the same declaration and rows written with bulk_create, nothing checked."""
    from django.db import transaction

    from registry.declarations.models import DataSource, ProvenanceDeclaration

    rows = sources(count)
    started = time.perf_counter()
    with transaction.atomic():
        declaration = ProvenanceDeclaration.objects.create(
            model=model, version=1, created_by=owner, **GENERAL
        )
        DataSource.objects.bulk_create(
            [DataSource(declaration=declaration, **row) for row in rows], batch_size=500
        )
    return time.perf_counter() - started


def time_ratio(owner, provider, key: str) -> None:
    env = benchmark_env(DATABASE_URL)
    api_times, db_times = [], []
    with gunicorn(env) as (base, _):
        through_api(base, key, new_model(owner, provider, 0).pk, SOURCES)  # warm the worker
        for n in range(1, ROUNDS + 1):
            api_times.append(through_api(base, key, new_model(owner, provider, n).pk, SOURCES))
            db_times.append(
                straight_to_database(owner, new_model(owner, provider, 100 + n), SOURCES)
            )
    api, db = statistics.median(api_times), statistics.median(db_times)
    print(
        f"create + submit {SOURCES:,} sources via the API: {api * 1000:8.1f} ms "
        f"(median of {ROUNDS})"
    )
    print(f"insert the same rows with bulk_create:        {db * 1000:8.1f} ms (median of {ROUNDS})")
    print(f"ratio API / bulk_create: {api / db:.2f}x (target <= 3x)")


def peak_memory(owner, provider, key: str, count: int, n: int) -> tuple[int, int]:
    """(idle, peak) resident memory in KiB of a fresh worker serving one bulk request."""
    env = benchmark_env(DATABASE_URL)
    model = new_model(owner, provider, n)
    with gunicorn(env) as (base, process):
        urllib.request.urlopen(base + "/healthz").read()
        worker = worker_pids(process.pid)[0]
        idle = peak_rss_kib(worker)
        post(base, "/api/v1/declarations/", key, declaration_body(model.pk, count))
        return idle, peak_rss_kib(worker)


def draft_with_problems(owner, provider, key: str) -> None:
    """Save a 10,000-source draft that holds problems, then validate it."""
    count = 10_000
    body = {
        **declaration_body(new_model(owner, provider, 2000).pk, count),
        "sources": sources_with_problems(count),
        "signatory_role": "",
    }
    with gunicorn(benchmark_env(DATABASE_URL)) as (base, _):
        started = time.perf_counter()
        created = post(base, "/api/v1/declarations/", key, body)
        saved = time.perf_counter() - started
        started = time.perf_counter()
        checked = post(base, f"/api/v1/declarations/{created['id']}/validate", key, None)
        validated = time.perf_counter() - started
    if created["status"] != "draft" or checked["valid"] or not created["problems"]:
        raise RuntimeError(f"the draft should have been saved with its problems: {checked}")
    print(
        f"save a {count:,}-source draft holding problems: {saved * 1000:8.1f} ms "
        f"({len(created['problems']):,} problems listed in the response)"
    )
    print(
        f"validate it:                                {validated * 1000:8.1f} ms "
        f"({len(checked['problems']):,} problems)"
    )


def mib(kib: int) -> str:
    return f"{kib / 1024:6.1f} MiB"


def memory_ratio(owner, provider, key: str) -> None:
    small_idle, small = peak_memory(owner, provider, key, 100, 1000)
    large_idle, large = peak_memory(owner, provider, key, 10_000, 1001)
    for label, idle, peak in (("100", small_idle, small), ("10,000", large_idle, large)):
        print(f"peak memory, {label:>6}-source request: {mib(peak)} (idle {mib(idle)})")
    print(
        f"ratio 10,000 / 100: {large / small:.2f}x (target <= 3x); "
        f"growth over idle: {(large - large_idle) / max(small - small_idle, 1):.1f}x"
    )


def main() -> None:
    prepare_database()
    owner, provider, key = make_provider()
    time_ratio(owner, provider, key)
    memory_ratio(owner, provider, key)
    draft_with_problems(owner, provider, key)


if __name__ == "__main__":
    main()
