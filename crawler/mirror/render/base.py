"""What every sample portal site shares, whatever its markup family: its articles
(``crawler/mirror/sites/<name>/articles.json``), Indonesian date lines, the article
text with the boilerplate its data lists placed where a real page shows it, listings
with paging, sitemaps, feeds and robots.txt.

A family renderer (``wordpress``, ``tribun``, ``pikiran_rakyat``, ``custom``) subclasses
``PortalSite`` and writes only its own markup: URL scheme, page layout, article page,
the pages its feeds and sitemaps lead to. What the portal's declaration says (its
host names, home page, site name, the sitemaps and feeds it is crawled from) is read
from the ``Portal``, never restated here. ``PortalSite.build()`` renders every page once
into a ``Site`` the mirror serves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.mirror.server import Page, Site
from crawler.portals import Portal, get_portal

DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember",
]  # fmt: skip
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

Article = dict[str, Any]
"""One entry of ``articles.json`` (fields in ``sites/tangselpos/README.md``)."""


def origin(url: str) -> str:
    """``https://www.bantennews.co.id/`` -> ``https://www.bantennews.co.id``"""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def declared_path(url: str) -> str:
    """The path (and query) the mirror serves a declared URL at."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def site_hosts(portal: Portal) -> tuple[str, ...]:
    """The host names a portal's sample site answers for: its home page's host first,
    then each of its domains, bare and with ``www.`` (all hosts the portal owns)."""
    hosts = [(urlsplit(portal.home).hostname or "").lower()]
    for domain in portal.domains:
        hosts += [domain, f"www.{domain}"]
    return tuple(dict.fromkeys(hosts))


def load_site_articles(name: str, path: str | Path | None = None) -> list[Article]:
    """The articles of sample site ``name``, newest first."""
    source = Path(path) if path else files("crawler.mirror") / f"sites/{name}/articles.json"
    articles = json.loads(source.read_text(encoding="utf-8"))
    return sorted(articles, key=lambda a: a["published"], reverse=True)


def slugify(text: str) -> str:
    """``Kota Tangerang`` -> ``kota-tangerang``"""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def published(article: Article) -> datetime:
    return datetime.fromisoformat(article["published"])


def lastmod(article: Article) -> str:
    """The article's sitemap ``lastmod``: its last edit (``modified``) when it has one,
    else its publication."""
    return article.get("modified") or article["published"]


def indonesian_date(
    when: datetime,
    *,
    weekday: bool = True,
    time_sep: str | None = " | ",
    zone: str | None = "WIB",
    date_sep: str = " ",
) -> str:
    """Date lines as portals print them: ``Selasa, 16 September 2025 | 09:12 WIB``
    (the defaults); ``time_sep=None`` prints the day only; ``zone=None`` no zone."""
    text = f"{when.day}{date_sep}{MONTHS[when.month - 1]}{date_sep}{when.year}"
    if weekday:
        text = f"{DAYS[when.weekday()]}, {text}"
    if time_sep is not None:
        text += f"{time_sep}{when:%H:%M}" + (f" {zone}" if zone else "")
    return text


def json_ld_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def news_article_ld(
    article: Article, url: str, image: str, publisher: str, kind: str = "NewsArticle"
) -> dict[str, Any]:
    """A schema.org article object for ``article`` (no ``@context``)."""
    return {
        "@type": kind,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article["title"],
        "image": [image],
        "datePublished": article["published"],
        "dateModified": article["published"],
        "articleSection": article["section"],
        "keywords": ", ".join(article.get("tags") or []),
        "author": (
            [{"@type": "Person", "name": article["author"]}]
            if article.get("author")
            else {"@type": "Organization", "name": f"Redaksi {publisher}"}
        ),
        "publisher": {"@type": "Organization", "name": publisher},
    }


def dateline_prefix(article: Article) -> str:
    """The exact text opening the first paragraph: ``dateline_prefix`` when given, else
    ``PLACE - `` for a dateline, else nothing."""
    if article.get("dateline_prefix"):
        return article["dateline_prefix"]
    return f"{article['dateline']} - " if article.get("dateline") else ""


def insert_kind(text: str) -> str:
    """What a boilerplate line is: ``read-also``, ``ad``, ``credit``, ``caption``
    (ends in an ``(@Outlet / Name)`` credit) or ``note`` (follow calls,
    republication notes)."""
    lowered = text.lower().lstrip("*")
    if lowered.startswith(("baca", "lihat", "pilihan")):
        return "read-also"
    if text.isupper():
        return "ad"
    if re.match(r"^(penulis|reporter|editor|pewarta)\s*:", lowered):
        return "credit"
    if re.search(r"\(@[^)]+\)$", text) and not text.startswith("("):
        return "caption"
    return "note"


def body_pages(
    article: Article,
    insert_html: Callable[[str], str],
    paragraph_html: Callable[[str], str] = lambda text: f"<p>{text}</p>",
    trailer: list[str] | None = None,
) -> list[list[str]]:
    """The article text as HTML blocks, one list per page of the article (``pages``
    lists the paragraph indices where a new page starts... after: ``[7]`` = page 2
    opens with paragraph 8). The dateline prefix opens the first paragraph, the sign-off
    ends the last, each insert sits after the paragraph its ``after`` names (rendered
    by ``insert_html``; ``after: 0`` puts it before the first paragraph, as a photo's
    caption stands above the lead), or, ``glued``, at the end of that paragraph's own
    text (``...(15/7/2017).**Baca Juga: <title>``); ``trailer`` blocks (credit lines)
    close the last page."""
    texts = [escape(p) for p in article["paragraphs"]]
    prefix = dateline_prefix(article)
    if prefix:
        texts[0] = f"<strong>{escape(prefix)}</strong>{texts[0]}"
    if article.get("signoff"):
        texts[-1] += escape(article["signoff"])
    after: dict[int, list[str]] = {}
    for insert in article.get("inserts") or []:
        position = min(insert["after"], len(texts))
        if insert.get("glued"):
            texts[max(position, 1) - 1] += escape(insert["text"])
        else:
            after.setdefault(position, []).append(insert_html(insert["text"]))
    breaks = set(article.get("pages") or [])
    pages: list[list[str]] = [list(after.get(0, []))]
    for index, text in enumerate(texts):
        if index in breaks:
            pages.append([])
        pages[-1].append(paragraph_html(text))
        pages[-1].extend(after.get(index + 1, []))
    pages[-1].extend(trailer or [])
    return pages


def has_credit(article: Article, role: str) -> bool:
    """Whether the article's inserts already print a ``role:`` credit line."""
    return any(re.search(rf"\b{role}\s*:", i["text"], re.I) for i in article.get("inserts") or [])


