"""The crawl's store process (``crawler.store_process``): the archive it writes is the
one the crawl's own process writes (``ARSIP_STORE_PROCESS=0``); it ends with a killed
crawl; a store process that dies stops the crawl as a failed write does, losing
nothing stored."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

import archive
from crawler.items import Article
from crawler.mirror.generated import generate_articles
from crawler.mirror.server import MirrorServer, Page, default_sites
from crawler.mirror.tangselpos import build_site, load_articles
from crawler.pipelines import MOST_WAITING
from crawler.store_process import StoreProcess
from crawler.storing import PortalRules
from tests.conftest import ALL_BANDS, LoggedMirror, rows, run_cli, start_cli
from tests.test_crash import check_whole
from tests.test_crash_crawl import SlowSite, stored_articles, wait_for, writing

pytestmark = pytest.mark.crawl

# What a crawl writes, without the times of the crawl (two crawls differ only there).
COMPARED = {
    "articles": "SELECT url, portal, title, body, section, authors, editor, published_at,"
    " published_local, dateline, press_release, content_hash, revision,"
    " duplicate_of IS NOT NULL, cluster_id IS NOT NULL FROM articles ORDER BY url",
    "article_urls": "SELECT u.url, a.url FROM article_urls u JOIN articles a"
    " ON a.id = u.article_id ORDER BY u.url",
    "pages": "SELECT p.url, p.status, a.url FROM pages p LEFT JOIN articles a"
    " ON a.id = p.article_id ORDER BY p.url",
    "article_places": "SELECT a.url, p.code, p.score, p.role FROM article_places p"
    " JOIN articles a ON a.id = p.article_id ORDER BY a.url, p.code",
    "empty_pages": "SELECT url, portal, reason, fetches FROM empty_pages ORDER BY url",
    "minhash_bands": f"SELECT b.band, b.bucket, a.url FROM {ALL_BANDS} b"
    " JOIN articles a ON a.id = b.article_id ORDER BY a.url, b.band",
    # Portals are crawled at once: which of two portals' copies of one text is stored
    # first, and counted new rather than duplicate, varies from run to run (the archive
    # ends the same either way). Per portal, the two together.
    "crawl_runs": "SELECT portal, new + duplicate, updated, unchanged, dropped,"
    " finish_reason FROM crawl_runs ORDER BY portal",
    "crawl_totals": "SELECT sum(new), sum(duplicate) FROM crawl_runs",
}


def archive_contents(db_path: Path) -> dict[str, list]:
    return {
        table: [tuple(r.values()) for r in rows(db_path, sql)] for table, sql in COMPARED.items()
    }


# Counters of a run's own: its id, its command, its timing, the store process's memory
# and the pauses it asked for (when more than MOST_WAITING articles waited for it: a
# matter of timing, and never counted by a crawl without the process).
OWN = (
    "run_id", "invocation", "longest_stall_ms", "store_process_peak_rss_mb",
    "store_process_waits",
)  # fmt: skip


def run_stats(db_path: Path) -> dict[str, dict]:
    """Each run's ``arsip/`` counters by portal, but its ``OWN``, new and duplicate
    articles counted together."""
    runs = {}
    for run in rows(db_path, "SELECT portal, stats FROM crawl_runs"):
        stats = {
            key.removeprefix("arsip/"): value
            for key, value in json.loads(run["stats"]).items()
            if key.startswith("arsip/") and key.removeprefix("arsip/") not in OWN
        }
        # As in COMPARED's crawl_runs: new and duplicate together.
        stats["articles/stored"] = stats.pop("articles/new", 0) + stats.pop("articles/duplicate", 0)
        runs[run["portal"]] = stats
    return runs


def test_the_store_process_writes_the_archive_the_crawls_own_process_writes(tmp_path):
    """Every portal of the sample mirror, with pages that hold no article (gone, empty,
    not HTML) among them, crawled twice into new archives: the same articles, URLs,
    pages, empty pages, buckets, runs and counters either way."""
    sites = default_sites()
    tangselpos = sites[0]
    tangselpos.pages["/detail/99001/halaman-kosong"] = Page(
        b"<html><head><title>x</title></head><body></body></html>"
    )
    tangselpos.pages["/detail/99002/dokumen-pdf"] = Page(b"%PDF-1.4 ...", "application/pdf")
    tangselpos.pages["/"] = Page(
        tangselpos.pages["/"].body.replace(
            b"</main>",
            b'<a href="/detail/99001/halaman-kosong">k</a>'
            b'<a href="/detail/99002/dokumen-pdf">p</a></main>',
        )
    )
    archives = {}
    with MirrorServer(sites, log=None) as server:
        for process in ("1", "0"):
            db_path = tmp_path / f"process-{process}.db"
            result = run_cli(
                "crawl", "--mirror", server.url, "--db", str(db_path),
                env={"ARSIP_STORE_PROCESS": process},
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            archives[process] = db_path
    with_process, without = (archive_contents(archives[p]) for p in ("1", "0"))
    assert with_process == without
    assert len(with_process["crawl_runs"]) > 5  # every enabled portal
    reasons = {row[2] for row in with_process["empty_pages"]}
    assert {"no body", "not HTML (application/pdf)"} <= reasons
    assert run_stats(archives["1"]) == run_stats(archives["0"])
    # One store process served every portal: its last crawl to close tells its memory.
    peak = rows(archives["1"], "SELECT stats FROM crawl_runs")
    assert sum("arsip/store_process_peak_rss_mb" in json.loads(r["stats"]) for r in peak) == 1
    assert not any(
        "arsip/store_process_peak_rss_mb" in json.loads(r["stats"])
        for r in rows(archives["0"], "SELECT stats FROM crawl_runs")
    )


def store_process_of(crawl: int, timeout: float = 30) -> int:
    """The process id of the store process the crawl ``crawl`` started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:  # ended meanwhile
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == crawl and b"crawler.store_worker" in cmdline:
                return int(entry.name)
        time.sleep(0.05)
    raise AssertionError("no store process")


