"""Generated articles for larger or altered sample sites (tests and benchmarks).

``generate_articles`` writes article dicts in the shape of ``sites/tangselpos/
articles.json`` (what ``crawler.mirror.tangselpos.build_site`` renders): any number of
them, newest first, each with its own text, and optionally without any date markup
(no JSON-LD, no date meta, no date line), as a portal's pages look after a template
change has dropped the date.

Words come from the sample articles' own vocabulary, drawn at random with a seed, so
extraction, cleaning, the full-text index and near-duplicate detection see realistic
Indonesian tokens and lengths, and no two generated articles are near-duplicates.

``generated_site`` renders them as the tangselpos-like site with, as a large portal has,
a paged archive sitemap in its index (what ``arsip mirror --articles N`` serves).
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from crawler.mirror.render.base import XML, paged_sitemaps, sitemap_index
from crawler.mirror.server import Page, Site
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles

SECTIONS = ("TangselCity", "Pos Banten", "Olahraga", "Ekonomi")
PLACES = ("SERPONG", "PAMULANG", "CIPUTAT", "SERANG", "CILEGON", "PONDOK AREN")
AUTHORS = ("Nur Aisyah", "Rizki Maulana", "Dedi Kurniawan", None)


@cache
def _vocabulary() -> tuple[str, ...]:
    text = " ".join(p for article in load_articles() for p in article["paragraphs"])
    return tuple(sorted(set(re.findall(r"[A-Za-z]{2,}", text))))


def _paragraphs(rng: random.Random, words: tuple[str, ...], target: int) -> list[str]:
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < target:
        sentences = (
            " ".join(rng.choices(words, k=rng.randint(8, 20))).capitalize() + "."
            for _ in range(rng.randint(2, 4))
        )
        paragraphs.append(" ".join(sentences))
    return paragraphs


def generate_articles(
    count: int,
    *,
    first_id: int = 70000,
    newest: datetime | None = None,
    hours_apart: float = 3.0,
    dated: bool = True,
    words: tuple[int, int] = (300, 600),
) -> list[dict[str, Any]]:
    """``count`` article dicts, newest first: ids ``first_id``, ``first_id + 1``, ...,
    published ``hours_apart`` hours apart ending at ``newest`` (default: 2025-09-16
    08:00 WIB), bodies of ``words`` (min, max) words. The text depends only on the id.
    ``dated=False`` renders pages without any date markup."""
    newest = newest or datetime(2025, 9, 16, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    vocabulary = _vocabulary()
    articles = []
    for n in range(count):
        number = first_id + n
        rng = random.Random(number)
        place = PLACES[n % len(PLACES)]
        title_words = rng.choices(vocabulary, k=rng.randint(6, 10))
        articles.append(
            {
                "id": number,
                "slug": "-".join(w.lower() for w in title_words) + f"-{number}",
                "section": SECTIONS[n % len(SECTIONS)],
                "title": " ".join(w.capitalize() for w in title_words),
                "published": (newest - timedelta(hours=hours_apart * n)).isoformat(),
                "author": AUTHORS[n % len(AUTHORS)],
                "editor": "Irwan Setiawan",
                "dateline": place,
                "paragraphs": _paragraphs(rng, vocabulary, rng.randint(*words)),
                "signoff": "(red)",
                "press_release": None,
                "tags": [rng.choice(vocabulary).capitalize(), place.title()],
                "inserts": [],
                # No JSON-LD and a "day in the text" page without the day: no date at all.
                "jsonld": dated,
                "body_date": None if dated else "-",
            }
        )
    return articles


def generate_videos(
    count: int,
    *,
    first_id: int = 95000,
    newest: datetime | None = None,
    hours_apart: float = 24.0,
    media: str = "video",
) -> list[dict[str, Any]]:
    """``count`` video entries (``"media": "video"``: ``build_site`` renders a player,
    every other one with a one-line caption, and no article text, under an article URL
    in the portal's full layout), newest first, ids from ``first_id``, ``hours_apart`` hours apart
    ending at ``newest`` (default: 2025-09-16 07:00 WIB). ``media="gallery"`` gives
    photo galleries instead (five photos with captions). Mixed into a site's articles
    (sorted by ``published``), they are listed, put in the sitemap and linked like
    articles, and yield none."""
    newest = newest or datetime(2025, 9, 16, 7, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    vocabulary = _vocabulary()
    label = {"video": "VIDEO", "gallery": "FOTO"}[media]
    entries = []
    for n in range(count):
        number = first_id + n
        rng = random.Random(number)
        title_words = rng.choices(vocabulary, k=rng.randint(4, 7))
        # Every other video has no caption at all: the page's only text is its layout.
        shown = (0 if n % 2 else 1) if media == "video" else 5
        captions = [
            " ".join(rng.choices(vocabulary, k=rng.randint(10, 16))).capitalize() + "."
            for _ in range(shown)
        ]
        entries.append(
            {
                "id": number,
                "slug": f"{label.lower()}-"
                + "-".join(w.lower() for w in title_words)
                + f"-{number}",
                "section": SECTIONS[n % len(SECTIONS)],
                "title": f"{label}: " + " ".join(w.capitalize() for w in title_words),
                "published": (newest - timedelta(hours=hours_apart * n)).isoformat(),
                "media": media,
                "captions": captions,
                "paragraphs": [],
            }
        )
    return entries


def with_videos(articles: list[dict[str, Any]], videos: list[dict[str, Any]]) -> list[dict]:
    """Articles and video or gallery pages in one list, newest first (what ``build_site``
    takes)."""
    return sorted([*articles, *videos], key=lambda a: a["published"], reverse=True)


ARCHIVE_SITEMAP_SIZE = 50
"""Articles per child of a generated site's archive sitemap (Yoast's is 1,000; smaller,
so that a few hundred articles make several)."""


def generated_site(
    articles: list[dict[str, Any]], *, sitemap_size: int = ARCHIVE_SITEMAP_SIZE
) -> Site:
    """The tangselpos-like site of ``articles`` (``build_site``) whose ``/sitemap.xml``
    index lists, besides the news sitemap of the newest 20 (no lastmod: it changes all
    the time), every article in paged children ``/sitemap-posts-N.xml`` of
    ``sitemap_size`` each, oldest first, each with its lastmod in the index: new
    articles change only the last child."""
    site = build_site(articles)
    entries = [(BASE + article_path(a), a["published"]) for a in reversed(articles)]
    rows, children = paged_sitemaps(
        entries, sitemap_size, lambda n: f"{BASE}/sitemap-posts-{n}.xml"
    )
    index = sitemap_index([f"{BASE}/sitemap-news.xml", *rows])
    site.pages["/sitemap.xml"] = Page(index, XML)
    site.pages.update({url.removeprefix(BASE): Page(body, XML) for url, body in children.items()})
    return site
