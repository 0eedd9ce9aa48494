"""A multi-page article whose later page fails: real ``arsip crawl`` runs over the
mirror's Tribun site (its sample holds a two-page article, ``?page=2``) with faults on
page 2. The article is not stored truncated; the run log, the crawl's log and
``arsip health`` say so; the next run over the mended site stores the whole article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.mirror.faults import FaultPlan
from crawler.mirror.render import portal_site
from crawler.mirror.server import MirrorServer
from tests.conftest import rows, run_cli
from tests.mirror_data import mirror_articles

PORTAL = "tribunbanten"
FAST_TIMEOUT = {"ARSIP_DOWNLOAD_TIMEOUT": "2"}


def multipage() -> tuple[str, dict]:
    """(URL, data) of the article the sample site splits over two pages."""
    ((url, article),) = [(u, a) for u, a in mirror_articles(PORTAL) if a.get("pages")]
    return url, article


def crawl(db_path: Path, faults: list[str], articles: list[dict] | None = None):
    site = portal_site(PORTAL, articles)
    with MirrorServer([site.build()], log=None, faults=FaultPlan.from_specs(faults)) as server:
        return run_cli(
            "crawl", PORTAL, "--mirror", server.url, "--db", str(db_path), env=FAST_TIMEOUT
        )


def last_run(db_path: Path) -> dict:
    return rows(db_path, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]


@pytest.mark.parametrize("fault", ["status:503", "status:404", "binary"])
def test_an_article_whose_page_2_fails_is_archived_whole_by_the_next_run(db_path, fault):
    """Page 2 answers 503 (after the retries), 404, or binary bytes: the article is not
    stored (no truncated text), the run counts it in ``article_page_failed`` and names
    it in a warning; the other articles are stored; the next run stores it whole."""
    url, article = multipage()
    path = url.split("tribunnews.com", 1)[1]
    first = crawl(db_path, [f"{path}?page=2={fault}"])
    assert first.returncode == 0, first.stderr
    assert rows(db_path, "SELECT * FROM articles WHERE url = ?", url) == []
    assert len(rows(db_path, "SELECT * FROM articles")) == len(mirror_articles(PORTAL)) - 1
    # Nothing of it is kept either, and it is no page "without an article".
    assert rows(db_path, "SELECT * FROM pages WHERE url LIKE ?", url + "%") == []
    assert rows(db_path, "SELECT * FROM empty_pages") == []
    run = last_run(db_path)
    assert (run["article_page_failed"], run["dropped"], run["failure"]) == (1, 0, None)
    assert json.loads(run["stats"])["arsip/article_page_failed"] == 1
    warning = f"WARNING: article {url} not stored: its page 2 ({url}?page=2) could not be fetched"
    assert warning in first.stderr
    assert "1 left for the next run (a page failed)" in first.stdout

    second = crawl(db_path, [])
    assert second.returncode == 0, second.stderr
    (stored,) = rows(db_path, "SELECT * FROM articles WHERE url = ?", url)
    assert stored["body"].split("\n\n") == article["paragraphs"]
    pages = rows(db_path, "SELECT url FROM pages WHERE article_id = ? ORDER BY id", stored["id"])
    assert [p["url"] for p in pages] == [url, url + "?page=2"]
    assert (last_run(db_path)["new"], last_run(db_path)["article_page_failed"]) == (1, 0)


def test_a_run_whose_only_article_lost_its_page_2_did_not_fail(db_path):
    """The only article of the run is the two-page one, and its page 2 fails: no article
    was put to extraction, so this is no broken extraction (exit 0), only a page the
    next run fetches again."""
    _, article = multipage()
    result = crawl(db_path, ["/*[?]page=2=status:503"], articles=[article])
    assert result.returncode == 0, result.stderr
    run = last_run(db_path)
    assert (run["article_pages"], run["article_page_failed"], run["new"]) == (1, 1, 0)
    assert run["failure"] is None


def test_health_flags_a_page_2_that_fails_run_after_run(db_path):
    """One run that lost an article to its page 2 is shown by ``arsip health``, not
    flagged; the same in three runs in a row is flagged (the article is never archived)."""
    url, _ = multipage()
    path = url.split("tribunnews.com", 1)[1]
    gone = [f"{path}?page=2=status:404"]
    assert crawl(db_path, gone).returncode == 0
    health = run_cli("health", "--db", str(db_path), "--json")
    (portal,) = [p for p in json.loads(health.stdout)["portals"] if p["portal"] == PORTAL]
    assert portal["last_run"]["article_page_failed"] == 1
    assert "article_pages_failing" not in {f["kind"] for f in portal["flags"]}
    text = run_cli("health", "--db", str(db_path))
    assert "1 left for the next run (a page failed)" in text.stdout

    for _ in range(2):
        assert crawl(db_path, gone).returncode == 0
    health = run_cli("health", "--db", str(db_path), "--json")
    (portal,) = [p for p in json.loads(health.stdout)["portals"] if p["portal"] == PORTAL]
    (flag,) = [f for f in portal["flags"] if f["kind"] == "article_pages_failing"]
    assert "each of the last 3 runs left articles unstored" in flag["message"]
