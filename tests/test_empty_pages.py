"""Pages without an article (a video page under an article URL): real ``arsip crawl``
runs over the mirror. A page that was read and held no article is remembered in
``empty_pages``; the next runs skip it (``skipped_empty`` in the run log) until the
retry period has passed, a newer sitemap ``lastmod`` or ``--refresh-days`` asks for it,
and a page that later holds an article is stored and forgotten. A page that could not
be read is never remembered."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.mirror.faults import FaultPlan
from crawler.mirror.generated import generate_articles, generate_videos, with_videos
from crawler.mirror.server import MirrorServer, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.conftest import copy_archive, rows, run_cli

VIDEOS = generate_videos(3)
"""Three video pages, all in the sitemap (lastmod 14-16 September 2025)."""


def site(videos: list[dict] = VIDEOS) -> Site:
    return build_site(with_videos(load_articles(), videos))


def crawl(server: MirrorServer, db_path: Path, *extra: str, env: dict | None = None):
    """One ``arsip crawl tangselpos`` -> (result, the mirror paths it requested)."""
    log = server.log = io.StringIO()
    result = run_cli(
        "crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path), *extra, env=env
    )
    server.log = None
    paths = [line.split()[2].split("/", 1)[1] for line in log.getvalue().splitlines()]
    return result, ["/" + p for p in paths]


def video_paths(videos: list[dict] = VIDEOS) -> set[str]:
    return {article_path(v) for v in videos}


def last_run(db_path: Path) -> dict:
    return rows(db_path, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]


def age_entries(db_path: Path, days: float) -> None:
    """Move every remembered page's fetches ``days`` into the past."""
    when = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    execute(db_path, "UPDATE empty_pages SET first_seen_at = ?, fetched_at = ?", when, when)


def execute(db_path: Path, sql: str, *params) -> None:
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


@dataclass
class Run:
    """One ``arsip crawl`` of a test's runs: its result, the paths it requested, its
    ``crawl_runs`` row, and a copy of the archive as it left it."""

    result: subprocess.CompletedProcess
    paths: list[str]
    row: dict
    archive: Path


def crawl_run(server: MirrorServer, db_path: Path, *extra: str) -> Run:
    result, paths = crawl(server, db_path, *extra)
    assert result.returncode == 0, result.stderr
    copy = copy_archive(db_path, db_path.with_name(f"after-run-{last_run(db_path)['id']}.db"))
    return Run(result, paths, last_run(db_path), copy)


@pytest.fixture(scope="module")
def video_site():
    with MirrorServer([site()], log=None) as server:
        yield server


@pytest.fixture(scope="module")
def first_two_runs(video_site, tmp_path_factory) -> tuple[Run, Run]:
    """The first two runs over the site with video pages (raw pages kept; the first logs
    to ``crawl.log`` beside the archive), where most tests here start: each works on a
    copy of the archive one of them left."""
    db_path = tmp_path_factory.mktemp("first_two_runs") / "archive.db"
    first = crawl_run(video_site, db_path, "--log-file", str(db_path.with_name("crawl.log")))
    return first, crawl_run(video_site, db_path)


@pytest.mark.parametrize("keep_pages", [True, False], ids=["pages", "no-pages"])
def test_a_page_without_article_is_not_fetched_again(db_path, keep_pages, video_site, request):
    """The first run reads the three video pages and stores no article from them; the
    second reads them once more (a page found empty once may have been a passing
    fault); from the third run on they are skipped, with raw pages kept or not
    (``--no-pages``)."""
    extra = () if keep_pages else ("--no-pages",)
    if keep_pages:  # the module's first two runs: a third on a copy of their archive
        runs = request.getfixturevalue("first_two_runs")
        copy_archive(runs[1].archive, db_path)
    else:
        runs = [crawl_run(video_site, db_path, *extra) for _ in range(2)]
    (first_paths, one), (second_paths, two) = ((r.paths, r.row) for r in runs)
    third, third_paths = crawl(video_site, db_path, *extra)
    assert third.returncode == 0, third.stderr
    three = last_run(db_path)
    assert video_paths() <= set(first_paths)
    assert one["dropped"] == 3 and one["new"] == len(load_articles())
    remembered = rows(db_path, "SELECT * FROM empty_pages ORDER BY url")
    assert [(r["url"], r["reason"], r["portal"], r["fetches"]) for r in remembered] == sorted(
        (BASE + path, "no body", "tangselpos", 2) for path in video_paths()
    )
    assert all(r["crawl_run_id"] == two["id"] for r in remembered)
    kept = rows(db_path, "SELECT count(*) AS n FROM pages WHERE article_id IS NULL")[0]["n"]
    assert kept == (3 if keep_pages else 0)

    # The second run reads the three once more, and is no failure.
    assert video_paths() <= set(second_paths)
    assert (two["article_pages"], two["dropped"], two["skipped_empty"]) == (3, 3, 0)
    assert json.loads(two["stats"])["arsip/requested/empty_confirm"] == 3
    assert two["failure"] is None
    # The third: no video page, no article page; the three links counted as skipped.
    assert not video_paths() & set(third_paths)
    assert (three["article_pages"], three["dropped"], three["skipped_empty"]) == (0, 0, 3)
    assert three["requests"] == len(third_paths)
    assert "3 pages without an article skipped" in third.stdout
    assert json.loads(three["stats"])["arsip/skipped_empty"] == 3
    assert three["failure"] is None


