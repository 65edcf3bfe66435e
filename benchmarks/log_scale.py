"""The transparency log at scale: its proofs at 1,000,000 leaves against 1,000, its sequencer
against `bulk_create`, and its tiles' size on disk.

Run: `make bench-log` (or `.venv/bin/python benchmarks/log_scale.py [--leaves N] [--append N]`),
on the database DATABASE_URL names: SQLite by default, but PostgreSQL is the one that matters. It
creates a throwaway database beside that one the way the test runner does (`create_test_db`),
migrates it, and drops it at the end, whatever happens.

It prints a table of figures, each measured in this one run, with its target and PASS or FAIL:
1. the median time to read an inclusion proof and a consistency proof the register's own way
   (`DatabaseHashes`, one query, and `read_inclusion_proof` / `read_consistency_proof`), over
   random leaf indices and old tree sizes, at 1,000,000 leaves against 1,000 — target ≤ 3x. The
   trees' nodes are computed in memory (`append_leaves`) and inserted by COPY on PostgreSQL, by
   `bulk_create` elsewhere, not sequenced (the time this takes is printed: about 5 s on
   PostgreSQL, 35 s on SQLite); every proof timed is verified afterwards;
2. the time `log_integrate` takes to append 100,000 pending leaves (written to the outbox first,
   not timed) until it returns 0, signing a checkpoint a batch, against inserting the rows it wrote
   (entries, secrets, tree nodes) into emptied tables with `bulk_create` of its batch size —
   target ≤ 3x;
3. what `tiles_write` puts on disk for that log, per 1,000 leaves: hash tiles and entry bundles
   apart (file bytes, and blocks allocated), and how many files.
It exits with status 1 if a target is missed. `--leaves` and `--append` scale the 1,000,000 and
the 100,000 down for a quick run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from provenance_client.merkle import Node, append_leaves, leaf_hash, range_nodes, read_root
from provenance_client.record import canonical

from benchmarks.server import ROOT, benchmark_env

SMALL, LARGE, APPEND = 1_000, 1_000_000, 100_000
PROOFS = 1_000  # random proofs timed at each size, after WARM_UP untimed ones
WARM_UP = 100
CHUNK = 50_000  # leaves computed and inserted at a time when building a tree
SETUP_BATCH = 5_000  # rows per INSERT while building a tree or filling the outbox
INSERT_BATCH = 2_000  # log_integrate's bulk_create batch size, which the floor uses too
TARGET = 3.0  # both ratios
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}")

Result = TypeVar("Result")


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    passed: bool | None = None


# --- The throwaway database


def database_create(work: Path) -> str:
    """Set Django up and create a migrated throwaway database; return the original's name.

    Settings are production-like (DEBUG off, as in the other benchmarks): in debug mode every
    query's SQL is kept, and on SQLite its parameters quoted by a query of their own.
    """
    os.environ.update(benchmark_env(DATABASE_URL) | {"MEDIA_ROOT": str(work / "media")})
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from provenance_client.note import Signer

    settings.TRANSPARENCY_LOG_KEY = Signer.generate(
        settings.TRANSPARENCY_LOG_ORIGIN
    ).to_private_key()
    original = connection.settings_dict["NAME"]
    # On a file, not SQLite's default in-memory test database: the register runs on a file.
    throwaway = str(work / "log_scale.sqlite3") if connection.vendor == "sqlite" else None
    connection.settings_dict["TEST"]["NAME"] = throwaway or f"{original}_log_scale"
    seconds, name = timed(
        lambda: connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    )
    print(
        f"created and migrated a throwaway {connection.vendor} database, {name}, in {seconds:.1f} s"
    )
    return original


def database_drop(original: str) -> None:
    from django.db import connection

    connection.creation.destroy_test_db(original, verbosity=0)


def database_analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would soon after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def log_empty() -> None:
    """Empty the log's tables and set its head back to no leaves."""
    from registry.transparency.models import (
        Checkpoint,
        Cosignature,
        LeafSecret,
        LogEntry,
        LogHead,
        PendingLeaf,
        TreeNode,
    )

    tables_empty([LeafSecret, LogEntry, TreeNode, Cosignature, Checkpoint, PendingLeaf])
    LogHead.objects.update_or_create(pk=1, defaults={"size": 0, "tiles_size": 0})


