"""Read an article page into a raw Article: structured data first, then portal selectors,
then a generic fallback. Nothing here cleans text or parses dates; it only gathers what
the page says, in order of trust.
"""

from __future__ import annotations

import copy
import html
import json
import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawler.extract.families import COMMON_REMOVE, FAMILIES, MIN_BODY_CHARS, Family
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
    the next stage's job. On a declared portal's page that the portal's own body rule
    finds nothing on, the generic readers' text is the body only when it reads as an
    article's prose (a video or gallery page has none: no body); ``body_source`` names
    the reader that found the body.
    """
    sel = page_selector(page)
    data = _structured_article(sel)
    meta = _meta(sel)
    scan = _Scan(sel.root)
    selectors = portal.selectors if portal else None

    title = _first_text(sel, selectors.title if selectors else None) or headline(
        sel, data, meta, url
    )
    canonical = sel.css('link[rel="canonical"]::attr(href)').get()
    article = Article(
        url=url,
        portal=portal.name if portal else (urlsplit(url).hostname or ""),
        title=title or None,
        description=fold(data.get("description")) or meta.get("og:description") or None,
        fetched_at=fetched_at,
        language=_language(sel),  # guessed from the body below when not declared
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

    article.date_hints = list(_date_hints(sel, scan, data, meta, selectors, url))
    if data.get("dateModified"):
        article.modified_at = str(data["dateModified"])

    paragraphs, article.body_source = _read_body(sel, scan, data, portal, url)
    article.body = "\n\n".join(paragraphs) or None
    if not article.language:
        article.language = guess_language(article.body)
    _add_htmldate(article, sel, guess=portal is None)
    return article


_STRUCTURED_SOURCES = ("jsonld", "meta", "time", "url")


def _add_htmldate(article: Article, sel: Selector, *, guess: bool) -> None:
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
    usable = [source for source, raw in hints if parse_date(raw)]
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


# -- headline -----------------------------------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+[-–—|:·•»]\s+")


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _site_keys(sel: Selector, meta: _Meta, url: str) -> tuple[tuple[str, ...], str]:
    """The letters of the names the page gives its site (og:site_name,
    application-name, the JSON-LD publisher) and of the host's registered name."""
    labels = (urlsplit(url).hostname or "").lower().split(".")
    # The registered name: "regional.kompas.com" -> "kompas", "x.pikiran-rakyat.com"
    # -> "pikiranrakyat", "gdevelop.io" -> "gdevelop" (the top-level label always goes,
    # then second-level ones like co.id).
    if len(labels) > 1:
        labels.pop()
    while len(labels) > 1 and labels[-1] in _SUFFIXES:
        labels.pop()
    names = (meta.get("og:site_name"), meta.get("application-name"))
    sites = tuple(dict.fromkeys(k for k in map(_letters, filter(None, names)) if k))
    return sites, _letters(labels[-1]) if labels[-1] != "www" else ""


TAIL_LABEL_WORDS = 3
"""A trailing title segment of at most this many words after a headline of 5 or more
words is a label of the page, not part of the headline."""

_SUFFIXES = {"com", "co", "id", "net", "org", "or", "go", "ac", "web", "my", "news", "uk", "us"}


def _is_site_like(text: str, sites: Collection[str], host: str) -> bool:
    key = _letters(text)
    if not key:
        return True
    if any(key == site or key in site for site in sites):
        return True
    if not host or len(text.split()) > 4:
        return False
    # "Kompas.com", "KOMPAS.com Regional", "Okezone": the site's name, maybe + a
    # section; "DianaHR" on getdianahr.com: the name inside the host's letters.
    return key.startswith(host) or (len(key) >= 5 and key in host)


