"""Benchmark incremental crawling: what a repeated cron run costs against the first.

Usage: ``python bench/incremental.py [--articles N] [--sitemap-size S]`` from the
repository root (arsip installed, so that the ``arsip`` command exists beside this
Python).

Builds a tangselpos-like sample site of N generated articles (default 320, five per
listing page, four sections) whose sitemap index lists a news sitemap and an archive
sitemap paged S articles a child (default 50, oldest first, each child's lastmod in the
index: ``crawler.mirror.generated.generated_site``), serves it on loopback, and runs
``arsip crawl`` against it three times into a fresh archive: the first run (everything
new), a second over the unchanged site, and a third after five new articles appeared
(they change only the last child). Each run is its own process (Scrapy's reactor runs
once per process), as under cron. Prints each run's requests (robots.txt, sitemaps,
listings, articles; from the run log, ``crawl_runs.requests``), article pages fetched,
archive sitemap children read (from the mirror's request log) and skipped as unchanged
(``crawl_runs.sitemaps_skipped``), and seconds, then the ratio second / first requests.
The target is at most 5%.
"""

from __future__ import annotations

import argparse
import io
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from crawler.mirror.generated import generate_articles, generated_site  # noqa: E402
from crawler.mirror.server import MirrorServer  # noqa: E402

ARSIP = Path(sys.executable).with_name("arsip")


def crawl(server: MirrorServer, db_path: Path) -> tuple[int, int, int, int, float]:
    """One ``arsip crawl`` run -> (requests, article pages, archive sitemap children
    read, children skipped, seconds)."""
    assert isinstance(server.log, io.StringIO)
    server.log.seek(0)
    server.log.truncate()
    url = server.url
    started = time.perf_counter()
    done = subprocess.run(
        [str(ARSIP), "crawl", "tangselpos", "--quiet", "--mirror", url, "--db", str(db_path)],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"arsip crawl failed ({done.returncode}): {done.stderr}")
    with sqlite3.connect(db_path) as conn:
        requests, pages, skipped = conn.execute(
            "SELECT requests, article_pages, sitemaps_skipped FROM crawl_runs"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
    children = server.log.getvalue().count("/sitemap-posts-")
    return int(requests), int(pages), children, int(skipped or 0), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=320)
    parser.add_argument("--sitemap-size", type=int, default=50)
    args = parser.parse_args()

    newest = datetime(2025, 9, 16, 8, 0, tzinfo=UTC)
    articles = generate_articles(args.articles, newest=newest)
    fresh = generate_articles(5, first_id=90000, newest=datetime(2025, 9, 17, 8, 0, tzinfo=UTC))
    size = args.sitemap_size
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        site = generated_site(articles, sitemap_size=size)
        with MirrorServer([site], log=io.StringIO()) as server:
            first = crawl(server, db_path)
            second = crawl(server, db_path)
        site = generated_site(fresh + articles, sitemap_size=size)
        with MirrorServer([site], log=io.StringIO()) as server:
            third = crawl(server, db_path)

    children = -(-args.articles // size)
    print(
        f"sample site: {args.articles} articles, 5 per listing page, "
        f"archive sitemap of {children} children of {size}"
    )
    print(
        f"{'run':<24} {'requests':>8} {'articles':>8} {'children read':>13} "
        f"{'skipped':>7} {'seconds':>8}"
    )
    for label, (requests, pages, read, skipped, seconds) in (
        ("1 first run", first),
        ("2 unchanged site", second),
        ("3 five new articles", third),
    ):
        print(f"{label:<24} {requests:>8} {pages:>8} {read:>13} {skipped:>7} {seconds:>8.1f}")
    ratio = second[0] / first[0]
    print(f"second / first requests: {ratio:.1%} (target <= 5%)")
    print(f"result: second run requests / first run = {ratio:.1%} (target <= 5%)")


if __name__ == "__main__":
    main()
