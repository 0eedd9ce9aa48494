"""Cron-grade crawling against the loopback mirror: incremental runs, the run log, the
lock, failing portals, Retry-After, and ``arsip health``."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.settings import Settings

from archive.lock import LockHeld, WriterLock
from archive.memory.known import parse_utc
from crawler.middlewares import retry_after_seconds
from crawler.mirror.generated import generate_articles
from crawler.mirror.server import MirrorServer, Page, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.conftest import ROOT, portals_module_env, rows, run_cli

LOCK_HOLDER = """
import sys, time
from archive.lock import WriterLock
lock = WriterLock(sys.argv[1]).acquire()  # held while the object lives
print("locked", flush=True)
time.sleep(120)
"""

# Two more portals, declared outside arsip as an operator would (ARSIP_PORTALS_MODULE):
# kabarkota serves the sample pages under its own host; portalmati is disabled, so a
# crawl without names leaves it out.
PORTALS_MODULE = """
import dataclasses
from crawler.portals.tangselpos import PORTAL as SAMPLE

def _portal(name, enabled=True):
    host = f"www.{name}.test"
    return dataclasses.replace(
        SAMPLE, name=name, home=f"https://{host}/", domains=(f"{name}.test",),
        site_name=name, sitemaps=(f"https://{host}/sitemap.xml",),
        listings=(f"https://{host}/",), enabled=enabled,
    )