def strip_site_name(title: str, sites: Collection[str], host: str) -> str:
    """``Judul Berita - Kompas.com Regional`` -> ``Judul Berita``: leading or trailing
    segments that name the site (its declared names or the host's) are dropped."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)

    def site_like(part: str) -> bool:
        return _is_site_like(part, sites, host)

    start, end = 0, len(parts)
    while end - start > 1 and site_like(parts[end - 1]):
        end -= 1
    while end - start > 1 and site_like(parts[start]):
        start += 1
    # Then short labels trailing a full headline: a section, a format, a teaser
    # (``Headline | Opinion``, ``Headline | Patient Education``, ``Headline - Infographic``).
    while (
        end - start > 1
        and len(parts[end - 1].split()) <= TAIL_LABEL_WORDS
        and len(" ".join(parts[start : end - 1]).split()) >= 5
    ):
        end -= 1
    kept = parts[start]
    for sep, part in zip(seps[start : end - 1], parts[start + 1 : end], strict=True):
        kept += sep + part
    return kept


def _compare_key(text: str) -> str:
    text = html.unescape(text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\W+", " ", text.lower()).strip()


_DISPLAY_MARKS = re.compile(r"\s*[:?!]")


_CURLY = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")


def _is_bare_of(title: str, shown: str) -> bool:
    """``title`` is ``shown`` without some of its colons, question and exclamation
    marks, or with typewriter quotes where ``shown`` has typographic ones."""
    if title == shown:
        return False
    if title == shown.translate(_CURLY):
        return True
    if len(title) >= len(shown):
        return False
    return fold(_DISPLAY_MARKS.sub("", title)) == fold(_DISPLAY_MARKS.sub("", shown))


def _names_site(text: str, page_title: str, headlines: list[str]) -> bool:
    """``text`` (an ``<h1>``) is what ``<title>`` adds to the publisher's headline:
    ``<title>Choosing a framework - Jan's Notes</title>`` with og:title ``Choosing a
    framework`` makes an h1 ``Jan's Notes`` the site's name, not the article's."""
    key, whole = _compare_key(text), _compare_key(page_title)
    if not key or not whole.endswith(key):
        return False
    for headline_text in headlines:
        head = _compare_key(headline_text)
        if (
            head
            and key not in head
            and whole.startswith(head)
            and len(whole) >= len(head) + len(key) + 1
        ):
            return True
    return False


def headline(sel: Selector, data: dict[str, Any], meta: _Meta, url: str) -> str:
    """The headline as the page shows it.

    An ``<h1>`` that agrees with the metadata titles (JSON-LD headline, og:title,
    ``<title>``) wins; else the only long ``<h1>`` (section labels and logos are h1s
    too); else the metadata title. The site's name is cut off either."""
    sites, host = _site_keys(sel, meta, url)
    page_title = fold(sel.css("title::text").get())
    metadata = [t for t in (fold(data.get("headline")), meta.get("og:title"), page_title) if t]
    refs = [_compare_key(t) for t in metadata]
    headlines = [t for t in metadata[:2] if t != page_title]
    h1s = []
    for node in sel.css("h1")[:5]:
        text = fold(" ".join(node.css("::text").getall()))
        if (
            text
            and not _is_site_like(text, sites, host)
            and not _names_site(text, page_title, headlines)
        ):
            h1s.append(text)
    for text in h1s:
        key = _compare_key(text)
        if len(key) >= 12 and any(key in ref for ref in refs):
            # The page's h1 may add a colon or question mark for display, or curl its
            # quotes, where the publisher's own headline (JSON-LD, og:title) does
            # not: theirs wins.
            bare = [t for t in map(html.unescape, metadata[:2]) if _is_bare_of(t, text)]
            return bare[0] if bare else strip_site_name(text, sites, host)
    published = [strip_site_name(html.unescape(t), sites, host) for t in metadata]
    for text in h1s:
        # An h1 that holds the publisher's headline plus a date line or a source
        # (``Headline Posted on July 1, 2024 by x``, ``Headline (latimes.com) 87``):
        # the headline alone. Extra words without a number are the h1's own wording.
        key = _compare_key(text)
        for title in published[:2]:
            title_key = _compare_key(title)
            extra = key.replace(title_key, " ", 1).split()
            if (
                len(title_key) >= 12
                and len(title.split()) >= 4
                and title_key in key
                and len(extra) >= 2
                and any(word.isdigit() for word in extra)
            ):
                return title
    long_h1s = list(dict.fromkeys(t for t in h1s if len(t.split()) >= 4))
    if long_h1s and (len(long_h1s) == 1 or not metadata):
        return strip_site_name(long_h1s[0], sites, host)
    if published:
        return published[0]
    return h1s[0] if h1s else ""


