"""The label page under load, against a trivial view on the same server, at 100 and 10,000 models.

Run: `make bench-label` (or `.venv/bin/python benchmarks/label_load.py [SMALL LARGE]`), with
PostgreSQL at DATABASE_URL (default: the local server, database `register_bench`, created if
missing). Like `open_data_export.py`, it empties the register's tables of that database first.

It prints two ratios, each measured side by side in one run, with the app under gunicorn on
127.0.0.1 and a bounded load generator (a fixed number of requests from a few client threads):
1. the label page's throughput against `/healthz` (one database round trip), at the large size —
   target ≥ 0.5x;
2. the label page's mean time at the large register against the small one — target ≤ 1.5x.
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.api_submit import DATABASE_URL, prepare_database
from benchmarks.open_data_export import register_empty, register_grow
from benchmarks.server import benchmark_env, gunicorn

SMALL, LARGE = 100, 10_000
CLIENTS = 4  # client threads, as many as the server has worker processes
REQUESTS = 400  # per measurement
WARM_UP = 40


def fetch(url: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")


def throughput(urls: list[str]) -> float:
    """Requests a second, fetching these URLs (cycled) from CLIENTS threads, REQUESTS in all."""
    work = [urls[n % len(urls)] for n in range(REQUESTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(fetch, work[:WARM_UP]))
        started = time.perf_counter()
        list(pool.map(fetch, work))
    return REQUESTS / (time.perf_counter() - started)


def label_urls(base: str, count: int) -> list[str]:
    """Labels of models spread over the whole register, so no single row stays hot."""
    from registry.declarations.models import AIModel

    numbers = (
        AIModel.objects.exclude(registration_number=None)
        .order_by("registration_number")
        .values_list("registration_number", flat=True)
    )
    step = max(count // 50, 1)
    return [f"{base}/register/models/{number}/" for number in list(numbers)[::step]]


def measure(count: int) -> dict[str, float]:
    env = benchmark_env(DATABASE_URL)
    with gunicorn(env, workers=CLIENTS) as (base, _):
        labels = label_urls(base, count)
        rounds = [(throughput(labels), throughput([base + "/healthz"])) for _ in range(3)]
    return {
        "label": statistics.median(label for label, _ in rounds),
        "trivial": statistics.median(trivial for _, trivial in rounds),
    }


def main() -> None:
    small, large = (int(arg) for arg in sys.argv[1:3]) if len(sys.argv) > 2 else (SMALL, LARGE)
    prepare_database()
    from registry.accounts.models import User

    register_empty()
    owner = User.objects.create_user(
        f"label-bench{time.time_ns()}@bench.example", "x" * 20, full_name="Bench"
    )
    results, built = {}, 0
    for count in (small, large):
        register_grow(built, count, owner)
        built = count
        results[count] = measure(count)
        run = results[count]
        print(
            f"{count:>6,} models: label page {run['label']:7.1f} req/s, "
            f"/healthz {run['trivial']:7.1f} req/s ({CLIENTS} clients, {REQUESTS} requests)"
        )
    at_large, at_small = results[large], results[small]
    print(
        f"label / trivial view at {large:,} models: "
        f"{at_large['label'] / at_large['trivial']:.2f}x (target >= 0.5x)"
    )
    print(
        f"label page time at {large:,} / at {small:,} models: "
        f"{at_small['label'] / at_large['label']:.2f}x (target <= 1.5x)"
    )


if __name__ == "__main__":
    main()