PORTALS = [_portal("kabarkota"), _portal("portalmati", enabled=False)]
"""


def runs(db_path: Path) -> list[dict]:
    return rows(db_path, "SELECT * FROM crawl_runs ORDER BY id")


def crawl(mirror_url: str, db_path: Path, *args: str, env: dict | None = None):
    return run_cli("crawl", *args, "--mirror", mirror_url, "--db", str(db_path), env=env)


class DownSite(Site):
    """A portal whose server answers 503 to everything."""

    def get(self, target: str) -> Page | None:
        return Page(b"<h1>503 Service Unavailable</h1>", status=503)


class TooManyRequestsOnce(Site):
    """Answers one article path with 429 + Retry-After the first time; records when."""

    def __init__(self, site: Site, path: str, retry_after: str):
        super().__init__(site.hosts, site.pages)
        self.path, self.retry_after = path, retry_after
        self.hits: list[tuple[float, int]] = []
        self._lock = threading.Lock()

    def get(self, target: str) -> Page | None:
        if target != self.path:
            return super().get(target)
        with self._lock:
            first = not self.hits
            page = (
                Page(b"slow down", status=429, headers={"Retry-After": self.retry_after})
                if first
                else super().get(target)
            )
            self.hits.append((time.monotonic(), page.status))
        return page


def hosted(site: Site, *hosts: str) -> Site:
    return Site(hosts=hosts, pages=site.pages)


@pytest.fixture
def portals_env(tmp_path: Path) -> dict[str, str]:
    return portals_module_env(tmp_path, PORTALS_MODULE, "ops_portals")


@pytest.fixture(autouse=True)
def one_portal_installation(monkeypatch):
    """These tests follow one portal's runs (plus the operator's own, when declared): an
    installation that archives only those (``ARSIP_PORTALS``), whatever else arsip ships."""
    monkeypatch.setenv("ARSIP_PORTALS", "tangselpos,kabarkota")


# -- incremental runs ---------------------------------------------------------------


def test_second_run_fetches_no_archived_article(mirror, crawled_once):
    db_path = crawled_once  # the first run
    second = crawl(mirror.url, db_path)
    assert second.returncode == 0, second.stderr
    one, two = runs(db_path)
    assert (one["new"], one["article_pages"]) == (26, 26)
    assert (two["new"], two["updated"], two["unchanged"], two["article_pages"]) == (0, 0, 0, 0)
    # Only robots.txt, the two sitemaps, the home page, its sections and one page of
    # overlap: the 26 article pages and the rest of the paging are not fetched again.
    assert two["requests"] <= 12 < one["requests"]
    assert two["requests"] / one["requests"] < 0.35
    assert two["skipped_known"] >= 20
    assert two["failure"] is None
    assert "archived articles skipped" in second.stdout


def test_new_articles_are_found_by_the_next_run(crawled_once):
    db_path, articles = crawled_once, load_articles()  # the mirror's articles, archived
    newer = generate_articles(4, newest=datetime(2025, 9, 20, 10, 0, tzinfo=UTC))
    with MirrorServer([build_site(newer + articles)], log=None) as server:
        result = crawl(server.url, db_path)
    assert result.returncode == 0, result.stderr
    last = runs(db_path)[-1]
    assert (last["new"], last["article_pages"]) == (4, 4)
    assert rows(db_path, "SELECT count(*) AS n FROM articles")[0]["n"] == 30


def test_changed_article_with_newer_lastmod_gets_a_new_revision(crawled_once):
    db_path, articles = crawled_once, load_articles()  # the mirror's articles, archived
    edited = json.loads(json.dumps(articles))
    target = edited[3]
    target["paragraphs"][0] += " Ralat: jumlah peserta yang benar adalah 120 orang."
    site = build_site(edited)
    # The sitemap says the page changed after arsip last fetched it.
    url = BASE + article_path(target)
    sitemap = site.pages["/sitemap-news.xml"].body.decode()
    (fetched,) = rows(db_path, "SELECT last_seen_at FROM articles WHERE url = ?", url)
    later = (parse_utc(fetched["last_seen_at"]) + timedelta(minutes=1)).isoformat()
    sitemap = sitemap.replace(
        f"<loc>{url}</loc><lastmod>{target['published']}</lastmod>",
        f"<loc>{url}</loc><lastmod>{later}</lastmod>",
    )
    assert later in sitemap
    site.pages["/sitemap-news.xml"] = Page(sitemap.encode(), "application/xml")
    with MirrorServer([site], log=None) as server:
        result = crawl(server.url, db_path)
    assert result.returncode == 0, result.stderr
    last = runs(db_path)[-1]
    assert (last["updated"], last["article_pages"]) == (1, 1)
    (row,) = rows(db_path, "SELECT id, revision, body FROM articles WHERE url = ?", url)
    assert row["revision"] == 2 and "Ralat: jumlah peserta" in row["body"]
    (old,) = rows(db_path, "SELECT * FROM article_revisions WHERE article_id = ?", row["id"])
    assert old["revision"] == 1 and "Ralat" not in old["body"]


def test_refresh_days_catches_an_edit_the_sitemap_does_not_announce(crawled_once):
    db_path, articles = crawled_once, load_articles()  # the mirror's articles, archived
    edited = json.loads(json.dumps(articles))
    target = edited[-1]  # the oldest: beyond the sitemap, deep in the listings
    target["title"] += " (Diperbarui)"
    target["paragraphs"][-1] += " Berita ini telah diperbarui."
    url = BASE + article_path(target)
    with MirrorServer([build_site(edited)], log=None) as server:
        plain = crawl(server.url, db_path)
        assert plain.returncode == 0
        assert runs(db_path)[-1]["article_pages"] == 0  # nothing says it changed
        refreshed = crawl(server.url, db_path, "--refresh-days", "7")
    assert refreshed.returncode == 0, refreshed.stderr
    last = runs(db_path)[-1]
    assert (last["updated"], last["unchanged"]) == (1, 25)
    (row,) = rows(db_path, "SELECT revision, title FROM articles WHERE url = ?", url)
    assert row["revision"] == 2 and row["title"].endswith("(Diperbarui)")


def test_since_limits_a_first_run(mirror, db_path):
    result = crawl(mirror.url, db_path, "--since", "2025-09-10")
    assert result.returncode == 0, result.stderr
    since = datetime.fromisoformat("2025-09-10T00:00:00+07:00")
    wanted = {
        BASE + article_path(a)
        for a in load_articles()
        if datetime.fromisoformat(a["published"]) >= since
    }
    assert 0 < len(wanted) < 26
    stored = {r["url"] for r in rows(db_path, "SELECT url FROM articles")}
    assert stored == wanted
    run = runs(db_path)[-1]
    assert run["article_pages"] == len(wanted)
    assert json.loads(run["stats"])["arsip/skipped_before_since"] > 0


def test_max_pages_bounds_the_article_pages(mirror, db_path):
    result = crawl(mirror.url, db_path, "--max-pages", "5")
    assert result.returncode == 0, result.stderr
    assert runs(db_path)[-1]["article_pages"] == 5


# -- the run log --------------------------------------------------------------------


def test_run_log_row(mirror, db_path):
    log_file = db_path.parent / "crawl.log"
    result = crawl(mirror.url, db_path, "--quiet", "--log-file", str(log_file))
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""
    assert "Spider closed (finished)" in log_file.read_text()
    (run,) = runs(db_path)
    assert run["started_at"] <= run["finished_at"]
    assert run["requests"] == run["responses"] == json.loads(run["statuses"])["200"]
    assert (run["new"], run["errors"], run["exceptions"], run["finish_reason"]) == (
        26, 0, 0, "finished",
    )  # fmt: skip
    assert run["articles_seen"] == 26
    assert run["coverage_title"] == run["coverage_date"] == run["coverage_body"] == 1.0
    with_author = sum(1 for a in load_articles() if a["author"])
    assert run["coverage_author"] == round(with_author / 26, 4) < 1.0
    assert run["invocation"]


# -- several portals, failures ------------------------------------------------------


def test_no_names_crawls_every_enabled_portal(db_path, portals_env):
    site = build_site()
    down = DownSite(hosts=("www.portalmati.test",), pages={})
    with MirrorServer([site, hosted(site, "www.kabarkota.test"), down], log=None) as server:
        result = crawl(server.url, db_path, env=portals_env)
    assert result.returncode == 0, result.stderr
    assert [r["portal"] for r in runs(db_path)] == ["kabarkota", "tangselpos"]
    counts = rows(db_path, "SELECT portal, count(*) AS n FROM articles GROUP BY portal")
    assert {r["portal"]: r["n"] for r in counts} == {"kabarkota": 26, "tangselpos": 26}


def test_a_dead_portal_fails_the_run_and_the_others_are_archived(db_path, portals_env):
    down = DownSite(hosts=("www.portalmati.test",), pages={})
    with MirrorServer([build_site(), down], log=None) as server:
        result = crawl(server.url, db_path, "tangselpos", "portalmati", env=portals_env)
    assert result.returncode == 1
    assert "portal portalmati failed: no page could be read" in result.stderr
    assert "503" in result.stderr
    assert "tangselpos failed" not in result.stderr
    by_portal = {r["portal"]: r for r in runs(db_path)}
    assert by_portal["tangselpos"]["new"] == 26 and by_portal["tangselpos"]["failure"] is None
    assert by_portal["portalmati"]["failure"].startswith("no page could be read")

    health = run_cli("health", "--db", str(db_path), "--json", env=portals_env)
    assert health.returncode == 1
    report = json.loads(health.stdout)
    flags = {p["portal"]: [f["kind"] for f in p["flags"]] for p in report["portals"]}
    assert "last_run_failed" in flags["portalmati"]
    assert flags["tangselpos"] == []
    # kabarkota is enabled in the operator's module but was never crawled.
    assert flags["kabarkota"] == ["never_crawled"]

    # What a first run that failed reads like: nothing compared with a history it lacks.
    text = run_cli("health", "--db", str(db_path), env=portals_env).stdout
    assert "kabarkota      FLAGGED  never crawled\n" in text
    assert "! no_new_articles: no article archived yet (1 crawl of this portal so far)" in text
    assert "before)" not in text and "never\n" not in text and "error_rate" not in text
    assert re.search(r"portalmati +FLAGGED +last run \d{4}-\d\d-\d\d \d\d:\d\d WIB, 0 new; "
                     r"newest article first archived none yet\n", text)  # fmt: skip


def test_extraction_broken_is_a_failure(db_path):
    """Article pages fetched, none yields an article (the template lost its text)."""
    site = build_site()
    for path, page in site.pages.items():
        if path.startswith("/detail/"):
            page.body = b"<html><head><title></title></head><body><p></p></body></html>"
    with MirrorServer([site], log=None) as server:
        result = crawl(server.url, db_path, "tangselpos")
    assert result.returncode == 1
    assert "portal tangselpos failed: extraction broken: 26 article pages" in result.stderr


def test_an_unusable_archive_is_exit_status_4(tmp_path, mirror):
    bad = tmp_path / "news.db"
    bad.write_bytes(b"this is not an SQLite file, and arsip must not overwrite it" * 100)
    result = crawl(mirror.url, bad)
    assert result.returncode == 4
    assert "cannot use the archive" in result.stderr and "Traceback" not in result.stderr
    assert bad.read_bytes().startswith(b"this is not an SQLite file")


# -- the lock -----------------------------------------------------------------------


def _hold_lock(db_path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_second_crawl_on_a_locked_archive_exits_3(mirror, db_path):
    holder = _hold_lock(db_path)
    try:
        result = crawl(mirror.url, db_path)
        assert result.returncode == 3
        assert "another crawl is running on this archive" in result.stderr
        assert f"pid {holder.pid}" in result.stderr
        assert not runs(db_path) if db_path.exists() else True

        waiting = subprocess.Popen(
            [str(Path(sys.executable).with_name("arsip")), "crawl", "--wait", "--mirror",
             mirror.url, "--db", str(db_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting for the lock
    finally:
        holder.terminate()
        holder.wait()
        holder.stdout.close()
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "26 new" in out


def test_a_killed_crawls_lock_is_taken_over(mirror, db_path):
    holder = _hold_lock(db_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    assert str(holder.pid) in Path(f"{db_path}.lock").read_text()
    result = crawl(mirror.url, db_path)
    assert result.returncode == 0, result.stderr
    assert "did not end cleanly" in result.stderr and f"pid {holder.pid}" in result.stderr
    # A clean end leaves an empty lock file: the next run has nothing to take over.
    again = crawl(mirror.url, db_path)
    assert again.returncode == 0 and "did not end cleanly" not in again.stderr


def test_lock_api(tmp_path):
    db_path = tmp_path / "news.db"
    with WriterLock(db_path), pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
        WriterLock(db_path).acquire()
    with WriterLock(db_path) as lock:
        assert lock.stale is None


# -- politeness ---------------------------------------------------------------------


def test_retry_after_header_values():
    now = datetime(2025, 9, 16, 2, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds("Tue, 16 Sep 2025 02:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Tue, 16 Sep 2025 01:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


def test_429_retry_waits_for_retry_after(db_path):
    path = article_path(load_articles()[0])
    site = TooManyRequestsOnce(build_site(), path, retry_after="2")
    with MirrorServer([site], log=None) as server:
        result = crawl(server.url, db_path)
    assert result.returncode == 0, result.stderr
    (first, first_status), (second, second_status) = site.hits
    assert (first_status, second_status) == (429, 200)
    assert second - first >= 2.0  # the server asked for two seconds
    assert rows(db_path, "SELECT count(*) AS n FROM articles")[0]["n"] == 26
    assert json.loads(runs(db_path)[-1]["stats"])["arsip/retry_after/waited"] == 1


def test_portal_declaration_overrides_politeness():
    import dataclasses

    from crawler.portals.tangselpos import PORTAL
    from crawler.spiders.portal import PortalSpider

    slow = dataclasses.replace(PORTAL, name="slow", crawl_delay=5.0, concurrency=1)
    spider = type("SlowSpider", (PortalSpider,), {"name": "slow", "portal": slow})
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    spider.update_settings(settings)
    assert settings.getfloat("DOWNLOAD_DELAY") == 5.0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert "+http" in settings["USER_AGENT"]


# -- health -------------------------------------------------------------------------


def test_health_flags_a_portal_whose_pages_lost_their_dates(crawled_once):
    db_path, articles = crawled_once, load_articles()  # the mirror's articles, archived
    healthy = run_cli("health", "--db", str(db_path))
    assert healthy.returncode == 0, healthy.stdout
    assert "tangselpos" in healthy.stdout and "OK" in healthy.stdout

    # The portal's template changes: new pages carry no date any more.
    undated = generate_articles(8, newest=datetime(2025, 9, 20, 10, 0, tzinfo=UTC), dated=False)
    with MirrorServer([build_site(undated + articles)], log=None) as server:
        assert crawl(server.url, db_path).returncode == 0
    assert runs(db_path)[-1]["coverage_date"] == 0.0

    flagged = run_cli("health", "--db", str(db_path))
    assert flagged.returncode == 1
    assert "coverage_drop: publication date found on 0% of the latest 8 article pages" in (
        flagged.stdout
    )
    report = json.loads(run_cli("health", "--db", str(db_path), "--json").stdout)
    (portal,) = report["portals"]
    assert report["ok"] is False and [f["kind"] for f in portal["flags"]] == ["coverage_drop"]
    assert portal["coverage"]["date"] == 0.0 and portal["coverage"]["title"] == 1.0


def test_health_flags_silence(crawled_once):
    db_path = crawled_once
    conn = sqlite3.connect(db_path)
    with conn:  # move the archive's history three weeks back
        conn.execute("UPDATE articles SET first_seen_at = '2025-01-01T00:00:00Z'")
        conn.execute("UPDATE crawl_runs SET started_at = '2025-01-01T00:00:00Z'")
    conn.close()
    result = run_cli("health", "--db", str(db_path), "--days", "2")
    assert result.returncode == 1
    assert "no_new_articles: no new article in 2 days" in result.stdout
    assert "no_recent_run" in result.stdout


def test_health_error_rate_of_a_first_run_has_nothing_to_compare_with(db_path):
    """A run that worked but met many errors: flagged, without a made-up "0% before"."""
    import archive

    def run(started: str) -> dict:
        return {"portal": "tangselpos", "started_at": started, "finished_at": started,
                "finish_reason": "finished", "requests": 10, "exceptions": 0,
                "statuses": json.dumps({"200": 2, "503": 8}), "new": 1}  # fmt: skip

    now = datetime(2025, 9, 16, 12, 0, tzinfo=UTC)
    with archive.open(db_path) as arch:
        arch.db["crawl_runs"].insert(run("2025-09-16T02:00:00Z"))
        (first,) = arch.health(now=now)
        assert [(f.kind, f.message) for f in first.flags] == [
            ("no_new_articles", "no article archived yet (1 crawl of this portal so far)"),
            ("error_rate", "80% of the last run's 10 requests failed (no earlier run to compare with)"),
        ]  # fmt: skip
        arch.db["crawl_runs"].insert(run("2025-09-16T08:00:00Z"))
        (second,) = arch.health(now=now)  # as bad as before: no rise
        assert [f.kind for f in second.flags] == ["no_new_articles"]
        assert "2 crawls" in second.flags[0].message


def test_health_without_archive_is_an_error(tmp_path):
    result = run_cli("health", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1 and "no archive at" in result.stderr
