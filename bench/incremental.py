"""Benchmark incremental crawling: what a repeated cron run costs against the first.

Usage: ``python bench/incremental.py [--articles N] [--videos V]`` from the repository
root (arsip installed, so that the ``arsip`` command exists beside this Python).

Builds a tangselpos-like sample site of N generated articles (default 320, five per
listing page, four sections) and V video pages under article URLs that hold no article
(default 16, one per 20 articles) with ``crawler.mirror``, serves it on loopback, and
runs ``arsip crawl`` against it into a fresh archive: the first run (everything new), a
second over the unchanged site (which reads the video pages once more: a page found
without an article once may have been a passing fault), a third, the same again with
``ARSIP_EMPTY_RETRY_DAYS=0`` (the
baseline: every page without an article read again, as arsip did before it remembered
them), and a run after five new articles appeared. Each run is its own process
(Scrapy's reactor runs once per process), as under cron. Prints each run's requests
(robots.txt, sitemaps, listings, articles; from the run log, ``crawl_runs.requests``),
article pages fetched and seconds, then the ratio second / first requests (target at
most 5%) and what remembering the pages without an article saves.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from crawler.mirror.generated import generate_articles, generate_videos, with_videos  # noqa: E402
from crawler.mirror.server import MirrorServer  # noqa: E402
from crawler.mirror.tangselpos import build_site  # noqa: E402

ARSIP = Path(sys.executable).with_name("arsip")


def crawl(url: str, db_path: Path, env: dict[str, str] | None = None) -> tuple[int, int, float]:
    """One ``arsip crawl`` run -> (requests, article pages, seconds)."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(ARSIP), "crawl", "tangselpos", "--quiet", "--mirror", url, "--db", str(db_path)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"arsip crawl failed ({done.returncode}): {done.stderr}")
    with sqlite3.connect(db_path) as conn:
        requests, pages = conn.execute(
            "SELECT requests, article_pages FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return int(requests), int(pages), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=320)
    parser.add_argument("--videos", type=int, default=16)
    args = parser.parse_args()

    newest = datetime(2025, 9, 16, 8, 0, tzinfo=UTC)
    articles = generate_articles(args.articles, newest=newest)
    # Spread over the same days as the articles, so that they sit on every listing.
    hours = 3.0 * args.articles / max(1, args.videos)
    videos = generate_videos(args.videos, newest=newest, hours_apart=hours)
    fresh = generate_articles(5, first_id=90000, newest=datetime(2025, 9, 17, 8, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        with MirrorServer([build_site(with_videos(articles, videos))], log=None) as server:
            first = crawl(server.url, db_path)
            second = crawl(server.url, db_path)
            settled = crawl(server.url, db_path)
            baseline = crawl(server.url, db_path, {"ARSIP_EMPTY_RETRY_DAYS": "0"})
        with MirrorServer([build_site(with_videos(fresh + articles, videos))], log=None) as server:
            third = crawl(server.url, db_path)

    print(
        f"sample site: {args.articles} articles and {args.videos} video pages, 5 per listing page"
    )
    print(f"{'run':<44} {'requests':>8} {'articles':>8} {'seconds':>8}")
    for label, (requests, pages, seconds) in (
        ("1 first run", first),
        ("2 unchanged site (video pages read once more)", second),
        ("2' unchanged site again", settled),
        ("2b unchanged, video pages read again (before)", baseline),
        ("3 five new articles", third),
    ):
        print(f"{label:<44} {requests:>8} {pages:>8} {seconds:>8.1f}")
    ratio = second[0] / first[0]
    print(f"second / first requests: {ratio:.1%} (target <= 5%)")
    print(
        f"pages without an article remembered: from the third run {settled[0]} requests "
        f"({settled[0] / first[0]:.1%} of the first), {baseline[0]} when they are read "
        f"again ({baseline[0] / first[0]:.1%})"
    )
    print(f"result: second run requests / first run = {ratio:.1%} (target <= 5%)")


if __name__ == "__main__":
    main()
