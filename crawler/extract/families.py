"""Markup families: what many portals share because they run the same CMS, theme or
network template. Pure data, read by ``crawler.extract.body``.

A family is recognised by its markup, never by host name: the first family whose
``body`` selector finds an element holding at least ``MIN_BODY_CHARS`` characters of
text wins, and that element (minus the family's ``remove`` list and ``COMMON_REMOVE``)
is the article body. A page no family fits goes to the generic path (trafilatura).
Each selector list is ordered newest markup first; older template generations stay
listed because archives of old articles still serve them.

A family written from one network's pages names that network's domains (``sites``).
``held_out`` turns such families off for a while: the leave-one-portal-out measure of
``bench/extract_quality.py`` reads each portal's pages without the rules written from
them, as it would read a portal nobody has seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Family:
    name: str
    body: tuple[str, ...]
    """CSS selectors of the element holding the article text, first match wins."""
    remove: tuple[str, ...] = ()
    """CSS selectors (inside the body) of elements that are never article text."""
    next_page: tuple[str, ...] = ()
    """CSS selectors of the link to the next page of the same article."""
    sites: tuple[str, ...] = ()
    """Domains of the network whose pages the family was written from (``kompas.com``
    covers ``regional.kompas.com``); empty for a CMS theme many unrelated sites run."""

    def written_for(self, url: str) -> bool:
        """Whether ``url`` is on one of the family's ``sites``."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == site or host.endswith("." + site) for site in self.sites)


MIN_BODY_CHARS = 200
"""A body container with less text than this is a teaser or an empty template slot."""

# Inside any body container: scripts, ads, share bars, embedded related-news boxes.
COMMON_REMOVE = (
    "script", "style", "noscript", "iframe", "form", "figure figcaption", "figure",
    "[class*=share]", "[class*=social]", "[class*=related]", "[class*=baca-juga]",
    "[class*=bacajuga]", "[class*=advert]", "[id*=div-gpt-ad]", "[class*=ads-]",
    "[class~=ads]", "[class*=newsletter]",
)  # fmt: skip

FAMILIES: tuple[Family, ...] = (
    Family(
        name="detik",
        sites=("detik.com",),
        body=(".detail__body-text", "#detikdetailtext"),
        remove=(".parallaxindetail", ".linksisip", "table.linksisip", ".detail__body-tag",
                ".staticdetail_container", ".sisip_embed_sosmed", ".embed", ".video-20detik",
                ".detail__long-nav", ".nav"),
        next_page=(".detail__long-nav a[rel=next]", ".detail__anchor-numb a.next"),
    ),
    Family(
        name="kompas",
        sites=("kompas.com",),
        body=(".read__content", ".kcm-read-text", ".div-read"),
        remove=("[class^=inject-baca-juga]", ".ads-on-body", ".kompasidRec", ".read__paging"),
        next_page=(".paging__link--next",),
    ),
    Family(
        name="tribun",
        sites=("tribunnews.com",),
        body=("div.side-article.txt-article", "div.txt-article"),
        remove=("p.baca", "blockquote.summary-article", ".ads-placeholder", ".mb10.f16.ln24",
                "[id^=ads]"),
        next_page=(".paging a.next", "#paginga a[rel=next]"),
    ),
    Family(
        name="pikiran-rakyat",
        sites=("pikiran-rakyat.com",),
        body=("article.read__content", "div.read__article"),
        remove=(".read__also", ".read__info", ".ads"),
        next_page=(".paging__link--next",),
    ),
    Family(
        name="antara",
        sites=("antaranews.com",),
        body=(".wrap__article-detail-content", ".post-content", "#content_news"),
        remove=(".baca-juga", ".text-muted", ".adsbygoogle"),
    ),
    Family(
        name="okezone",
        sites=("okezone.com",),
        body=("#contentx", ".read__content-body"),
        remove=(".box-gnews", ".detads"),
    ),
    Family(
        name="liputan6",
        sites=("liputan6.com",),
        body=(".article-content-body__item-content",),
        remove=(".baca-juga-collections", ".article-content-body__item-title"),
    ),
    Family(
        name="wordpress-newspaper",  # tagDiv Newspaper theme
        body=("div.td-post-content",),
        remove=(".td-a-rec", ".td-post-sharing", ".jp-relatedposts", ".sharedaddy"),
    ),
    Family(
        name="wordpress-jnews",
        body=(".jeg_post_content .content-inner", ".jeg_inner_content .content-inner"),
        remove=(".jeg_post_tags", ".jnews_inline_related_post", ".jeg_ad", ".jeg_share_button",
                ".jeg_pagination_nextprev"),
    ),
)  # fmt: skip
"""Families in the order they are tried."""

_HELD_OUT: ContextVar[frozenset[str]] = ContextVar("held_out", default=frozenset())


def active_families() -> tuple[Family, ...]:
    """``FAMILIES`` without those ``held_out`` has turned off."""
    off = _HELD_OUT.get()
    return tuple(f for f in FAMILIES if f.name not in off) if off else FAMILIES


