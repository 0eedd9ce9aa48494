"""``Article.title`` on a page whose portal declares no title selector: the headline as
the page shows it (``headline``), chosen between the ``<h1>``s and the titles the page
states (JSON-LD ``headline``, ``og:title``, ``<title>``), with the site's name cut off
(``strip_site_name``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from crawler.extract.structured import Meta
from crawler.extract.text import fold

_TITLE_SEPARATORS = re.compile(r"\s+[-–—|:·•»]\s+")


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _site_keys(sel: Selector, meta: Meta, url: str) -> tuple[tuple[str, ...], str]:
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


def strip_site_name(title: str, sites: Collection[str], host: str, *, labels: bool = True) -> str:
    """``Judul Berita - Kompas.com Regional`` -> ``Judul Berita``: leading or trailing
    segments that name the site (its declared names or the host's) are dropped, then
    (``labels``) short labels trailing a full headline."""
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
        labels
        and end - start > 1
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


def _all_agree(shown: str, metadata: list[str], sites: Collection[str], host: str) -> bool:
    """Every title the page states (JSON-LD ``headline``, og:title, ``<title>``; two at
    least), its site's name cut off, reads as the ``<h1>`` ``shown``: a short trailing
    segment they all carry (``Banjir Rendam Ratusan Rumah - Warga Mengungsi``) is the
    headline's own, not a label the document title adds."""
    key = _compare_key(shown)
    return len(metadata) >= 2 and all(
        _compare_key(strip_site_name(html.unescape(t), sites, host, labels=False)) == key
        for t in metadata
    )


def headline(sel: Selector, data: dict[str, Any], meta: Meta, url: str) -> str:
    """The headline as the page shows it.

    An ``<h1>`` that agrees with the metadata titles (JSON-LD headline, og:title,
    ``<title>``) wins; else the only long ``<h1>`` (section labels and logos are h1s
    too); else the metadata title. The site's name is cut off either, and a short
    trailing label unless every stated title carries it too (``_all_agree``)."""
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
            if bare:
                return bare[0]
            whole = strip_site_name(text, sites, host, labels=False)
            if _all_agree(whole, metadata, sites, host):
                return whole
            return strip_site_name(text, sites, host)
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
