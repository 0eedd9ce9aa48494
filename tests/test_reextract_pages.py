"""Multi-page articles in the archive: every page a crawl fetched is kept, in order, and
``arsip reextract`` rebuilds the article from all of them (a real crawl of the mirror's
Tribun site, whose sample holds a two-page article, and the real CLI)."""

from __future__ import annotations

import copy
import sqlite3
import zlib
from pathlib import Path

import pytest
import sqlite_utils

from archive.db import open_db
from archive.migrations import MIGRATIONS
from archive.pages import page_body
from crawler.extract.paging import join_page
from crawler.items import Article
from crawler.mirror.render import portal_site
from crawler.mirror.server import MirrorServer
from tests.conftest import copy_archive, rows, run_cli
from tests.mirror_data import expected_fields, mirror_articles

PORTAL = "tribunbanten"


def crawl(mirror_url: str, db_path: Path, *extra: str) -> None:
    result = run_cli("crawl", PORTAL, "--mirror", mirror_url, "--db", str(db_path), *extra)
    assert result.returncode == 0, result.stderr


def multipage_article() -> tuple[str, dict]:
    """(URL, data) of the sample's article that its site splits over pages."""
    ((url, article),) = [(u, a) for u, a in mirror_articles(PORTAL) if a.get("pages")]
    return url, article


@pytest.fixture(scope="module")
def crawled(mirror, tmp_path_factory) -> Path:
    db_path = tmp_path_factory.mktemp("multipage") / "news.db"
    crawl(mirror.url, db_path)
    return db_path


@pytest.fixture
def archive(crawled, tmp_path) -> Path:
    return copy_archive(crawled, tmp_path / "news.db")


def article_row(db_path: Path, url: str) -> dict:
    (row,) = rows(db_path, "SELECT * FROM articles WHERE url = ?", url)
    return row


def test_every_page_of_a_multipage_article_is_kept(archive):
    url, data = multipage_article()
    article = article_row(archive, url)
    pages = rows(archive, "SELECT * FROM pages WHERE article_id = ? ORDER BY id", article["id"])
    assert [(p["url"], p["page_number"]) for p in pages] == [(url, 1), (url + "?page=2", 2)]
    first, second = pages
    assert first["first_page_id"] is None and second["first_page_id"] == first["id"]
    html = page_body(second["body"]).decode()
    assert len(html.encode()) == second["size"] and "Halaman 2/2" in html
    assert data["paragraphs"][-1] in html and data["paragraphs"][0] not in html
    # The other articles are single pages, as before.
    assert rows(archive, "SELECT count(*) AS n FROM pages WHERE page_number = 1")[0]["n"] == 4
    assert rows(archive, "SELECT count(*) AS n FROM pages")[0]["n"] == 5


def test_reextract_rebuilds_a_multipage_article_from_all_its_pages(archive):
    url, data = multipage_article()
    before = article_row(archive, url)
    assert before["body"] == expected_fields(data)["body"]  # the crawl joined both pages
    result = run_cli("reextract", "--db", str(archive))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "reextract: 4 pages: 0 new, 0 updated, 4 unchanged, 0 duplicate, 0 rejected"
    )
    after = article_row(archive, url)
    assert after["body"] == before["body"]
    assert after["revision"] == 1
    assert rows(archive, "SELECT * FROM article_revisions") == []


def test_reextract_leaves_an_article_with_a_page_missing_as_it_is(archive):
    """An archive kept page 1 only (as arsip did before it kept every page): rebuilding
    the article from it would store a truncated body; it is rejected instead."""
    url, _ = multipage_article()
    before = article_row(archive, url)
    conn = sqlite3.connect(archive)
    with conn:
        conn.execute("DELETE FROM pages WHERE url = ?", [url + "?page=2"])
    conn.close()
    result = run_cli("reextract", "--db", str(archive))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "reextract: 4 pages: 0 new, 0 updated, 3 unchanged, 0 duplicate, 1 rejected"
        " (a page is not kept: 1)"
    )
    assert f"{url}: rejected: page 2 ({url}?page=2) is not kept" in result.stderr
    assert "Traceback" not in result.stderr
    assert article_row(archive, url) == before  # not even last_seen_at moved
    assert rows(archive, "SELECT * FROM article_revisions") == []


@pytest.fixture(scope="module")
def three_pages():
    """The Tribun sample with its long article split over three pages."""
    site = portal_site(PORTAL)
    articles = copy.deepcopy(site.articles)
    (long,) = [a for a in articles if a.get("pages")]
    long["pages"] = [4, 9]
    with MirrorServer([portal_site(PORTAL, articles).build()], log=None) as server:
        yield server, long


def test_recrawled_three_page_article_keeps_its_pages_once_and_in_order(three_pages, tmp_path):
    server, data = three_pages
    db_path = tmp_path / "news.db"
    crawl(server.url, db_path)
    url = portal_site(PORTAL).url(data)
    crawl(server.url, db_path, "--refresh-days", "1")  # the same bytes fetched again
    article = article_row(db_path, url)
    assert article["body"] == expected_fields(data)["body"]
    pages = rows(
        db_path, "SELECT * FROM pages WHERE article_id = ? ORDER BY page_number", article["id"]
    )
    assert [(p["url"], p["page_number"]) for p in pages] == [
        (url, 1),
        (url + "?page=2", 2),
        (url + "?page=3", 3),
    ]
    assert {p["first_page_id"] for p in pages[1:]} == {pages[0]["id"]}
    assert all(p["fetched_at"] >= article["first_seen_at"] for p in pages)
    result = run_cli("reextract", "--db", str(db_path))
    assert "0 updated, 4 unchanged" in result.stdout, result.stdout + result.stderr
    assert article_row(db_path, url)["body"] == expected_fields(data)["body"]


def test_old_archive_upgrades_with_its_pages_as_first_pages(tmp_path):
    db_path = tmp_path / "old.db"
    db = sqlite_utils.Database(db_path)
    for number, step in enumerate(MIGRATIONS[:5], start=1):  # an archive of arsip 5 steps ago
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    db.execute(
        "INSERT INTO pages (url, fetched_at, status, headers, body, body_sha256, size)"
        " VALUES ('https://banten.tribunnews.com/2025/09/15/a', '2025-09-16T00:00:00Z', 200,"
        " '{}', ?, 'x', 4)",
        [zlib.compress(b"<p/>")],
    )
    db.conn.commit()
    db.close()
    upgraded = open_db(db_path)
    try:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert upgraded.execute("SELECT page_number, first_page_id FROM pages").fetchall() == [
            (1, None)
        ]
    finally:
        upgraded.close()


def raw(url: str, body: str | None, title: str = "Judul") -> Article:
    return Article(url=url, portal=PORTAL, title=title, body=body)


def test_join_page_appends_a_page_and_takes_a_whole_view_in_place():
    first = raw("https://x.example/a", "Satu.")
    second = join_page(
        first, raw("https://x.example/a?page=2", "Dua."), "https://x.example/a?page=2"
    )
    assert (second.url, second.body) == ("https://x.example/a", "Satu.\n\nDua.")
    assert first.body == "Satu."  # nothing changed in place
    blank = join_page(second, raw("https://x.example/a?page=3", None), "https://x.example/a?page=3")
    assert blank.body == "Satu.\n\nDua."
    whole = join_page(
        first,
        raw("https://x.example/a", "Satu. Dua.", "Judul lengkap"),
        "https://x.example/a?page=all",
    )
    assert (whole.url, whole.title, whole.body) == (
        "https://x.example/a",
        "Judul lengkap",
        "Satu. Dua.",
    )
    assert join_page(None, first, first.url) is first