def _language(sel: Selector) -> str:
    """The page's declared language (``<html lang="en-US">`` -> ``en``), ``""`` if none."""
    lang = sel.root.get("lang") if sel.root is not None else None
    lang = lang or sel.css("meta[http-equiv=content-language]::attr(content)").get() or ""
    lang = lang.strip().split("-")[0].split("_")[0].lower()
    return "id" if lang == "in" else lang  # "in": Indonesian's withdrawn ISO 639 code


# Frequent function words: enough to tell an Indonesian article from an English one.
_ID_WORDS = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ini",
        "itu",
        "dengan",
        "untuk",
        "dari",
        "dalam",
        "tidak",
        "akan",
        "pada",
        "juga",
        "ke",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "in",
        "that",
        "for",
        "with",
        "was",
        "are",
        "on",
        "this",
        "from",
    ]
)


def guess_language(text: str | None) -> str:
    """``id`` or ``en`` for a text whose page declares no language, by counting frequent
    function words of each; ``id`` (arsip's own language) when there is no telling."""
    words = re.findall(r"[a-z]+", (text or "")[:5000].lower())
    indonesian = sum(word in _ID_WORDS for word in words)
    english = sum(word in _EN_WORDS for word in words)
    return "en" if english > 2 * indonesian and english >= 5 else "id"


def page_selector(page: str | bytes | Selector) -> Selector:
    """The page parsed as ``read_page`` parses it (bytes decoded by their meta charset,
    else as UTF-8); a Selector is returned as it is."""
    return page if isinstance(page, Selector) else Selector(text=_as_text(page))


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
    sel: Selector, scan: _Scan, data: dict[str, Any], meta: _Meta, selectors: Any, url: str
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
    url_day = _URL_DATE.search(urlsplit(url).path)
    for text, under_headline in _date_lines(scan):
        yield ("byline" if under_headline else "text"), text
    if url_day:
        yield "url", "-".join(url_day.groups())


# Elements whose class/id says they hold the page's date line.
_DATE_LINE_TAGS = {"div", "span", "p", "time", "li", "small", "abbr"}
_DATE_LINE_NAME = re.compile(r"date|publish|tanggal|posted|time|waktu", re.I)
# The first <h1>s and every class and id value, in document order, from one XPath run
# in C: a Python pass over every element cost more than all the rest of the reading.
_SCAN_XPATH = etree.XPath("//h1 | //@class | //@id")


class _Scan:
    """What the tree tells before any selector runs: class and id tokens present (so
    that family selectors are only tried when their classes exist) and date-line
    elements in document order, with the position of the first ``<h1>``."""

    def __init__(self, root: etree._Element):
        self.tokens: set[str] = set()
        self.date_nodes: list[tuple[int, etree._Element]] = []
        self.h1_at: int | None = None
        last = None
        for index, found in enumerate(_SCAN_XPATH(root)):
            if not isinstance(found, str):  # an <h1>
                if self.h1_at is None:
                    self.h1_at = index
                continue
            self.tokens.update(found.split())
            if _DATE_LINE_NAME.search(found):
                node = found.getparent()  # type: ignore[attr-defined]
                if node is not last and node.tag in _DATE_LINE_TAGS:
                    self.date_nodes.append((index, node))
                    last = node


_UPDATED = re.compile(r"\b(updated|diperbarui|pembaruan|last modified|modified)\b", re.I)


def _date_lines(scan: _Scan, limit: int = 3) -> Iterator[tuple[str, bool]]:
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


