"""``arsip memory`` and ``arsip forget``: the crawler's memory between runs, listed and
forgotten by an operator, on archives written by real ``arsip crawl`` runs over the
loopback mirror; then ``arsip crawl`` again, to see that what was forgotten is fetched.

The base archive is two runs over two portals:

* tangselpos with three video pages in its sitemap (``empty_pages``: found empty twice,
  now skipped) and its oldest article answering 503 (``failed_articles``: given up by
  both runs, asked for again by URL);
* ``kabarpeta``, a WordPress portal declared by the operator whose only way to its
  articles is its sitemap index (``sitemaps``: four children read completely), its
  oldest post a video page, listed in ``post-sitemap.xml``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.lock import lock_is_held
from archive.migrations import MIGRATIONS
from arsip.cli import cli
from crawler.mirror.faults import FaultPlan
from crawler.mirror.generated import generate_articles, generate_videos, with_videos
from crawler.mirror.render.wordpress import Kabar6
from crawler.mirror.server import Page, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.conftest import LoggedMirror, copy_archive, portals_module_env, rows, run_cli, start_cli

# -- the sites ----------------------------------------------------------------------

VIDEOS = generate_videos(3)
VIDEO_URLS = sorted(BASE + article_path(v) for v in VIDEOS)
# The oldest tangselpos article: in no sitemap, only on the last listing pages, so only
# the failed-article memory brings a repeated run to it.
OLDEST = min(load_articles(), key=lambda a: a["published"])
OLDEST_PATH = article_path(OLDEST)
OLDEST_URL = BASE + OLDEST_PATH

PORTALS_MODULE = """
import dataclasses
from crawler.portals.kabar6 import PORTAL as KABAR6

