"""Benchmark the WARC export, and what raw pages cost in the archive.

Usage: ``python bench/warc.py [--articles N] [--page-kb K] [--seed S] [--repeat R]``
from the repository root (N defaults to 5,000).

The archive is generated, seeded: N articles (bodies of 300-600 made-up Indonesian-
looking words, ``bench/archive.py``'s generator), each stored through
``ArchiveWriter.store`` with its raw page, as a crawl stores them: an HTML page of
about K KB (default 60, the order of a regional portal's article page) wrapping the
article in a header menu, a related-news feed with the dates and sections of other
articles, JSON-LD, inline scripts and a footer. Printed:

- the time to read every raw page from SQLite (``Archive.pages``: the rows, the
  bodies inflated, the headers parsed), against the time to export them as WARC
  (``Archive.export_warc``: the rows, each kept body spliced into its response
  record's gzip member as it is kept, the record headers compressed, the request
  records, and the CDXJ index with its SURT keys), best of ``--repeat`` runs each,
  interleaved; and the ratio (pages/s exported over pages/s read);
- the Python heap's peak during an export of N/5 pages and of N pages (tracemalloc),
  the index sorted in runs of 200 lines (100,000 in use, about 35 MB: the bound of an
  index of any size): flat when the export streams;
- bytes per article in SQLite, the archive without its raw pages (``dbstat``); bytes
  per raw page in SQLite (DEFLATE, with its row and index entries) and in the WARC files
  (its response and request records, gzip), against the page's own size.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

import archive.warc as warc_module  # noqa: E402
from archive import open as open_archive  # noqa: E402
from archive.pages import page_body  # noqa: E402
from archive.search import ArticleFilter  # noqa: E402
from archive.warc import WarcFiles  # noqa: E402
from archive.writer import ArchiveWriter  # noqa: E402
from bench.archive import PORTALS, Generator  # noqa: E402

SECTIONS = ["Pos Banten", "Nasional", "TangselCity", "Ekonomi", "Olahraga", "Hukum"]


def page_html(gen: Generator, article: dict, others: list[dict], size: int) -> bytes:
    """An article page of about ``size`` bytes around ``article``."""
    rng = gen.rng
    menu = "".join(f'<li><a href="/kategori/{s.lower().replace(" ", "-")}">{s}</a></li>'
                   for s in SECTIONS * 4)  # fmt: skip
    paragraphs = "".join(f"<p>{p}</p>\n" for p in article["body"].split("\n\n"))
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": article["title"], "datePublished": article["published_at"],
                     "articleSection": article["section"], "author": [{"name": gen.words(2)}]})  # fmt: skip
    head = (
        f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>{article["title"]}'
        f'</title><link rel="canonical" href="{article["url"]}">'
        f'<script type="application/ld+json">{ld}</script></head><body>'
        f'<header class="site-header"><nav><ul class="menu">{menu}</ul></nav></header>'
        f'<main><article class="detail"><h1>{article["title"]}</h1>'
        f'<div class="detail-text">{paragraphs}</div></article>'
    )
    parts = [head]
    length = len(head)
    while length < size - 600:
        other = rng.choice(others)
        item = (
            f'<div class="box-feed"><a href="{other["url"]}"><img src="{other["url"]}.jpg" '
            f'alt="{other["title"]}"></a><div class="feed-meta"><a href="/kategori/'
            f'{rng.choice(SECTIONS).lower()}">{rng.choice(SECTIONS)}</a> | '
            f"{rng.randint(1, 23)} jam yang lalu</div><p>{gen.words(rng.randint(8, 20))}</p></div>\n"
            f"<script>window.ads=window.ads||[];ads.push({{slot:'{rng.randrange(10**8)}',"
            f"size:[300,250],path:'/{rng.randrange(10**6)}/{other['portal']}'}});</script>\n"
        )
        parts.append(item)
        length += len(item)
    parts.append('</main><footer class="site-footer"><p>&copy; 2025</p></footer></body></html>\n')
    return "".join(parts).encode("utf-8")


def build(path: Path, n: int, seed: int, page_kb: int) -> None:
    gen = Generator(seed)
    articles = []
    for index in range(n):
        portal = gen.rng.choice(PORTALS)
        title = gen.words(9).title()
        day = index % 28 + 1
        articles.append({
            "url": f"https://www.{portal}.example.id/berita/{index}/{title[:30].replace(' ', '-').lower()}",
            "portal": portal, "section": gen.rng.choice(SECTIONS), "title": title,
            "body": "\n\n".join(gen.paragraphs(gen.rng.randint(300, 600))),
            "published_at": f"2025-09-{day:02d}T{index % 24:02d}:00:00Z",
            "published_local": f"2025-09-{day:02d}T{index % 24:02d}:00:00+00:00",
        })  # fmt: skip
    with ArchiveWriter(path) as writer:
        for index, article in enumerate(articles):
            others = articles[max(0, index - 50) : index + 50]
            body = page_html(gen, article, others, page_kb * 1024)
            page = {
                "url": article["url"], "status": 200, "body": body,
                "fetched_at": f"2025-10-01T{index % 24:02d}:{index % 60:02d}:00Z",
                "headers": {"Content-Type": "text/html; charset=UTF-8", "Server": "nginx",
                            "Date": "Wed, 01 Oct 2025 00:00:00 GMT", "Content-Length": str(len(body)),
                            "Cache-Control": "max-age=60", "Vary": "Accept-Encoding"},
            }  # fmt: skip
            writer.store(article, seen_at=page["fetched_at"], page=page)


def read_all(path: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    count = size = 0
    with open_archive(path, readonly=True) as arch:
        for page in arch.pages():
            count += 1
            size += len(page["body"])
    return time.perf_counter() - started, count, size


def export_all(
    path: Path, out: Path, where: ArticleFilter | None = None
) -> tuple[float, WarcFiles]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with open_archive(path, readonly=True) as arch:
        files = arch.export_warc(out, where=where)
    return time.perf_counter() - started, files


def table_bytes(path: Path) -> dict[str, int]:
    """Bytes of each table with its indexes (dbstat), the ``pages`` table's apart."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT s.name, m.tbl_name, sum(s.pgsize) FROM dbstat s"
            " LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY s.name"
        ).fetchall()
    finally:
        conn.close()
    out = {"pages": 0, "rest": 0}
    for name, table, size in rows:
        out["pages" if (table or name) == "pages" else "rest"] += size
    return out


