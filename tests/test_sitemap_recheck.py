"""Remembered child sitemaps read again after ``ARSIP_SITEMAP_RECHECK_DAYS``, and child
sitemaps of nested sitemap indexes, over the loopback mirror with the real
``arsip crawl``.

The site and portal are those of ``test_sitemaps.py`` (a WordPress sample site whose
Yoast index is ``kabarpeta``'s only way to its articles). Time passes by moving the
remembered ``read_at`` of its child sitemaps back in the archive file, as the days
between two cron runs would. An index that hides a new article is the index of the
site before the article appeared, served with the children of the site after it.
"""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.memory.sitemaps import recheck_due_at, recheck_fraction
from crawler.mirror.generated import generate_articles
from crawler.mirror.render.base import XML, sitemap_index
from crawler.mirror.server import Page, Site
from tests.conftest import copy_archive, portals_module_env, rows
from tests.test_sitemaps import (
    ARTICLES,
    CHILDREN,
    FRESH,
    NEWEST,
    PORTAL,
    PORTALS_MODULE,
    FailingArticle,
    Mirror,
    StalledArticle,
    archived,
    child_of,
    crawl,
    last_run,
    remembered,
    site,
    stop_crawl,
    url_of,
)

POSTS = CHILDREN[:3]  # post-sitemap.xml, post-sitemap2.xml, post-sitemap3.xml
# A post three days newer than the newest: later than any lastmod the old index gives.
LATER = generate_articles(1, first_id=91000, newest=NEWEST + timedelta(days=3), words=(120, 200))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return portals_module_env(tmp_path, PORTALS_MODULE, "peta_portals")


def first_run(tmp_path_factory: pytest.TempPathFactory, served: Site) -> tuple[Path, list[str]]:
    """A first crawl of ``served`` into a new archive -> (the archive, the paths it
    fetched). The tests that start from the same first run share it, each on a copy."""
    folder = tmp_path_factory.mktemp("first_run")
    db_path = folder / "first.db"
    with Mirror(served) as mirror:
        crawl(mirror, db_path, portals_module_env(folder, PORTALS_MODULE, "peta_portals"))
        return db_path, mirror.fetched()


@pytest.fixture(scope="module")
def flat_first_run(tmp_path_factory) -> tuple[Path, list[str]]:
    return first_run(tmp_path_factory, site(ARTICLES))


@pytest.fixture(scope="module")
def nested_first_run(tmp_path_factory) -> tuple[Path, list[str]]:
    return first_run(tmp_path_factory, nested(site(ARTICLES)))


@pytest.fixture
def after_flat_first_run(flat_first_run, db_path) -> Path:
    """``db_path``: the archive of a first crawl of the flat site (ARTICLES)."""
    return copy_archive(flat_first_run[0], db_path)


@pytest.fixture
def after_nested_first_run(nested_first_run, db_path) -> Path:
    """``db_path``: the archive of a first crawl of the nested site (ARTICLES)."""
    return copy_archive(nested_first_run[0], db_path)


def read_at(db_path: Path) -> dict[str, datetime]:
    return {
        r["url"]: datetime.fromisoformat(r["read_at"].replace("Z", "+00:00"))
        for r in rows(db_path, "SELECT url, read_at FROM sitemaps WHERE portal = ?", PORTAL)
    }


def pass_days(db_path: Path, days: float) -> None:
    """Move every remembered child's ``read_at`` ``days`` back: as if they had passed."""
    conn = sqlite3.connect(db_path)
    with conn:
        for url, when in read_at(db_path).items():
            conn.execute(
                "UPDATE sitemaps SET read_at = ? WHERE portal = ? AND url = ?",
                [f"{when - timedelta(days=days):%Y-%m-%dT%H:%M:%SZ}", PORTAL, url],
            )
    conn.close()


def children_read(fetched: list[str], names: tuple[str, ...] = CHILDREN) -> set[str]:
    return {p for p in fetched if p in names}


def with_index_of(served: Site, older: Site) -> Site:
    """``served`` with the sitemap index (and nested indexes) of ``older``: an index that
    did not move the lastmod of the children that gained articles since."""
    for path, page in older.pages.items():
        if path.endswith(".xml") and b"<sitemapindex" in page.body:
            served.pages[path] = page
    return served


INDEX_ROW = re.compile(rb"<loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>")