def urlset(entries: list[tuple[str, str]], news: str | None = None) -> bytes:
    """A sitemap of (URL, lastmod) entries; ``news`` (the publication name) adds the
    Google News extension."""
    namespace = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    rows = []
    for loc, lastmod in entries:
        extra = (
            f"<news:news><news:publication><news:name>{escape(news)}</news:name>"
            f"<news:language>id</news:language></news:publication>"
            f"<news:publication_date>{lastmod}</news:publication_date></news:news>"
            if news
            else ""
        )
        rows.append(f"<url><loc>{escape(loc)}</loc><lastmod>{lastmod}</lastmod>{extra}</url>\n")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{namespace}>\n'
        + "".join(rows)
        + "</urlset>\n"
    ).encode()


def sitemap_index(locations: list[str] | list[tuple[str, str]]) -> bytes:
    """A sitemap index of child sitemap URLs, or of (URL, lastmod) pairs: the child's
    ``<lastmod>``, as Yoast prints it (the newest ``lastmod`` inside the child)."""
    rows = []
    for location in locations:
        loc, lastmod = (location, None) if isinstance(location, str) else location
        stamp = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        rows.append(f"<sitemap><loc>{escape(loc)}</loc>{stamp}</sitemap>\n")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{''.join(rows)}</sitemapindex>\n"
    ).encode()