PORTAL = dataclasses.replace(
    KABAR6, name="kabarpeta", feeds=(), listings=(), robots_sitemaps=False
)
"""
POSTS = generate_articles(7, newest=datetime(2025, 9, 16, 8, 0, tzinfo=UTC), words=(120, 200))
POST_VIDEO = POSTS[-1]  # the oldest post: listed in post-sitemap.xml
POST_VIDEO_URL = Kabar6([POST_VIDEO]).url(POST_VIDEO)
POST_VIDEO_PATH = POST_VIDEO_URL.removeprefix("https://kabar6.com")
CHILDREN = ("post-sitemap.xml", "post-sitemap2.xml", "post-sitemap3.xml", "category-sitemap.xml")
CHILD_URLS = sorted(f"https://kabar6.com/{c}" for c in CHILDREN)
VIDEO_PAGE = Page(
    b'<html><head><title>VIDEO</title><meta property="og:type" content="video.other">'
    b'</head><body><div id="video-app"></div></body></html>'
)


def tangselpos_site() -> Site:
    return build_site(with_videos(load_articles(), VIDEOS))


def kabarpeta_site(*, video: bool = True) -> Site:
    """The WordPress site; its oldest post is a video page, or (``video=False``: the
    site fixed it) the post itself."""
    site = Kabar6(POSTS).build()
    if video:
        site.pages[POST_VIDEO_PATH] = VIDEO_PAGE
    return site


class Mirror(LoggedMirror):
    def fetched(self) -> list[str]:
        """The paths asked since the last call, with their leading ``/``."""
        return ["/" + path for path in super().fetched()]


def faulty_mirror() -> Mirror:
    plan = FaultPlan.from_specs([f"{OLDEST_PATH}=status:503"])
    return Mirror(tangselpos_site(), kabarpeta_site(), faults=plan)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return {
        **portals_module_env(tmp_path_factory.mktemp("portals"), PORTALS_MODULE, "peta_portals"),
        "ARSIP_PORTALS": "tangselpos,kabarpeta",  # what health expects runs of
    }


def crawl(mirror: Mirror, db_path: Path, env: dict, *portals: str, status: int = 0):
    result = run_cli(
        "crawl", *(portals or ("tangselpos", "kabarpeta")), "--mirror", mirror.server.url,
        "--db", str(db_path), env=env,
    )  # fmt: skip
    assert result.returncode == status, result.stderr
    return result


@pytest.fixture(scope="module")
def base(tmp_path_factory, env) -> Path:
    path = tmp_path_factory.mktemp("memory") / "base.db"
    with faulty_mirror() as mirror:
        for _ in range(2):
            crawl(mirror, path, env)
    return path


@pytest.fixture
def archive(base, tmp_path) -> Path:
    return copy_archive(base, tmp_path / "news.db")


def memory(db_path: Path, *args: str, settings: dict | None = None) -> list[dict]:
    """``arsip memory --format json``: in this process, or with crawler ``settings`` in
    the environment of a child process (they are read when arsip starts)."""
    if settings:
        result = run_cli("memory", *args, "--format", "json", "--db", str(db_path), env=settings)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    result = CliRunner().invoke(cli, ["memory", *args, "--format", "json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def forget(db_path: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    result = run_cli("forget", *args, "--db", str(db_path), env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def entries(found: list[dict], kind: str) -> list[dict]:
    return [r for r in found if r["kind"] == kind]


# -- memory -------------------------------------------------------------------------


def test_memory_lists_each_kind_per_portal(archive, env):
    found = memory(archive)
    empty, failed, sitemaps = (entries(found, k) for k in ("empty", "failed", "sitemap"))
    assert [(r["portal"], r["url"], r["state"], r["reason"], r["fetches"]) for r in empty] == [
        ("kabarpeta", POST_VIDEO_URL, "skipped", "no body", 2),
        *(("tangselpos", url, "skipped", "no body", 2) for url in VIDEO_URLS),
    ]
    for row in empty:
        fetched = datetime.fromisoformat(row["fetched_at"].replace("Z", "+00:00"))
        due = datetime.fromisoformat(row["due_at"].replace("Z", "+00:00"))
        assert due - fetched == timedelta(days=7)  # ARSIP_EMPTY_RETRY_DAYS
        assert row["first_seen_at"] <= row["fetched_at"] and row["error"] is None
    (lost,) = failed
    assert (lost["portal"], lost["url"], lost["state"], lost["error"], lost["failures"]) == (
        "tangselpos", OLDEST_URL, "retrying", "HTTP 503", 2,
    )  # fmt: skip
    assert lost["first_failed_at"] < lost["failed_at"]
    assert [(r["portal"], r["url"], r["state"]) for r in sitemaps] == [
        ("kabarpeta", url, "skipped") for url in CHILD_URLS
    ]
    assert all(r["lastmod"] and r["read_at"] and r["crawl_run_id"] for r in sitemaps)
    for row in sitemaps:  # each child due at its own point of ARSIP_SITEMAP_RECHECK_DAYS
        read = datetime.fromisoformat(row["read_at"].replace("Z", "+00:00"))
        due = datetime.fromisoformat(row["due_at"].replace("Z", "+00:00"))
        assert timedelta(days=3.5) <= due - read <= timedelta(days=7)
    assert len({r["due_at"] for r in sitemaps}) > 1
    # Every row has every column, in one order (one CSV header for all kinds).
    assert {tuple(r) for r in found} == {tuple(found[0])}

    # The settings the crawler reads decide the states.
    found = memory(archive, "--kind", "failed", settings={**env, "ARSIP_FAILED_RETRY_RUNS": "2"})
    assert [r["state"] for r in found] == ["given_up"]
    found = memory(archive, "--kind", "empty", settings={**env, "ARSIP_EMPTY_RETRY_DAYS": "0"})
    assert {r["state"] for r in found} == {"due"}
    found = memory(archive, "--kind", "sitemap",
                   settings={**env, "ARSIP_SITEMAP_RECHECK_DAYS": "0"})  # fmt: skip
    assert {r["state"] for r in found} == {"due"}

    assert {r["kind"] for r in memory(archive, "--portal", "kabarpeta")} == {
        "empty", "sitemap",
    }  # fmt: skip
    assert memory(archive, "--portal", "tangselpos", "--kind", "sitemap") == []


def test_memory_table_csv_and_json_lines(archive, env):
    table = run_cli("memory", "--db", str(archive), env=env)
    assert table.returncode == 0, table.stderr
    summary, *sections = table.stdout.split("\n\n")
    lines = summary.splitlines()
    assert lines[0].split() == [
        "portal", "pages", "without", "an", "article", "articles", "to", "retry",
        "articles", "given", "up", "child", "sitemaps",
    ]  # fmt: skip
    assert lines[2].split() == ["kabarpeta", "1", "0", "0", "4"]
    assert lines[3].split() == ["tangselpos", "3", "1", "0", "0"]
    assert sections[0].startswith("Pages without an article")
    assert sections[1].startswith("Article pages a run gave up")
    assert sections[2].startswith("Child sitemaps read completely")
    assert OLDEST_URL in sections[1] and "HTTP 503" in sections[1]

    csv = run_cli("memory", "--format", "csv", "--portal", "kabarpeta", "--db", str(archive),
                  env=env)  # fmt: skip
    header, *lines = csv.stdout.splitlines()
    assert header.startswith("kind,portal,url,state,")
    assert len(lines) == 1 + len(CHILDREN)

    jsonl = run_cli("memory", "--format", "jsonl", "--db", str(archive), env=env)
    assert [json.loads(line) for line in jsonl.stdout.splitlines()] == memory(archive)


def test_memory_reads_while_a_crawl_writes_and_forget_waits_for_it(archive, env):
    """A crawl stalled on an article holds the lock, and another writer holds a write
    transaction open: ``memory`` still answers (read-only, WAL) with the committed
    state; ``forget`` refuses (status 3) and changes nothing; ``forget --wait`` waits
    for the crawl to end, then forgets."""
    asked, release = threading.Event(), threading.Event()

    class Stalled(Site):
        def get(self, target: str) -> Page | None:
            if target == OLDEST_PATH:
                asked.set()
                release.wait(60)
            return super().get(target)

    site = tangselpos_site()
    with Mirror(Stalled(site.hosts, site.pages), kabarpeta_site()) as mirror:
        running = start_cli("crawl", "tangselpos", "--mirror", mirror.server.url,
                            "--db", str(archive), env=env)  # fmt: skip
        waiting = None
        try:
            # The crawl asks for the article it gave up before, and waits for it.
            assert asked.wait(60), running.communicate()
            assert lock_is_held(archive)
            writer = sqlite3.connect(archive, isolation_level=None)
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("DELETE FROM empty_pages")  # not committed
            try:
                found = memory(archive)
            finally:
                writer.execute("ROLLBACK")
                writer.close()
            assert len(entries(found, "empty")) == 4 and len(entries(found, "failed")) == 1

            refused = run_cli("forget", "--portal", "tangselpos", "--db", str(archive), env=env)
            assert refused.returncode == 3, refused.stderr
            assert "another crawl is running on this archive" in refused.stderr
            assert "nothing forgotten" in refused.stderr
            assert memory(archive) == found

            waiting = start_cli("forget", "--wait", "--portal", "tangselpos", "--kind", "empty",
                                "--db", str(archive), env=env)  # fmt: skip
            time.sleep(1.0)
            assert waiting.poll() is None  # still waiting for the crawl
            assert len(entries(memory(archive), "empty")) == 4
        finally:
            release.set()
            out, err = running.communicate(timeout=60)
            if waiting is not None:
                forgot, forgot_err = waiting.communicate(timeout=60)
    assert running.returncode == 0, err
    assert waiting.returncode == 0, forgot_err
    assert "3 pages without an article forgotten" in forgot
    # The crawl stored the stalled article (its failure row went); forget came after.
    assert entries(memory(archive), "failed") == []
    assert [r["portal"] for r in entries(memory(archive), "empty")] == ["kabarpeta"]


# -- forget, then crawl ---------------------------------------------------------------


def test_forget_pages_without_article_takes_their_child_sitemaps(archive, env):
    """kabarpeta fixed its video page (it is an article now). The next run does not
    fetch it: the page is remembered without an article and its child sitemap as read.
    Forgotten by portal and kind, the page is fetched and archived by the run after."""
    with Mirror(kabarpeta_site(video=False)) as mirror:
        crawl(mirror, archive, env, "kabarpeta")
        assert POST_VIDEO_PATH not in mirror.fetched()

        result = forget(archive, env, "--portal", "kabarpeta", "--kind", "empty")
        assert result.stdout.splitlines() == [
            "1 page without an article forgotten: fetched again where the next run meets it",
            "4 child sitemaps of their portals forgotten with them: read whole by the next run",
        ]
        after = memory(archive, "--portal", "kabarpeta", settings=env)
        assert after == []
        # tangselpos's memory is untouched.
        assert len(entries(memory(archive, "--portal", "tangselpos"), "empty")) == 3

        crawl(mirror, archive, env, "kabarpeta")
        fetched = mirror.fetched()
    assert set(CHILDREN) <= {p.lstrip("/") for p in fetched}
    assert POST_VIDEO_PATH in fetched
    (stored,) = rows(archive, "SELECT title FROM articles WHERE url = ?", POST_VIDEO_URL)
    assert stored["title"] == POST_VIDEO["title"]
    assert [r["url"] for r in memory(archive, "--portal", "kabarpeta")] == CHILD_URLS


def test_forget_by_url_fetches_that_page_only(archive, env):
    """One video page forgotten under another spelling of its URL (mobile host, a
    tracking parameter): the next run reads that page and skips the other two."""
    chosen = VIDEO_URLS[0]
    spelled = chosen.replace("://www.", "://m.") + "?utm_source=wa"
    unknown = "https://www.tangselpos.id/detail/1/tidak-ada"
    result = forget(archive, env, spelled, unknown)
    assert result.stdout.splitlines()[0].startswith("1 page without an article forgotten")
    assert "0 failed articles forgotten" in result.stdout
    assert "0 child sitemaps forgotten" in result.stdout
    assert f"nothing remembered under {unknown}" in result.stderr
    assert [r["url"] for r in entries(memory(archive), "empty")] == [
        POST_VIDEO_URL, *VIDEO_URLS[1:],
    ]  # fmt: skip

    with faulty_mirror() as mirror:
        # Read as a new page, a video page again yields nothing; with no other new
        # article in the run, that is what broken extraction looks like.
        run = crawl(mirror, archive, env, "tangselpos", status=1)
        fetched = {BASE + p for p in mirror.fetched()}
    assert "extraction broken" in run.stderr
    assert chosen in fetched and not set(VIDEO_URLS[1:]) & fetched
    (again,) = [r for r in memory(archive) if r["url"] == chosen]
    assert (again["state"], again["fetches"]) == ("unconfirmed", 1)


def test_forget_child_sitemaps_by_url_and_by_kind(archive, env):
    one = "https://kabar6.com/post-sitemap2.xml"
    result = forget(archive, env, one, "--kind", "sitemap")
    assert result.stdout == "1 child sitemap forgotten: read whole by the next run\n"
    with Mirror(kabarpeta_site()) as mirror:
        crawl(mirror, archive, env, "kabarpeta")
        assert [p for p in mirror.fetched() if p.lstrip("/") in CHILDREN] == ["/post-sitemap2.xml"]
        assert (
            rows(archive, "SELECT sitemaps_skipped FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][
                "sitemaps_skipped"
            ]
            == 3
        )

        result = forget(archive, env, "--kind", "sitemap")
        assert result.stdout == "4 child sitemaps forgotten: read whole by the next run\n"
        crawl(mirror, archive, env, "kabarpeta")
        fetched = mirror.fetched()
    assert sorted(p.lstrip("/") for p in fetched if p.lstrip("/") in CHILDREN) == sorted(CHILDREN)
    # Only the sitemaps were forgotten.
    assert len(entries(memory(archive), "empty")) == 4


# -- health -------------------------------------------------------------------------


def test_health_flags_articles_given_up_until_asked_for_again(archive, tmp_path, env):
    """The base archive's two runs failed on an article: with ``ARSIP_FAILED_RETRY_RUNS=2``
    it is given up (no run asks for it any more: ``tests/test_failed_articles.py``) and
    ``health`` names it. Given up longer ago than ``--days``, it is no longer flagged.
    ``forget`` has it asked for again (the flag goes), and the next run archives it."""
    db_path = archive
    give_up = {**env, "ARSIP_FAILED_RETRY_RUNS": "2"}

    flagged = run_cli("health", "--db", str(db_path), env=give_up)
    assert flagged.returncode == 1
    assert (
        f"articles_given_up: 1 article given up in the last 3 days after 2 runs failed to "
        f"fetch it, e.g. {OLDEST_URL} (HTTP 503)"
    ) in flagged.stdout
    assert "arsip forget --kind failed --portal tangselpos" in flagged.stdout
    report = json.loads(run_cli("health", "--json", "--db", str(db_path), env=give_up).stdout)
    (portal,) = [p for p in report["portals"] if p["portal"] == "tangselpos"]
    assert "articles_given_up" in [f["kind"] for f in portal["flags"]]
    assert portal["failed_articles"] == {
        "retrying": 0, "given_up": 1, "given_up_recently": 1, "example": OLDEST_URL,
        "error": "HTTP 503",
    }  # fmt: skip
    # With the default of five runs, the same article is still being asked for.
    default = json.loads(run_cli("health", "--json", "--db", str(db_path), env=env).stdout)
    (portal,) = [p for p in default["portals"] if p["portal"] == "tangselpos"]
    assert portal["failed_articles"]["retrying"] == 1
    assert "articles_given_up" not in [f["kind"] for f in portal["flags"]]

    # Given up ten days ago: outside --days 3, reported in the JSON only.
    aged = copy_archive(db_path, tmp_path / "aged.db")
    conn = sqlite3.connect(aged)
    with conn:
        conn.execute("UPDATE failed_articles SET failed_at = '2020-01-01T00:00:00Z'")
    conn.close()
    report = json.loads(run_cli("health", "--json", "--db", str(aged), env=give_up).stdout)
    (portal,) = [p for p in report["portals"] if p["portal"] == "tangselpos"]
    assert "articles_given_up" not in [f["kind"] for f in portal["flags"]]
    assert (portal["failed_articles"]["given_up"], portal["failed_articles"]["example"]) == (
        1,
        None,
    )

    result = forget(db_path, give_up, "--kind", "failed", "--portal", "tangselpos")
    assert result.stdout == "1 failed article forgotten: asked for again by the next run\n"
    found = memory(db_path, "--kind", "failed")
    assert [(r["state"], r["failures"]) for r in found] == [("retrying", 0)]
    cleared = run_cli("health", "--db", str(db_path), env=give_up)
    assert "articles_given_up" not in cleared.stdout
    assert "1 failed article to ask for again" in cleared.stdout

    with Mirror(tangselpos_site()) as mirror:  # the portal answers again
        crawl(mirror, db_path, give_up, "tangselpos")
        assert OLDEST_PATH in mirror.fetched()
    assert rows(db_path, "SELECT title FROM articles WHERE url = ?", OLDEST_URL) == [
        {"title": OLDEST["title"]}
    ]
    assert memory(db_path, "--kind", "failed") == []
    healthy = run_cli("health", "--db", str(db_path), env=give_up)
    assert healthy.returncode == 0, healthy.stdout


# -- archives that cannot answer, arguments that make no sense ------------------------


def older_archive(path: Path, version: int) -> Path:
    """An archive as an arsip of schema ``version`` wrote it (the migrations up to it)."""
    db = sqlite_utils.Database(path)
    for number, step in enumerate(MIGRATIONS[:version], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number:d}")
    db.close()
    return path


def test_missing_and_foreign_files(tmp_path, env):
    missing = tmp_path / "none.db"
    for args in (("memory",), ("forget", "--portal", "tangselpos")):
        result = run_cli(*args, "--db", str(missing), env=env)
        assert result.returncode == 1 and f"no archive at {missing}" in result.stderr
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither an archive nor a lock file made

    notes = tmp_path / "notes.db"
    notes.write_bytes(b"my notes, not a database " * 200)
    for args in (("memory",), ("forget", "--kind", "empty")):
        result = run_cli(*args, "--db", str(notes), env=env)
        assert result.returncode == 1 and "is not an arsip archive" in result.stderr
    assert notes.read_bytes() == b"my notes, not a database " * 200


def test_an_older_archive_has_nothing_remembered(tmp_path, env):
    """An archive of an arsip before ``empty_pages`` (schema 6) and one that had only
    ``empty_pages`` (schema 7): said so, nothing fails, nothing is upgraded."""
    old = older_archive(tmp_path / "old.db", 6)
    listed = run_cli("memory", "--format", "json", "--db", str(old), env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    assert "has no empty_pages, failed_articles, sitemaps table" in listed.stderr
    assert "older arsip" in listed.stderr
    table = run_cli("memory", "--db", str(old), env=env)
    assert table.returncode == 0 and table.stdout == ""
    result = forget(old, env, "--portal", "tangselpos")
    assert result.stdout == "" and "older arsip" in result.stderr
    conn = sqlite3.connect(old)
    with conn:  # a run of that arsip, so that health looks at the portal's memory
        conn.execute(
            "INSERT INTO crawl_runs (portal, started_at, finished_at, new, requests)"
            " VALUES ('tangselpos', ?, ?, 1, 10)",
            [datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")] * 2,
        )
    conn.close()
    report = json.loads(run_cli("health", "--json", "--db", str(old), env=env).stdout)
    (portal,) = [p for p in report["portals"] if p["portal"] == "tangselpos"]
    assert portal["last_run"]["new"] == 1 and portal["failed_articles"] is None

    partial = older_archive(tmp_path / "seven.db", 7)
    result = forget(partial, env, "--portal", "tangselpos")
    assert result.stdout.startswith("0 pages without an article forgotten")
    assert "has no failed_articles, sitemaps table" in result.stderr
    for path, version in ((old, 6), (partial, 7)):
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        conn.close()


def test_forget_refuses_an_archive_of_a_newer_arsip(archive, env):
    conn = sqlite3.connect(archive)
    with conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    before = memory(archive)
    result = run_cli("forget", "--portal", "tangselpos", "--db", str(archive), env=env)
    assert result.returncode == 1
    assert "written by a newer arsip" in result.stderr and "upgrade arsip" in result.stderr
    assert "Traceback" not in result.stderr
    assert memory(archive) == before  # still read, never written
    assert len(before) == 9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forget"], "say what to forget"),
        (["forget", "--kind", "video"], "'video' is not one of 'empty', 'failed', 'sitemap'"),
        (["forget", "--portal", "nope"], "unknown portal 'nope' (known: bantenhits"),
        (["forget", "not a url"], "'not a url' is not an http(s) URL"),
        (["forget", "ftp://x.test/a"], "is not an http(s) URL"),
        (["memory", "--portal", "x' OR 1=1"], 'unknown portal "x\' OR 1=1"'),
        (["memory", "--format", "xml"], "'xml' is not one of"),
        (["memory", "--kind", "all"], "'all' is not one of"),
    ],
)
def test_bad_arguments_are_usage_errors(base, args, message):
    before = base.read_bytes()
    result = CliRunner().invoke(cli, [*args, "--db", str(base)])
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert base.read_bytes() == before