def test_an_article_served_once_as_an_empty_page_is_archived_by_the_next_run(db_path):
    """A passing fault that answers an article's URL with a page holding no article
    (a maintenance or error page served with 200): the next run reads the URL again
    and archives the article, instead of skipping it for days."""
    article = load_articles()[0]
    plan = FaultPlan.from_specs([f"{article_path(article)}=status:200"])  # an error page
    with MirrorServer([build_site()], log=None, faults=plan) as server:
        result, _ = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert rows(db_path, "SELECT url FROM empty_pages") == [{"url": BASE + article_path(article)}]
    with MirrorServer([build_site()], log=None) as server:
        result, paths = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert article_path(article) in paths
    assert rows(db_path, "SELECT title FROM articles WHERE url = ?", BASE + article_path(article)
                ) == [{"title": article["title"]}]  # fmt: skip
    assert rows(db_path, "SELECT * FROM empty_pages") == []


def test_a_remembered_page_is_fetched_again_when_its_time_comes(
    db_path, first_two_runs, video_site
):
    """After the retry period (``ARSIP_EMPTY_RETRY_DAYS``, 7 days by default) a video
    page is read again, and remembered with its new fetch."""
    copy_archive(first_two_runs[1].archive, db_path)  # found empty, then confirmed
    server = video_site
    age_entries(db_path, days=8)
    # A longer retry period: still skipped.
    result, paths = crawl(server, db_path, env={"ARSIP_EMPTY_RETRY_DAYS": "30"})
    assert result.returncode == 0, result.stderr
    assert not video_paths() & set(paths) and last_run(db_path)["skipped_empty"] == 3
    result, paths = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert video_paths() <= set(paths)
    run = last_run(db_path)
    assert (run["skipped_empty"], run["dropped"]) == (0, 3)
    assert json.loads(run["stats"])["arsip/requested/empty_retry"] == 3
    entries = rows(db_path, "SELECT * FROM empty_pages")
    assert [e["fetches"] for e in entries] == [3, 3, 3]
    assert all(e["fetched_at"] > e["first_seen_at"] for e in entries)
    assert all(e["crawl_run_id"] == run["id"] for e in entries)


def test_refresh_days_and_a_newer_lastmod_fetch_it_again(db_path, first_two_runs):
    """Like an archived article: ``--refresh-days`` fetches a page first found empty in
    that window, and a sitemap ``lastmod`` newer than its last fetch fetches it."""
    copy_archive(first_two_runs[0].archive, db_path)  # after the first run
    with MirrorServer([site()], log=None) as server:
        result, paths = crawl(server, db_path, "--refresh-days", "2")
        assert result.returncode == 0, result.stderr
        assert video_paths() <= set(paths)
        stats = json.loads(last_run(db_path)["stats"])
        # The archived articles, first seen in those two days too, and the videos.
        assert stats["arsip/requested/refresh"] == len(load_articles()) + 3
        assert stats["arsip/empty_reread"] == 3
    # Last fetched before the sitemap's lastmod (14-16 September 2025), first found
    # empty long ago: the sitemap says the page changed since.
    execute(
        db_path,
        "UPDATE empty_pages SET first_seen_at = '2025-09-01T00:00:00Z',"
        " fetched_at = '2025-09-01T00:00:00Z'",
    )
    with MirrorServer([site()], log=None) as server:
        result, paths = crawl(server, db_path, env={"ARSIP_EMPTY_RETRY_DAYS": "36500"})
    assert result.returncode == 0, result.stderr
    assert video_paths() <= set(paths)
    assert json.loads(last_run(db_path)["stats"])["arsip/requested/modified"] == 3


