"""Analysts read while a crawl writes: ``arsip serve`` (its JSON API) and ``arsip search``
answer during a slow crawl, never with "database is locked", and every answer is a
consistent state (no article without its URL, the full-text index in step)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

from archive.db import open_db
from crawler.mirror.generated import generate_articles
from crawler.mirror.server import MirrorServer
from crawler.mirror.tangselpos import build_site, load_articles
from tests.conftest import ROOT, run_cli
from tests.serving import free_port, get_json
from tests.test_crash_crawl import SlowSite, stored_articles

ARSIP = Path(sys.executable).with_name("arsip")
# One snapshot: the archive's articles, those of them without a URL row (a half-written
# article would show here), and the rows of the full-text index.
CONSISTENCY = """select (select count(*) from articles) as articles,
 (select count(*) from articles a where not exists
   (select 1 from article_urls u where u.article_id = a.id)) as without_url,
 (select count(*) from articles_fts) as indexed"""


def start_serve(db_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(ARSIP), "serve", "--db", str(db_path), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        assert process.poll() is None, process.stderr.read()
        try:
            get_json(f"{base}/-/versions.json")
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("arsip serve did not answer within 15 s")


def test_serve_and_search_read_while_a_crawl_writes(tmp_path):
    articles = generate_articles(8, newest=datetime.fromisoformat("2025-09-22T08:00:00+07:00"))
    articles += load_articles()
    db_path = tmp_path / "news.db"
    open_db(db_path).close()  # an empty archive, being served before the crawl begins
    serve, base = start_serve(db_path)
    site = SlowSite(build_site(articles), delay=0.4)
    query = urllib.parse.quote(CONSISTENCY)
    snapshots: list[dict] = []
    searches: list[subprocess.CompletedProcess] = []
    try:
        with MirrorServer([site], log=None) as server:
            crawl = subprocess.Popen(
                [str(ARSIP), "crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip

            def search_while_crawling() -> None:  # arsip search, over and over
                while crawl.poll() is None:
                    if stored_articles(db_path) > 0:  # the crawl is writing now
                        searches.append(
                            run_cli("search", "Tangerang", "--format", "json", "--db", str(db_path))
                        )
                    time.sleep(0.05)

            searcher = threading.Thread(target=search_while_crawling)
            searcher.start()
            while crawl.poll() is None:
                snapshots.append(get_json(f"{base}/archive.json?sql={query}&_shape=array")[0])
                get_json(f"{base}/archive/articles.json?_search=banjir&_shape=array")
            out, err = crawl.communicate()
            searcher.join()
        assert crawl.returncode == 0, err
        final = get_json(f"{base}/archive.json?sql={query}&_shape=array")[0]
    finally:
        serve.terminate()
        serve.wait(timeout=10)
        serve_err = serve.stderr.read()
        serve.stderr.close()

    # serve read live: it saw the archive grow during the crawl, up to the end.
    counts = [s["articles"] for s in snapshots]
    assert counts == sorted(counts)  # never a step back
    assert counts[0] < len(articles) and final["articles"] == len(articles)
    assert len(set(counts)) > 2  # states between the first and the last were seen
    for snapshot in [*snapshots, final]:
        assert snapshot["without_url"] == 0 and snapshot["indexed"] == snapshot["articles"]
    assert len(searches) >= 2
    for search in searches:
        assert search.returncode == 0, search.stderr
        assert json.loads(search.stdout)  # found articles
    for stderr in [serve_err, err, *(s.stderr for s in searches)]:
        assert "locked" not in stderr and "Traceback" not in stderr
