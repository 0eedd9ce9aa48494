"""A crawl spread over two real scrapyd nodes on 127.0.0.1 (``arsip dispatch``), each
writing its own shards, folded into one archive by ``arsip merge``: the merged archive
holds what a crawl of the same portals in one process holds. Merging again adds
nothing, and a merge killed in the middle is finished by running it again."""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from archive.db import connect
from archive.merge import projection
from tests.conftest import ROOT, copy_archive, run_cli, start_cli

# Four portals with a press release several of them rewrote (a cluster across nodes)
# and an exact copy (bantenhits of a tangselpos article) whose original is on the
# other node.
PORTALS = ("bantenhits", "bantennews", "kabar6", "tangselpos")

NODE_CONFIG = """\
[settings]
arsip = crawler.settings

[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
poll_interval = 0.2
max_proc = 2
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """A scrapyd server in a directory of its own (its scrapy.cfg names arsip's
    settings, as docs/deployment.md tells a node to)."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.dir.mkdir()
        self.port = free_port()
        (self.dir / "scrapy.cfg").write_text(NODE_CONFIG.format(port=self.port))
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.dir / "scrapyd.out", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("scrapyd"))],
            cwd=self.dir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/daemonstatus.json", timeout=2) as r:
                    if json.load(r)["status"] == "ok":
                        return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(
                        f"scrapyd did not start: {(self.dir / 'scrapyd.out').read_text()}"
                    ) from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def spread(mirror, tmp_path_factory):
    """Two nodes crawl the four portals (two each) into their shards, while one
    process crawls the same portals into one archive; the shards merged."""
    base = tmp_path_factory.mktemp("shards")
    nodes = [Node(base / "node1"), Node(base / "node2")]
    single = base / "single.db"
    try:
        crawl = start_cli("crawl", *PORTALS, "--mirror", mirror.url, "--db", str(single), "--quiet")
        for node in nodes:
            node.wait_ready()
        dispatched = run_cli(
            "dispatch", *PORTALS, "--node", nodes[0].url, "--node", nodes[1].url,
            "--mirror", mirror.url, "--wait",
        )  # fmt: skip
        _, err = crawl.communicate(timeout=120)
        assert crawl.returncode == 0, err
    finally:
        for node in nodes:
            node.stop()
    assert dispatched.returncode == 0, dispatched.stderr
    shards = sorted(base.glob("node*/shards/*.db"))
    merged = base / "merged.db"
    result = run_cli("merge", *map(str, shards), "--into", str(merged))
    assert result.returncode == 0, result.stderr
    return {
        "base": base,
        "dispatched": dispatched.stdout,
        "shards": shards,
        "single": single,
        "merged": merged,
        "merge_output": result.stdout,
    }


def _projection(path: Path) -> dict[str, list[tuple]]:
    conn = connect(path, readonly=True)
    try:
        return projection(conn)
    finally:
        conn.close()


def test_portals_are_spread_over_the_nodes_each_with_its_shards(spread):
    lines = spread["dispatched"].splitlines()
    scheduled = [line for line in lines if " job " in line]
    assert len(scheduled) == 4
    # Dealt in turn, in name order: each node crawls two portals into its own shards.
    by_node = {}
    for line in scheduled:
        portal, rest = line.split(": ", 1)
        by_node.setdefault(rest.split()[0], []).append(portal)
    assert sorted(map(sorted, by_node.values())) == [
        ["bantenhits", "kabar6"],
        ["bantennews", "tangselpos"],
    ]
    assert sum(" finished on " in line for line in lines) == 4
    assert [(p.parent.parent.name, p.stem) for p in spread["shards"]] == [
        ("node1", "bantenhits"), ("node1", "kabar6"),
        ("node2", "bantennews"), ("node2", "tangselpos"),
    ]  # fmt: skip
    # Each shard holds its portal's crawl and the crawler's memory of it.
    for shard in spread["shards"]:
        conn = sqlite3.connect(shard)
        portals = {r[0] for r in conn.execute("SELECT DISTINCT portal FROM articles")}
        runs = conn.execute("SELECT portal, finish_reason, invocation FROM crawl_runs").fetchall()
        conn.close()
        assert portals == {shard.stem}
        assert [(p, reason) for p, reason, _ in runs] == [(shard.stem, "finished")]
        assert " dispatch http://127.0.0.1:" in runs[0][2]


