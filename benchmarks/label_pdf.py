"""The label PDF's render time for a label of 10, 200 and 2,000 sources, against the 10-source one.

Run: `make bench-label` (or `.venv/bin/python benchmarks/label_pdf.py [SOURCES ...]`), with
PostgreSQL at DATABASE_URL (default: the local server, database `register_bench`, created if
missing). Like `open_data_export.py`, it empties the register's tables of that database first.

One registered model for each size is built as `open_data_export.register_grow` builds them (an
accepted declaration, a supply-chain party, a red-team attestation), its sources replaced by as
many as the size says: public datasets, web crawls and synthetic sources in turn, in equal shares.
Each label is then rendered in this process the way the render task renders it
(`labels.services.label_as_pdf`: the label read, the print template, WeasyPrint, tagged), once to
warm up and RUNS times measured; it prints the median, the pages and the size, and each median as a
ratio to the 10-source render's. Target: the 2,000-source label within 3x of the 10-source one, in
a handful of pages (the PDF lists the largest sources only: all of them are in the JSON).
"""

from __future__ import annotations

import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.api_submit import prepare_database
from benchmarks.open_data_export import fields_of, register_empty, register_grow

SIZES = [10, 200, 2_000]
RUNS = 3
TARGET_RATIO = 3
# A handful of pages: what the label page promises a reader who downloads the PDF.
TARGET_PAGES = 8


def sources_replace(declaration, count: int) -> None:
    """Give the declaration `count` sources in equal shares, its kinds of source in turn."""
    from registry.declarations.models import DataSource
    from tests.factories import DataSourceFactory

    traits = [{}, {"web_crawl": True}, {"synthetic": True}]
    kinds = [fields_of(DataSourceFactory.build(declaration=None, **t)) for t in traits]
    share = Decimal(100) / count  # 10, 0.5 or 0.05: exact to the field's three places
    DataSource.objects.filter(declaration=declaration).delete()
    DataSource.objects.bulk_create(
        (
            DataSource(
                **kinds[n % len(kinds)]
                | {
                    "declaration_id": declaration.pk,
                    "name": f"Source {n + 1}",
                    "share_percent": share,
                }
            )
            for n in range(count)
        ),
        batch_size=1_000,
    )


def labels_build(sizes: list[int]) -> dict[int, int]:
    """One registered model for each size, with that many sources; their declarations' ids."""
    from registry.accounts.models import User
    from registry.declarations.models import ProvenanceDeclaration

    register_empty()
    owner = User.objects.create_user(
        f"label-pdf-bench{time.time_ns()}@bench.example", "x" * 20, full_name="Bench"
    )
    register_grow(0, len(sizes), owner)
    declarations = ProvenanceDeclaration.objects.order_by("model__registration_number")
    built = {}
    for count, declaration in zip(sizes, declarations, strict=True):
        sources_replace(declaration, count)
        built[count] = declaration.pk
    return built


def render_times(declaration_id: int) -> dict[str, float]:
    """Render the label RUNS times after a warm-up; the median time, the pages and the size."""
    from registry.labels import selectors
    from registry.labels.services import label_as_pdf

    def render():
        declaration = (
            selectors.published_declarations()
            .select_related("model__provider")
            .get(pk=declaration_id)
        )
        return label_as_pdf(declaration)

    rendered = render()  # the first render in a process also loads WeasyPrint and the fonts
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        rendered = render()
        times.append(time.perf_counter() - started)
    return {
        "seconds": statistics.median(times),
        "pages": rendered.pages,
        "kib": len(rendered.content) / 1024,
    }


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or SIZES
    prepare_database()
    built = labels_build(sizes)
    results = {count: render_times(declaration_id) for count, declaration_id in built.items()}
    base = results[sizes[0]]["seconds"]
    for count, run in results.items():
        print(
            f"label PDF of {count:>5,} sources: {run['seconds']:6.2f} s "
            f"(median of {RUNS}), {run['pages']:>3} pages, {run['kib']:7.1f} KiB, "
            f"{run['seconds'] / base:5.2f}x the {sizes[0]:,}-source render"
        )
    largest = results[sizes[-1]]
    print(
        f"label PDF render at {sizes[-1]:,} / at {sizes[0]:,} sources: "
        f"{largest['seconds'] / base:.2f}x (target <= {TARGET_RATIO}x), "
        f"{largest['pages']} pages (target <= {TARGET_PAGES})"
    )


if __name__ == "__main__":
    main()
