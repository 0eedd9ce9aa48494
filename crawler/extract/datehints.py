"""``Article.date_hints``: every date the page gives for its publication, as
``(source, raw text)`` in order of trust, for normalisation to choose from and parse:
JSON-LD ``datePublished`` (``jsonld``), date meta tags (``meta``), ``<time datetime>``
(``time``), the portal's date selector and date-like lines of the page (``text``, or
``byline`` for the first line under the headline), the URL's ``/YYYY/MM/DD/``
(``url``); and, where those are weak, htmldate's answer (``htmldate``) or the page's
first line naming a full day. Nothing here parses a date for the Article: the
published date is ``crawler.extract.normalise``'s choice.

A ``("sitemap", lastmod)`` hint, added by whoever knows the sitemap entry the page came
from, is evidence of the article's day and never its publication date: with the URL's
day and the page's modification time it anchors a year-less date (``Minggu (14/06)``,
``crawler.extract.normalise.evidence_anchor``).

The days in the paths of the page's images (``image``: ``/2016/02/16/`` or
``/2016/02/``) are evidence only, never the publication date: a date read from a line
of the page that lies years after every day the page's URL, images and structured
data show is some other day (``plausible``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawler.extract.scan import Scan
from crawler.extract.structured import Meta
from crawler.extract.text import first_text, fold
from crawler.items import Article

logger = logging.getLogger(__name__)

_URL_DATE = re.compile(r"/(20\d\d|19\d\d)/(\d{1,2})/(\d{1,2})/")


# Names used by Indonesian portals for the publication time in meta tags.
META_DATE_NAMES = (
    "article:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "content_publishedtime",
    "dtk:publishdate",
    "og:published_time",
    "date",
)


def date_hints(
    sel: Selector, scan: Scan, data: dict[str, Any], meta: Meta, selectors: Any, url: str
) -> Iterator[tuple[str, str]]:
    """The page's own date hints (``data``: its JSON-LD article; ``selectors``: the
    portal's, or None), before ``add_htmldate`` adds to them."""
    if data.get("datePublished"):
        yield "jsonld", str(data["datePublished"])
    for name in META_DATE_NAMES:
        if meta.get(name):
            yield "meta", meta[name]
    for value in sel.css("time::attr(datetime)").getall()[:2]:
        if fold(value):
            yield "time", fold(value)
    if selectors and selectors.date:
        text = first_text(sel, selectors.date)
        if text:
            yield "text", text
    url_day = _URL_DATE.search(urlsplit(url).path)
    for text, under_headline in _date_lines(scan):
        yield ("byline" if under_headline else "text"), text
    if url_day:
        yield "url", "-".join(url_day.groups())
    for day in _image_days(sel):
        yield "image", day


EVIDENCE_ONLY = frozenset({"image", "sitemap"})
"""Hint sources that are evidence about the page's time, never its publication date."""

_IMAGE_SOURCES = etree.XPath("//meta[@property='og:image']/@content | //img/@src | //img/@data-src")
_PATH_DAY = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(?:(0[1-9]|[12]\d|3[01])/)?")
_IMAGES_READ = 40


def _image_days(sel: Selector) -> Iterator[str]:
    """The days (``YYYY-MM-DD``; the 28th for a month alone) in the paths of the page's
    first images, each once: where a CMS files an upload, so near the page's time."""
    seen: set[str] = set()
    for src in _IMAGE_SOURCES(sel.root)[:_IMAGES_READ]:
        match = _PATH_DAY.search(urlsplit(str(src)).path)
        if match:
            year, month, day = match.groups()
            found = f"{year}-{month}-{day or '28'}"
            if found not in seen:
                seen.add(found)
                yield found


PLAUSIBLE_DAYS = 3 * 366
"""How far (days) a date read from the page's lines may lie after the latest day of the
page's other evidence, or before the earliest day of its URL and structured data.
Three years: an article may reuse an upload a year or two old (measured on the
development sets: 400 days lost two right dates), but not one of eleven years ago."""


def plausible(day: date, evidence: list[date], strong: list[date]) -> bool:
    """Whether ``day`` (a publication day read from a page line, htmldate or the body)
    fits the page's other evidence: not more than ``PLAUSIBLE_DAYS`` after the latest
    of ``evidence`` (the URL's day, the images' days, the structured dates, the
    modification day), nor that long before the earliest of ``strong`` (the URL's day
    and the structured dates). A page without evidence accepts any day."""
    if evidence and (day - max(evidence)).days > PLAUSIBLE_DAYS:
        return False
    return not (strong and (min(strong) - day).days > PLAUSIBLE_DAYS)