def nested(served: Site) -> Site:
    """``served`` (flat Yoast index) with its index nested three deep:
    ``/sitemap_index.xml`` -> ``/sitemap-archive.xml`` -> ``/sitemap-posts.xml`` -> the
    ``post-sitemapN.xml`` children; and ``/sitemap_index.xml`` ->
    ``/sitemap-taxonomies.xml`` -> ``category-sitemap.xml``. Each index gives its
    children the newest lastmod under them, as generators of nested indexes do."""
    flat = dict(INDEX_ROW.findall(served.pages["/sitemap_index.xml"].body))
    rows_of = {url.decode(): lastmod.decode() for url, lastmod in flat.items()}
    posts = [(u, m) for u, m in rows_of.items() if "/post-sitemap" in u]
    other = [(u, m) for u, m in rows_of.items() if "/post-sitemap" not in u]

    def newest(entries: list[tuple[str, str]]) -> str:
        return max((m for _, m in entries), key=datetime.fromisoformat)

    base = "https://kabar6.com"
    archive = [(f"{base}/sitemap-posts.xml", newest(posts))]
    served.pages["/sitemap-posts.xml"] = Page(sitemap_index(posts), XML)
    served.pages["/sitemap-archive.xml"] = Page(sitemap_index(archive), XML)
    served.pages["/sitemap-taxonomies.xml"] = Page(sitemap_index(other), XML)
    top = [
        (f"{base}/sitemap-archive.xml", newest(posts)),
        (f"{base}/sitemap-taxonomies.xml", newest(other)),
    ]
    served.pages["/sitemap_index.xml"] = Page(sitemap_index(top), XML)
    return served


INDEXES = (
    "sitemap_index.xml",
    "sitemap-archive.xml",
    "sitemap-posts.xml",
    "sitemap-taxonomies.xml",
)


def test_a_child_is_skipped_within_the_period_and_read_after_it(after_flat_first_run, env):
    """The index never moves post-sitemap3.xml's lastmod although a post joined it: runs
    within the period skip the child (the post is not found), the first run after it
    reads every child again, archives the post and says so."""
    db_path = after_flat_first_run
    hiding = with_index_of(site(FRESH + ARTICLES), site(ARTICLES))
    with Mirror(hiding) as mirror:
        pass_days(db_path, 3)  # within any child's period (3.5 to 7 days)
        crawl(mirror, db_path, env)
        assert not children_read(mirror.fetched())
        run = last_run(db_path)
        assert (run["sitemaps_skipped"], run["sitemaps_rechecked"], run["new"]) == (4, 0, 0)
        assert url_of(FRESH[0]) not in archived(db_path)
        pass_days(db_path, 4.5)  # 7.5 days since they were read: every child is due
        result = crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == set(CHILDREN)
        run = last_run(db_path)
        assert (run["sitemaps_skipped"], run["sitemaps_rechecked"]) == (0, 4)
        assert (run["new"], run["article_pages"], run["sitemaps_recheck_found"]) == (1, 1, 1)
        assert url_of(FRESH[0]) in archived(db_path)
        assert "4 unchanged sitemaps read again (due), 1 article found in them" in result.stdout
        assert "post-sitemap3.xml, read again 7.5 days after" in result.stderr
        assert "lists 1 article to fetch" in result.stderr
        # Remembered anew: the next run is within the period again.
        assert all(
            datetime.now(UTC) - at < timedelta(minutes=5) for at in read_at(db_path).values()
        )
        crawl(mirror, db_path, env)
        assert not children_read(mirror.fetched())
        assert last_run(db_path)["sitemaps_rechecked"] == 0
        # 0 days: every remembered child is read on every run.
        crawl(mirror, db_path, {**env, "ARSIP_SITEMAP_RECHECK_DAYS": "0"})
        assert children_read(mirror.fetched()) == set(CHILDREN)
        run = last_run(db_path)
        assert (run["sitemaps_rechecked"], run["sitemaps_recheck_found"], run["new"]) == (4, 0, 0)


