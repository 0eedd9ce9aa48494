"""Read an article page into a raw Article: structured data first, then portal selectors,
then a generic fallback. Nothing here cleans text or parses dates; it only gathers what
the page says, in order of trust.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawler.items import Article
from crawler.portals import Portal

logger = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "WebPage",  # last resort: some portals type their articles as WebPage
}

# Block-level tags: text on either side of them belongs to different paragraphs.
BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "aside", "main", "nav",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "pre", "table", "tr", "td", "th", "figure", "figcaption", "form",
    "address", "hr", "center",
}  # fmt: skip
SKIP_TAGS = {"script", "style", "noscript", "iframe", "template", "svg", "button", "select"}
_SPACE = re.compile(r"\s+")
_URL_DATE = re.compile(r"/(20\d\d|19\d\d)/(\d{1,2})/(\d{1,2})/")


def fold(text: str | None) -> str:
    """Whitespace folded to single spaces, ends stripped; non-breaking spaces too."""
    return _SPACE.sub(" ", (text or "").replace("\xa0", " ")).strip()


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
    the next stage's job.
    """
    sel = page if isinstance(page, Selector) else Selector(text=_as_text(page))
    data = _structured_article(sel)
    meta = _meta(sel)
    selectors = portal.selectors if portal else None

    title = (
        _first_text(sel, selectors.title if selectors else None)
        or fold(data.get("headline"))
        or meta.get("og:title")
        or fold(sel.css("title::text").get())
    )
    canonical = sel.css('link[rel="canonical"]::attr(href)').get()
    article = Article(
        url=url,
        portal=portal.name if portal else (urlsplit(url).hostname or ""),
        title=title or None,
        description=fold(data.get("description")) or meta.get("og:description") or None,
        fetched_at=fetched_at,
    )
    if canonical and portal and portal.owns(urljoin(url, canonical)):
        article.url = urljoin(url, canonical)

    article.section = (
        _section(data)
        or meta.get("article:section")
        or _first_text(sel, selectors.section if selectors else None)
        or None
    )
    article.authors = _authors(data) or _all_text(sel, selectors.authors if selectors else None)
    if not article.authors and meta.get("author"):
        article.authors = [meta["author"]]
    editor = _first_text(sel, selectors.editor if selectors else None)
    article.editor = re.sub(r"^(editor|redaktur)\s*:\s*", "", editor, flags=re.I) or None
    article.tags = _keywords(data) or meta.get_all("article:tag")
    if not article.tags and selectors and selectors.tags:
        article.tags = _all_text(sel, selectors.tags)
    image = _image(data) or meta.get("og:image")
    article.image_url = urljoin(url, image) if image else None

    article.date_hints = list(_date_hints(sel, data, meta, selectors, url))
    if data.get("dateModified"):
        article.modified_at = str(data["dateModified"])

    paragraphs = _body_paragraphs(sel, portal)
    if not paragraphs:
        paragraphs = _fallback_paragraphs(sel, url)
    article.body = "\n\n".join(paragraphs) or None
    return article


def _as_text(page: str | bytes) -> str:
    if isinstance(page, str):
        return page
    # Scrapy gives decoded text; for raw bytes honour a meta charset, else UTF-8.
    head = page[:2048].decode("ascii", "ignore")
    match = re.search(r"charset=[\"']?([\w-]+)", head, re.I)
    encoding = match.group(1) if match else "utf-8"
    try:
        return page.decode(encoding, "replace")
    except LookupError:
        return page.decode("utf-8", "replace")


# -- structured data ----------------------------------------------------------------


