"""An article page given up in one run (an error after the retries) is asked for by URL
in the next, even where paging does not reach it again."""

from __future__ import annotations

import io
from pathlib import Path

from crawler.mirror.faults import FaultPlan
from crawler.mirror.server import MirrorServer
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.conftest import rows, run_cli

# The oldest article: in no sitemap (the site's lists its newest 20), only on the last
# listing pages, which a repeated run does not page down to.
OLDEST = min(load_articles(), key=lambda a: a["published"])
PATH = article_path(OLDEST)


def crawl(server: MirrorServer, db_path: Path, *extra: str, env: dict | None = None):
    log = server.log = io.StringIO()
    result = run_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path),
                     *extra, env=env)  # fmt: skip
    server.log = None
    return result, ["/" + line.split()[2].split("/", 1)[1] for line in log.getvalue().splitlines()]


def test_an_article_given_up_is_fetched_by_the_next_run(db_path):
    plan = FaultPlan.from_specs([f"{PATH}=status:503"])
    with MirrorServer([build_site()], log=None, faults=plan) as server:
        first, paths = crawl(server, db_path)
    assert first.returncode == 0, first.stderr
    assert paths.count(PATH) == 3  # the request and its two retries
    assert rows(db_path, "SELECT url, error, failures FROM failed_articles") == [
        {"url": BASE + PATH, "error": "HTTP 503", "failures": 1}
    ]
    assert rows(db_path, "SELECT count(*) AS n FROM articles WHERE url = ?", BASE + PATH) == [
        {"n": 0}
    ]
    with MirrorServer([build_site()], log=None) as server:
        second, paths = crawl(server, db_path)
    assert second.returncode == 0, second.stderr
    assert PATH in paths
    (stored,) = rows(db_path, "SELECT title FROM articles WHERE url = ?", BASE + PATH)
    assert stored["title"] == OLDEST["title"]
    assert rows(db_path, "SELECT * FROM failed_articles") == []


def test_an_article_that_keeps_failing_is_left_alone_after_the_set_runs(db_path):
    """Asked for again in each of ``ARSIP_FAILED_RETRY_RUNS`` runs, then no more."""
    plan = FaultPlan.from_specs([f"{PATH}=status:503"])
    env = {"ARSIP_FAILED_RETRY_RUNS": "2"}
    with MirrorServer([build_site()], log=None, faults=plan) as server:
        asked = []
        for _ in range(3):
            result, paths = crawl(server, db_path, env=env)
            assert result.returncode == 0, result.stderr
            asked.append(PATH in paths)
    assert asked == [True, True, False]
    assert rows(db_path, "SELECT failures FROM failed_articles") == [{"failures": 2}]


def test_a_page_gone_for_good_is_not_asked_for_again(db_path):
    plan = FaultPlan.from_specs([f"{PATH}=status:404"])
    with MirrorServer([build_site()], log=None, faults=plan) as server:
        result, _ = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert rows(db_path, "SELECT * FROM failed_articles") == []