def test_a_page_that_now_holds_an_article_is_stored_and_forgotten(db_path, first_two_runs):
    """The video page becomes an article (same URL, now with its text): it is stored
    as new and leaves ``empty_pages``; the other two stay remembered."""
    copy_archive(first_two_runs[0].archive, db_path)  # after the first run
    (text,) = generate_articles(1, first_id=VIDEOS[0]["id"])
    became = {**text, **{k: VIDEOS[0][k] for k in ("id", "slug", "section", "title", "published")}}
    changed = [became, *VIDEOS[1:]]
    age_entries(db_path, days=8)
    with MirrorServer([site(changed)], log=None) as server:
        result, paths = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert article_path(became) in paths
    (stored,) = rows(db_path, "SELECT * FROM articles WHERE url = ?", BASE + article_path(became))
    assert stored["title"] == became["title"]
    assert stored["body"] == "\n\n".join(became["paragraphs"])
    left = {r["url"] for r in rows(db_path, "SELECT url FROM empty_pages")}
    assert left == {BASE + article_path(v) for v in VIDEOS[1:]}
    assert last_run(db_path)["new"] == 1


def test_pages_that_could_not_be_read_are_not_remembered(db_path):
    """A video page answering 503 (every retry), one reset, one served as binary: none
    was read, none is remembered; the next run over the mended site (with a new
    article) reads all three and remembers them then."""
    first, second, third = (article_path(v) for v in VIDEOS)
    plan = FaultPlan.from_specs([f"{first}=status:503", f"{second}=reset", f"{third}=binary"])
    with MirrorServer([site()], log=None, faults=plan) as server:
        result, paths = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert paths.count(first) == 3 and second in paths  # tried and retried
    assert rows(db_path, "SELECT * FROM empty_pages") == []
    assert last_run(db_path)["dropped"] == 0
    fresh = generate_articles(1, newest=datetime(2025, 9, 20, 10, 0, tzinfo=UTC))
    with MirrorServer(
        [build_site(with_videos(fresh + load_articles(), VIDEOS))], log=None
    ) as server:
        result, paths = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert video_paths() <= set(paths)
    assert len(rows(db_path, "SELECT * FROM empty_pages")) == 3


def test_a_new_page_without_article_fails_one_run_not_every_run(crawled_once):
    """All articles archived (the sample site crawled once), then the portal publishes
    only a video page: the run that reads it finds no article on any page it read, which
    is what a broken extraction looks like, and says so (exit 1). The next run reads it
    once more and the runs after skip it, all quiet again (exit 0), instead of failing
    on every run."""
    db_path, articles = crawled_once, load_articles()
    video = generate_videos(1, newest=datetime(2025, 9, 21, 10, 0, tzinfo=UTC))
    with MirrorServer([build_site(with_videos(articles, video))], log=None) as server:
        result, paths = crawl(server, db_path)
        assert result.returncode == 1
        assert "extraction broken: 1 article pages read" in result.stderr
        assert video_paths(video) <= set(paths)
        # The next run reads it once more (found empty once may be a passing fault):
        # holding no article again, it is no failure.
        result, paths = crawl(server, db_path)
        assert result.returncode == 0, result.stderr
        assert video_paths(video) <= set(paths)
        assert last_run(db_path)["failure"] is None
        for _ in range(2):
            result, paths = crawl(server, db_path)
            assert result.returncode == 0, result.stderr
            assert not video_paths(video) & set(paths)
            assert last_run(db_path)["failure"] is None
    # Its time come, it is read again: holding no article again is no failure either.
    age_entries(db_path, days=8)
    with MirrorServer([build_site(with_videos(articles, video))], log=None) as server:
        result, paths = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert video_paths(video) <= set(paths)
    run = last_run(db_path)
    assert (run["article_pages"], run["new"], run["failure"]) == (1, 0, None)


def test_a_dropped_page_is_logged_by_its_url_not_its_bytes(first_two_runs):
    """The crawl log names a page without an article and why; it never holds the page
    itself (an item carries its raw bytes), which would fill cron's mail."""
    first = first_two_runs[0]  # the first run over the site, with --log-file crawl.log
    assert first.result.returncode == 0, first.result.stderr
    log = first.archive.with_name("crawl.log").read_text()
    dropped = [line for line in log.splitlines() if "Dropped" in line]
    assert sorted(line.split("Dropped ", 1)[1] for line in dropped) == sorted(
        f"{BASE}{path}: no body in {BASE}{path}" for path in video_paths()
    )
    assert "<html" not in log and "raw_page" not in log