def alive(pid: int) -> bool:
    """Whether any thread of ``pid`` runs on. Killed, a process's first thread may be a
    zombie while its others still end (the store process has more than one: numpy's),
    and its files, the archive's locks with them, are closed only when the last ends."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for thread in threads:
        try:
            stat = Path(f"/proc/{pid}/task/{thread}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
            return True
    return False


@pytest.fixture
def slow_mirror():
    articles = generate_articles(40, newest=datetime.fromisoformat("2025-09-21T08:00:00+07:00"))
    site = SlowSite(build_site(articles + load_articles()), delay=0.1)
    with MirrorServer([site], log=None) as server:
        yield server.url


def crawl_storing(url: str, db_path: Path) -> tuple[subprocess.Popen, int]:
    """A crawl of ``url`` running, once its store process has stored 3 articles; and
    the store process's id."""
    crawl = start_cli("crawl", "tangselpos", "--mirror", url, "--db", str(db_path))
    store = store_process_of(crawl.pid)
    wait_for(lambda: stored_articles(db_path) >= 3, crawl)
    return crawl, store


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_store_process_that_dies_stops_the_crawl_and_loses_nothing(slow_mirror, tmp_path):
    db_path = tmp_path / "news.db"
    crawl, store = crawl_storing(slow_mirror, db_path)
    os.kill(store, signal.SIGKILL)
    _, err = crawl.communicate(timeout=60)
    assert crawl.returncode == 4, err  # the archive could not be written
    assert "the store process ended (exit status -9)" in err
    assert "stopping the crawl" in err
    stored = check_whole(db_path)
    assert stored >= 3
    (run,) = rows(db_path, "SELECT finish_reason, new, stats FROM crawl_runs")
    assert run["finish_reason"] == "archive_error"
    # Every article counted was stored. One more may be: killed between its commit and
    # its answer, the store process stored an article the crawl was never told of.
    assert stored - run["new"] in (0, 1)
    assert "store process ended" in json.loads(run["stats"])["arsip/archive_error"]

    again = run_cli("crawl", "tangselpos", "--mirror", slow_mirror, "--db", str(db_path))
    assert again.returncode == 0, again.stderr
    assert check_whole(db_path) == 66  # the rest is stored by the next run


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_store_process_ends_with_a_killed_crawl(slow_mirror, tmp_path):
    db_path = tmp_path / "news.db"
    crawl, store = crawl_storing(slow_mirror, db_path)
    # Stopped, the store process stores nothing while the crawl reads on and sends it
    # articles: killed with the crawl, it never stores them.
    os.kill(store, signal.SIGSTOP)
    time.sleep(0.5)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)  # not its output: a store process left would hold it open
    crawl.stdout.close()
    crawl.stderr.close()
    killed_at = stored_articles(db_path)
    with contextlib.suppress(ProcessLookupError):
        os.kill(store, signal.SIGCONT)
    deadline = time.monotonic() + 10
    while alive(store):
        assert time.monotonic() < deadline, "the store process outlived its crawl"
        time.sleep(0.02)
    assert not writing(db_path)
    assert check_whole(db_path) == killed_at  # nothing was written after the kill


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_store_process_behind_holds_the_crawl_back(tmp_path):
    """Stopped (SIGSTOP), the store process stores nothing: the crawl reads at most
    ``MOST_WAITING`` articles ahead, plus what its downloads in flight bring (16 at
    once), and goes on where it was once the store process does (SIGCONT)."""
    articles = generate_articles(200, newest=datetime.fromisoformat("2025-09-21T08:00:00+07:00"))
    db_path = tmp_path / "news.db"
    with LoggedMirror(build_site(articles)) as mirror:
        url = mirror.server.url
        crawl = start_cli("crawl", "tangselpos", "--mirror", url, "--db", str(db_path))
        store = store_process_of(crawl.pid)
        wait_for(lambda: stored_articles(db_path) >= 1, crawl)
        os.kill(store, signal.SIGSTOP)
        try:
            stored = stored_articles(db_path)
            time.sleep(3)
            read = [path for path in mirror.fetched() if path.startswith("detail/")]
            assert stored_articles(db_path) == stored
            assert len(read) - stored <= MOST_WAITING + 2 * 16
        finally:
            os.kill(store, signal.SIGCONT)
        _, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, err
    assert check_whole(db_path) == len(articles)
    (run,) = rows(db_path, "SELECT stats FROM crawl_runs")
    assert json.loads(run["stats"])["arsip/store_process_waits"] >= 1