def _json_ld_objects(sel: Selector) -> Iterator[dict[str, Any]]:
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            logger.debug("unreadable JSON-LD block skipped")
            continue
        yield from _walk(data)


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _walk(entry)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk(data["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", ())
    return {kind} if isinstance(kind, str) else set(kind)


def _structured_article(sel: Selector) -> dict[str, Any]:
    best: dict[str, Any] = {}
    for obj in _json_ld_objects(sel):
        kinds = _types(obj) & ARTICLE_TYPES
        if not kinds:
            continue
        if kinds != {"WebPage"}:
            return obj
        best = best or obj
    return best


def _section(data: dict[str, Any]) -> str | None:
    section = data.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    return fold(section) or None


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [name for entry in value for name in _names(entry)]
    if isinstance(value, dict):
        # "Redaksi X" as an Organization is the newsroom, not an author.
        if "Organization" in _types(value):
            return []
        return _names(value.get("name"))
    if isinstance(value, str) and fold(value):
        return [fold(value)]
    return []


def _authors(data: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(_names(data.get("author"))))


def _keywords(data: dict[str, Any]) -> list[str]:
    keywords = data.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if not isinstance(keywords, list):
        return []
    return [fold(k) for k in keywords if isinstance(k, str) and fold(k)]


def _image(data: dict[str, Any]) -> str | None:
    image = data.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    return image if isinstance(image, str) else None


class _Meta(dict):
    """First value per meta name/property, plus every value through ``get_all``."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        super().__init__()
        self._all: dict[str, list[str]] = {}
        for key, value in pairs:
            self._all.setdefault(key, []).append(value)
            self.setdefault(key, value)

    def get_all(self, key: str) -> list[str]:
        return list(self._all.get(key, []))


def _meta(sel: Selector) -> _Meta:
    pairs = []
    for node in sel.css("meta"):
        key = node.attrib.get("property") or node.attrib.get("name") or node.attrib.get("itemprop")
        value = fold(node.attrib.get("content"))
        if key and value:
            pairs.append((key.lower(), value))
    return _Meta(pairs)


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


def _date_hints(
    sel: Selector, data: dict[str, Any], meta: _Meta, selectors: Any, url: str
) -> Iterator[tuple[str, str]]:
    if data.get("datePublished"):
        yield "jsonld", str(data["datePublished"])
    for name in META_DATE_NAMES:
        if meta.get(name):
            yield "meta", meta[name]
    for value in sel.css("time::attr(datetime)").getall()[:2]:
        if fold(value):
            yield "time", fold(value)
    if selectors and selectors.date:
        text = _first_text(sel, selectors.date)
        if text:
            yield "text", text
    match = _URL_DATE.search(urlsplit(url).path)
    if match:
        yield "url", "-".join(match.groups())


# -- text ---------------------------------------------------------------------------


def _first_text(sel: Selector, css: str | None) -> str:
    if not css:
        return ""
    for node in sel.css(css):
        text = fold(" ".join(node.css("::text").getall()))
        if text:
            return text
    return ""


def _all_text(sel: Selector, css: str | None) -> list[str]:
    if not css:
        return []
    texts = (fold(" ".join(node.css("::text").getall())) for node in sel.css(css))
    return list(dict.fromkeys(t for t in texts if t))


def _body_paragraphs(sel: Selector, portal: Portal | None) -> list[str]:
    if not portal or not portal.selectors.body:
        return []
    nodes = sel.css(portal.selectors.body)
    if not nodes:
        return []
    # Elements, not their id()s: lxml proxies are rebuilt on access, ids get reused.
    dropped = {n.root for css in portal.remove for n in nodes[0].css(css)}
    return block_lines(nodes[0].root, skip=dropped)


def block_lines(root: etree._Element, skip: Collection[etree._Element] = ()) -> list[str]:
    """The text of an element as a browser would lay it out: one line per block (and per
    ``<br>``), whitespace folded, empty lines dropped."""
    lines: list[str] = []
    current: list[str] = []

    def newline() -> None:
        text = fold("".join(current))
        if text:
            lines.append(text)
        current.clear()

    def visit(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in SKIP_TAGS or node in skip:
            if node.tail:
                current.append(node.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            newline()
        if tag == "br":
            newline()
        if node.text:
            current.append(node.text)
        for child in node:
            visit(child)
        if block:
            newline()
        if node.tail:
            current.append(node.tail)

    # The root's own tail lies outside the element.
    tail, root.tail = root.tail, None
    try:
        visit(root)
    finally:
        root.tail = tail
    newline()
    return lines


def _fallback_paragraphs(sel: Selector, url: str) -> list[str]:
    """Generic main-text extraction for pages no selector fits (trafilatura)."""
    import trafilatura

    html = sel.get()
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, deduplicate=False
    )
    if not text:
        return []
    return [fold(line) for line in text.splitlines() if fold(line)]
