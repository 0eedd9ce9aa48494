"""Benchmark ``arsip merge``: a merge of N shards equals storing everything in one
archive, how fast a merge goes, and what an archive's rows and raw pages weigh.

Usage: ``python bench/merge.py [--articles N] [--shards K] [--seed S]`` from the
repository root (N defaults to 20,000).

The articles are ``bench/archive.py``'s generated ones (10% exact copies on another
portal, 10% press-release variants across portals), each with a raw page of the size
and shape of a regional portal's article page (navigation, related links, scripts
around the text: 40-70 KB of HTML). Printed:

- one archive written by one writer in arrival order (a crawl of every portal in one
  process), and K shards, each the portals ``arsip dispatch`` would deal to one node,
  written the same way; the shards merged into an empty archive (``archive.merge``)
  and compared with the one archive by ``archive.merge.projection`` (articles, texts,
  copies, clusters, URLs, places, raw pages, memory: everything but row ids);
- merge speed in articles a second against the single writer's;
- sizes: bytes per article in SQLite without its raw page (file size of an archive
  stored without pages over its articles), and per raw page kept (the growth a page
  adds), and the time to copy (SQLite's backup) and to VACUUM the archive, in seconds
  per GB, for docs/deployment.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

import archive  # noqa: E402
from archive.db import connect  # noqa: E402
from archive.merge import merge_shard, projection  # noqa: E402
from archive.writer import ArchiveWriter, Entry  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_archive", ROOT / "bench" / "archive.py")
bench_archive = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_archive)

BATCH = 1000
MB = 1024 * 1024


def page_html(row: dict, rng: random.Random) -> bytes:
    """A raw page in a portal's shape: the article's paragraphs inside a page's chrome
    (menus, related links, inline scripts and styles), 40-70 KB."""
    chrome = "".join(
        f'<li><a href="/berita/{rng.randrange(10**6)}/tautan-{i}">Berita terkait {i}</a></li>'
        for i in range(rng.randint(150, 260))
    )
    # Inline scripts and tracking data compress far less than markup.
    noise = "".join(
        rng.choices("abcdefghijklmnopqrstuvwxyz0123456789+/", k=rng.randint(6000, 12000))
    )
    script = f"<script>var w='{noise}';</script>"
    body = "".join(f"<p>{p}</p>" for p in row["body"].split("\n\n"))
    html = (
        f"<!doctype html><html lang=id><head><title>{row['title']}</title>"
        f"<style>{'.c{margin:0}' * 600}</style>{script}</head><body><nav><ul>{chrome}</ul></nav>"
        f"<article><h1>{row['title']}</h1>{body}</article><aside><ul>{chrome}</ul></aside>"
        "</body></html>"
    )
    return html.encode("utf-8")


def entries(rows: list[dict], *, pages: bool, seed: int) -> list[Entry]:
    rng = random.Random(seed)
    found = []
    for i, row in enumerate(rows):
        seen = f"2025-01-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z"
        page = None
        if pages:
            page = {"url": row["url"], "body": page_html(row, rng), "fetched_at": seen,
                    "status": 200, "headers": {"Content-Type": "text/html; charset=UTF-8"}}  # fmt: skip
        found.append(Entry(row, seen_at=seen, page=page))
    return found


def store(path: Path, batch: list[Entry]) -> float:
    started = time.perf_counter()
    with ArchiveWriter(path) as writer:
        for i in range(0, len(batch), BATCH):
            for _ in writer.store_many(batch[i : i + BATCH]):
                pass
    return time.perf_counter() - started


def file_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rows, _ = bench_archive.generate(args.articles, args.seed)
    portals = sorted({r["portal"] for r in rows})
    node_of = {p: i % args.shards for i, p in enumerate(portals)}  # as arsip dispatch deals
    with_pages = entries(rows, pages=True, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        single = tmp / "single.db"
        single_s = store(single, with_pages)
        shards = []
        for node in range(args.shards):
            shard = tmp / f"shard{node}.db"
            store(shard, [e for e in with_pages if node_of[e.record["portal"]] == node])
            shards.append(shard)
        merged = tmp / "merged.db"
        started = time.perf_counter()
        with archive.open(merged) as arch:
            for shard in shards:
                merge_shard(arch, shard)
        merge_s = time.perf_counter() - started
        started = time.perf_counter()
        with archive.open(merged) as arch:
            again = [merge_shard(arch, shard) for shard in shards]
        again_s = time.perf_counter() - started
        a, b = (projection(connect(p, readonly=True)) for p in (single, merged))
        equal = all(a[t] == b[t] for t in a)
        clusters = len({r[-1] for r in a["articles"] if r[-1]})
        copies = sum(1 for r in a["articles"] if r[-2])
        added_again = sum(r.articles.get("new", 0) + r.pages for r in again)

        # Sizes: the same articles without their pages, then with them.
        bare = tmp / "bare.db"
        store(bare, entries(rows, pages=False, seed=args.seed))
        bare_size, full_size = file_size(bare), file_size(single)
        conn = sqlite3.connect(single)
        raw, kept = conn.execute("SELECT sum(size), sum(length(body)) FROM pages").fetchone()
        conn.close()
        started = time.perf_counter()
        src, dst = sqlite3.connect(single), sqlite3.connect(tmp / "copy.db")
        src.backup(dst)
        src.close()
        dst.close()
        copy_s = time.perf_counter() - started
        started = time.perf_counter()
        conn = sqlite3.connect(tmp / "copy.db")
        conn.execute("VACUUM")
        conn.close()
        vacuum_s = time.perf_counter() - started

    n = len(rows)
    gb = full_size / 1024**3
    print(f"{n} generated articles on {len(portals)} portals, {args.shards} shards by portal;")
    print(f"{clusters} clusters, {copies} exact copies; every article with a raw page")
    print(f"one writer, every portal:  {single_s:7.1f} s  ({n / single_s:,.0f} articles/s)")
    print(
        f"merge of {args.shards} shards:        {merge_s:7.1f} s  ({n / merge_s:,.0f} articles/s)"
    )
    print(f"merging them again:        {again_s:7.1f} s  ({added_again} rows added)")
    for table in a:
        print(
            f"  {table:<16} {len(a[table]):>8} rows  {'equal' if a[table] == b[table] else 'DIFFERENT'}"
        )
    print(
        f"archive without raw pages: {bare_size / MB:8.1f} MB, {bare_size / n:,.0f} bytes/article"
    )
    print(
        f"archive with raw pages:    {full_size / MB:8.1f} MB, {full_size / n:,.0f} bytes/article"
    )
    print(f"raw page: {raw / n:,.0f} bytes as received, {kept / n:,.0f} compressed, "
          f"{(full_size - bare_size) / n:,.0f} bytes of archive each")  # fmt: skip
    print(f"copy (SQLite backup): {copy_s:.1f} s ({copy_s / gb:.0f} s/GB); "
          f"VACUUM: {vacuum_s:.1f} s ({vacuum_s / gb:.0f} s/GB)")  # fmt: skip
    print(
        f"result: merge of {args.shards} shards equals one writer = {'yes' if equal else 'NO'} (target yes)"
    )
    print(
        f"result: merge speed = {n / merge_s:,.0f} articles/s ({merge_s / single_s:.2f}x the single writer's time)"
    )
    print(f"result: merging the same shards again adds = {added_again} rows (target 0)")
    print(
        f"result: bytes per article in SQLite = {bare_size / n:,.0f}; per raw page = {(full_size - bare_size) / n:,.0f}"
    )


if __name__ == "__main__":
    main()
