"""A fetched page to an article entry, outside a crawl: the one reading that ``arsip
reextract`` (pages kept in the archive) and ``arsip import --warc`` (pages kept in WARC
files) share.

The bytes are read as the crawl reads them (``crawler.guards.page_text``: a mislabelled
charset repaired the same way, a binary body refused), the page goes through
``crawler.extract.extract_article`` (reading, cleaning, normalisation: the stages of the
crawl's item pipelines), an article without a title or a body is refused as the crawl's
validation refuses it, and a canonical link onto another archived article is ignored as
the crawl's store pipeline ignores it (``crawler.canonical``). The entry then goes
through ``ArchiveWriter.store_many``: dedup, clusters and history are the crawl's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from parsel import Selector

from archive.dedup import TextSignature
from archive.writer import ArchiveWriter, Entry
from crawler.canonical import canonical_collision
from crawler.extract import extract_article
from crawler.extract.page import page_selector
from crawler.guards import RefusedBody, page_text
from crawler.portals import Portal


class Rejected(ValueError):
    """A page that cannot become an article: ``reason`` is what is counted, the message
    says which page and why."""

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        super().__init__(detail)


def read_fetched(
    url: str, body: bytes, headers: Mapping[str, str] | None, page_number: int = 1
) -> Selector:
    """A fetched page's bytes as the crawl read them; raises ``Rejected`` (``a page
    refused``) for a body that is not text."""
    try:
        return page_selector(page_text(body, headers))
    except RefusedBody as error:
        raise Rejected(
            "a page refused", f"page {page_number} ({url}) is not text: {error}"
        ) from None


def article_entry(
    archive: ArchiveWriter,
    first: Selector,
    url: str,
    fetched_at: str,
    *,
    following: Sequence[tuple[Selector, str, str]] = (),
    portal: Portal | None = None,
    page: Mapping[str, Any] | None = None,
    following_pages: Sequence[Mapping[str, Any]] = (),
) -> Entry:
    """The article of a page fetched from ``url`` at ``fetched_at`` (with its further
    pages, ``following``), as the entry ``store_many`` takes, with the raw ``page``
    (and ``following_pages``) to keep, if any. ``portal`` defaults to the declared
    portal owning ``url``. Raises ``Rejected`` (``no title or no body``)."""
    record = article_record(first, url, fetched_at, following=following, portal=portal)
    return record_entry(
        archive, record, url, fetched_at, page=page, following_pages=following_pages
    )


def article_record(
    first: Selector,
    url: str,
    fetched_at: str,
    *,
    following: Sequence[tuple[Selector, str, str]] = (),
    portal: Portal | None = None,
) -> dict[str, Any]:
    """The pure half of ``article_entry``: the article read from the pages, as the
    record to store (no archive needed: it can be computed in another process).
    Raises ``Rejected`` (``no title or no body``)."""
    article = extract_article(first, url, portal=portal, fetched_at=fetched_at, following=following)
    if not article.title or not article.body:
        raise Rejected("no title or no body", "no title or no body could be read")
    return article.to_record()


def record_entry(
    archive: ArchiveWriter,
    record: dict[str, Any],
    url: str,
    fetched_at: str,
    *,
    page: Mapping[str, Any] | None = None,
    following_pages: Sequence[Mapping[str, Any]] = (),
    signature: TextSignature | None = None,
) -> Entry:
    """The half of ``article_entry`` that reads the archive: ``record`` as the entry
    ``store_many`` takes (with the ``signature`` of its body, when signed ahead)."""
    # A canonical link onto another article is ignored as the crawl ignores it.
    if canonical_collision(archive.db, record["url"], url, record["title"], record["body"]):
        record["url"] = url
    return Entry(
        record, seen_at=fetched_at, fetched_url=url, page=page,
        following_pages=following_pages, signature=signature,
    )  # fmt: skip
