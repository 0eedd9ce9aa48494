"""Video and gallery pages in the portal's full layout, and a template change that
renames the body's container: real ``arsip crawl`` runs over the mirror's tangselpos
site. A page without article text is stored as no article and remembered in
``empty_pages``; every real article is stored right, also when the generic readers
have to read it, and the operator is told that the portal's body rule missed."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.mirror.generated import generate_videos, with_videos
from crawler.mirror.server import MirrorServer, Page, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.conftest import rows, run_cli
from tests.mirror_data import mismatches

MEDIA = generate_videos(2) + generate_videos(1, first_id=96000, media="gallery")
"""Two video pages (one with a caption, one with none) and a photo gallery."""


def site(renamed: bool = False) -> Site:
    """The sample site with the media pages; ``renamed``: every article's body
    container renamed (``div.detail-text`` -> ``div.detail-content``), as a template
    change does it."""
    built = build_site(with_videos(load_articles(), MEDIA))
    if renamed:
        for path in [article_path(a) for a in load_articles()]:
            page = built.pages[path]
            assert b'class="detail-text"' in page.body
            body = page.body.replace(b'class="detail-text"', b'class="detail-content"')
            built.pages[path] = Page(body)
    return built


def crawl(server: MirrorServer, db_path: Path):
    return run_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path))


def last_run(db_path: Path) -> dict:
    return rows(db_path, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]


def assert_articles_stored_right(db_path: Path) -> None:
    found = {r["url"]: r for r in rows(db_path, "SELECT * FROM articles")}
    articles = {BASE + article_path(a): a for a in load_articles()}
    assert set(found) == set(articles)
    wrong = {url: mismatches(found[url], a, "tangselpos") for url, a in articles.items()}
    assert {url: fields for url, fields in wrong.items() if fields} == {}


def test_video_and_gallery_pages_are_no_articles(db_path):
    """The generic readers find the menu, headline lists and captions on these pages;
    none is stored. Both runs read them (the second confirms them empty), and they are
    remembered with two fetches, to be skipped from then on. Every article is stored
    with the text its data holds, and nothing says the body rule missed."""
    media = {BASE + article_path(m) for m in MEDIA}
    with MirrorServer([site()], log=None) as server:
        first = crawl(server, db_path)
        assert first.returncode == 0, first.stderr
        one = last_run(db_path)
        second = crawl(server, db_path)
    assert second.returncode == 0, second.stderr
    assert (one["new"], one["dropped"]) == (len(load_articles()), len(MEDIA))
    assert_articles_stored_right(db_path)
    remembered = rows(db_path, "SELECT url, reason, fetches FROM empty_pages ORDER BY url")
    assert remembered == [{"url": url, "reason": "no body", "fetches": 2} for url in sorted(media)]
    assert last_run(db_path)["dropped"] == len(MEDIA)
    assert "body rule" not in first.stderr + first.stdout
    assert "arsip/body_rule/missed" not in json.loads(one["stats"])
    assert json.loads(one["stats"])["arsip/body_rule/matched"] == len(load_articles())


def test_a_renamed_body_container_costs_no_article_and_is_reported(db_path):
    """The portal's template renames the body's container: its selector finds nothing
    on any article. The generic readers read every article right (the video and
    gallery pages still yield none); the run's summary, its log and ``arsip health``
    say that the portal's body rule missed."""
    with MirrorServer([site(renamed=True)], log=None) as server:
        result = crawl(server, db_path)
    assert result.returncode == 0, result.stderr
    assert_articles_stored_right(db_path)
    assert len(rows(db_path, "SELECT url FROM empty_pages")) == len(MEDIA)
    count = len(load_articles())
    stats = json.loads(last_run(db_path)["stats"])
    assert stats["arsip/body_rule/missed"] == count
    assert "arsip/body_rule/matched" not in stats
    assert f"body rule missed on {count} article pages" in result.stdout
    assert f"body selector 'div.detail-text' found no text on {count} of {count}" in result.stderr

    health = run_cli("health", "--db", str(db_path), "--json")
    assert health.returncode == 1
    (report,) = [p for p in json.loads(health.stdout)["portals"] if p["portal"] == "tangselpos"]
    flags = {f["kind"]: f["message"] for f in report["flags"]}
    assert f"no text on {count} of the latest {count}" in flags["body_rule_missed"]
    assert "coverage_drop" not in flags