def tables_empty(models: Sequence[Any]) -> None:
    """TRUNCATE on PostgreSQL (which the append-only triggers, on UPDATE and DELETE, allow)."""
    from django.core.management.color import no_style
    from django.db import connection

    tables = [model._meta.db_table for model in models]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))


# --- 1. Proofs


class Frontier:
    """A tree in memory as `append_leaves` needs it: only its right edge, range_nodes(0, size)."""

    def __init__(self) -> None:
        self.size = 0
        self.hashes: dict[Node, bytes] = {}

    def read_hashes(self, nodes: Sequence[Node]) -> list[bytes]:
        return [self.hashes[node] for node in nodes]

    def extend(self, leaf_hashes: Sequence[bytes]) -> list[tuple[Node, bytes]]:
        """Append leaves; return every node the tree gains, to store."""
        gained = append_leaves(self, self.size, leaf_hashes)
        known = self.hashes | dict(gained)
        self.size += len(leaf_hashes)
        self.hashes = {node: known[node] for node in range_nodes(0, self.size)}
        return gained


def stand_in_hash(index: int) -> bytes:
    """The hash of a proof tree's leaf: only hashes are stored, so any bytes will do."""
    return leaf_hash(index.to_bytes(8, "big"))


@dataclass
class Growth:
    nodes: int = 0
    computing: float = 0.0  # seconds hashing in memory
    inserting: float = 0.0  # seconds writing the nodes to the database


def tree_grow(frontier: Frontier, size: int) -> Growth:
    """Grow the stored tree to `size` leaves, a chunk at a time, and set the log's head to it."""
    from registry.transparency.models import LogHead

    growth = Growth()
    while frontier.size < size:
        stop = min(frontier.size + CHUNK, size)
        started = time.perf_counter()
        gained = frontier.extend([stand_in_hash(n) for n in range(frontier.size, stop)])
        growth.computing += time.perf_counter() - started
        started = time.perf_counter()
        nodes_insert(gained)
        growth.inserting += time.perf_counter() - started
        growth.nodes += len(gained)
    LogHead.objects.update_or_create(pk=1, defaults={"size": size})
    database_analyze()
    return growth


def nodes_insert(nodes: list[tuple[Node, bytes]]) -> None:
    """Insert tree nodes: by COPY on PostgreSQL (bulk_create takes minutes over 2,000,000 rows
    there, most of them in Python), else by bulk_create; one transaction either way."""
    from django.db import connection, transaction

    from registry.transparency.models import TreeNode

    with transaction.atomic():
        if connection.vendor != "postgresql":
            TreeNode.objects.bulk_create(
                (TreeNode(level=level, index=index, hash=value) for (level, index), value in nodes),
                batch_size=SETUP_BATCH,
            )
            return
        table = connection.ops.quote_name(TreeNode._meta.db_table)
        copy_sql = f'COPY {table} ("level", "index", "hash") FROM STDIN (FORMAT BINARY)'
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            copy.set_types(["int2", "int8", "bytea"])
            for (level, index), value in nodes:
                copy.write_row((level, index, value))


def timed(call: Callable[..., Result], *args: Any) -> tuple[float, Result]:
    """Call and return (seconds taken, result)."""
    started = time.perf_counter()
    result = call(*args)
    return time.perf_counter() - started, result


def proof_times(size: int, rng: random.Random) -> dict[str, float]:
    """Median seconds of an inclusion proof (of a random leaf) and of a consistency proof (from a
    random older size) in the tree of `size` leaves, each read as the register reads it."""
    from provenance_client.merkle import read_consistency_proof, read_inclusion_proof

    from registry.transparency.selectors import DatabaseHashes

    indexes = [rng.randrange(size) for _ in range(WARM_UP + PROOFS)]
    old_sizes = [rng.randrange(1, size) for _ in range(WARM_UP + PROOFS)]
    inclusion = [timed(read_inclusion_proof, DatabaseHashes(), n, size) for n in indexes]
    consistency = [timed(read_consistency_proof, DatabaseHashes(), m, size) for m in old_sizes]
    proofs_verify(size, indexes, [proof for _, proof in inclusion], old_sizes, consistency)
    return {
        "inclusion": statistics.median(seconds for seconds, _ in inclusion[WARM_UP:]),
        "consistency": statistics.median(seconds for seconds, _ in consistency[WARM_UP:]),
    }


