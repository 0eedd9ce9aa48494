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
5. a run after five new articles appeared (they change only the last child);
6. the same site with ``ARSIP_SITEMAP_RECHECK_DAYS=0`` (every child read, as arsip did
   before it remembered them);
7. a week of daily runs over that site, the remembered children's ``read_at`` moved one
   day back before each (as if a day had passed; the default recheck period is 7
   days): which children each run reads again, and what the week costs.

Each run is its own process (Scrapy's reactor runs once per process), as under cron.
Prints each run's requests (robots.txt, sitemaps, listings, articles; from the run log,
``crawl_runs.requests``), article pages fetched, archive sitemap children read (from the
mirror's request log) and skipped as unchanged (``crawl_runs.sitemaps_skipped``), and
seconds, then the ratio second / first requests (target at most 5%), first for the
site without video pages (the figure of an unchanged site of articles), then with them;
then the week's runs (requests, children read again) and its requests against a week of
the same runs reading every child.
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


@dataclass(frozen=True)
class Run:
    requests: int
    pages: int
    """Article pages fetched."""
    children: int
    """Archive sitemap children read (the mirror's request log)."""
    skipped: int
    """Children skipped as unchanged (``crawl_runs.sitemaps_skipped``)."""
    rechecked: int
    """Children read again because their recheck time had come."""
    seconds: float


def crawl(server: MirrorServer, db_path: Path, env: dict[str, str] | None = None) -> Run:
    """One ``arsip crawl`` run."""
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
        requests, pages, skipped, rechecked = conn.execute(
            "SELECT requests, article_pages, sitemaps_skipped, sitemaps_rechecked"
            " FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    children = server.log.getvalue().count("/sitemap-posts-")
    return Run(int(requests), int(pages), children, int(skipped or 0), int(rechecked or 0), seconds)


def pass_a_day(db_path: Path) -> None:
    """Move every remembered child sitemap's ``read_at`` one day back."""
    with sqlite3.connect(db_path) as conn:
        for url, read_at in conn.execute("SELECT url, read_at FROM sitemaps").fetchall():
            earlier = datetime.fromisoformat(read_at.replace("Z", "+00:00")) - timedelta(days=1)
            conn.execute(
                "UPDATE sitemaps SET read_at = ? WHERE url = ?",
                [f"{earlier:%Y-%m-%dT%H:%M:%SZ}", url],
            )
    conn.close()


WEEK = 7


def run_site(
    articles: list[dict], videos: list[dict], fresh: list[dict], size: int
) -> tuple[list[Run], list[Run]]:
    """The runs (see the module docstring) over one sample site: the six, and the
    week's."""
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
            every_child = crawl(server, db_path, {"ARSIP_SITEMAP_RECHECK_DAYS": "0"})
            week = []
            for _ in range(WEEK):
                pass_a_day(db_path)
                week.append(crawl(server, db_path))
    return [first, second, settled, baseline, third, every_child], week


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
    weeks = {}
    for count in sorted({0, args.videos}):
        runs, week = run_site(articles, videos[:count], fresh, size)
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
                  "4 unchanged, video pages read again (before)", "5 five new articles",
                  "6 unchanged, every child read (before)",
                  *(f"7.{day} a day later (recheck)" for day in range(1, WEEK + 1)))  # fmt: skip
        for label, run in zip(labels, runs + week, strict=True):
            print(
                f"{label:<46} {run.requests:>8} {run.pages:>8} {run.children:>13} "
                f"{run.skipped:>7} {run.seconds:>8.1f}"
                + (f"  ({run.rechecked} read again)" if run.rechecked else "")
            )
        first, second, settled = runs[0].requests, runs[1].requests, runs[2].requests
        ratios[count] = (second / first, settled / first)
        weeks[count] = (sum(r.requests for r in week), runs[5].requests * WEEK)
        print(f"second / first requests: {second / first:.1%}; third / first: "
              f"{settled / first:.1%}")  # fmt: skip
        spent, every = weeks[count]
        print(
            f"a week of daily runs: {spent} requests, {sum(r.rechecked for r in week)} "
            f"children read again (on {sum(1 for r in week if r.rechecked)} of {WEEK} runs, "
            f"at most {max(r.rechecked for r in week)} on one); reading every child every "
            f"run: {every} ({spent / every:.0%})\n"
        )
    second, settled = ratios[0]
    print(f"result: second run requests / first run = {second:.1%} (target <= 5%)")
    spent, every = weeks[0]
    print(
        f"result: a week of daily runs with rechecks, requests vs every child read each run"
        f" = {spent / every:.0%} ({spent} / {every})"
    )
    if args.videos:
        second, settled = ratios[args.videos]
        print(
            f"result: with {args.videos} video pages, second / third run requests vs first = "
            f"{second:.1%} / {settled:.1%} (the second reads each video page once more)"
        )


if __name__ == "__main__":
    main()
