"""What a page states about its article in machine-readable form: the JSON-LD article
object (``@graph`` and lists walked), the ``<meta>`` tags (OpenGraph, ``article:*``,
``author``...) and the ``<link rel="canonical">``.

Decides, where the page states them: ``Article.description`` (JSON-LD ``description``,
else ``og:description``), ``modified_at`` (JSON-LD ``dateModified``), and the structured
part of ``section`` (``articleSection``), ``authors`` (JSON-LD persons), ``tags``
(``keywords``), ``image_url`` (JSON-LD ``image``) and ``url`` (the canonical link), whose
meta and portal-selector fallbacks ``page`` applies. The headline (``title``) and the
date hints (``datehints``) read the same data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from parsel import Selector

from crawler.extract.text import fold

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


def article_data(sel: Selector) -> dict[str, Any]:
    """The page's JSON-LD article object: the first of an article type other than
    ``WebPage``, else the first ``WebPage``; ``{}`` when there is none."""
    best: dict[str, Any] = {}
    for obj in _json_ld_objects(sel):
        kinds = _types(obj) & ARTICLE_TYPES
        if not kinds:
            continue
        if kinds != {"WebPage"}:
            return obj
        best = best or obj
    return best


def section(data: dict[str, Any]) -> str | None:
    """JSON-LD ``articleSection`` (the first of a list)."""
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


def authors(data: dict[str, Any]) -> list[str]:
    """The names of the JSON-LD ``author`` entries that are not organisations."""
    return list(dict.fromkeys(_names(data.get("author"))))


def keywords(data: dict[str, Any]) -> list[str]:
    """JSON-LD ``keywords``, a list or a comma-separated string."""
    keywords = data.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if not isinstance(keywords, list):
        return []
    return [fold(k) for k in keywords if isinstance(k, str) and fold(k)]


def image(data: dict[str, Any]) -> str | None:
    """The first JSON-LD ``image`` (a URL or an ImageObject's ``url``)."""
    image = data.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    return image if isinstance(image, str) else None


class Meta(dict):
    """First value per meta name/property, plus every value through ``get_all``."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        super().__init__()
        self._all: dict[str, list[str]] = {}
        for key, value in pairs:
            self._all.setdefault(key, []).append(value)
            self.setdefault(key, value)

    def get_all(self, key: str) -> list[str]:
        return list(self._all.get(key, []))


def meta_tags(sel: Selector) -> Meta:
    """The page's ``<meta>`` values by lower-cased property, name or itemprop."""
    pairs = []
    for node in sel.css("meta"):
        key = node.attrib.get("property") or node.attrib.get("name") or node.attrib.get("itemprop")
        value = fold(node.attrib.get("content"))
        if key and value:
            pairs.append((key.lower(), value))
    return Meta(pairs)


def description(data: dict[str, Any], meta: Meta) -> str | None:
    """``Article.description``: JSON-LD ``description``, else ``og:description``."""
    return fold(data.get("description")) or meta.get("og:description") or None


def date_modified(data: dict[str, Any]) -> str | None:
    """``Article.modified_at`` as the page gives it: JSON-LD ``dateModified``."""
    return str(data["dateModified"]) if data.get("dateModified") else None


def canonical_link(sel: Selector) -> str | None:
    """The ``href`` of ``<link rel="canonical">``, as written (maybe relative)."""
    return sel.css('link[rel="canonical"]::attr(href)').get()