def paged_sitemaps(
    entries: list[tuple[str, str]], size: int, url: Callable[[int], str]
) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    """A large urlset split as WordPress SEO plugins do (Yoast's ``post-sitemap.xml``,
    ``post-sitemap2.xml``...): ``entries`` (URL, lastmod), oldest first, ``size`` per
    child; ``url(n)`` is child ``n``'s absolute URL (1-based). Returns the index rows
    (child URL, its newest lastmod) and the children by URL. New posts only ever
    change the last child (or open a new one), so the older children keep their
    lastmod from one day to the next."""
    rows: list[tuple[str, str]] = []
    pages: dict[str, bytes] = {}
    for number, start in enumerate(range(0, len(entries), size), start=1):
        chunk = entries[start : start + size]
        newest = max(chunk, key=lambda entry: datetime.fromisoformat(entry[1]))
        rows.append((url(number), newest[1]))
        pages[url(number)] = urlset(chunk)
    return rows, pages


def rss(title: str, link: str, items: list[tuple[str, str, datetime]]) -> bytes:
    """An RSS 2.0 feed of (title, link, publication time) items."""
    rows = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link>"
        f"<guid>{escape(u)}</guid><pubDate>{when:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>\n"
        for t, u, when in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>\n"
        f"<language>id</language>\n{rows}</channel></rss>\n"
    ).encode()


