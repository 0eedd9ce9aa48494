"""Multi-page articles: the URL of the next page of the SAME article, or None.

Portals split long articles (``Halaman 1/2``, ``?page=2``, ``/read/<id>/<slug>/2``);
Kompas serves the whole text at ``?page=all``, which is preferred when linked. A
``rel=next`` link is only trusted when it stays on the same article: on WordPress
portals it points to the next *story* (kabar6, biem), and JNews' next/previous bar is
not paging either.

A crawl and ``arsip reextract`` put the pages back together with the same
``join_page``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from crawler.items import Article

MAX_ARTICLE_PAGES = 20
"""Pages followed for one article at most (a pager that loops stops here)."""

_NEXT_TEXT = re.compile(
    r"^(selanjutnya|berikutnya|next|halaman\s+(selanjutnya|berikutnya)|lanjut|[›»>]+|"
    r"next\s+page)\W*$",
    re.I,
)
_DIGIT = re.compile(r"\d")
_TRAILING_PAGE = re.compile(r"^(?P<base>.*?)/(?P<n>\d{1,2})/?$")


def _page_number(url: str) -> int:
    """The page a URL shows: ``?page=N`` / ``?hal=N`` / ``?p=N`` or 1 (``all`` is 0)."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() in {"page", "hal", "halaman"}:
            return 0 if value.lower() == "all" else int(value) if value.isdigit() else 1
    return 1


def _article_key(url: str, page_path: bool) -> str:
    """Host + path without the page marker: equal for every page of one article."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if page_path:
        match = _TRAILING_PAGE.match(path)
        path = match.group("base") if match else path
    return (parts.hostname or "").removeprefix("www.") + path


def _path_page(url: str) -> int | None:
    match = _TRAILING_PAGE.match(urlsplit(url).path.rstrip("/") or "/")
    return int(match.group("n")) if match else None


def is_further_page(url: str) -> bool:
    """Whether ``url`` shows page 2 or later of an article (``?page=N``, a trailing
    ``/N``): a page a crawl reaches only from the page before it, never as an article
    of its own."""
    return _page_number(url) > 1 or (_path_page(url) or 1) > 1


def all_pages_url(sel: Selector, url: str) -> str | None:
    """A linked ``?page=all`` view of this same article (Kompas), if any."""
    for href in sel.css("a::attr(href)").getall():
        if "all" not in href.lower():  # (cheap: most links name no page at all)
            continue
        target = urljoin(url, href.strip())
        if _page_number(target) == 0 and _article_key(target, False) == _article_key(url, False):
            return target
    return None


def next_page_url(sel: Selector, url: str) -> str | None:
    """The URL of the page after ``url`` in the same article, or None.

    Order: a ``?page=all`` link (whole article in one page); then a link to the same
    article path whose page number (``?page=N`` or a trailing ``/N``) is the current
    one + 1, whether found by ``rel=next``, by its text (``Selanjutnya``, ``»``) or by
    its number in a pager (``2``). Links to other articles never count."""
    if _page_number(url) == 0:
        return None  # already the whole article
    whole = all_pages_url(sel, url)
    if whole:
        return whole
    current_query = _page_number(url)
    current_path = _path_page(url)
    for link in sel.css("a[href], link[rel=next][href]"):
        href = link.attrib["href"]
        if not _DIGIT.search(href):  # page 2 and on are named by a number
            continue
        target = urljoin(url, href.strip())
        if target.split("#")[0] == url.split("#")[0]:
            continue
        # ?page=N on the same path
        if _article_key(target, False) == _article_key(url, False):
            if _page_number(target) == current_query + 1:
                return target
            continue
        # /read/<id>/<slug>/N: a trailing number on the same article path
        target_path = _path_page(target)
        if (
            target_path is not None
            and _article_key(target, True) == _article_key(url, True)
            and target_path == (current_path or 1) + 1
            and (current_path is not None or _looks_next(link))
        ):
            return target
    return None


def _looks_next(link: Selector) -> bool:
    text = " ".join(link.css("::text").getall()).strip()
    rel = (link.attrib.get("rel") or "").lower()
    return "next" in rel or bool(_NEXT_TEXT.match(text)) or text.isdigit()


def join_page(article: Article | None, page: Article, url: str) -> Article:
    """The article read so far (None before its first page) with its next page added:
    ``page`` is the raw Article ``read_page`` gave for the page fetched from ``url``.

    A ``?page=all`` view replaces what the pages before it gave (it is the whole
    article), keeping the article's URL; any other page adds its body after the text so
    far, paragraphs separated by a blank line. Neither argument is changed."""
    if article is None:
        return page
    if "page=all" in url:
        return replace(page, url=article.url)
    if page.body:
        return replace(article, body="\n\n".join(b for b in (article.body, page.body) if b))
    return article