def body_rule(portal: Portal | None) -> str | None:
    """How a declared portal's own rule finds its article text: ``selector`` (its
    ``selectors.body``), ``family`` (a portal built on a markup family's base, whose
    container is found by markup), or None (no rule: a ``generic`` portal, or no portal).
    The values are those of ``Article.body_source``."""
    if portal is None:
        return None
    if portal.selectors.body:
        return "selector"
    return "family" if portal.family in FAMILIES_BY_NAME else None


FAMILIES_BY_NAME = {family.name: family for family in FAMILIES}


def _read_body(
    sel: Selector, scan: _Scan, data: dict[str, Any], portal: Portal | None, url: str
) -> tuple[list[str], str | None]:
    """The body's lines and the reader that found them (``Article.body_source``).

    Readers in order of trust: the portal's body selector, a markup family's container,
    the generic fallback, JSON-LD ``articleBody``; the first with text wins. On a page
    of a declared portal, a reader other than the portal's own rule (``body_rule``) is
    a guess about a page the portal's rule found nothing on: a video or gallery page
    under an article URL, whose layout (menu, headline lists, footer) is all the text a
    generic reader finds, or an article after a template change. Its text counts only
    when it holds article prose (``has_article_prose``); a page where no reader finds
    any has no body. Those readers read the page without what the portal's rule drops
    (``without_removals``): the text of an article whose container was renamed is
    then what the rule would have read, without the summary box or next/previous bar
    the portal's removal list names."""
    own = body_rule(portal)
    readers: tuple[tuple[str, Callable[[Selector], list[str]]], ...] = (
        ("selector", lambda page: _body_paragraphs(page, portal)),
        ("family", lambda page: family_paragraphs(page, scan)),
        ("generic", lambda page: _fallback_paragraphs(page, url)),
        ("structured", lambda page: _structured_body(data)),
    )
    page = sel
    for source, read in readers:
        guess = source in ("family", "generic") and source != own
        if portal and own and guess and page is sel:
            page = without_removals(sel, removals(portal))  # the rule missed: guesses next
        lines = read(page)
        if not lines:
            continue
        shown = None if source == "structured" else page  # articleBody: not the page's text
        if portal is None or source == own or has_article_prose(shown, lines):
            return lines, source
    return [], None


def removals(portal: Portal) -> tuple[str, ...]:
    """CSS selectors of what a portal's own body rule drops from the text: its
    ``remove`` list, and for a portal built on a markup family's base (``body_rule``
    ``family``) that family's ``remove`` list and ``COMMON_REMOVE``."""
    family = FAMILIES_BY_NAME.get(portal.family)
    extra = (*COMMON_REMOVE, *family.remove) if family else ()
    return tuple(dict.fromkeys((*portal.remove, *extra)))


def without_removals(sel: Selector, remove: Iterable[str]) -> Selector:
    """A copy of the page without the elements ``remove`` (CSS selectors) selects, each
    one's tail text kept where it stood, as ``_container_lines`` skips them; ``sel``
    itself is left untouched (other readings share its tree).

    A removal list names elements *inside* a body container; read over the whole page,
    a selector also matches wrappers whose class merely holds its word (JNews's
    ``<div class="entry-content no-share">`` around the text, for ``[class*=share]``).
    The paragraph parent (``paragraph_parent``, where the article's paragraphs sit)
    and the elements around it are therefore kept."""
    css = ", ".join(remove)
    if not css:
        return sel
    page = Selector(root=copy.deepcopy(sel.root))
    parent = paragraph_parent(page)
    keep = {page.root} if parent is None else {parent.root, *parent.root.iterancestors()}
    for node in page.css(css):
        element = node.root
        if element in keep or element.getparent() is None:
            continue
        _drop(element)
    return page