def test_merged_shards_equal_one_crawl_of_the_same_portals(spread):
    merged, single = _projection(spread["merged"]), _projection(spread["single"])
    for table in merged:
        assert merged[table] == single[table], table
    # The comparison is not empty: articles of all four portals, their raw pages, a
    # cluster spanning the nodes, and a copy whose original was crawled on the other
    # node, pointed at it by publication time.
    conn = sqlite3.connect(spread["merged"])
    portals_per_cluster = conn.execute(
        "SELECT count(DISTINCT portal) FROM articles WHERE cluster_id IS NOT NULL"
        " GROUP BY cluster_id"
    ).fetchall()
    copies = conn.execute(
        "SELECT c.portal, o.portal FROM articles c JOIN articles o ON o.id = c.duplicate_of"
    ).fetchall()
    conn.close()
    assert len(merged["articles"]) == 39 and len(merged["pages"]) == 39
    assert {a[1] for a in merged["articles"]} == set(PORTALS)
    assert max(n for (n,) in portals_per_cluster) >= 3
    assert copies == [("bantenhits", "tangselpos")]
    assert merged["sitemaps"] and merged["runs"] == [(p, 1) for p in PORTALS]


def _table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, ids included."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            )
        ]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        conn.close()


def test_merging_a_shard_again_adds_nothing(spread, tmp_path):
    import archive
    from archive.merge import merge_shard

    target = copy_archive(spread["merged"], tmp_path / "again.db")
    before = _table_dump(target)
    with archive.open(target) as arch:
        results = [merge_shard(arch, shard) for shard in spread["shards"]]
    assert _table_dump(target) == before
    for result in results:
        assert set(result.articles) == {"unchanged"}
        assert (result.pages, result.runs, result.memory) == (0, 0, 0)


KILLED_MERGE = """\
import os, signal, sys
import archive
from archive.merge import merge_shard

with archive.open(sys.argv[1]) as arch, arch.lock(command="merge"):
    def progress(done):
        if done >= 10:  # ten articles committed, the rest of the shard not
            os.kill(os.getpid(), signal.SIGKILL)
    for shard in sys.argv[2:]:
        merge_shard(arch, shard, progress=progress, batch=5)
"""


