"""Child sitemaps of a sitemap index across runs, over the loopback mirror with the real
``arsip crawl``: a repeated run reads only the children whose index ``lastmod`` moved,
and a child is remembered only when a finished run read it completely.

The site is a WordPress sample site (Yoast's ``/sitemap_index.xml`` -> ``post-sitemap.xml``,
``post-sitemap2.xml``..., three posts each, oldest first, plus ``category-sitemap.xml``).
The portal crawled, ``kabarpeta``, is declared by the operator (``ARSIP_PORTALS_MODULE``)
with that sitemap index as its only way to its articles (no feed, no listing), so that
an article behind a child sitemap that was wrongly skipped is an article lost.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.mirror.generated import generate_articles
from crawler.mirror.render.wordpress import Kabar6
from crawler.mirror.server import Page, Site
from tests.conftest import (
    LoggedMirror,
    copy_archive,
    portals_module_env,
    rows,
    run_cli,
    start_cli,
)

PORTALS_MODULE = """
import dataclasses
from crawler.portals.kabar6 import PORTAL as KABAR6

PORTAL = dataclasses.replace(
    KABAR6, name="kabarpeta", feeds=(), listings=(), robots_sitemaps=False
)
"""
PORTAL = "kabarpeta"
CHILDREN = ("post-sitemap.xml", "post-sitemap2.xml", "post-sitemap3.xml", "category-sitemap.xml")
NEWEST = datetime(2025, 9, 16, 8, 0, tzinfo=UTC)
# Seven posts three hours apart, oldest first in the sitemaps: post-sitemap.xml holds
# the three oldest, post-sitemap2.xml the next three, post-sitemap3.xml the newest.
ARTICLES = generate_articles(7, newest=NEWEST, words=(120, 200))
FRESH = generate_articles(1, first_id=90000, newest=NEWEST + timedelta(hours=3), words=(120, 200))


def site(articles: list[dict]) -> Site:
    return Kabar6(articles).build()


def url_of(article: dict) -> str:
    return Kabar6([article]).url(article)


def child_of(path: str) -> str:
    return f"https://kabar6.com/{path}"


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return portals_module_env(tmp_path_factory.mktemp("env"), PORTALS_MODULE, "peta_portals")


Mirror = LoggedMirror


@pytest.fixture(scope="module")
def first_run(env, tmp_path_factory) -> tuple[Path, list[str]]:
    """The first run over ``site(ARTICLES)``, where several tests start: its archive
    (copy it before writing) and the paths it fetched."""
    db_path = tmp_path_factory.mktemp("first_run") / "archive.db"
    with Mirror(site(ARTICLES)) as mirror:
        crawl(mirror, db_path, env)
        return db_path, mirror.fetched()


def crawl(mirror: Mirror, db_path: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    result = run_cli(
        "crawl", PORTAL, *args, "--mirror", mirror.server.url, "--db", str(db_path), env=env
    )
    assert result.returncode == 0, result.stderr
    return result


def last_run(db_path: Path) -> dict:
    return rows(db_path, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]


def remembered(db_path: Path) -> dict[str, str]:
    return {
        r["url"]: r["lastmod"]
        for r in rows(db_path, "SELECT url, lastmod FROM sitemaps WHERE portal = ?", PORTAL)
    }


def archived(db_path: Path) -> set[str]:
    return {r["url"] for r in rows(db_path, "SELECT url FROM articles")}


def listed_in(served: Site, path: str) -> set[str]:
    """The article URLs a child sitemap of ``served`` lists."""
    body = served.pages[f"/{path}"].body.decode()
    return {part.split("</loc>")[0] for part in body.split("<loc>")[1:]}


def assert_remembered_children_archived(db_path: Path, served: Site) -> None:
    """What makes skipping safe: every article a remembered child lists is archived."""
    have = archived(db_path)
    for url in remembered(db_path):
        path = url.rsplit("/", 1)[1]
        if path.startswith("post-sitemap"):
            assert listed_in(served, path) <= have, path


def test_a_second_run_reads_no_unchanged_child_sitemap(db_path, env, first_run):
    copy_archive(first_run[0], db_path)
    first = first_run[1]
    with Mirror(site(ARTICLES)) as mirror:
        second = crawl(mirror, db_path, env)
        fetched = mirror.fetched()
    assert {p for p in first if p in CHILDREN} == set(CHILDREN)
    assert last_run(db_path)["new"] == 0
    # The index is read; none of its unchanged children is.
    assert "sitemap_index.xml" in fetched
    assert not [p for p in fetched if p in CHILDREN], fetched
    assert last_run(db_path)["sitemaps_skipped"] == len(CHILDREN)
    assert json.loads(last_run(db_path)["stats"])["arsip/sitemaps_skipped"] == len(CHILDREN)
    assert f"{len(CHILDREN)} unchanged sitemaps skipped" in second.stdout
    assert set(remembered(db_path)) == {child_of(p) for p in CHILDREN}


def test_a_child_listing_a_page_without_article_is_remembered_once_that_is_confirmed(db_path, env):
    """A child that lists a video page (no article): read again while the page has been
    found empty only once (it may have been a passing fault), remembered once a second
    reading finds it empty again; then neither is fetched."""
    served = site(ARTICLES)
    video = "/" + url_of(ARTICLES[-1]).split("/", 3)[3]  # the oldest: in post-sitemap.xml
    served.pages[video] = Page(
        b'<html><head><title>VIDEO</title><meta property="og:type" content="video.other">'
        b'</head><body><div id="video-app"></div></body></html>'
    )
    with Mirror(served) as mirror:
        runs = []
        for _ in range(3):
            crawl(mirror, db_path, env)
            runs.append((mirror.fetched(), set(remembered(db_path))))
    (first, after_first), (second, after_second), (third, _) = runs
    assert video[1:] in first and child_of("post-sitemap.xml") not in after_first
    assert "post-sitemap.xml" in second and video[1:] in second
    assert child_of("post-sitemap.xml") in after_second
    assert "post-sitemap.xml" not in third and video[1:] not in third
    assert last_run(db_path)["skipped_empty"] == 0  # not even listed: its child is skipped


def test_a_child_whose_lastmod_moved_is_read_and_its_new_article_stored(db_path, env, first_run):
    copy_archive(first_run[0], db_path)
    before = remembered(db_path)
    with Mirror(site(FRESH + ARTICLES)) as mirror:
        crawl(mirror, db_path, env)
        fetched = mirror.fetched()
    # The new post joined post-sitemap3.xml (and moved the category sitemap's lastmod).
    assert sorted(p for p in fetched if p in CHILDREN) == [
        "category-sitemap.xml",
        "post-sitemap3.xml",
    ]
    run = last_run(db_path)
    assert (run["new"], run["article_pages"], run["sitemaps_skipped"]) == (1, 1, 2)
    assert url_of(FRESH[0]) in archived(db_path)
    after = remembered(db_path)
    newest = child_of("post-sitemap3.xml")
    assert after[newest] == "2025-09-16T11:00:00Z" != before[newest]
    assert after[child_of("post-sitemap.xml")] == before[child_of("post-sitemap.xml")]


def test_a_run_cut_by_max_pages_leaves_the_children_it_did_not_finish(db_path, env):
    served = site(ARTICLES)
    with Mirror(served) as mirror:
        crawl(mirror, db_path, env, "--max-pages", "2")
        assert len(archived(db_path)) == 2
        # post-sitemap.xml and post-sitemap2.xml list three articles each: at most one
        # of them had all its articles requested within two pages.
        unfinished = {child_of(p) for p in CHILDREN[:2]} - set(remembered(db_path))
        assert unfinished
        assert_remembered_children_archived(db_path, served)
        crawl(mirror, db_path, env)
        fetched = mirror.fetched()
    assert {child_of(p) for p in fetched if p in CHILDREN} >= unfinished
    assert archived(db_path) == {url_of(a) for a in ARTICLES}
    assert set(remembered(db_path)) == {child_of(p) for p in CHILDREN}


def test_since_then_a_backfill(db_path, env):
    """A first run bounded by --since leaves the children holding older articles
    unremembered; a backfill reads them and archives those articles."""
    since = NEWEST - timedelta(hours=7)
    served = site(ARTICLES)
    with Mirror(served) as mirror:
        crawl(mirror, db_path, env, "--since", since.isoformat())
        newer = {url_of(a) for a in ARTICLES if datetime.fromisoformat(a["published"]) >= since}
        assert archived(db_path) == newer and len(newer) == 3
        # post-sitemap2.xml lists an article before --since: read, not remembered.
        assert set(remembered(db_path)) == {
            child_of("post-sitemap3.xml"),
            child_of("category-sitemap.xml"),
        }
        mirror.fetched()
        crawl(mirror, db_path, env, "--since", "2025-09-01")
        fetched = mirror.fetched()
    assert sorted(p for p in fetched if p in CHILDREN) == ["post-sitemap.xml", "post-sitemap2.xml"]
    assert archived(db_path) == {url_of(a) for a in ARTICLES}


def test_refresh_days_reads_the_children_read_within_its_window(db_path, env, first_run):
    copy_archive(first_run[0], db_path)
    with Mirror(site(ARTICLES)) as mirror:
        # Archived just now: inside a 7-day window, so their children are read again.
        crawl(mirror, db_path, env, "--refresh-days", "7")
        run = last_run(db_path)
        assert (run["sitemaps_skipped"], run["unchanged"]) == (0, len(ARTICLES))
        # Archived and read a month ago: nothing of theirs is in the window.
        month_ago = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute("UPDATE articles SET first_seen_at = ?, last_seen_at = ?", [month_ago] * 2)
            conn.execute("UPDATE sitemaps SET read_at = ?", [month_ago])
        conn.close()
        mirror.fetched()
        # Read a month ago is also past the periodic re-read (ARSIP_SITEMAP_RECHECK_DAYS,
        # 7 by default; see test_sitemap_recheck.py): set longer, to see the window alone.
        crawl(mirror, db_path, {**env, "ARSIP_SITEMAP_RECHECK_DAYS": "60"}, "--refresh-days", "7")
        fetched = mirror.fetched()
    run = last_run(db_path)
    assert (run["sitemaps_skipped"], run["article_pages"]) == (len(CHILDREN), 0)
    assert not [p for p in fetched if p in CHILDREN]


class FailingArticle(Site):
    """A site whose page at ``path`` answers 503 while ``failing`` is set."""

    def __init__(self, served: Site, path: str):
        super().__init__(served.hosts, served.pages)
        self.path = path
        self.failing = True

    def get(self, target: str) -> Page | None:
        if self.failing and target == self.path:
            return Page(b"<h1>503</h1>", status=503)
        return super().get(target)


def test_a_child_whose_article_failed_is_read_again(db_path, env):
    oldest = ARTICLES[-1]  # listed in post-sitemap.xml
    path = url_of(oldest).removeprefix("https://kabar6.com")
    served = FailingArticle(site(ARTICLES), path)
    with Mirror(served) as mirror:
        crawl(mirror, db_path, env)
        assert last_run(db_path)["finish_reason"] == "finished"
        assert url_of(oldest) not in archived(db_path)
        assert child_of("post-sitemap.xml") not in remembered(db_path)
        assert child_of("post-sitemap2.xml") in remembered(db_path)
        served.failing = False
        mirror.fetched()
        crawl(mirror, db_path, env)
        fetched = mirror.fetched()
    assert "post-sitemap.xml" in fetched and "post-sitemap2.xml" not in fetched
    assert url_of(oldest) in archived(db_path)
    assert child_of("post-sitemap.xml") in remembered(db_path)


class StalledArticle(Site):
    """A site whose page at ``path`` answers only once ``release`` is set."""

    def __init__(self, served: Site, path: str):
        super().__init__(served.hosts, served.pages)
        self.path = path
        self.release = threading.Event()

    def get(self, target: str) -> Page | None:
        if target == self.path:
            self.release.wait(60)
        return super().get(target)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "shutdown"])
def test_a_stopped_run_remembers_no_child(db_path, env, stop):
    """Stopped after reading every child and storing all but one article (killed, or
    shut down gracefully: it stores that article and closes with finish reason
    ``shutdown``): nothing is remembered, and the next run reads every child again."""
    oldest = ARTICLES[-1]
    served = StalledArticle(site(ARTICLES), url_of(oldest).removeprefix("https://kabar6.com"))
    with Mirror(served) as mirror:
        stop_crawl(mirror, db_path, env, stop, served.release,
                   lambda fetched: len(stored(db_path)) >= len(ARTICLES) - 1
                   and fetched >= set(CHILDREN))  # fmt: skip
        if stop == signal.SIGTERM:
            assert last_run(db_path)["finish_reason"] == "shutdown"
        else:
            assert last_run(db_path)["finished_at"] is None
        assert remembered(db_path) == {}
        crawl(mirror, db_path, env)
        fetched = set(mirror.fetched())
    assert fetched >= set(CHILDREN)
    assert archived(db_path) == {url_of(a) for a in ARTICLES}
    assert set(remembered(db_path)) == {child_of(p) for p in CHILDREN}


def stop_crawl(
    mirror: Mirror,
    db_path: Path,
    env: dict,
    stop: signal.Signals,
    release: threading.Event,
    moment: Callable[[set[str]], bool],
) -> None:
    """Run a crawl of ``mirror`` and send it ``stop`` once ``moment`` (given the paths
    fetched so far) holds, then ``release`` what the mirror holds back and wait for the
    crawl to end."""
    child = start_cli("crawl", PORTAL, "--mirror", mirror.server.url, "--db", str(db_path),
                      env=env)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        fetched: set[str] = set()
        while not moment(fetched):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the moment to stop never came"
            fetched.update(mirror.fetched())
            time.sleep(0.05)
        child.send_signal(stop)
        time.sleep(0.5)
    finally:
        release.set()
        try:
            child.communicate(timeout=60)
        finally:
            child.kill()


def stored(db_path: Path) -> set[str]:
    """Archived URLs, read as a concurrent reader would (empty while being created)."""
    if not db_path.exists():
        return set()
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            return {r[0] for r in conn.execute("SELECT url FROM articles")}
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return set()


def test_large_and_gzipped_sitemaps_are_read_entry_by_entry(db_path, env):
    """The sitemap protocol's files, as the fault mirror serves them: an index with
    ``Content-Encoding: gzip``, a child as a gzip file (``.xml.gz``), and a child of
    9 MB (over the 8 MiB page limit) listing 200,000 more URLs after its own (past
    the protocol's 50,000). The only way to the articles is these sitemaps: every one
    is archived. The long child's entries past 50,000 are not read, and said so; it is
    not remembered as read (its end was not seen), the others are; and reading it held
    the crawl up for less than a second at a time."""
    from crawler.mirror.faults import FaultPlan

    plan = FaultPlan.from_specs(
        [
            "/sitemap_index.xml=gzip",
            "/post-sitemap.xml=gzip-file",
            "/post-sitemap2.xml=huge-sitemap:200000",
        ]
    )
    with Mirror(site(ARTICLES), faults=plan) as mirror:
        result = crawl(mirror, db_path, env)
    assert archived(db_path) == {url_of(a) for a in ARTICLES}
    assert "Traceback" not in result.stderr
    assert "post-sitemap2.xml lists more than 50000 URLs" in result.stderr
    stats = json.loads(last_run(db_path)["stats"])
    assert stats["arsip/sitemaps_cut"] == 1 and "arsip/sitemaps_empty" not in stats
    # Its 50,000 entries were weighed in slices: the crawl was never held up a second.
    assert stats["arsip/longest_stall_ms"] < 1000
    assert set(remembered(db_path)) == {child_of(p) for p in CHILDREN} - {
        child_of("post-sitemap2.xml")
    }


def test_a_sitemap_over_the_size_limit_is_said_so_and_counted(db_path, env):
    """A child sitemap of about 58 MB, over the protocol's 50 MiB: the download is cut,
    the warning names the sitemap and the limit (not a download error), the run's stats
    count it, and it is not remembered as read; the other children are read."""
    from crawler.mirror.faults import FaultPlan

    plan = FaultPlan.from_specs(["/post-sitemap2.xml=huge-sitemap:1000000"])
    with Mirror(site(ARTICLES), faults=plan) as mirror:
        result = crawl(mirror, db_path, env)
    sitemap = child_of("post-sitemap2.xml")
    assert (
        f"sitemap {sitemap} is larger than the sitemap protocol's limit of 50 MiB "
        "(uncompressed): not read" in result.stderr
    )
    assert "gave up on" not in result.stderr and "Traceback" not in result.stderr
    stats = json.loads(last_run(db_path)["stats"])
    assert stats["arsip/sitemaps_too_large"] == 1
    assert set(remembered(db_path)) == {child_of(p) for p in CHILDREN} - {sitemap}