def proofs_verify(
    size: int,
    indexes: list[int],
    inclusion: list[list[bytes]],
    old_sizes: list[int],
    consistency: list[tuple[float, list[bytes]]],
) -> None:
    """Check every proof timed against the tree's root: a fast wrong answer would not count."""
    from provenance_client.merkle import verify_consistency, verify_inclusion

    from registry.transparency.selectors import DatabaseHashes

    root = read_root(DatabaseHashes(), size)
    for index, proof in zip(indexes, inclusion, strict=True):
        verify_inclusion(
            leaf_hash=stand_in_hash(index), index=index, tree_size=size, proof=proof, root=root
        )
    for old_size, (_, proof) in zip(old_sizes, consistency, strict=True):
        old_root = read_root(DatabaseHashes(), old_size)
        verify_consistency(
            old_size=old_size, new_size=size, old_root=old_root, new_root=root, proof=proof
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def proofs_measure(small: int, large: int) -> list[Row]:
    """Build the small tree and time its proofs, grow it to the large one and time them again."""
    # Seeded, so that runs time the same proofs; nothing here is secret.
    rng, frontier, results = random.Random(9162), Frontier(), {}  # noqa: S311
    for size in (small, large):
        seconds, growth = timed(tree_grow, frontier, size)
        print(
            f"grew the tree to {size:,} leaves in {seconds:.1f} s: {growth.nodes:,} nodes "
            f"hashed in {growth.computing:.1f} s, inserted in {growth.inserting:.1f} s"
        )
        results[size] = proof_times(size, rng)
    rows = []
    for kind in ("inclusion", "consistency"):
        ratio = results[large][kind] / results[small][kind]
        rows += [
            Row(f"{kind} proof at {small:,} leaves (median of {PROOFS})", ms(results[small][kind])),
            Row(f"{kind} proof at {large:,} leaves (median of {PROOFS})", ms(results[large][kind])),
            Row(
                f"  {kind}: {large:,} / {small:,}",
                f"{ratio:.2f}x",
                f"<= {TARGET:g}x",
                ratio <= TARGET,
            ),
        ]
    return rows


# --- 2. The sequencer


def leaf_data(n: int) -> bytes:
    """A leaf of the shape `records.leaf_of` writes (about 420 bytes of canonical JSON)."""

    def sha(what: str) -> str:
        return hashlib.sha256(f"{what} {n}".encode()).hexdigest()

    return canonical(
        {
            "act": "accepted",
            "filing": {
                "kind": "declaration",
                "number": f"MOD-{n:06d}",
                "provider": f"PRV-{n // 10:06d}",
                "version": 1 + n % 3,
            },
            "time": "2025-06-01T12:00:00Z",
            "snapshot_sha256": sha("snapshot"),
            "label_sha256": sha("label"),
            "pdf_sha256": None,
            "commitments": {"count": 40, "root": sha("commitments")},
        }
    )


def outbox_fill(count: int) -> None:
    from registry.transparency.models import Act, FilingKind, PendingLeaf

    PendingLeaf.objects.bulk_create(
        (
            PendingLeaf(
                act=Act.ACCEPTED,
                filing_kind=FilingKind.DECLARATION,
                filing_id=n,
                data=leaf_data(n),
                secret=secrets.token_bytes(32),
            )
            for n in range(count)
        ),
        batch_size=SETUP_BATCH,
    )


def sequence_all() -> int:
    """Run the sequencer until the outbox is empty; return the leaves it integrated."""
    from registry.transparency.services import log_integrate

    added = 0
    while count := log_integrate():
        added += count
    return added


def copies(model: Any) -> list[Any]:
    """New, unsaved instances of every row of a model's table, binary values as bytes, in the
    order stored (no ORDER BY): on these append-only tables, the order the sequencer wrote."""
    fields = [field.attname for field in model._meta.concrete_fields]
    return [
        model(**{name: bytes(v) if isinstance(v, memoryview) else v for name, v in row.items()})
        for row in model.objects.order_by().values(*fields)
    ]


def floor_insert(rows: dict[Any, list[Any]]) -> float:
    """Empty the tables and insert the rows back with plain bulk_create; return the seconds."""
    tables_empty(list(rows))
    started = time.perf_counter()
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=INSERT_BATCH)
    return time.perf_counter() - started


