"""The real spider crawls the loopback mirror over HTTP into a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.mirror.tangselpos import load_articles
from crawler.portals import all_portals
from tests.conftest import ROOT, rows, run_cli
from tests.mirror_data import mirror_articles, mismatches

SEED_URL = (
    "https://www.tangselpos.id/detail/51234/"
    "andra-soni-ajak-influencer-berperan-dukung-pembangunan-di-banten"
)


@pytest.fixture(scope="module")
def crawled(mirror, tmp_path_factory):
    """One crawl of the mirror, then a second one that re-fetches every article (they
    were all first seen within the last 30 days), so the history rules apply."""
    db_path = tmp_path_factory.mktemp("crawl") / "news.db"
    state = db_path.parent / "state"
    first = run_cli(
        "crawl",
        "tangselpos",
        "--mirror",
        mirror.url,
        "--db",
        str(db_path),
        env={"XDG_STATE_HOME": str(state)},
    )
    assert first.returncode == 0, first.stderr
    before = rows(db_path, "SELECT * FROM articles ORDER BY id")
    second = run_cli(
        "crawl", "tangselpos", "--refresh-days", "30", "--mirror", mirror.url, "--db", str(db_path)
    )
    assert second.returncode == 0, second.stderr
    after = rows(db_path, "SELECT * FROM articles ORDER BY id")
    return {
        "db": db_path,
        "state": state,
        "first": first,
        "second": second,
        "before": before,
        "after": after,
    }


def test_every_mirror_article_is_archived_once(crawled):
    expected = {f"https://www.tangselpos.id/detail/{a['id']}/{a['slug']}" for a in load_articles()}
    assert len(expected) >= 20
    assert [r["url"] for r in crawled["before"]] == sorted(
        expected, key=[r["url"] for r in crawled["before"]].index
    )
    assert {r["url"] for r in crawled["before"]} == expected
    assert "26 new" in crawled["first"].stdout


def test_a_crawl_opens_no_remote_control_and_leaves_no_job_file(crawled):
    """Scrapy's remote control (a localhost server that runs Python code sent to it) is
    on by default and writes a job file per crawler in the user's state directory."""
    assert not list(crawled["state"].rglob("*")), "a crawl wrote to the user's state directory"


def test_stored_urls_are_the_real_ones(crawled):
    assert all(r["url"].startswith("https://www.tangselpos.id/detail/") for r in crawled["before"])
    urls = rows(crawled["db"], "SELECT url FROM article_urls")
    assert not [u for u in urls if "127.0.0.1" in u["url"]]


def test_seed_article_row(crawled):
    (seed,) = [r for r in crawled["before"] if r["url"] == SEED_URL]
    assert seed["title"] == "Andra Soni Ajak Influencer Berperan Dukung Pembangunan di Banten"
    assert seed["dateline"] == "SERANG"
    assert seed["body"].startswith("Peran semua pihak")
    assert seed["body"].endswith("dan jajaran.")
    assert "yang lalu" not in seed["body"] and "(*)" not in seed["body"]
    assert seed["press_release"] == 1
    assert seed["press_release_phrase"] == "melalui siaran pers yang diterima tangselpos.id"
    assert seed["published_at"] == "2025-09-16T02:12:00Z"
    assert seed["published_local"] == "2025-09-16T09:12:00+07:00"
    assert seed["section"] == "Pos Banten"
    assert json.loads(seed["authors"]) == ["Rizki Maulana"]
    assert seed["revision"] == 1


def test_every_article_matches_the_mirror_data(crawled):
    """Body, title, dateline and credits of each stored article equal the clean text the
    mirror's pages were rendered from (inserts, feed lines and sign-offs removed); the
    same check runs for every portal in tests/test_portals.py."""
    stored = {r["url"]: r for r in crawled["before"]}
    for url, article in mirror_articles("tangselpos"):
        assert mismatches(stored[url], article, "tangselpos") == {}, article["id"]


def test_second_crawl_adds_nothing_and_moves_last_seen(crawled):
    before, after = crawled["before"], crawled["after"]
    assert len(after) == len(before)
    assert "0 new" in crawled["second"].stdout and "26 unchanged" in crawled["second"].stdout
    for old, new in zip(before, after, strict=True):
        assert new["first_seen_at"] == old["first_seen_at"]
        assert new["last_seen_at"] >= old["last_seen_at"]
        assert {k: v for k, v in new.items() if k != "last_seen_at"} == {
            k: v for k, v in old.items() if k != "last_seen_at"
        }
    runs = rows(crawled["db"], "SELECT * FROM crawl_runs ORDER BY id")
    assert [(r["new"], r["unchanged"]) for r in runs] == [(26, 0), (0, 26)]
    assert all(r["finish_reason"] == "finished" for r in runs)


def test_scrapy_crawl_from_the_repository_root(mirror, tmp_path):
    """`scrapy crawl tangselpos` works as a Scrapy user expects (ARSIP_MIRROR/ARSIP_DB
    from the environment)."""
    db_path = tmp_path / "scrapy.db"
    env = {**os.environ, "ARSIP_MIRROR": mirror.url, "ARSIP_DB": str(db_path)}
    scrapy = Path(sys.executable).with_name("scrapy")
    listed = subprocess.run([scrapy, "list"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert listed.stdout.split() == sorted(all_portals())
    done = subprocess.run(
        [scrapy, "crawl", "tangselpos"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert rows(db_path, "SELECT count(*) AS n FROM articles")[0]["n"] == 26


def test_unknown_portal_is_a_clear_error(db_path):
    result = run_cli("crawl", "nosuchportal", "--db", str(db_path))
    assert result.returncode == 2
    assert "unknown portal nosuchportal" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_mirror_fails_the_crawl(db_path):
    result = run_cli("crawl", "tangselpos", "--mirror", "http://127.0.0.1:9", "--db", str(db_path))
    assert result.returncode == 1
    assert "portal tangselpos failed" in result.stderr