@contextmanager
def held_out(url: str) -> Iterator[tuple[str, ...]]:
    """Within the block, the families written for ``url``'s site are not tried: the
    page is read as one of a portal no rule was written from. Yields their names."""
    names = tuple(f.name for f in FAMILIES if f.written_for(url))
    token = _HELD_OUT.set(_HELD_OUT.get() | frozenset(names))
    try:
        yield names
    finally:
        _HELD_OUT.reset(token)


# -- page furniture: blocks that are never the article, on any portal ------------------

COMMENT_WORDS = frozenset(
    {
        "comment",
        "comments",
        "commentlist",
        "komentar",
        "disqus",
        "fbcomments",
    }
)
"""Words of a class or id naming a comment thread or widget (Disqus, Facebook
comments, a portal's own)."""

FURNITURE_WORDS = COMMENT_WORDS | frozenset({
    # related, recommended and most-read news, read-also boxes
    "related", "relatedposts", "terkait", "rekomendasi", "recommended", "recommendation",
    "recommendations", "populer", "terpopuler", "popular", "mostpopular", "bacajuga",
    "lainnya", "yarpp",
    # tag clouds and topic lists
    "tag", "tags", "tagcloud", "newstag", "topik",
})  # fmt: skip
"""Words of a class or id (split at ``-`` and ``_``) that name a block of page
furniture: ``comments-area``, ``fb-comments``, ``disqus_thread``, ``list_terkait``,
``post-tags``, ``detail__body-tag``, ``box-rekomendasi``. Whole words only: ``tagline``,
``stage`` or ``commentary-text`` are no furniture."""

_ARTICLE_NAMES = frozenset({
    "hentry", "type-post", "entry-content", "post-content", "article-content",
    "article-body", "articlebody", "post-body", "entry-body", "story-body",
})  # fmt: skip
_TAG_BLOCKS = frozenset({"cloud", "list", "links", "box", "wrap", "wrapper", "area", "container"})
_STATE_PREFIXES = ("has-", "no-", "with-", "show-", "hide-", "is-")
_AUTHOR_WORDS = frozenset({"author", "penulis", "writer"})
_BOX_WORDS = frozenset({"box", "bio", "biography", "profile", "card", "about"})

FURNITURE_HEADINGS = frozenset({
    "baca juga", "berita terkait", "artikel terkait", "berita lainnya", "artikel lainnya",
    "baca berita lainnya", "berita pilihan", "rekomendasi", "rekomendasi berita",
    "pilihan redaksi", "terpopuler", "berita terpopuler", "populer", "terbaru",
    "berita terbaru", "komentar", "tulis komentar", "kirim komentar", "tag", "tags",
    "topik", "topik terkait", "topik pilihan", "simak video", "lihat juga", "video terkait",
    "related", "related articles", "related posts", "related stories", "read also",
    "read more", "more stories", "you may also like", "recommended", "most popular",
    "most read", "trending", "comments", "leave a comment", "leave a reply",
})  # fmt: skip
"""Headings (case and a final colon aside) that open a block of page furniture: a
``Berita Terkait`` list, a ``Komentar`` section, a ``Tag:`` row, a ``Simak Video`` box."""


_FURNITURE_JOINED = FURNITURE_WORDS | {"authorbox", "tagcloud"}
"""Furniture words, and the names that are furniture written as one word."""


def is_comment_name(value: str) -> bool:
    """Whether a class or id attribute ``value`` that names furniture names comments."""
    words = set(value.lower().replace("_", "-").replace(" ", "-").split("-"))
    return bool(words & COMMENT_WORDS) or "".join(sorted(words)) in COMMENT_WORDS


@lru_cache(maxsize=4096)
def is_furniture_name(value: str) -> bool:
    """Whether a class or id attribute ``value`` names page furniture (see
    ``FURNITURE_WORDS``; an author box is ``author`` or ``penulis`` with ``box``,
    ``bio``, ``profile``, ``card`` or ``about``).

    Remembered for the last 4,096 values: a portal's pages repeat the same class and id
    values, each page some hundreds of them.

    Not furniture: a value that also names the article (``hentry``, ``type-post``,
    ``entry-content``: WordPress's post wrapper carries ``tag-<slug>`` classes), a state
    (``has-comments``), and a singular ``tag`` before a slug (``tag-banjir``) rather
    than at the end or before ``cloud``, ``list`` or ``links``."""
    tokens = value.lower().split()
    if any(token in _ARTICLE_NAMES for token in tokens):
        return False
    for token in tokens:
        if token.startswith(_STATE_PREFIXES):
            continue  # ``has-comments``, ``no-tags``: a state of the page, not a block
        words = [w for w in token.replace("_", "-").split("-") if w and not w.isdigit()]
        for index, word in enumerate(words):
            if word == "tag" and index + 1 < len(words) and words[index + 1] not in _TAG_BLOCKS:
                continue  # ``tag-banjir``: the post is tagged so, not a tag list
            if word in FURNITURE_WORDS:
                return True
        if set(words) & _AUTHOR_WORDS and set(words) & _BOX_WORDS:
            return True
        if "".join(words) in _FURNITURE_JOINED:
            return True
    return False


def is_furniture_heading(text: str) -> bool:
    """Whether ``text`` (a short line) is a heading of page furniture."""
    key = " ".join(text.lower().replace("\xa0", " ").split()).rstrip(" :.»>").strip()
    return key in FURNITURE_HEADINGS
