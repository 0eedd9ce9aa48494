"""Read an article page into a raw Article: structured data first, then portal selectors,
then a generic fallback. Nothing here cleans text or parses dates; it only gathers what
the page says, in order of trust. Each field is read by one module:

- ``url``: the page's URL, or its canonical link when that is an article URL of the
  page's portal (``structured``; whether it collides with another archived article is
  the crawl's to decide: ``crawler.canonical``)
- ``portal``: the declared portal's name, else the URL's host
- ``title``: the portal's title selector, else the page's headline (``title``)
- ``description``, ``modified_at``: the page's JSON-LD and meta tags (``structured``)
- ``section``: JSON-LD ``articleSection``, else ``article:section`` (``structured``),
  else the portal's selector
- ``authors``: JSON-LD persons (``structured``), else the portal's selector, else the
  ``author`` meta tag
- ``tags``: JSON-LD ``keywords``, else ``article:tag`` meta tags (``structured``), else
  the portal's selector
- ``image_url``: JSON-LD ``image``, else ``og:image`` (``structured``)
- ``editor``: the portal's editor selector, its ``Editor:`` label cut off
- ``language``: declared by the page, else guessed from the body (``language``)
- ``date_hints``: every date the page gives (``datehints``)
- ``body``, ``body_source``: the first body reader with text (``body``), prose-checked
  on a portal's page when a guess (``prose``)
- ``fetched_at``: given by the caller (no clock here)

A portal's selectors are read with ``text.first_text`` and ``text.all_text``.

The dates, the dateline and the counts come later (``crawler.extract.normalise``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.extract.body import read_body
from crawler.extract.charset import decode_page
from crawler.extract.datehints import add_htmldate, date_hints
from crawler.extract.language import declared_language, guess_language
from crawler.extract.scan import Scan
from crawler.extract.structured import (
    article_data,
    authors,
    canonical_link,
    date_modified,
    description,
    image,
    keywords,
    meta_tags,
    section,
)
from crawler.extract.text import all_text, first_text
from crawler.extract.title import headline
from crawler.items import Article
from crawler.portals import Portal

__all__ = ["read_page", "page_selector"]


def read_page(
    page: str | bytes | Selector,
    url: str,
    *,
    portal: Portal | None = None,
    fetched_at: str | None = None,
) -> Article:
    """Gather an article's raw fields from a page.

    ``page`` is the HTML (str or bytes) or an already parsed ``parsel.Selector`` (so that
    a Scrapy response's tree is reused). ``url`` is the real URL the page came from.
    The body keeps every line of the article container, boilerplate included: cleaning is
    the next stage's job. On a declared portal's page that the portal's own body rule
    finds nothing on, the generic readers' text is the body only when it reads as an
    article's prose (a video or gallery page has none: no body); ``body_source`` names
    the reader that found the body.
    """
    sel = page_selector(page)
    data = article_data(sel)
    meta = meta_tags(sel)
    scan = Scan(sel.root)
    selectors = portal.selectors if portal else None

    title = first_text(sel, selectors.title if selectors else None) or headline(
        sel, data, meta, url
    )
    canonical = canonical_link(sel)
    article = Article(
        url=url,
        portal=portal.name if portal else (urlsplit(url).hostname or ""),
        title=title or None,
        description=description(data, meta),
        fetched_at=fetched_at,
        language=declared_language(sel),  # guessed from the body below when not declared
    )
    # A canonical link is followed only to an article URL of the portal: one to its
    # home page or a section (a template's mistake) would make every such page one.
    if canonical and portal and portal.is_article(urljoin(url, canonical)):
        article.url = urljoin(url, canonical)

    article.section = (
        section(data)
        or meta.get("article:section")
        or first_text(sel, selectors.section if selectors else None)
        or None
    )
    article.authors = authors(data) or all_text(sel, selectors.authors if selectors else None)
    if not article.authors and meta.get("author"):
        article.authors = [meta["author"]]
    editor = first_text(sel, selectors.editor if selectors else None)
    article.editor = re.sub(r"^(editor|redaktur)\s*:\s*", "", editor, flags=re.I) or None
    article.tags = keywords(data) or meta.get_all("article:tag")
    if not article.tags and selectors and selectors.tags:
        article.tags = all_text(sel, selectors.tags)
    image_src = image(data) or meta.get("og:image")
    article.image_url = urljoin(url, image_src) if image_src else None

    article.date_hints = list(date_hints(sel, scan, data, meta, selectors, url))
    article.modified_at = date_modified(data)

    paragraphs, article.body_source = read_body(sel, scan, data, portal, url)
    article.body = "\n\n".join(paragraphs) or None
    if not article.language:
        article.language = guess_language(article.body)
    add_htmldate(article, sel, guess=portal is None)
    return article


def page_selector(page: str | bytes | Selector) -> Selector:
    """The page parsed as ``read_page`` parses it (bytes decoded as a browser would,
    checked against the bytes: ``crawler.extract.charset``); a Selector is returned as
    it is."""
    if isinstance(page, Selector):
        return page
    return Selector(text=page if isinstance(page, str) else decode_page(page))
