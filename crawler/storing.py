"""The storing stage of a crawl: clean -> normalise -> validate -> store, for each
article a spider reads. A page that held no article is remembered
(``archive.memory.empty``) and kept for ``arsip reextract``; a stored article's URLs
are forgotten there.

``ArticleStore`` does it over one archive writer, in the crawl's own process or in a
store process of its own (``crawler.store_process``); the archive is the same either
way. It knows nothing of Scrapy: what the crawl needs back (the outcome, why a page held
no article, a write that failed, stats to count) comes back in a ``Stored``.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from archive.dedup import canonical_url
from archive.memory.empty import forget_empty, remember_empty
from archive.times import utc_now
from archive.writer import ArchiveWriter
from crawler.canonical import NOT_ARCHIVED, canonical_collision
from crawler.extract.clean import clean_article
from crawler.extract.normalise import normalise_article
from crawler.items import Article

if TYPE_CHECKING:
    from crawler.portals import Cleaning

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PortalRules:
    """What storing needs of a portal's declaration (None: a page of no declared
    portal, cleaned by the general rules and read in Jakarta time)."""

    site_name: str | None = None
    cleaning: Cleaning | None = None
    timezone: str = "Asia/Jakarta"

    @classmethod
    def of(cls, portal: Any) -> PortalRules:
        if portal is None:
            return cls()
        return cls(portal.site_name, portal.cleaning, portal.timezone)


@dataclass
class Stored:
    """What became of one article: stored (``outcome``, ``item`` as stored, without
    its pages), or no article (``empty``: why). ``error``: the archive
    could not be written (the article's or the page's transaction was rolled back).
    ``stats``: ``arsip/`` counters to add."""

    outcome: str | None = None
    item: Article | None = None
    empty: str | None = None
    error: str | None = None
    stats: dict[str, int] = field(default_factory=dict)


def missing_article(item: Article) -> str | None:
    """Why ``item`` is no article to store, or None: an answer that is no HTML page
    (``Article.not_html``), no title, no body."""
    if item.not_html:
        return f"not HTML ({item.not_html})"
    missing = [name for name in ("title", "body") if not getattr(item, name)]
    return f"no {' and no '.join(missing)}" if missing else None


def fetched_urls(item: Article) -> list[str]:
    """The URLs an item's first page was fetched under (``Article.fetched_urls``:
    where it landed, then those it was redirected through); for an item that does not
    say, its page's URL or its own. Never the page's canonical link: a gallery naming
    an article as its canonical URL must not make that article's URL look empty."""
    if item.fetched_urls:
        return list(item.fetched_urls)
    return [(item.raw_page or {}).get("url") or item.url]


class ArticleStore:
    """Stores the articles of crawls through ``writer``."""

    def __init__(self, writer: ArchiveWriter):
        self.writer = writer

    def article(
        self, item: Article, rules: PortalRules, run_id: int | None, keep_pages: bool = True
    ) -> Stored:
        """Clean, normalise, check and store ``item``, read from a page of the portal
        ``rules`` are of, in the crawl run ``run_id``; ``keep_pages``: the pages read
        are kept too (``ARSIP_KEEP_PAGES``)."""
        if not item.not_html:  # an answer that is no HTML page has nothing to clean
            item = clean_article(item, rules.site_name, rules.cleaning)
            item = normalise_article(item, rules.timezone)
        reason = missing_article(item)
        if reason is not None:
            return self._empty(item, reason, run_id, keep_pages)
        stored = Stored()
        fetched = item.raw_page or {}
        page = item.raw_page if keep_pages else None
        repaired = self.writer.repaired
        try:
            item = self._placed(item, fetched.get("url"), stored)
            stored.outcome, _ = self.writer.store(
                item.to_record(),
                run_id=run_id,
                fetched_url=fetched.get("url"),
                also_urls=fetched.get("redirected_from", ()),
                page=page,
                following_pages=item.following_pages if page else (),
            )
        except sqlite3.Error as error:  # the article's transaction was rolled back
            stored.error = str(error)
            return stored
        if self.writer.repaired > repaired:  # one writer may serve several runs
            stored.stats["text_repaired"] = self.writer.repaired - repaired
        stored.item = replace(item, raw_page=None, following_pages=[])
        # A stored article's URLs are no page without an article any more.
        try:
            forget_empty(self.writer.db, [item.url, *fetched_urls(item)])
        except sqlite3.Error as error:
            stored.error = str(error)
        return stored

    def _empty(self, item: Article, reason: str, run_id: int | None, keep_pages: bool) -> Stored:
        """Read and empty: the next runs skip the page for a while
        (``archive.memory.empty``). A page nothing could be read from now may yield an
        article to a better extractor: it is kept for ``arsip reextract``. An answer
        that is no HTML page has no page to keep, only its URL."""
        stored = Stored(empty=reason)
        page = item.raw_page or {"url": item.url}
        try:
            remember_empty(
                self.writer.db,
                fetched_urls(item),
                portal=item.portal,
                reason=reason,
                fetched_at=page.get("fetched_at") or item.fetched_at or utc_now(),
                run_id=run_id,
            )
            if keep_pages and item.raw_page:
                self.writer.store_pages([item.raw_page, *item.following_pages], run_id=run_id)
        except sqlite3.Error as error:
            stored.error = str(error)
        return stored

    def _placed(self, item: Article, fetched_url: str | None, stored: Stored) -> Article:
        """``item`` under the URL it is to be archived under (``crawler.canonical``):
        its canonical URL when that is the archived article this page is a version of,
        else the URL it was fetched under (``arsip/canonical_ignored/collision`` when
        the canonical URL is another archived article, ``.../unarchived`` when it is
        none)."""
        if not fetched_url or canonical_url(item.url) == canonical_url(fetched_url):
            return item
        why = canonical_collision(self.writer.db, item.url, fetched_url, item.title, item.body)
        if why is None:
            return item
        unarchived = why == NOT_ARCHIVED
        logger.log(
            logging.INFO if unarchived else logging.WARNING,
            "canonical link of %s to %s ignored: %s", fetched_url, item.url, why,
        )  # fmt: skip
        key = f"canonical_ignored/{'unarchived' if unarchived else 'collision'}"
        stored.stats[key] = stored.stats.get(key, 0) + 1
        return replace(item, url=fetched_url)
