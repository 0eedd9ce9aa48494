"""One shared base per markup family: what every portal of a CMS, theme or network has
in common, so that a portal of a known family is declared in a few lines.

Each helper takes the portal's name, home page and the name it gives itself, and fills
in what the family always has: where its sitemaps and feeds are, what its article and
listing URLs look like, which elements hold the byline and date when structured data
(JSON-LD, OpenGraph) is missing, and which elements inside the text are never text.
Any field of ``Portal`` given as a keyword wins over the family's default.

The article text itself is found by ``crawler.extract.families`` from the page's
markup (``div.td-post-content``, ``.jeg_post_content .content-inner``,
``div.side-article.txt-article``, ``article.read__content``): those families declare no
``body`` selector here, so a portal that moves to another theme is still read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.extract.families import COMMON_REMOVE
from crawler.portals import Portal, Selectors

# Paths that are never articles on a WordPress site (archives, feeds, system paths).
_WP_NOT_ARTICLE = r"(?!(?:category|tag|author|page|feed|wp-[a-z-]+|search|redaksi)/)"
WP_SLUG = rf"^/{_WP_NOT_ARTICLE}[a-z0-9]+(?:-[a-z0-9]+)+/?$"
"""``/<slug>/``: WordPress "post name" permalinks."""
WP_DATED = r"^/\d{4}/\d{2}/\d{2}/[a-z0-9]+(?:-[a-z0-9]+)+/?$"
"""``/YYYY/MM/DD/<slug>/``: WordPress "day and name" permalinks."""
WP_DATED_OR_SLUG = rf"(?P<dated>{WP_DATED})|(?P<undated>{WP_SLUG})"
"""Both: a site that moved from post-name to day-and-name permalinks (or back) and still
serves its older articles at their first URLs. The named alternatives tell ``arsip
explain`` which one matched."""
WP_LISTING = r"^/(?:(?:category|kategori)/[\w/-]+?/)?(?:page/\d+/?)?$"
"""Home, category and their ``/page/N/`` paging."""

GENERIC_ARTICLE = (
    r"^/(?!(?:tag|tags|category|kategori|topik|author|penulis|page|search|cari|feed)/)"
    r"(?:[^?#]*/)?(?:[a-z0-9]+(?:-[a-z0-9]+){3,}|[^/]*\d{5,}[^/]*)/?(?:[^/]+/?)?$"
)
"""Any path ending in a long slug (four words or more) or holding a long number (an id),
possibly followed by one more segment (``/read/<id>/<slug>``); archives are excluded."""


def _origin(home: str) -> str:
    parts = urlsplit(home)
    return f"{parts.scheme}://{parts.netloc}"


def _domain(home: str) -> str:
    host = (urlsplit(home).hostname or "").lower()
    return host.removeprefix("www.")


def declare(name: str, home: str, site_name: str, **fields: Any) -> Portal:
    """A portal with the defaults every family shares: its domain from the home page,
    the home page as the first listing."""
    defaults: dict[str, Any] = {
        "domains": (_domain(home),),
        "listings": (home,),
        "article_url": GENERIC_ARTICLE,
    }
    return Portal(name=name, home=home, site_name=site_name, **{**defaults, **fields})


def wordpress(name: str, home: str, site_name: str, **fields: Any) -> Portal:
    """WordPress with any theme: ``/feed/``, Yoast's ``/sitemap_index.xml``, post-name
    permalinks, the theme's ``.entry-content`` body and ``.entry-meta`` byline. A
    WordPress ``rel=next`` points to the next *story*; article paging ignores it."""
    origin = _origin(home)
    defaults: dict[str, Any] = {
        "family": "wordpress",
        "article_url": WP_SLUG,
        "listing_url": WP_LISTING,
        "feeds": (f"{origin}/feed/",),
        "sitemaps": (f"{origin}/sitemap_index.xml",),
        "selectors": Selectors(
            body="div.entry-content",
            date="time.entry-date",
            authors=".entry-meta .author a",
            section=".cat-links a",
            tags=".tags-links a",
        ),
        "remove": (*COMMON_REMOVE, ".sharedaddy", ".jp-relatedposts", ".post-navigation",
                   ".code-block", ".wp-block-embed"),
    }  # fmt: skip
    return declare(name, home, site_name, **{**defaults, **fields})


def newspaper(name: str, home: str, site_name: str, **fields: Any) -> Portal:
    """WordPress with tagDiv's Newspaper theme: body ``div.td-post-content`` (found by
    markup), byline ``.td-post-author-name a``, date ``time.entry-date[datetime]``."""
    # WordPress's URL rules, feeds, sitemaps and removals, with the theme's selectors.
    defaults: dict[str, Any] = {
        "family": "wordpress-newspaper",
        "selectors": Selectors(
            title="h1.entry-title",
            date="time.entry-date",
            authors=".td-post-author-name a",
            section=".td-category a",
            tags=".td-tags a",
        ),
    }
    return wordpress(name, home, site_name, **{**defaults, **fields})


def jnews(name: str, home: str, site_name: str, **fields: Any) -> Portal:
    """WordPress with the JNews theme: ``.jeg_post_title``, body ``.content-inner``
    (found by markup), byline ``.jeg_meta_author a``; ``.jeg_pagination_nextprev`` links
    other stories, not pages of this one."""
    defaults: dict[str, Any] = {
        "family": "wordpress-jnews",
        "selectors": Selectors(
            title="h1.jeg_post_title",
            date=".jeg_meta_date",
            authors=".jeg_meta_author a",
            section=".jeg_meta_category a",
            tags=".jeg_post_tags a",
        ),
    }
    return wordpress(name, home, site_name, **{**defaults, **fields})


def tribun(name: str, home: str, site_name: str, **fields: Any) -> Portal:
    """The Tribun network (tribunnews.com regional editions): articles at
    ``/YYYY/MM/DD/<slug>``, JSON-LD ``@graph`` with a NewsArticle in +07:00, body
    ``div.side-article.txt-article`` (found by markup), ``Halaman 1/2`` paging with
    ``?page=2``. Its RSS links every item to the home page, so discovery is the news
    sitemap (``sitemap.xml`` -> ``sitemap_news.xml``). The network answers 403 to
    non-browser user agents: arsip records that refusal and does not evade it."""
    origin = _origin(home)
    defaults: dict[str, Any] = {
        "family": "tribun",
        "article_url": r"^/\d{4}/\d{2}/\d{2}/[a-z0-9]+(?:-[a-z0-9]+)+$",
        "listing_url": r"^/(?:[a-z-]+)?(?:\?page=\d+)?$",
        "sitemaps": (f"{origin}/sitemap.xml",),
        "selectors": Selectors(
            date="time",
            authors="#penulis a",
            editor="#editor a",
            section=".breadcrumb li:last-child a",
            tags=".tagcloud3 a",
        ),
    }
    return declare(name, home, site_name, **{**defaults, **fields})


def pikiran_rakyat(name: str, home: str, site_name: str, **fields: Any) -> Portal:
    """The Pikiran Rakyat network (``*.pikiran-rakyat.com``): articles at
    ``/<section>/pr-<id>/<slug>``, feed ``/rss``, body ``article.read__content`` (found
    by markup), credit line ``Penulis: X | Editor: Y`` at the end of the text."""
    origin = _origin(home)
    defaults: dict[str, Any] = {
        "family": "pikiran-rakyat",
        "article_url": r"^/[a-z0-9-]+/pr-\d+/[a-z0-9-]+/?$",
        "listing_url": r"^/(?:[a-z0-9-]+/?)?(?:\?page=\d+)?$",
        "feeds": (f"{origin}/rss",),
        "sitemaps": (f"{origin}/sitemap.xml",),
        "selectors": Selectors(
            date=".read__info__date",
            authors=".read__info__author a",
            section=".breadcrumb__item:last-child a",
            tags=".tag__article__item a",
        ),
    }
    return declare(name, home, site_name, **{**defaults, **fields})


def generic(name: str, home: str, site_name: str | None = None, **fields: Any) -> Portal:
    """A portal nobody has looked at: every usual place for sitemaps and feeds is tried
    (robots.txt ``Sitemap:`` lines, ``/sitemap_index.xml``, ``/wp-sitemap.xml``,
    ``/sitemap.xml``, ``/feed/``, ``/rss``; the missing ones cost one 404 each), any URL
    of the site ending in a long slug or holding an id is an article, and extraction
    takes the generic path (structured data, known markup families, trafilatura)."""
    origin = _origin(home)
    defaults: dict[str, Any] = {
        "family": "generic",
        "article_url": GENERIC_ARTICLE,
        "robots_sitemaps": True,
        "sitemaps": tuple(
            f"{origin}{path}" for path in ("/sitemap_index.xml", "/wp-sitemap.xml", "/sitemap.xml")
        ),
        "feeds": (f"{origin}/feed/", f"{origin}/rss"),
        "listings": (),
        "remove": COMMON_REMOVE,
    }
    return declare(name, home, site_name or _domain(home), **{**defaults, **fields})


FAMILY_BASES = {
    "wordpress": wordpress,
    "wordpress-newspaper": newspaper,
    "wordpress-jnews": jnews,
    "tribun": tribun,
    "pikiran-rakyat": pikiran_rakyat,
    "generic": generic,
}
"""Family name -> its base, for portals declared in the operator's portals file."""