def sequencer_measure(count: int) -> list[Row]:
    from registry.transparency.models import Checkpoint, LeafSecret, LogEntry, TreeNode

    seconds, _ = timed(outbox_fill, count)
    print(f"wrote {count:,} pending leaves to the outbox in {seconds:.1f} s (not timed)")
    sequencer, added = timed(sequence_all)
    if added != count:
        raise RuntimeError(f"the sequencer integrated {added:,} leaves, not {count:,}")
    checkpoints = Checkpoint.objects.count()
    rows = {model: copies(model) for model in (LogEntry, LeafSecret, TreeNode)}
    total = sum(len(objects) for objects in rows.values())
    floor = floor_insert(rows)
    ratio = sequencer / floor
    return [
        Row(
            f"log_integrate: {count:,} leaves, {checkpoints} batches, each signed",
            f"{sequencer:.2f} s, {count / sequencer:,.0f} leaves/s "
            f"({total / sequencer:,.0f} rows/s)",
        ),
        Row(
            f"bulk_create of its {total:,} rows (batch {INSERT_BATCH:,})",
            f"{floor:.2f} s, {total / floor:,.0f} rows/s",
        ),
        Row("  sequencer / bulk_create", f"{ratio:.2f}x", f"<= {TARGET:g}x", ratio <= TARGET),
    ]


# --- 3. Tiles


def tiles_measure(media_root: Path, leaves: int) -> list[Row]:
    """Write the log's tiles and report their size per 1,000 leaves."""
    from registry.transparency.services import TILES_PREFIX, tiles_write

    seconds, written = timed(tiles_write)
    base = media_root / TILES_PREFIX / "tile"
    files = [path for path in base.rglob("*") if path.is_file()]
    if len(files) != written:
        raise RuntimeError(f"tiles_write wrote {written} files; {len(files)} are on disk")
    bundles = [path for path in files if path.relative_to(base).parts[0] == "entries"]
    hashes = sorted(set(files) - set(bundles))
    return [
        Row("tiles_write", f"{seconds:.2f} s, {written:,} files"),
        Row("  hash tiles per 1,000 leaves", per_thousand(hashes, leaves)),
        Row("  entry bundles per 1,000 leaves", per_thousand(bundles, leaves)),
    ]


def per_thousand(paths: list[Path], leaves: int) -> str:
    stats = [path.stat() for path in paths]
    size = sum(stat.st_size for stat in stats) * 1000 / leaves
    allocated = sum(stat.st_blocks * 512 for stat in stats) * 1000 / leaves
    return f"{size:,.0f} B ({allocated:,.0f} B allocated), {len(paths)} files"


# --- The run


def table_print(rows: list[Row]) -> None:
    width = max(len(row.figure) for row in rows)
    value_width = max(len(row.value) for row in rows)
    print()
    print(f"{'figure':<{width}}  {'measured':<{value_width}}  {'target':<8}  result")
    for row in rows:
        verdict = "" if row.passed is None else ("PASS" if row.passed else "FAIL")
        print(f"{row.figure:<{width}}  {row.value:<{value_width}}  {row.target:<8}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaves", type=int, default=LARGE, help="the large proof tree's size")
    parser.add_argument("--append", type=int, default=APPEND, help="leaves the sequencer appends")
    options = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        original = database_create(Path(work))
        try:
            rows = proofs_measure(SMALL, options.leaves)
            log_empty()
            rows += sequencer_measure(options.append)
            rows += tiles_measure(Path(work) / "media", options.append)
        finally:
            database_drop(original)
    table_print(rows)
    print(f"\nthe whole run took {time.perf_counter() - started:.0f} s")
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
