"""Article links that redirect (an old slug, a short link): the archive remembers the
link with the article, so the next run neither follows it nor fetches the article."""

from __future__ import annotations

import io
from pathlib import Path

from crawler.mirror.server import MirrorServer, Page, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.conftest import rows, run_cli


def moved_site() -> tuple[Site, str, str]:
    """The sample site where every link to one article uses an old slug that answers
    301 to the article's own URL; returns (site, old path, new path)."""
    site = build_site()
    new = article_path(load_articles()[0])
    old = new.rsplit("/", 1)[0] + "/judul-lama"
    for path, page in list(site.pages.items()):
        if path != new and new.encode() in page.body:  # its own page keeps its URL
            site.pages[path] = Page(page.body.replace(new.encode(), old.encode()),
                                    page.content_type, page.status, page.headers)  # fmt: skip
    site.pages[old] = Page(b"", status=301, headers={"Location": new})
    return site, old, new


def crawl(server: MirrorServer, db_path: Path, *extra: str) -> list[str]:
    """One ``arsip crawl tangselpos``; the mirror paths it requested."""
    log = server.log = io.StringIO()
    result = run_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path), *extra)
    server.log = None
    assert result.returncode == 0, result.stderr
    return ["/" + line.split()[2].split("/", 1)[1] for line in log.getvalue().splitlines()]


def test_a_redirected_link_is_remembered_and_not_followed_again(db_path):
    site, old, new = moved_site()
    with MirrorServer([site], log=None) as server:
        first = crawl(server, db_path, "--no-pages")
        second = crawl(server, db_path, "--no-pages")
    assert old in first and new in first
    (article,) = rows(db_path, "SELECT id FROM articles WHERE url = ?", BASE + new)
    urls = rows(db_path, "SELECT url FROM article_urls WHERE article_id = ?", article["id"])
    assert BASE + old in {u["url"] for u in urls}
    assert old not in second and new not in second