def test_a_crawl_interrupted_once_stores_what_it_read(slow_mirror, tmp_path):
    """Ctrl-C (SIGINT to the crawl's whole process group, as a terminal sends it):
    the store process stays to store the articles the crawl finishes with."""
    db_path = tmp_path / "news.db"
    crawl = subprocess.Popen(
        [str(Path(sys.executable).with_name("arsip")), "crawl", "tangselpos",
         "--mirror", slow_mirror, "--db", str(db_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    wait_for(lambda: stored_articles(db_path) >= 3, crawl)
    os.killpg(crawl.pid, signal.SIGINT)
    _, err = crawl.communicate(timeout=60)
    assert "store process" not in err, err
    (run,) = rows(db_path, "SELECT finish_reason, new FROM crawl_runs")
    assert run["finish_reason"] == "shutdown"
    assert run["new"] == check_whole(db_path)


def test_a_request_that_cannot_be_sent_leaves_the_answers_in_order(tmp_path):
    """Each answer goes to the request it answers, even after one that could not be
    sent (here a value pickle refuses)."""
    db_path = tmp_path / "news.db"
    archive.open(db_path).close()
    article = Article(
        url="https://www.tangselpos.id/detail/1/judul",
        portal="tangselpos",
        title="Judul berita",
        body="Paragraf pertama berita ini.\n\nParagraf kedua berita ini.",
        fetched_at="2025-09-16T02:12:00Z",
    )

    async def scenario() -> list[str]:
        store = await StoreProcess.shared(db_path, shingle_cache_bytes=None)
        with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
            await store.call("article", lambda: None)
        request = ("article", article, PortalRules(), None, False)
        stored, _ = await asyncio.wait_for(store.call(*request), 30)  # not another's
        again, _ = await asyncio.wait_for(store.call(*request), 30)
        await store.close()
        return [stored.outcome, again.outcome]

    assert asyncio.run(scenario()) == ["new", "unchanged"]
    assert [r["url"] for r in rows(db_path, "SELECT url FROM articles")] == [article.url]