class PortalSite:
    """A sample portal: subclasses write the markup; names, hosts and the discovery
    URLs come from the portal's declaration (``portal``)."""

    name: str
    """Directory under ``crawler/mirror/sites/`` (also the portal's name)."""
    per_page = 3
    """Articles per listing page (small, so that the samples have paging)."""

    def __init__(self, articles: list[Article] | None = None, portal: Portal | None = None):
        self.portal = portal or get_portal(self.name)
        self.name = self.portal.name
        self.hosts = site_hosts(self.portal)
        self.base = origin(self.portal.home)
        """Scheme and host of the real site, ``https://www.bantennews.co.id``."""
        self.site_name = self.portal.site_name
        self.articles = load_site_articles(self.name) if articles is None else articles
        self.listed = [a for a in self.articles if a.get("listed", True)]
        """The articles the listings, feed and sidebars show: ``"listed": false`` leaves
        an old article to the sitemaps alone (on the real site it lies hundreds of
        listing pages deep, and no feed has it)."""
        self.sections = list(dict.fromkeys(a["section"] for a in self.listed))

    @property
    def sitemap_path(self) -> str:
        """Where the portal's (first) declared sitemap is served."""
        return declared_path(self.portal.sitemaps[0])

    @property
    def feed_path(self) -> str:
        """Where the portal's (first) declared feed is served."""
        return declared_path(self.portal.feeds[0])

    # -- URLs ------------------------------------------------------------------------

    def article_path(self, article: Article) -> str:
        raise NotImplementedError

    def url(self, article: Article) -> str:
        return self.base + self.article_path(article)

    def section_path(self, section: str) -> str:
        return f"/{slugify(section)}"

    def listing_target(self, path: str, page: int) -> str:
        """Page ``page`` of the listing at ``path``: ``?page=N`` by default."""
        return path if page == 1 else f"{path}?page={page}"

    def image_url(self, article: Article) -> str:
        when = published(article)
        return f"{self.base}/uploads/{when:%Y/%m}/{article['slug'][:40]}.jpg"

    # -- pages -----------------------------------------------------------------------

    def layout(self, title: str, head: str, main: str) -> bytes:
        raise NotImplementedError

    def article_pages(self, article: Article) -> dict[str, bytes]:
        """Path -> page for the article (more than one for a multi-page article)."""
        raise NotImplementedError

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """The stories before and after ``article`` (what ``rel=prev/next`` and
        next/previous bars link on many CMSs)."""
        index = self.articles.index(article)
        older = self.articles[index + 1] if index + 1 < len(self.articles) else None
        newer = self.articles[index - 1] if index > 0 else None
        return newer, older

    def card(self, article: Article) -> str:
        return (
            f'<div class="card"><a class="card-title" href="{self.article_path(article)}">'
            f'{escape(article["title"])}</a> <span class="card-date">'
            f"{indonesian_date(published(article))}</span></div>"
        )

    def listing(self, title: str, path: str, chosen: list[Article], page: int) -> bytes:
        pages = max(1, -(-len(chosen) // self.per_page))
        shown = chosen[(page - 1) * self.per_page : page * self.per_page]
        links = []
        if page > 1:
            links.append(f'<a rel="prev" href="{self.listing_target(path, page - 1)}">&laquo;</a>')
        if page < pages:
            links.append(f'<a rel="next" href="{self.listing_target(path, page + 1)}">&raquo;</a>')
        main = (
            f'<h1 class="listing-title">{escape(title)}</h1>\n'
            + "\n".join(self.card(a) for a in shown)
            + f'\n<div class="pagination">{" ".join(links)}</div>'
        )
        return self.layout(f"{title} - {self.site_name}", "", main)

    def listings(self) -> dict[str, bytes]:
        chosen = [("Berita Terbaru", "/", self.listed)] + [
            (s, self.section_path(s), [a for a in self.listed if a["section"] == s])
            for s in self.sections
        ]
        pages: dict[str, bytes] = {}
        for title, path, articles in chosen:
            for page in range(1, max(1, -(-len(articles) // self.per_page)) + 1):
                pages[self.listing_target(path, page)] = self.listing(title, path, articles, page)
        return pages

    def discovery(self) -> dict[str, Page]:
        """Sitemaps and feeds by path (default: the declared sitemap, one urlset)."""
        entries = [(self.url(a), lastmod(a)) for a in self.articles]
        return {self.sitemap_path: Page(urlset(entries), XML)}

    def feed(self) -> dict[str, Page]:
        """The declared feed: every article, newest first."""
        items = [(a["title"], self.url(a), published(a)) for a in self.listed]
        return {self.feed_path: Page(rss(self.site_name, self.base + "/", items), RSS)}

    def robots(self) -> str:
        """robots.txt, announcing the declared sitemaps in ``Sitemap:`` lines."""
        lines = ["User-agent: *", "Disallow: /search"]
        lines += [f"Sitemap: {self.base}{declared_path(url)}" for url in self.portal.sitemaps]
        return "\n".join(lines) + "\n"

    def build(self, hosts: tuple[str, ...] | None = None) -> Site:
        """Every page of the site, rendered once (``hosts`` serves it under other host
        names, as a portal nobody declared)."""
        pages: dict[str, Page] = {"/robots.txt": Page(self.robots().encode(), TEXT)}
        pages.update(self.discovery())
        pages.update({path: Page(body) for path, body in self.listings().items()})
        for article in self.articles:
            pages.update({path: Page(body) for path, body in self.article_pages(article).items()})
        return Site(hosts=hosts or self.hosts, pages=pages)


def html_page(title: str, head: str, body: str, lang: str = "id") -> bytes:
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{head}
</head>
<body>
{body}
</body>
</html>
""".encode()


def og_head(article: Article, url: str, image: str, site_name: str) -> list[str]:
    """The head tags every family prints: canonical, description, OpenGraph."""
    return [
        f'<link rel="canonical" href="{url}">',
        f'<meta name="description" content="{escape(article["paragraphs"][0][:150])}">',
        f'<meta property="og:site_name" content="{escape(site_name)}">',
        f'<meta property="og:title" content="{escape(article["title"])}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:image" content="{image}">',
    ]