def _drop(element: etree._Element) -> None:
    """Take ``element`` out of its tree, its tail text kept in place."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _structured_body(data: dict[str, Any]) -> list[str]:
    body = data.get("articleBody")
    return [fold(p) for p in body.splitlines() if fold(p)] if isinstance(body, str) else []


def _body_paragraphs(sel: Selector, portal: Portal | None) -> list[str]:
    if not portal or not portal.selectors.body:
        return []
    nodes = sel.css(portal.selectors.body)
    if not nodes:
        return []
    return _container_lines(nodes[0], portal.remove)


def block_lines(
    root: etree._Element,
    skip: Collection[etree._Element] = (),
    skip_tags: Collection[str] = SKIP_TAGS,
) -> list[str]:
    """The text of an element as a browser would lay it out: one line per block (and per
    ``<br>``), whitespace folded, empty lines dropped; ``skip`` elements and those of
    ``skip_tags`` (scripts, styles, widgets) left out."""
    lines: list[str] = []
    current: list[str] = []

    def newline() -> None:
        text = fold("".join(current))
        if text:
            lines.append(text)
        current.clear()

    def visit(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in skip_tags or node in skip:
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


def _container_lines(node: Selector, remove: Iterable[str]) -> list[str]:
    # Elements, not their id()s: lxml proxies are rebuilt on access, ids get reused.
    remove = ", ".join(remove)  # one XPath run instead of one per selector
    dropped = {n.root for n in node.css(remove)} - {node.root} if remove else set()
    return block_lines(node.root, skip=dropped)


_CLASS_OR_ID = re.compile(r"[.#]([\w-]+)")


def find_family(
    sel: Selector, tokens: Collection[str] | None = None
) -> tuple[Family, Selector] | None:
    """The first markup family whose body container holds real text, with that
    container; None when no family fits (the generic path then runs). ``tokens``:
    the class and id names of the page, when known, to skip selectors that cannot match."""
    for family in FAMILIES:
        for css in family.body:
            if tokens is not None and not all(t in tokens for t in _CLASS_OR_ID.findall(css)):
                continue
            for node in sel.css(css)[:3]:
                text_length = sum(len(t.strip()) for t in node.css("::text").getall())
                if text_length >= MIN_BODY_CHARS:
                    return family, node
    return None


def family_paragraphs(sel: Selector, scan: _Scan | None = None) -> list[str]:
    found = find_family(sel, scan.tokens if scan else None)
    if not found:
        return []
    family, node = found
    # A family's class names can be any theme's (``.post-content``): when the page's
    # paragraphs sit, in bulk, in an element outside the family's container, the
    # container is something else (a sidebar, a player) and the generic path reads
    # the page.
    parent, paragraph_chars, _ = _paragraph_parents(sel)
    if (
        parent is not None
        and paragraph_chars >= DOMINANT_CHARS
        and not _nested(node.root, parent.root)
    ):
        return []
    return _container_lines(node, (*COMMON_REMOVE, *family.remove))


def _nested(one: etree._Element, other: etree._Element) -> bool:
    """One element is the other or holds it."""
    return (
        one is other
        or any(a is other for a in one.iterancestors())
        or any(a is one for a in other.iterancestors())
    )


def paragraph_parent(sel: Selector) -> Selector | None:
    """The element whose own ``<p>`` children hold the most text (lines of 30+
    characters): where a CMS puts an article's paragraphs. None without paragraphs."""
    return _paragraph_parents(sel)[0]


def _paragraph_parents(sel: Selector) -> tuple[Selector | None, int, int]:
    """The paragraph parent (see ``paragraph_parent``), the characters of its own
    ``<p>`` lines of 30+ characters, and those of every such line of the page."""
    totals: dict[etree._Element, int] = {}
    for p in sel.root.iter("p"):
        length = len("".join(p.itertext()).strip())
        parent = p.getparent()
        if length >= 30 and parent is not None:
            totals[parent] = totals.get(parent, 0) + length
    if not totals:
        return None, 0, 0
    best = max(totals, key=totals.__getitem__)
    return Selector(root=best), totals[best], sum(totals.values())


# A paragraph parent is the article beyond doubt, and trafilatura (most of the cost of
# a page) is not asked, when it holds this many characters of paragraphs, this share
# of all the page's paragraph text, and this share of its own text is paragraphs (not
# link lists or widgets). Measured on the development sets: the container then scores
# as well as trafilatura's choice checked against it, on over half the general pages.
DOMINANT_CHARS = 1500
DOMINANT_SHARE = 0.6
DOMINANT_DENSITY = 0.5