def test_rechecks_are_spread_over_the_period_and_stay_spread(after_flat_first_run, env):
    """Children remembered by one run come due on different runs, each at its own
    fraction of the period; re-read together (every one was due), they come due apart
    again."""
    period = 7.0
    due_after = {p: period * recheck_fraction(child_of(p)) for p in CHILDREN}
    # Between the first and the last child's due time: some are due, some are not.
    days = (min(due_after.values()) + max(due_after.values())) / 2
    due = {p for p, after in due_after.items() if after <= days}
    assert due and due != set(CHILDREN)
    db_path = after_flat_first_run
    with Mirror(site(ARTICLES)) as mirror:
        for _ in range(2):
            pass_days(db_path, days)
            before = read_at(db_path)
            crawl(mirror, db_path, env)
            assert children_read(mirror.fetched()) == due
            run = last_run(db_path)
            assert (run["sitemaps_rechecked"], run["sitemaps_skipped"]) == (len(due), 4 - len(due))
            after = read_at(db_path)
            assert {p for p in CHILDREN if after[child_of(p)] != before[child_of(p)]} == due
            # Every child due at once (a week without runs): all re-read on one run ...
            pass_days(db_path, period)
            crawl(mirror, db_path, env)
            assert children_read(mirror.fetched()) == set(CHILDREN)
            assert last_run(db_path)["sitemaps_rechecked"] == 4
            # ... and on the loop's next turn they come due apart again.
    assert archived(db_path) == {url_of(a) for a in ARTICLES}


def test_recheck_due_at_is_within_the_period():
    read = datetime(2025, 9, 16, tzinfo=UTC)
    urls = [f"https://kabar6.com/post-sitemap{n}.xml" for n in range(1, 201)]
    due = [recheck_due_at(url, read, 7) - read for url in urls]
    assert all(timedelta(days=3.5) <= d < timedelta(days=7) for d in due)
    # Spread, not bunched: each day of the second half of the period gets some.
    assert {int(d / timedelta(hours=12)) for d in due} == set(range(7, 14))
    assert recheck_due_at(urls[0], read, 7) == recheck_due_at(urls[0], read, 7)
    assert recheck_due_at(urls[0], read, 0) == read


def test_refresh_days_and_since_with_due_children(after_flat_first_run, env):
    """A child read inside the --refresh-days window is read for the window, not
    counted as a re-read; one due but whose index lastmod is older than --since stays
    skipped (--since trusts the index) and due, so the next run without it reads it."""
    db_path = after_flat_first_run
    with Mirror(site(ARTICLES)) as mirror:
        crawl(mirror, db_path, env, "--refresh-days", "1")
        run = last_run(db_path)
        assert children_read(mirror.fetched()) == set(CHILDREN)
        assert (run["sitemaps_rechecked"], run["unchanged"]) == (0, len(ARTICLES))
        pass_days(db_path, 8)
        # post-sitemap.xml (lastmod 2025-09-15T20:00Z) is older than --since.
        crawl(mirror, db_path, env, "--since", "2025-09-16T00:00:00+00:00")
        assert children_read(mirror.fetched()) == set(CHILDREN) - {"post-sitemap.xml"}
        assert last_run(db_path)["sitemaps_rechecked"] == 3
        crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == {"post-sitemap.xml"}
        assert last_run(db_path)["sitemaps_rechecked"] == 1


def test_a_child_listing_entries_later_than_its_index_lastmod_is_read_every_run(
    after_flat_first_run, env
):
    """The index kept the lastmods of post-sitemap3.xml and category-sitemap.xml while
    they gained a post (a category's page) three days newer: once a re-read sees that,
    those children are forgotten and read on every run (their lastmod says nothing),
    with a warning; the other children are still skipped."""
    db_path = after_flat_first_run
    behind = {"post-sitemap3.xml", "category-sitemap.xml"}
    with Mirror(with_index_of(site(LATER + ARTICLES), site(ARTICLES))) as mirror:
        pass_days(db_path, 8)
        result = crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == set(CHILDREN)
        assert url_of(LATER[0]) in archived(db_path)
        assert set(remembered(db_path)) == {child_of(p) for p in set(CHILDREN) - behind}
        assert "2 child sitemaps of kabarpeta list entries later than the lastmod" in result.stderr
        assert (
            ": 2025-09-16T08:00:00Z in the index, entries up to 2025-09-19T08:00:00Z"
            in result.stderr
        )
        result = crawl(mirror, db_path, env)  # the next run, within the period
        assert children_read(mirror.fetched()) == behind
        # Known to be behind, and read: no warning on every run (the stats count it).
        assert "later than the lastmod" not in result.stderr
        run = last_run(db_path)
        assert (run["sitemaps_skipped"], run["sitemaps_rechecked"], run["new"]) == (2, 0, 0)
        assert json.loads(run["stats"])["arsip/sitemaps_lastmod_behind"] == 2
        assert set(remembered(db_path)) == {child_of(p) for p in set(CHILDREN) - behind}
    # The index catches up: the children are remembered and skipped again.
    with Mirror(site(LATER + ARTICLES)) as mirror:
        crawl(mirror, db_path, env)
        assert set(remembered(db_path)) == {child_of(p) for p in CHILDREN}
        mirror.fetched()
        crawl(mirror, db_path, env)
        assert not children_read(mirror.fetched())