_UPDATED = re.compile(r"\b(updated|diperbarui|pembaruan|last modified|modified)\b", re.I)


def _date_lines(scan: Scan, limit: int = 3) -> Iterator[tuple[str, bool]]:
    """Short texts of date-like elements, those after the first ``<h1>`` first (the
    article's own line sits under its headline; sidebars list other days), each with
    whether it is the first line under the headline (the date the reader sees)."""
    h1_at = scan.h1_at
    after = [n for i, n in scan.date_nodes if h1_at is not None and i > h1_at]
    before = [n for i, n in scan.date_nodes if h1_at is None or i <= h1_at]
    seen: set[str] = set()
    for position, node in enumerate(after + before):
        text = fold(" ".join(node.itertext()))
        if _UPDATED.search(text):
            continue  # a modification time, not the publication
        if 6 <= len(text) <= 80 and any(ch.isdigit() for ch in text) and text not in seen:
            yield text, not seen and position < len(after)
            seen.add(text)
            if len(seen) >= limit:
                return


_STRUCTURED_SOURCES = ("jsonld", "meta", "time", "url")


def add_htmldate(article: Article, sel: Selector, *, guess: bool) -> None:
    """Ask htmldate (trafilatura's date finder) only where arsip's own reading is weak.

    - No date arsip reads at all: htmldate's answer is the last hint.
    - No structured date (JSON-LD, meta, ``<time>``, URL) on a page not in Indonesian:
      arsip's own hints are then date-like page lines, which on such pages are as often
      a sidebar's or a comment's; htmldate's search of the whole page is right more often
      (measured on the development sets), so its answer goes before those lines.
      Indonesian date lines stay first: arsip's parser reads them, htmldate does not.

    - Still no date on a page of no declared portal (``guess``): the page's first short
      line naming a full day. A declared portal's page without a date is a template
      change that ``arsip health`` must see, not paper over."""
    from crawler.extract.dates import parse_date

    hints = article.date_hints
    usable = [source for source, raw in hints if source not in EVIDENCE_ONLY and parse_date(raw)]
    if any(source in _STRUCTURED_SOURCES for source in usable):
        return
    if usable and article.language == "id":
        return
    if not usable and article.body and _body_date(article.body):
        return
    found = _htmldate(sel, article.url, extensive=False)
    if found:
        hints.insert(0, ("htmldate", found))
    elif not usable and guess:
        # Instead of htmldate's extensive search (a regex pass over the whole page
        # source, then dateparser: ~60 ms a page, as much as the rest of arsip), the
        # page's first short line naming a full day, read by arsip's own parser.
        line = _page_date_line(sel)
        if line:
            hints.append(("text", line))


# Text nodes after the first <h1> (the article's date line sits under its headline),
# then those before it; scripts and styles are no text.
_AFTER_H1 = etree.XPath("(//h1)[1]/following::text()[not(ancestor::script or ancestor::style)]")
_ALL_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
_DATE_LINE_SCAN = 3000
"""Text nodes read at most by the page date-line search: a bound on its cost."""


def _page_date_line(sel: Selector) -> str | None:
    """The first short text of the page naming a full day (``Dec 26, 2025``), those
    under the first ``<h1>`` first; None when there is none."""
    from crawler.extract.dates import is_date_line

    for path in (_AFTER_H1, _ALL_TEXT):
        for text in path(sel.root)[:_DATE_LINE_SCAN]:
            if any(ch.isdigit() for ch in text) and is_date_line(text):
                return fold(text)
    return None


def _body_date(body: str) -> bool:
    from crawler.extract.dates import find_body_date

    return find_body_date(body) is not None


def _htmldate(sel: Selector, url: str, *, extensive: bool) -> str | None:
    """htmldate's search for the original (not updated) date, ``YYYY-MM-DD``."""
    from htmldate import find_date

    try:
        return find_date(sel.root, url=url, extensive_search=extensive, original_date=True)
    except Exception:  # a third-party heuristic must not cost the article
        logger.debug("htmldate failed on %s", url, exc_info=True)
        return None
