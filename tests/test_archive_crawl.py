"""The archive through real crawls of the loopback mirror: raw pages, a re-crawl of a
site whose articles changed, re-extraction, and the duplicates command."""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
import zlib
from pathlib import Path

import pytest

from archive.dedup import content_hash
from archive.pages import page_body, spliceable
from archive.writer import ArchiveWriter
from crawler.mirror.server import MirrorServer
from crawler.mirror.tangselpos import article_path, build_site, load_articles
from tests.conftest import copy_archive, rows, run_cli

BASE = "https://www.tangselpos.id"


def crawl(mirror_url: str, db_path: Path, *extra: str, env: dict | None = None):
    result = run_cli("crawl", "tangselpos", "--mirror", mirror_url, "--db", str(db_path), *extra,
                     env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def changed_site():
    """The sample site a day later: one article's body corrected, another retitled."""
    articles = copy.deepcopy(load_articles())
    by_id = {a["id"]: a for a in articles}
    by_id[51234]["paragraphs"][1] += " Ralat: angka peserta yang benar 150 orang."
    by_id[51311]["title"] = "Pemprov Banten Targetkan 95 Ribu Siswi Divaksin HPV"
    with MirrorServer([build_site(articles)], log=None) as server:
        yield server, by_id


@pytest.fixture(scope="module")
def recrawled(tangselpos_first_crawl, changed_site, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("recrawl") / "news.db"
    copy_archive(tangselpos_first_crawl, db_path)  # the mirror crawled once
    before = {r["url"]: r for r in rows(db_path, "SELECT * FROM articles")}
    # Crawls are incremental: re-reading known articles to catch edits is --refresh-days.
    second = crawl(changed_site[0].url, db_path, "--refresh-days", "1")
    after = {r["url"]: r for r in rows(db_path, "SELECT * FROM articles")}
    return {"db": db_path, "before": before, "after": after, "second": second}


def test_pages_are_kept_compressed_with_their_article(recrawled):
    pages = rows(recrawled["db"], "SELECT * FROM pages ORDER BY id")
    articles = recrawled["after"]
    # 26 pages of the first crawl; the two changed pages again (new bytes); the other 24
    # identical pages only moved their fetched_at.
    assert len(pages) == 28
    first = pages[0]
    html = page_body(first["body"])
    assert len(html) == first["size"] and b"<html" in html
    # Raw DEFLATE that WARC records take as it is, with the CRC-32 and SHA-1 they need.
    assert spliceable(first["body"]) and len(first["body"]) < len(html) / 2
    assert first["body_crc32"] == zlib.crc32(html)
    assert first["body_sha1"] == hashlib.sha1(html).hexdigest()
    assert first["status"] == 200 and first["url"].startswith(BASE)
    assert "text/html" in json.loads(first["headers"])["Content-Type"]
    ids = {r["id"] for r in articles.values()}
    assert {p["article_id"] for p in pages} == ids
    assert all("127.0.0.1" not in p["url"] for p in pages)


def test_recrawl_of_changed_site_records_revisions(recrawled, changed_site):
    _, by_id = changed_site
    assert "0 new, 2 updated, 24 unchanged" in recrawled["second"].stdout
    before, after = recrawled["before"], recrawled["after"]
    body_url = BASE + article_path(by_id[51234])
    title_url = BASE + article_path(by_id[51311])
    assert after[body_url]["revision"] == 2
    assert after[body_url]["body"] == "\n\n".join(by_id[51234]["paragraphs"])
    assert after[title_url]["revision"] == 2
    assert after[title_url]["title"] == by_id[51311]["title"]
    assert after[title_url]["body"] == before[title_url]["body"]
    history = rows(recrawled["db"], "SELECT * FROM article_revisions ORDER BY article_id")
    assert {(h["article_id"], h["revision"]) for h in history} == {
        (before[body_url]["id"], 1),
        (before[title_url]["id"], 1),
    }
    old = {h["article_id"]: h for h in history}
    assert old[before[body_url]["id"]]["body"] == before[body_url]["body"]
    assert old[before[title_url]["id"]]["title"] == before[title_url]["title"]
    for url, row in after.items():
        if url not in (body_url, title_url):
            assert row["revision"] == 1
            assert row["last_seen_at"] >= before[url]["last_seen_at"]
            assert {k: v for k, v in row.items() if k != "last_seen_at"} == {
                k: v for k, v in before[url].items() if k != "last_seen_at"
            }


def test_mirror_press_release_pair_is_one_cluster(recrawled):
    pair = [r for r in recrawled["after"].values() if "/5131" in r["url"] or "/51337/" in r["url"]]
    assert len(pair) == 2
    earliest = min(pair, key=lambda r: (r["published_at"], r["id"]))
    assert {r["cluster_id"] for r in pair} == {earliest["id"]}
    others = [r for r in recrawled["after"].values() if r not in pair]
    assert all(r["cluster_id"] is None for r in others)


def test_duplicates_command_lists_the_release(recrawled):
    result = run_cli("duplicates", "--format", "json", "--db", str(recrawled["db"]))
    assert result.returncode == 0, result.stderr
    clusters = json.loads(result.stdout)
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster["portals"] == ["tangselpos"]
    urls = [a["url"] for a in cluster["articles"]]
    assert any("/51311/" in u for u in urls) and any("/51337/" in u for u in urls)
    assert set(cluster["articles"][0]) >= {"url", "portal", "published_at"}
    assert cluster["earliest"]["url"] == urls[0]
    table = run_cli("duplicates", "--db", str(recrawled["db"]))
    assert "2 articles on 1 portal(s) (tangselpos)" in table.stdout
    # 51337 gives only "Kamis (18/9)": 2025-09-18, a day before 51311's own date.
    assert "earliest: tangselpos: Vaksinasi HPV Serentak" in table.stdout
    # Portal-local times with the zone's name; the day-only date marked, never midnight.
    assert "(tangselpos), 2025-09-18 (date only) .. 2025-09-19 08:30 WIB\n" in table.stdout
    assert "\n  2025-09-18 (date only) tangselpos    https://" in table.stdout
    assert "\n  2025-09-19 08:30 WIB   tangselpos    https://" in table.stdout
    assert "T" not in table.stdout.split("\n")[0] and "00:00" not in table.stdout
    none = run_cli("duplicates", "--min-portals", "2", "--format", "json",
                   "--db", str(recrawled["db"]))  # fmt: skip
    assert json.loads(none.stdout) == []


def test_reextract_repairs_articles_from_kept_pages(crawled_once):
    db_path = crawled_once  # the mirror crawled once
    # An older extractor left a feed line in two bodies: what reextract must repair.
    conn = sqlite3.connect(db_path)
    with conn:
        for article_id, body in conn.execute("SELECT id, body FROM articles WHERE id IN (1, 2)"):
            body += "\n\nTangselCity | 16 jam yang lalu"
            conn.execute(
                "UPDATE articles SET body = ?, content_hash = ? WHERE id = ?",
                [body, content_hash(body), article_id],
            )
    conn.close()
    result = run_cli("reextract", "--portal", "tangselpos", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "reextract: 26 pages: 0 new, 2 updated, 24 unchanged, 0 duplicate, 0 rejected"
    )
    repaired = rows(db_path, "SELECT id, body, revision FROM articles WHERE id IN (1, 2)")
    assert all(r["revision"] == 2 and "yang lalu" not in r["body"] for r in repaired)
    kept = rows(db_path, "SELECT body FROM article_revisions ORDER BY article_id")
    assert all(r["body"].endswith("16 jam yang lalu") for r in kept)
    again = run_cli("reextract", "--db", str(db_path))
    assert "0 updated, 26 unchanged" in again.stdout


def test_reextract_reads_the_newest_fetch_when_a_page_changed_back(crawled_once):
    """A page whose bytes went A -> B -> A keeps A's row (only its fetch time moves);
    reextract must read that newest fetch, not B's row, inserted later."""
    db_path = crawled_once  # the mirror crawled once
    (page,) = rows(db_path, "SELECT url, body, status, headers FROM pages WHERE article_id = 1")
    (article,) = rows(db_path, "SELECT body FROM articles WHERE id = 1")
    last_line = article["body"].splitlines()[-1]
    original = page_body(page["body"])
    assert original.count(last_line.encode()) == 1
    changed = original.replace(last_line.encode(), b"Paragraf terakhir berubah.")
    with ArchiveWriter(db_path) as archive:
        for when, body in (("2030-01-01T00:00:00Z", changed), ("2030-01-02T00:00:00Z", original)):
            archive.store_page({**page, "headers": json.loads(page["headers"]), "body": body,
                                "fetched_at": when}, article_id=1)  # fmt: skip
    result = run_cli("reextract", "--portal", "tangselpos", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "0 updated, 26 unchanged" in result.stdout
    assert rows(db_path, "SELECT revision FROM articles WHERE id = 1") == [{"revision": 1}]


def test_reextract_corrects_fields_of_an_unchanged_text(crawled_once):
    """An older extractor read a wrong date, no authors and no section: reextract puts
    the right ones back in place, without a new revision of the unchanged text."""
    db_path = crawled_once  # the mirror crawled once
    # The seed article, by URL: ids follow the crawl's order, and some sample articles
    # carry no byline.
    seed = BASE + article_path(next(a for a in load_articles() if a["id"] == 51234))
    fields = "published_at, published_local, authors, section, revision"
    (good,) = rows(db_path, f"SELECT {fields} FROM articles WHERE url = ?", seed)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE articles SET published_at = '2025-09-15T17:00:00Z', published_local ="
            " '2025-09-16T00:00:00+07:00', authors = '[]', section = NULL WHERE url = ?",
            [seed],
        )
    conn.close()
    result = run_cli("reextract", "--portal", "tangselpos", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "0 new, 1 updated, 25 unchanged" in result.stdout
    assert rows(db_path, f"SELECT {fields} FROM articles WHERE url = ?", seed) == [good]
    assert json.loads(good["authors"]) and good["section"] and good["revision"] == 1


def test_reextract_of_unknown_portal_is_a_clear_error(db_path):
    db_path.touch()
    result = run_cli("reextract", "--portal", "nosuch", "--db", str(db_path))
    assert result.returncode == 2 and "unknown portal nosuch" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("extra", "env"), [(("--no-pages",), None),
                                            ((), {"ARSIP_KEEP_PAGES": "0"})])  # fmt: skip
def test_pages_can_be_switched_off(mirror, tmp_path, extra, env):
    db_path = tmp_path / "news.db"
    crawl(mirror.url, db_path, *extra, env=env)
    assert rows(db_path, "SELECT count(*) AS n FROM articles")[0]["n"] == 26
    assert rows(db_path, "SELECT count(*) AS n FROM pages")[0]["n"] == 0