def test_nested_index_children_are_remembered_at_any_depth(
    nested_first_run, after_nested_first_run, env
):
    """Index -> index -> index -> post-sitemapN.xml, and index -> index ->
    category-sitemap.xml: the leaves are remembered and skipped, the indexes read on
    every run; a leaf whose lastmod moved is read alone; leaves come due for a re-read
    like those of a flat index."""
    db_path = after_nested_first_run
    _, first = nested_first_run
    assert children_read(first, CHILDREN + INDEXES) == set(CHILDREN + INDEXES)
    assert set(remembered(db_path)) == {child_of(p) for p in CHILDREN}
    with Mirror(nested(site(ARTICLES))) as mirror:
        crawl(mirror, db_path, env)
        fetched = mirror.fetched()
        assert children_read(fetched, CHILDREN + INDEXES) == set(INDEXES)
        run = last_run(db_path)
        assert (run["sitemaps_skipped"], run["requests"], run["failure"]) == (
            4,
            1 + len(INDEXES),
            None,
        )
    with Mirror(nested(site(FRESH + ARTICLES))) as mirror:
        crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == {"post-sitemap3.xml", "category-sitemap.xml"}
        assert url_of(FRESH[0]) in archived(db_path)
        pass_days(db_path, 8)
        crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == set(CHILDREN)
        assert last_run(db_path)["sitemaps_rechecked"] == 4


def test_a_failed_article_keeps_its_nested_child_due(after_nested_first_run, env):
    """A re-read finds a hidden post whose page answers 503: the child listing it is
    not remembered anew, so it stays due and the next run reads it (and only it)."""
    db_path = after_nested_first_run
    hidden = url_of(FRESH[0])
    served = FailingArticle(
        with_index_of(nested(site(FRESH + ARTICLES)), nested(site(ARTICLES))),
        hidden.removeprefix("https://kabar6.com"),
    )
    with Mirror(served) as mirror:
        pass_days(db_path, 8)
        crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == set(CHILDREN)
        assert hidden not in archived(db_path)
        old = read_at(db_path)
        assert datetime.now(UTC) - old[child_of("post-sitemap3.xml")] > timedelta(days=7)
        assert datetime.now(UTC) - old[child_of("post-sitemap2.xml")] < timedelta(minutes=5)
        served.failing = False
        crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == {"post-sitemap3.xml"}
        assert hidden in archived(db_path)
        assert datetime.now(UTC) - read_at(db_path)[child_of("post-sitemap3.xml")] < timedelta(
            minutes=5
        )


class AskedArticle(StalledArticle):
    """``StalledArticle`` that tells when its page has been asked for (``asked``)."""

    def __init__(self, served: Site, path: str):
        super().__init__(served, path)
        self.asked = threading.Event()

    def get(self, target: str) -> Page | None:
        if target == self.path:
            self.asked.set()
        return super().get(target)


def test_a_shut_down_recheck_remembers_nothing(after_nested_first_run, env):
    """A run that re-reads every due child of a nested index and is shut down (SIGTERM)
    while its last article is fetched (that article is stored, but the run did not
    finish) leaves every child as it was: due, read by the next run. (A killed run runs
    no code at its end: ``test_sitemaps.py`` stops one with SIGKILL.)"""
    db_path = after_nested_first_run
    pass_days(db_path, 8)
    before = read_at(db_path)
    hidden = url_of(FRESH[0])
    served = AskedArticle(
        with_index_of(nested(site(FRESH + ARTICLES)), nested(site(ARTICLES))),
        hidden.removeprefix("https://kabar6.com"),
    )
    with Mirror(served) as mirror:
        stop_crawl(mirror, db_path, env, signal.SIGTERM, served.release,
                   lambda fetched: fetched >= set(CHILDREN) and served.asked.is_set())  # fmt: skip
        assert last_run(db_path)["finish_reason"] == "shutdown"
        assert read_at(db_path) == before
        crawl(mirror, db_path, env)
        assert children_read(mirror.fetched()) == set(CHILDREN)
    assert hidden in archived(db_path)
    assert all(datetime.now(UTC) - at < timedelta(minutes=5) for at in read_at(db_path).values())
