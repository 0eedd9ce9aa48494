"""The floor of ingest at scale: what a plain insert costs, with no deduplication at all,
when it keeps the archive's own article indexes and FTS5 index current as it goes.

Usage: ``python bench/ingest_floor.py [--articles N] [--arrival shuffled|chronological]
[--indexes archive|none] [--fts-automerge M]`` from the repository root (N defaults to
1,000,000; the million takes some 15 minutes on 2 cores).

``bench/scale.py`` builds the archive through ``store_many`` and compares the time of
1,000,000 articles with that of its first 100,000 (issue 16's target: at most 10.5x).
This script stores the same generated records (``scale.Corpus``, the same seed and
arrival) the plainest way an archive that answers the analyst's queries can: one
transaction per batch of ``scale.BATCH``, an ``executemany`` into arsip's own
``articles`` table with arsip's own indexes on it (both read from a new empty archive,
so they follow the migrations), then the batch into the same FTS5 index in one
statement, as the writer does. Nothing else: no canonical URLs, no content-hash or
near-duplicate lookups, no LSH buckets, clusters, counts, tags, places or raw pages.
``--indexes none`` keeps only the FTS5 index. ``--fts-automerge M`` sets FTS5's
``automerge`` (how many segments of a level it merges at once; SQLite's default and
arsip's is 4): fewer, larger merges.

``--baseline`` times the ingest target's own baseline instead (``bench/archive.py``'s
plain sqlite-utils insert, then the same FTS5 index built once after it) on the
build's first 100,000 records and on all N, to show how that grows with N.

Printed: the time of each 100,000 articles and the time of N against the first
100,000 (same run), the figure ``bench/scale.py`` prints for the archive itself. The
generator's time is counted on both sides, as ``bench/scale.py`` counts it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import itertools
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing
sys.path.insert(0, str(ROOT / "bench"))

from scale import BATCH, CACHE, SCALE_STEP, Corpus, growth_target  # noqa: E402

from archive.opening import open_archive  # noqa: E402
from archive.writer import JSON_COLUMNS, article_row  # noqa: E402

SEEN_AT = "2026-01-01T00:00:00Z"


def archive_schema(tmp: Path, indexes: bool) -> list[str]:
    """The CREATE statements of a new archive's ``articles`` table (with its indexes
    when ``indexes``) and of its FTS5 index."""
    path = tmp / "schema.db"
    with open_archive(path):
        pass
    conn = sqlite3.connect(path)
    try:
        statements = [
            sql
            for kind, sql in conn.execute(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'articles'"
                " AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC"
            )
            if kind == "table" or indexes
        ]
        (fts,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
        ).fetchone()
    finally:
        conn.close()
    return [*statements, fts]


def row(record: dict) -> dict:
    """The record as the writer stores it (``article_row``), with a hash of its body for
    the indexed ``content_hash`` (arsip's hashes the normalised text: the same index, for
    the work no plain insert does)."""
    digest = hashlib.sha256((record.get("body") or "").encode()).hexdigest()
    return {**article_row(record, digest), "revision": 1, "first_seen_at": SEEN_AT,
            "last_seen_at": SEEN_AT}  # fmt: skip


def build(
    path: Path, n: int, records: Iterator[dict], schema: list[str], automerge: int | None = None
) -> tuple[float, float]:
    """Seconds for the first ``SCALE_STEP`` of ``n`` ``records`` and for all of them,
    stored into a new database of ``schema`` (``archive_schema``), with FTS5's
    ``automerge`` set to ``automerge`` when given."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")  # the archive's journal and cache
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -32768")
    for sql in schema:
        conn.execute(sql)
    if automerge is not None:
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', ?)", [automerge]
        )
    insert = None
    started = last = time.perf_counter()
    first = 0.0
    done = 0
    while done < n:
        batch = [next(records) for _ in range(min(BATCH, n - done))]
        conn.execute("BEGIN IMMEDIATE")
        (newest,) = conn.execute("SELECT ifnull(max(id), 0) FROM articles").fetchone()
        rows = [row(r) for r in batch]
        insert = insert or (
            f"INSERT INTO articles ({', '.join(rows[0])})"
            f" VALUES ({', '.join('?' for _ in rows[0])})"
        )
        conn.executemany(insert, [list(r.values()) for r in rows])
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, body)"
            " SELECT id, title, body FROM articles WHERE id > ? ORDER BY id",
            [newest],
        )
        conn.execute("COMMIT")
        done += len(batch)
        if done % SCALE_STEP == 0:
            now = time.perf_counter()
            print(f"  {done:,}: this {SCALE_STEP:,} in {now - last:.1f}s", flush=True)
            last = now
            if done == SCALE_STEP:
                first = now - started
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return first, time.perf_counter() - started


