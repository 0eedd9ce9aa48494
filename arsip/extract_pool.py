"""Reading pages into articles in worker processes, while one process keeps the work
that depends on order (storage, dedup, where a resumed run starts).

``first_page`` is the pure part of reading a page fetched outside a crawl (bytes ->
article record, ``arsip.page_article``): it needs no archive, so it can run in another
process. ``Extractor`` hands pages to a pool of ``jobs`` processes (``jobs`` 1: read
in this process, when the result is asked for) and gives back, per page, a callable
that waits for its result. The caller bounds the pages in flight (memory stays flat).
The workers are ``arsip.workers``' (forked: they know the same portals).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from functools import partial
from typing import Any

from archive.dedup import text_signature
from arsip.page_article import Rejected, article_record, read_fetched
from arsip.workers import Workers
from crawler.extract.paging import next_page_url
from crawler.portals import all_portals

MULTI = "multi-page"
"""``first_page``'s answer for a page with a next page: its pages are joined by the
caller, which holds the order of the records."""
ARTICLE = "article"
REJECTED = "rejected"

Outcome = tuple[Any, ...]
"""``(ARTICLE, record, signature)`` (its body's ``text_signature``, computed where it
was read), ``(REJECTED, reason, message)`` or ``(MULTI,)``."""


def first_page(
    url: str, body: bytes, headers: Mapping[str, str], fetched_at: str, portal: str | None
) -> Outcome:
    """The article of a page that is the first of its article, read as
    ``arsip.page_article`` reads it (``portal``: a declared portal's name, None for a
    page of an undeclared portal)."""
    try:
        first = read_fetched(url, body, headers)
        if next_page_url(first, url):
            return (MULTI,)
        declared = all_portals()[portal] if portal is not None else None
        record = article_record(first, url, fetched_at, portal=declared)
        return (ARTICLE, record, text_signature(record.get("body")))
    except Rejected as rejected:
        return (REJECTED, rejected.reason, str(rejected))


class Extractor(Workers):
    """``first_page`` in ``jobs`` worker processes (1: in this process, lazily)."""

    def submit(
        self, url: str, body: bytes, headers: Mapping[str, str], fetched_at: str,
        portal: str | None,
    ) -> Callable[[], Outcome]:  # fmt: skip
        """Start reading a page; the returned callable gives its outcome."""
        if self.pool is None:
            return partial(first_page, url, body, dict(headers), fetched_at, portal)
        future: Future[Outcome] = self.pool.submit(
            first_page, url, body, dict(headers), fetched_at, portal
        )
        return future.result
