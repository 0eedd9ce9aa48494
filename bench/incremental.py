"""Benchmark incremental crawling: what a repeated cron run costs against the first.

Usage: ``python bench/incremental.py [--articles N] [--videos V] [--sitemap-size S]``
from the repository root (arsip installed, so that the ``arsip`` command exists beside
this Python).

Builds a tangselpos-like sample site of N generated articles (default 320, five per
listing page, four sections) and V video pages under article URLs that hold no article
(default 16, one per 20 articles), whose sitemap index lists a news sitemap and an
archive sitemap paged S entries a child (default 50, oldest first, each child's lastmod
in the index: ``crawler.mirror.generated.generated_site``), serves it on loopback, and
runs ``arsip crawl`` against it into a fresh archive:

1. the first run (everything new);
2. a second over the unchanged site (it reads the video pages once more: a page found
   without an article once may have been a passing fault);
3. a third over the unchanged site (what every later run costs);
4. the same with ``ARSIP_EMPTY_RETRY_DAYS=0`` (the baseline: every page without an
   article read again, as arsip did before it remembered them);
5. a run after five new articles appeared (they change only the last child).

Each run is its own process (Scrapy's reactor runs once per process), as under cron.
Prints each run's requests (robots.txt, sitemaps, listings, articles; from the run log,
``crawl_runs.requests``), article pages fetched, archive sitemap children read (from the
mirror's request log) and skipped as unchanged (``crawl_runs.sitemaps_skipped``), and
seconds, then the ratio second / first requests (target at most 5%), first for the
site without video pages (the figure of an unchanged site of articles), then with them.
"""

from __future__ import annotations

import argparse
import io
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

from crawler.mirror.generated import (  # noqa: E402
    generate_articles,
    generate_videos,
    generated_site,
    with_videos,
)
from crawler.mirror.server import MirrorServer  # noqa: E402

ARSIP = Path(sys.executable).with_name("arsip")


def crawl(
    server: MirrorServer, db_path: Path, env: dict[str, str] | None = None
) -> tuple[int, int, int, int, float]:
    """One ``arsip crawl`` run -> (requests, article pages, archive sitemap children
    read, children skipped, seconds)."""
    assert isinstance(server.log, io.StringIO)
    server.log.seek(0)
    server.log.truncate()
    started = time.perf_counter()
    done = subprocess.run(
        [str(ARSIP), "crawl", "tangselpos", "--quiet", "--mirror", server.url,
         "--db", str(db_path)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
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


def run_site(
    articles: list[dict], videos: list[dict], fresh: list[dict], size: int
) -> list[tuple[int, int, int, int, float]]:
    """The five runs (see the module docstring) over one sample site."""
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        site = generated_site(with_videos(articles, videos), sitemap_size=size)
        with MirrorServer([site], log=io.StringIO()) as server:
            first = crawl(server, db_path)
            second = crawl(server, db_path)
            settled = crawl(server, db_path)
            baseline = crawl(server, db_path, {"ARSIP_EMPTY_RETRY_DAYS": "0"})
        site = generated_site(with_videos(fresh + articles, videos), sitemap_size=size)
        with MirrorServer([site], log=io.StringIO()) as server:
            third = crawl(server, db_path)
    return [first, second, settled, baseline, third]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=320)
    parser.add_argument("--videos", type=int, default=16)
    parser.add_argument("--sitemap-size", type=int, default=50)
    args = parser.parse_args()

    newest = datetime(2025, 9, 16, 8, 0, tzinfo=UTC)
    articles = generate_articles(args.articles, newest=newest)
    # Spread over the same days as the articles, so that they sit on every listing.
    hours = 3.0 * args.articles / max(1, args.videos)
    videos = generate_videos(args.videos, newest=newest, hours_apart=hours)
    fresh = generate_articles(5, first_id=90000, newest=datetime(2025, 9, 17, 8, 0, tzinfo=UTC))
    size = args.sitemap_size
    ratios = {}
    for count in sorted({0, args.videos}):
        runs = run_site(articles, videos[:count], fresh, size)
        children = -(-(args.articles + count) // size)
        print(
            f"sample site: {args.articles} articles and {count} video pages, 5 per listing"
            f" page, archive sitemap of {children} children of {size}"
        )
        print(
            f"{'run':<46} {'requests':>8} {'articles':>8} {'children read':>13} "
            f"{'skipped':>7} {'seconds':>8}"
        )
        labels = ("1 first run", "2 unchanged site", "3 unchanged site again",
                  "4 unchanged, video pages read again (before)", "5 five new articles")  # fmt: skip
        for label, (requests, pages, read, skipped, seconds) in zip(labels, runs, strict=True):
            print(f"{label:<46} {requests:>8} {pages:>8} {read:>13} {skipped:>7} {seconds:>8.1f}")
        first, second, settled = runs[0][0], runs[1][0], runs[2][0]
        ratios[count] = (second / first, settled / first)
        print(f"second / first requests: {second / first:.1%}; third / first: "
              f"{settled / first:.1%}\n")  # fmt: skip
    second, settled = ratios[0]
    print(f"result: second run requests / first run = {second:.1%} (target <= 5%)")
    if args.videos:
        second, settled = ratios[args.videos]
        print(
            f"result: with {args.videos} video pages, second / third run requests vs first = "
            f"{second:.1%} / {settled:.1%} (the second reads each video page once more)"
        )


if __name__ == "__main__":
    main()