def test_a_killed_merge_is_finished_by_running_it_again(spread, tmp_path):
    target = tmp_path / "killed.db"
    tangselpos = next(s for s in spread["shards"] if s.stem == "tangselpos")
    others = [s for s in spread["shards"] if s != tangselpos]
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_MERGE), str(target), str(tangselpos)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    conn = sqlite3.connect(target)
    (partial,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    conn.close()
    assert partial == 10  # two batches of five, of the shard's 26
    again = run_cli("merge", str(tangselpos), *map(str, others), "--into", str(target))
    assert again.returncode == 0, again.stderr
    assert "taking over the lock of an arsip merge that did not end cleanly" in again.stderr
    assert "10 unchanged" in again.stdout.splitlines()[0]
    assert _projection(target) == _projection(spread["merged"])


def test_shards_that_cannot_be_merged_are_refused_before_anything_is_written(spread, tmp_path):
    import archive
    from archive.merge import check_shard

    newer = copy_archive(spread["shards"][0], tmp_path / "newer.db")
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    target = tmp_path / "target.db"
    cases = {
        newer: "written by a newer arsip (schema version 999",
        other: "is not an arsip archive",
        tmp_path / "missing.db": "no archive at",
        target: "is the archive merged into",
    }
    for shard, message in cases.items():
        with pytest.raises(archive.ArchiveError, match=re.escape(message)):
            check_shard(shard, target)
    # The command checks every shard before it opens the archive: a good shard named
    # before a bad one is not merged either.
    result = run_cli("merge", str(spread["shards"][1]), str(newer), "--into", str(target))
    assert result.returncode == 1, result.stderr
    assert cases[newer] in result.stderr and "nothing merged" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_dispatch_says_which_node_it_cannot_reach_and_schedules_nothing():
    port = free_port()
    result = run_cli("dispatch", "tangselpos", "--node", f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert f"http://127.0.0.1:{port}/listspiders.json" in result.stderr
    assert "cannot reach the node" in result.stderr


def test_a_shard_of_an_older_arsip_is_upgraded_then_merged(tmp_path):
    import archive
    from archive.dedup import canonical_url
    from archive.merge import merge_shard
    from archive.migrations import MIGRATIONS
    from tests.test_memory import older_archive

    shard = older_archive(tmp_path / "old.db", 11)  # before place tags (m012)
    conn = sqlite3.connect(shard)
    url = "https://www.tangselpos.id/detail/1/banjir-di-pamulang"
    conn.execute(
        "INSERT INTO articles (id, url, portal, title, body, content_hash, revision,"
        " first_seen_at, last_seen_at) VALUES (1, ?, 'tangselpos', 'Banjir di Pamulang',"
        " 'Banjir merendam perumahan di Pamulang, Kota Tangerang Selatan.', 'h1', 1,"
        " '2024-05-01T01:00:00Z', '2024-05-02T01:00:00Z')",
        [url],
    )
    conn.execute(
        "INSERT INTO article_urls VALUES (?, ?, 1, '2024-05-01T01:00:00Z')",
        [canonical_url(url), url],
    )
    conn.commit()
    conn.close()
    with archive.open(tmp_path / "news.db") as arch:
        result = merge_shard(arch, shard)
        found = arch.db.execute(
            "SELECT a.url, a.first_seen_at, a.last_seen_at, count(p.code) FROM articles a"
            " LEFT JOIN article_places p ON p.article_id = a.id GROUP BY a.id"
        ).fetchall()
    assert result.articles == {"new": 1}
    assert found[0][:3] == (url, "2024-05-01T01:00:00Z", "2024-05-02T01:00:00Z")
    assert found[0][3] >= 1  # tagged with Pamulang and Tangerang Selatan
    conn = sqlite3.connect(shard)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def _story(body: str, title: str = "Jalan Rusak di Serpong") -> dict:
    return {"url": "https://www.tangselpos.id/detail/7/jalan-rusak", "portal": "tangselpos",
            "title": title, "body": body, "published_at": "2024-05-01T01:00:00Z"}  # fmt: skip


FIRST = "Jalan di Serpong rusak parah sejak pekan lalu, kata warga setempat kepada wartawan."
SECOND = FIRST + " Dinas pekerjaan umum berjanji memperbaikinya bulan depan."


def test_versions_seen_on_two_nodes_are_one_history(tmp_path):
    """A portal moved to another node: the first node saw the first text, the second
    node the first and then a corrected one. Merged in either order, the article is
    the text seen last with the other as its revision, as in one archive that saw
    them all."""
    import archive
    from archive.merge import merge_shard
    from archive.writer import ArchiveWriter

    old, moved, single = tmp_path / "old.db", tmp_path / "moved.db", tmp_path / "single.db"
    with ArchiveWriter(old) as w:
        w.store(_story(FIRST), seen_at="2024-05-01T02:00:00Z")
    with ArchiveWriter(moved) as w:
        w.store(_story(FIRST), seen_at="2024-05-03T02:00:00Z")
        w.store(_story(SECOND), seen_at="2024-05-04T02:00:00Z")
    with ArchiveWriter(single) as w:
        for body, seen in ((FIRST, "2024-05-01T02:00:00Z"), (FIRST, "2024-05-03T02:00:00Z"),
                           (SECOND, "2024-05-04T02:00:00Z")):  # fmt: skip
            w.store(_story(body), seen_at=seen)
    conn = sqlite3.connect(moved)
    (replaced_at,) = conn.execute("SELECT replaced_at FROM article_revisions").fetchone()
    conn.close()
    for order in ((old, moved), (moved, old)):
        target = tmp_path / f"merged-{order[0].stem}.db"
        with archive.open(target) as arch:
            for shard in order:
                merge_shard(arch, shard)
            assert [merge_shard(arch, s).articles for s in order] == [{"unchanged": 1}] * 2
        assert _projection(target) == _projection(single)
        conn = sqlite3.connect(target)
        row = conn.execute("SELECT body, revision, first_seen_at, last_seen_at FROM articles")
        assert row.fetchall() == [(SECOND, 2, "2024-05-01T02:00:00Z", "2024-05-04T02:00:00Z")]
        history = conn.execute("SELECT revision, body, replaced_at FROM article_revisions")
        assert history.fetchall() == [(1, FIRST, replaced_at)]
        conn.close()