def heap_peak(path: Path, out: Path, limit: int | None) -> float:
    """MB of Python heap at the peak of an export of the first ``limit`` articles' pages."""
    where = None
    if limit is not None:  # the articles of the first days of the month: about ``limit``
        days = max(1, round(28 * limit / count_pages(path)))
        where = ArticleFilter(
            since="2025-09-01T00:00:00Z", until=f"2025-09-{days + 1:02d}T00:00:00Z"
        )
    tracemalloc.start()
    export_all(path, out, where)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def count_pages(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--page-kb", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    random.seed(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "news.db"
        started = time.perf_counter()
        build(path, args.articles, args.seed, args.page_kb)
        print(f"generated {args.articles} articles with their pages in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        conn.close()
        out = Path(tmp) / "warc"
        reads, exports = [], []
        read_all(path)  # warm the page cache
        for _ in range(args.repeat):
            seconds, pages, raw = read_all(path)
            reads.append(seconds)
            seconds, files = export_all(path, out)
            exports.append(seconds)
        assert files.pages == pages
        read, export = min(reads), min(exports)
        warc_bytes = sum(f.stat().st_size for f in files.files)
        index_bytes = files.index_path.stat().st_size
        ratio = read / export
        print(f"\n{pages} raw pages, {raw / pages / 1024:.1f} KB each on average")
        print(f"read from SQLite   {read:7.2f} s  {pages / read:8.0f} pages/s")
        print(f"export as WARC     {export:7.2f} s  {pages / export:8.0f} pages/s  "
              f"({len(files.files)} files, {warc_bytes / 1e6:.1f} MB, index {index_bytes / 1e6:.2f} MB)")  # fmt: skip
        print(f"result: WARC export speed / raw-page read speed = {ratio:.2f} (target >= 1)")
        # The same pages as an older arsip kept them (zlib, no CRC-32 or SHA-1): each
        # body inflated, hashed and compressed again on the way out.
        legacy = Path(tmp) / "legacy.db"
        shutil.copy(path, legacy)
        conn = sqlite3.connect(legacy)
        with conn:
            for page_id, body in conn.execute("SELECT id, body FROM pages").fetchall():
                conn.execute(
                    "UPDATE pages SET body = ?, body_crc32 = NULL, body_sha1 = NULL WHERE id = ?",
                    [zlib.compress(page_body(body), 6), page_id],
                )
        conn.close()
        slow = min(export_all(legacy, out)[0] for _ in range(args.repeat))
        print(f"export, pages kept by arsip before schema 16 (zlib) {slow:7.2f} s  "
              f"{pages / slow:8.0f} pages/s; speed / read speed {read / slow:.2f}")  # fmt: skip

        # The index lines wait in memory in sorted runs of SORT_RUN (100,000) lines: at
        # this size the runs would be the whole index. Runs of 200 lines show the rest.
        sort_run, warc_module.SORT_RUN = warc_module.SORT_RUN, 200
        small, full = heap_peak(path, out, pages // 5), heap_peak(path, out, None)
        warc_module.SORT_RUN = sort_run
        print(
            f"\nheap peak exporting ~{pages // 5} pages {small:6.1f} MB, {pages} pages {full:6.1f} MB"
        )
        print(
            f"result: WARC export heap peak, {pages} pages / {pages // 5} = {full / small:.2f} (target flat, about 1)"
        )

        sizes = table_bytes(path)
        total = path.stat().st_size
        per_article = sizes["rest"] / args.articles
        per_page_sqlite = sizes["pages"] / pages
        per_page_warc = warc_bytes / pages
        print(f"\narchive file {total / 1e6:.1f} MB: articles and their indexes {sizes['rest'] / 1e6:.1f} MB, "
              f"raw pages {sizes['pages'] / 1e6:.1f} MB")  # fmt: skip
        print(f"result: bytes per article in SQLite, without raw pages = {per_article:,.0f}")
        print(
            f"result: bytes per raw page in SQLite (DEFLATE), {raw / pages / 1024:.0f} KB pages = {per_page_sqlite:,.0f}"
        )
        print(
            f"result: bytes per raw page in WARC (gzip, response + request) = {per_page_warc:,.0f}"
        )
        print(f"raw pages are {sizes['pages'] / total:.0%} of the archive file; "
              f"the WARC files {warc_bytes / sizes['pages']:.2f} x their SQLite size")  # fmt: skip


if __name__ == "__main__":
    main()