def _coverage(part: list[str], whole: list[str]) -> float:
    """Share of ``part``'s 4-word shingles that ``whole`` also has (multisets)."""
    from crawler.extract.quality import shingles

    mine, theirs = shingles("\n".join(part)), shingles("\n".join(whole))
    return sum((mine & theirs).values()) / max(1, sum(mine.values()))


def _fallback_paragraphs(sel: Selector, url: str) -> list[str]:
    """Generic main-text extraction for pages no selector or family fits.

    A dominant paragraph parent (see ``DOMINANT_CHARS``) is the body outright, without
    trafilatura. Otherwise trafilatura reads the tree parsel already built (it copies
    it, ``sel`` stays untouched). Its choice is checked against the paragraph parent (the element holding
    most ``<p>`` text): when that element holds most of trafilatura's text and is of a
    similar size (0.6x to 2x), it is the article's own container and wins. trafilatura
    then was either missing the lead (paragraphs outside its chosen block) or adding
    teaser lists around it; this check, measured on the development sets, lifts body F1
    on both the Indonesian and the general pages."""
    import trafilatura

    container, paragraph_chars, page_chars = _paragraph_parents(sel)
    own = _container_lines(container, COMMON_REMOVE) if container is not None else []
    if (
        paragraph_chars >= DOMINANT_CHARS
        and paragraph_chars >= DOMINANT_SHARE * page_chars
        and paragraph_chars >= DOMINANT_DENSITY * sum(map(len, own))
    ):
        return own
    text = trafilatura.extract(sel.root, url=url, include_comments=False, deduplicate=False)
    lines = [fold(line) for line in (text or "").splitlines() if fold(line)]
    if container is None:
        return lines
    if not lines:
        return own
    size, reference = sum(map(len, own)), sum(map(len, lines))
    if 0.6 * reference <= size <= 2.0 * reference and _coverage(lines, own) >= 0.5:
        return own
    if size >= MIN_BODY_CHARS and _link_share(sel, lines) >= 0.3 > _link_share(sel, own):
        return own  # trafilatura took a list of headlines (``Berita lainnya``), own did not
    return lines


def _link_share(sel: Selector, lines: list[str]) -> float:
    """Share of the text of ``lines`` made of whole lines that are link texts."""
    anchors = {fold("".join(a.itertext())) for a in sel.root.iter("a")}
    linked = sum(len(line) for line in lines if line in anchors)
    return linked / max(1, sum(map(len, lines)))


# -- pages without article text ------------------------------------------------------

PROSE_LINE_CHARS = 80
"""A prose line adds to a page's prose score by its characters beyond this many."""
PROSE_SCORE = 20.0
"""The prose score a run of lines must reach to be an article's text: the sum, over
its prose lines, of the square root of their characters beyond ``PROSE_LINE_CHARS``.
As Readability's "probably readerable" test (which counts beyond 140 characters, for
English), this needs a few real paragraphs, and many short lines add nothing: two
paragraphs of 200 characters pass (22), a caption of two sentences (300 characters,
15) does not. The shortest article of the sample portals scores 47."""

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?:\s|$)")
_TRUNCATED = re.compile(r"(?:\.\.\.|\u2026|\[\u2026\]|\[\.\.\.\])[\"'\u201d\u2019)\]]*$")
_CAPTIONS = etree.XPath("//figcaption | //*[contains(@class, 'caption')]")
CAPTION_CHARS = 400
"""A caption element holds at most this much text; a longer one is a wrapper whose
class merely names captions (``<body class="theme-caption-two">``)."""


def has_article_prose(sel: Selector | None, lines: list[str]) -> bool:
    """Whether ``lines``, a reading of the page ``sel``, hold an article's text and not
    only the page's layout: their ``prose_score`` reaches ``PROSE_SCORE``."""
    return prose_score(sel, lines) >= PROSE_SCORE