def load_bench_archive():
    """``bench/archive.py`` as a module (``archive`` is the package's name)."""
    spec = importlib.util.spec_from_file_location("bench_archive", ROOT / "bench" / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain_records(records: Iterator[dict]) -> Iterator[dict]:
    """The records with their lists as JSON text (a plain table holds no lists)."""
    for record in records:
        yield {**record, **{c: json.dumps(record[c], ensure_ascii=False) for c in JSON_COLUMNS}}


def baseline_growth(n: int, arrival: str) -> None:
    """The ingest target's baseline (a plain insert, then the same FTS5 index built
    once) on the build's first ``SCALE_STEP`` records and on its first ``n``, the
    generator counted as in the build."""
    bench_archive = load_bench_archive()
    seconds = {}
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        for size in (SCALE_STEP, n):
            records = (entry.record for entry in Corpus(arrival=arrival).entries())
            rows = itertools.islice(plain_records(records), size)
            seconds[size] = bench_archive.ingest_plain(
                rows, Path(tmp) / f"plain-{size}.db", fts=True
            )
            print(f"  plain insert + the same FTS5 index built once, {size:,} articles: "
                  f"{seconds[size]:.1f}s", flush=True)  # fmt: skip
    print(f"result: the ingest target's baseline, time {n:,} / {SCALE_STEP:,} articles = "
          f"{seconds[n] / seconds[SCALE_STEP]:.2f}x (the archive's target: <= "
          f"{growth_target(n):.1f}x)")  # fmt: skip


def against_plain(repeat: int) -> None:
    """The ingest target's baseline (``bench/archive.py``: a plain sqlite-utils insert,
    then the same FTS5 index built once), best of ``repeat``, interleaved: on that
    script's 100,000 rows against the plain insert keeping the archive's indexes and
    FTS5 current; and on the first 100,000 records of this script's build (what the
    ingest target allows the first 100,000 of a build, its generator aside)."""
    bench_archive = load_bench_archive()
    rows, _ = bench_archive.generate(SCALE_STEP, seed=7)  # bench/archive.py's size and seed
    entries = (entry.record for entry in Corpus().entries())
    records = list(itertools.islice(plain_records(entries), SCALE_STEP))
    runs = {
        "plain_fts": lambda path: bench_archive.ingest_plain(rows, path, fts=True),
        "floor": lambda path: build(path, len(rows), iter(rows), schema)[1],
        "build_plain_fts": lambda path: bench_archive.ingest_plain(records, path, fts=True),
    }
    best = dict.fromkeys(runs, float("inf"))
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        schema = archive_schema(Path(tmp), indexes=True)
        for attempt in range(repeat):
            for name, run in runs.items():
                seconds = run(Path(tmp) / f"{name}-{attempt}.db")
                best[name] = min(best[name], seconds)
                print(f"  run {attempt + 1}: {name} {seconds:.1f}s", flush=True)
    print(f"ingest {len(rows):,} (best of {repeat}): plain insert + the same FTS5 index "
          f"{best['plain_fts']:.1f}s; plain insert keeping the archive's indexes and FTS5 "
          f"current {best['floor']:.1f}s")  # fmt: skip
    print(
        f"result: plain insert keeping the archive's indexes vs plain insert + same FTS5 "
        f"index = {best['plain_fts'] / best['floor']:.2f} (the archive's target: >= 0.33)"
    )
    print(f"the first {SCALE_STEP:,} records of the build: plain insert + the same FTS5 index "
          f"{best['build_plain_fts']:.1f}s (best of {repeat}); the ingest target allows "
          f"arsip {best['build_plain_fts'] * 3:.0f}s for them")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--arrival", choices=("shuffled", "chronological"), default="shuffled")
    parser.add_argument("--indexes", choices=("archive", "none"), default="archive")
    parser.add_argument(
        "--against-plain",
        action="store_true",
        help="bench/archive.py's rows and baseline instead (100,000 articles)",
    )
    parser.add_argument("--fts-automerge", type=int, metavar="M", help="FTS5's automerge")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="the ingest target's baseline at 100,000 and at N articles instead",
    )
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)  # (ignored by git; some GB at a million)
    if args.against_plain:
        against_plain(args.repeat)
        return
    if args.baseline:
        if args.articles <= SCALE_STEP:
            parser.error(f"--baseline compares N with the first {SCALE_STEP:,}: N must be more")
        baseline_growth(args.articles, args.arrival)
        return
    records = (entry.record for entry in Corpus(arrival=args.arrival).entries())
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        schema = archive_schema(Path(tmp), args.indexes == "archive")
        first, seconds = build(
            Path(tmp) / "floor.db", args.articles, records, schema, args.fts_automerge
        )
    kept = "arsip's article indexes and FTS5" if args.indexes == "archive" else "FTS5 alone"
    if args.fts_automerge is not None:
        kept += f" (automerge {args.fts_automerge})"
    print(f"plain insert keeping {kept} current, {args.arrival} arrival: "
          f"{args.articles:,} articles in {seconds:.0f}s")  # fmt: skip
    if first and args.articles > SCALE_STEP:
        print(f"result: plain ingest time {args.articles:,} / {SCALE_STEP:,} articles "
              f"(same build) = {seconds / first:.2f}x (the archive's target: <= "
              f"{growth_target(args.articles):.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
