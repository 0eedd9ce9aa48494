"""The Article item: what arsip knows about one news article.

One dataclass, every field documented with its format. Extraction fills the page
fields; cleaning moves boilerplate into its fields; normalisation turns date strings
into instants; the archive fills the bookkeeping fields (``content_hash``,
``first_seen_at``, ``last_seen_at``, ``revision``).

Times are ISO 8601 strings, never naive: ``published_at`` in UTC with a ``Z`` suffix
(``2025-09-16T02:12:00Z``), ``published_local`` with the portal's offset
(``2025-09-16T09:12:00+07:00``).
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, fields
from typing import Any

WORKING_FIELDS = (
    "date_hints", "body_source", "raw_page", "following_pages", "not_html", "fetched_urls"
)  # fmt: skip


@dataclass
class Article:
    url: str
    """Canonical URL of the article on the real portal (``https://www.tangselpos.id/detail/...``),
    never the mirror's or a tracking variant."""

    portal: str
    """Portal name as declared in ``crawler.portals`` (``tangselpos``), or the host name
    for pages of unknown portals."""

    title: str | None = None
    """Headline as the portal shows it, without the `` - Portal`` suffix; whitespace folded."""

    body: str | None = None
    """Clean article text: paragraphs separated by one blank line (``\\n\\n``), no feed
    lines, read-also lines, credits, sign-offs or ad markers, dateline prefix removed."""

    section: str | None = None
    """The portal's section (rubrik) as it names it: ``Pos Banten``, ``TangselCity``."""

    description: str | None = None
    """The page's summary (og:description / meta description), as given."""

    authors: list[str] = field(default_factory=list)
    """Reporters/writers, in page order, each a display name (``Rizki Maulana``)."""

    editor: str | None = None
    """The editor named in a credit line (``Editor : Iskandar Nasution``)."""

    published_at: str | None = None
    """First publication instant in UTC, ``YYYY-MM-DDTHH:MM:SSZ``. When the page gives
    only a day (``Senin (15/9/2025)``) it is local midnight of that day, in UTC, and
    ``published_has_time`` is false."""

    published_local: str | None = None
    """The same instant with the portal's offset, ``YYYY-MM-DDTHH:MM:SS+07:00``; for a
    page of no declared portal that is not in Indonesian, the offset the page gave."""

    published_raw: str | None = None
    """The string the publication time was read from, as found on the page."""

    published_source: str | None = None
    """Where ``published_raw`` came from: ``jsonld``, ``meta``, ``time`` (an HTML
    ``<time datetime>``), ``text`` (the page's date line or an in-body day mention),
    ``relative`` (``16 jam yang lalu`` against ``fetched_at``), ``url``, or ``htmldate``
    (the last resort, a day only)."""

    published_has_time: bool | None = None
    """False when the source gave a day but no time of day."""

    modified_at: str | None = None
    """Last modification instant in UTC (``YYYY-MM-DDTHH:MM:SSZ``), when the page says."""

    dateline: str | None = None
    """Place that opens the body (``SERANG`` from ``SERANG - ...``), upper case as printed."""

    tags: list[str] = field(default_factory=list)
    """The portal's tags/keywords for the article, in page order."""

    image_url: str | None = None
    """Absolute URL of the lead image."""

    language: str = "id"
    """BCP 47 language code of the text."""

    press_release: bool = False
    """True when the text says it comes from a press release; the text is kept."""

    press_release_phrase: str | None = None
    """The phrase that marked it (``melalui siaran pers yang diterima tangselpos.id``)."""

    republished_from: str | None = None
    """Where the article first ran, from a note like ``Artikel ini telah tayang di
    Kompas.com dengan judul "..."``, as the note names it."""

    word_count: int = 0
    """Number of words (``\\w+`` tokens) in ``body``."""

    places: list[dict[str, Any]] = field(default_factory=list)
    """The Banten places the article is about, best first: ``{"code": "36.74", "score":
    8, "role": "dateline"}`` (the official region code, a score from 1, one passing
    mention, to 11, and where the place counts most: ``dateline``, ``title``, ``lead``
    or ``body``). Read from the title, dateline and body by ``archive.places.tagger``
    during normalisation; stored in the archive's ``article_places``."""

    content_hash: str | None = None
    """SHA-256 (hex) of the normalised body (case, whitespace and punctuation folded):
    equal for the same text under any URL."""

    fetched_at: str | None = None
    """When the page was fetched, UTC ``YYYY-MM-DDTHH:MM:SSZ``; relative dates are read
    against it."""

    first_seen_at: str | None = None
    """Set by the archive: the first fetch that stored this article (UTC, as above)."""

    last_seen_at: str | None = None
    """Set by the archive: the latest fetch that saw this article (UTC, as above)."""

    revision: int | None = None
    """Set by the archive: 1 for the first version, +1 each time title or body changed."""

    date_hints: list[tuple[str, str]] = field(default_factory=list)
    """Working field, not stored: ``(source, raw string)`` date candidates found on the
    page, most trusted first. Normalisation picks the first that parses."""

    body_source: str | None = None
    """Working field, not stored: which reader found the body on the (first) page:
    ``selector`` (the portal's body selector), ``family`` (a markup family's container),
    ``generic`` (the dominant paragraph container or trafilatura), ``structured``
    (JSON-LD ``articleBody``); None without a body. A declared portal's page read by
    another reader than its own body rule shows that rule missed
    (``crawler.extract.body.body_rule``)."""

    raw_page: dict[str, Any] | None = None
    """Working field, not stored as a column: the response the article was read from,
    for the archive's ``pages`` table: ``url`` (as fetched), ``status``, ``headers``
    (name -> value), ``body`` (bytes as received), ``fetched_at`` (UTC, as above). For a
    multi-page article, its first page."""

    following_pages: list[dict[str, Any]] = field(default_factory=list)
    """Working field, not stored as a column: the responses of a multi-page article's
    further pages (page 2 first; or its ``?page=all`` view), shaped as ``raw_page``."""

    not_html: str | None = None
    """Working field, not stored: the media type of an answer at an article URL that is
    no HTML page (``application/pdf``; ``crawler.non_html``). Nothing is read from it:
    the page is remembered without an article, with that type as the reason."""

    fetched_urls: list[str] = field(default_factory=list)
    """Working field, not stored: the URLs the first page was fetched under: where it
    landed, then the ones it was redirected through. A page without an article is
    remembered under them (``archive.memory.empty``), and a stored article's are
    forgotten there. Never the page's canonical link."""

    def to_record(self) -> dict[str, Any]:
        """The stored fields as a plain dict (no working fields), copied: what
        ``dataclasses.asdict`` gives for them (the stored fields hold plain values,
        lists and dicts), without copying the working fields (the raw pages, the date
        hints) only to drop them. Strings, numbers, booleans and None are shared, not
        copied: they cannot change (an import's reading workers: 25 µs an article)."""
        record = {}
        for name in _STORED:
            value = getattr(self, name)
            record[name] = value if type(value) in _IMMUTABLE else deepcopy(value)
        return record

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in WORKING_FIELDS]


_STORED = Article.field_names()
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