def prose_score(sel: Selector | None, lines: list[str]) -> float:
    """The prose score (see ``PROSE_SCORE``) of the best run of paragraphs of a reading.

    The reading's paragraphs are taken as the page lays them out (``block_lines`` of the
    page, those the reading holds): a generic reader may run several of the page's
    blocks into one line (a headline, a byline and captions). Each is one of:

    - boilerplate cleaning takes out (``Baca juga``, feed lines, credits): skipped;
    - link text: a line that is (a line of) some link's text on the page: a menu item,
      a headline of a ``Berita lainnya`` or ``Terpopuler`` list. It ends the run: an
      article's paragraphs follow each other, a list's teasers sit between links;
    - a photo caption (``<figcaption>``, or an element of a ``*caption*`` class holding
      at most ``CAPTION_CHARS``: a gallery's text): skipped;
    - prose: four words or more with a sentence end, not a teaser cut short (``...``);
      it scores ``sqrt(characters - PROSE_LINE_CHARS)``;
    - anything else (headings, date lines, counters): neither scores nor ends the run.

    A line that goes on the sentence the line before broke off (``<br>``s or hard
    wrapping in the middle of a paragraph) is joined to it first. ``sel`` None scores
    ``lines`` as they are (JSON-LD ``articleBody``: no page to lay them out against).
    """
    from crawler.extract.clean import is_boilerplate

    if sel is None:
        links: set[str] = set()
        captions: set[str] = set()
        laid_out = lines
    else:
        links = _link_lines(sel)
        captions = {
            line
            for node in _CAPTIONS(sel.root)
            if len("".join(node.itertext())) <= CAPTION_CHARS
            for line in block_lines(node)
        }
        laid_out = _laid_out(sel, lines)
    # Paragraphs, hard-wrapped ones joined again; None for a link line.
    paragraphs: list[str | None] = []
    for line in laid_out:
        if is_boilerplate(line) or line in captions:
            continue
        if line in links:
            paragraphs.append(None)
        elif paragraphs and paragraphs[-1] and _wrapped(paragraphs[-1], line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    best = run = 0.0
    for paragraph in paragraphs:
        if paragraph is None:
            run = 0.0
        elif (
            _SENTENCE_END.search(paragraph)
            and not _TRUNCATED.search(paragraph)
            and len(paragraph.split()) >= 4
        ):
            run += max(0, len(paragraph) - PROSE_LINE_CHARS) ** 0.5
            best = max(best, run)
    return best


_NO_SPACE = re.compile(r"\s+")
_NO_TEXT_TAGS = {"script", "style", "noscript", "template", "svg"}
"""Tags the page lay-out leaves out: not ``button`` or ``select``, which an unclosed
tag in broken markup makes hold the rest of the page."""


def _laid_out(sel: Selector, lines: list[str]) -> list[str]:
    """The page's lines (``block_lines`` of its ``<body>``), in page order, that the
    reading ``lines`` holds: as a line, or inside one of its lines. Compared without
    whitespace, which readers set differently around inline elements."""
    reading = _NO_SPACE.sub("", "\n".join(lines))
    body = sel.root.find("body")
    page = block_lines(body if body is not None else sel.root, skip_tags=_NO_TEXT_TAGS)
    return [line for line in page if _NO_SPACE.sub("", line) in reading]


def _wrapped(previous: str, line: str) -> bool:
    """``line`` goes on the sentence ``previous`` broke off (text broken by ``<br>``
    or by the width of the page): no end mark before it, lower case after."""
    return previous[-1] not in _END_MARKS and line[0].islower()


_END_MARKS = set(".!?:;\"'\u201d\u2019)]")


def _link_lines(sel: Selector) -> set[str]:
    """Every link's text on the page, whole and line by line (a link around a
    headline and its date)."""
    lines: set[str] = set()
    for anchor in sel.root.iter("a"):
        lines.add(fold("".join(anchor.itertext())))
        lines.update(block_lines(anchor))
    lines.discard("")
    return lines
