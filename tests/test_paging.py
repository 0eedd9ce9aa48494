"""Multi-page articles: the pure next-page finder, and a real crawl of a two-page
article served by a loopback mirror that yields ONE joined Article."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract.paging import next_page_url
from crawler.mirror.server import MirrorServer, Page, Site
from tests.conftest import run_cli

BASE = "https://banten.tribunnews.example/2026/07/24/pasar-kaget-ramai"


def page(links: str) -> Selector:
    return Selector(text=f"<html><body><div>Isi berita.</div>{links}</body></html>")


@pytest.mark.parametrize(
    ("url", "links", "expected"),
    [
        # Tribun: "Halaman 1/2" pager with ?page=2.
        (BASE, '<div class="paging"><a href="?page=1">1</a><a href="?page=2">2</a></div>',
         BASE + "?page=2"),
        (BASE + "?page=2", '<a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a>',
         BASE + "?page=3"),
        (BASE + "?page=2", '<a href="?page=1">1</a><a href="?page=2">2</a>', None),
        # Kompas: the whole article at ?page=all wins over page 2.
        ("https://regional.kompas.example/read/2024/03/27/0616/banjir",
         '<a href="?page=2">2</a><a href="/read/2024/03/27/0616/banjir?page=all">Show All</a>',
         "https://regional.kompas.example/read/2024/03/27/0616/banjir?page=all"),
        ("https://regional.kompas.example/read/2024/03/27/0616/banjir?page=all",
         '<a href="?page=2">2</a>', None),
        # iNews regional: /read/<id>/<slug>/<page>.
        ("https://banten.inews.example/read/123/warga-antre",
         '<a href="/read/123/warga-antre/2">Selanjutnya</a>',
         "https://banten.inews.example/read/123/warga-antre/2"),
        ("https://banten.inews.example/read/123/warga-antre/2",
         '<a href="/read/123/warga-antre/3">3</a>',
         "https://banten.inews.example/read/123/warga-antre/3"),
        # kabar6 / biem: rel=next is the next STORY, not page 2.
        ("https://kabar6.example/warga-serang-antre-minyak/",
         '<link rel="next" href="https://kabar6.example/harga-cabai-naik/">'
         '<a rel="next" href="https://kabar6.example/harga-cabai-naik/">Berikutnya</a>', None),
        # JNews' next/previous bar links other stories too.
        ("https://satelit.example/41234/warga-serang/",
         '<div class="jeg_pagination_nextprev"><a href="/41235/lain/">Next</a></div>', None),
        # A bare number that is a different article's id is not page 2.
        ("https://banten.inews.example/read/123/warga-antre",
         '<a href="/read/124/lain/2">2</a>', None),
        # Links written as little of the URL as resolves to the next page: a bare
        # number, a path with a dot segment, a percent-encoded page argument.
        ("https://banten.inews.example/read/123/warga-antre/2",
         '<a href="1">1</a><a href=" 3 ">3</a>', "https://banten.inews.example/read/123/warga-antre/3"),
        ("https://banten.inews.example/read/123/warga-antre",
         '<a href="warga-antre/2/.">2</a>', "https://banten.inews.example/read/123/warga-antre/2/"),
        (BASE, '<a href="?pa%67e=2">Selanjutnya</a>', BASE + "?pa%67e=2"),
    ],
)  # fmt: skip
def test_next_page_url(url: str, links: str, expected: str | None) -> None:
    assert next_page_url(page(links), url) == expected


ARTICLE = "/detail/90001/jalan-cisoka-diperbaiki"


def tangselpos_page(paragraphs: list[str], pager: str) -> bytes:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Jalan Cisoka Diperbaiki - TangselPos.id</title>
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Jalan Cisoka Diperbaiki",
"datePublished":"2025-09-15T10:00:00+07:00"}}</script></head><body>
<h1 class="detail-title">Jalan Cisoka Diperbaiki</h1>
<div class="detail-text">{text}<p>Halaman {pager}</p></div>
<div class="pager"><a href="{ARTICLE}?page=1">1</a><a href="{ARTICLE}?page=2">2</a></div>
<a rel="next" href="/detail/90002/berita-lain">Berita berikutnya</a>
</body></html>""".encode()


FIRST = ["TANGSEL - Jalan Cisoka diperbaiki mulai pekan ini oleh dinas terkait.",
         "Perbaikan ditargetkan rampung dalam dua pekan ke depan."]  # fmt: skip
SECOND = ["Warga diminta mencari jalur lain selama pekerjaan.", "(red)"]


@pytest.fixture
def paged_mirror():
    site = Site(
        hosts=("www.tangselpos.id", "tangselpos.id"),
        pages={
            "/": Page(f'<html><body><a href="{ARTICLE}">Jalan</a></body></html>'.encode()),
            ARTICLE: Page(tangselpos_page(FIRST, "1/2")),
            ARTICLE + "?page=2": Page(tangselpos_page(SECOND, "2/2")),
            "/detail/90002/berita-lain": Page(tangselpos_page(["Berita lain sama sekali."], "1/1")),
        },
    )
    with MirrorServer([site], log=None) as server:
        yield server


def test_crawl_joins_the_pages_of_one_article(paged_mirror, tmp_path: Path) -> None:
    db_path = tmp_path / "news.db"
    result = run_cli("crawl", "tangselpos", "--mirror", paged_mirror.url, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db_path)
    try:
        stored = conn.execute("SELECT url, title, body FROM articles").fetchall()
    finally:
        conn.close()
    assert len(stored) == 1  # one article, not one per page, and not the rel=next story
    url, title, body = stored[0]
    assert url == "https://www.tangselpos.id" + ARTICLE
    assert title == "Jalan Cisoka Diperbaiki"
    assert body.split("\n\n") == [
        "Jalan Cisoka diperbaiki mulai pekan ini oleh dinas terkait.",
        "Perbaikan ditargetkan rampung dalam dua pekan ke depan.",
        "Warga diminta mencari jalur lain selama pekerjaan.",
    ]
