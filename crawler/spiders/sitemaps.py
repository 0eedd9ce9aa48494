"""The sitemap half of ``PortalSpider``: robots.txt's ``Sitemap:`` lines, sitemaps and
sitemap indexes read entry by entry, and the children read completely remembered at the
run's close (``archive.memory.sitemaps``). The decisions (which child to read, which
entry to fetch) are ``crawler.frontier``'s; the reading is ``crawler.sitemap``'s."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Generator, Iterator
from datetime import UTC, datetime
from time import monotonic
from typing import Any

import scrapy
from scrapy.http import Response

from archive.memory.sitemaps import remember_sitemaps
from archive.times import parse_instant, to_utc_iso
from crawler.crawl_archive import crawl_archive
from crawler.guards import over_size_limit
from crawler.sitemap import MAX_ENTRIES as MAX_SITEMAP_ENTRIES
from crawler.sitemap import MAX_SIZE as SITEMAP_MAXSIZE
from crawler.sitemap import Sitemap

SITEMAP_SLICE = 0.05
"""Seconds a sitemap's reading runs before it hands the reactor back (``_pause``)."""


async def _pause() -> None:
    """Let the reactor run what waits (downloads, stores, other callbacks) once."""
    from scrapy.utils.asyncio import is_asyncio_available

    if is_asyncio_available():
        await asyncio.sleep(0)
        return
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, 0, lambda: None))


def drained(steps: Generator[Any, None, Any]) -> tuple[list[Any], Any]:
    """What a generator yields, and what it returns."""
    out = []
    while True:
        try:
            out.append(next(steps))
        except StopIteration as stop:
            return out, stop.value


def _age(since: datetime) -> str:
    """``3.2 days``: how long ago ``since`` was."""
    return f"{(datetime.now(UTC) - since).total_seconds() / 86400:.1f} days"


class SitemapCallbacks:
    """Mixed into ``PortalSpider``, whose ``frontier``, ``portal``, ``_stat`` and
    ``_article_request`` it uses."""

    def _remember_sitemaps(self, reason: str) -> None:
        """Remember, in one transaction, the index lastmod of each child sitemap this
        run read completely: only when the run ended ``finished`` (not killed, not
        stopped by an archive error) and every article it requested from the child was
        stored. A child with an article left unfetched (``--max-pages``, ``--since``) or
        whose request failed or yielded no article is read again by the next run. The
        children whose index lastmod proved to be behind their entries are forgotten,
        however the run ended: the next run reads them whatever their lastmod says."""
        stats = self.crawler.stats
        distrusted = self.frontier.sitemaps_distrusted
        if distrusted:
            # A warning when a child that was skipped on its lastmod's word turns out
            # behind (that word was wrong); once forgotten, reading it on every run is
            # the steady state, which the run log's stats count.
            url, (lastmod, newest) = next(iter(distrusted.items()))
            trusted_before = not distrusted.keys().isdisjoint(self.frontier.remembered_sitemaps)
            self.logger.log(
                logging.WARNING if trusted_before else logging.INFO,
                "%d child sitemaps of %s list entries later than the lastmod their index "
                "gives them (%s: %s in the index, entries up to %s): the index does not "
                "move a child's lastmod when the child changes, so arsip reads them on "
                "every run while this lasts",
                len(distrusted), self.name, url, to_utc_iso(lastmod), to_utc_iso(newest),
            )  # fmt: skip
        complete = self.frontier.sitemaps_to_remember(
            finished=reason == "finished" and not (stats and stats.get_value("arsip/archive_error"))
        )
        try:
            written = remember_sitemaps(
                crawl_archive(self.crawler).db,
                self.name,
                complete,
                forget=distrusted,
                run_id=stats.get_value("arsip/run_id") if stats else None,
            )
        except sqlite3.Error as error:  # nothing remembered: the next run reads them all
            self.logger.error("child sitemaps of %s not remembered: %s", self.name, error)
            return
        if written:
            self._stat("sitemaps_remembered", written)

    def _sitemap_request(self, url: str, response: Response | None = None, **meta: Any):
        """A request for a sitemap: up to the protocol's 50 MB (``crawler.sitemap``),
        not the page limit ``DOWNLOAD_MAXSIZE``, also while it is decompressed."""
        meta.update(
            download_maxsize=SITEMAP_MAXSIZE,
            download_warnsize=SITEMAP_MAXSIZE,
            arsip_sitemap_file=True,  # a gzip body is no binary page (``crawler.guards``)
        )
        how = {"callback": self.parse_sitemap, "errback": self.sitemap_failed, "meta": meta}
        if response is not None:
            return response.follow(url, **how)
        return scrapy.Request(url, **how)

    def sitemap_failed(self, failure: Any) -> None:
        """A sitemap request that failed (logged and counted by ``crawler.guards``); one
        over the size limit is said so here."""
        if over_size_limit(failure.value):
            self._sitemap_too_large(failure.request.url)

    def _sitemap_too_large(self, url: str) -> None:
        self.logger.warning(
            "sitemap %s is larger than the sitemap protocol's limit of %d MiB "
            "(uncompressed): not read",
            url, SITEMAP_MAXSIZE // (1024 * 1024),
        )  # fmt: skip
        self._stat("sitemaps_too_large")

    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """A sitemap or sitemap index, read entry by entry (``crawler.sitemap``). An
        async generator that hands the reactor back every ``SITEMAP_SLICE`` seconds:
        50,000 entries take seconds to weigh, and downloads and stores go on meanwhile."""
        self._stat("pages_ok")
        try:
            sitemap = Sitemap(response.body)
        except Exception as error:  # lxml raises several kinds on malformed XML; gzip
            if over_size_limit(error):  # a gzip file that inflates past the limit
                self._sitemap_too_large(response.url)
                return
            self.logger.warning("unreadable sitemap %s: %s", response.url, error)
            return
        # A child of an index, with the lastmod the index gave it: remembered if this
        # run reads it completely (``_remember_sitemaps``). A child that is an index
        # itself is read on every run (its children's lastmods are what tell them apart)
        # and never remembered; its own children are, at any depth.
        child: tuple[str, datetime] | None = response.meta.get("arsip_sitemap")
        recheck = bool(response.meta.get("arsip_recheck"))
        read = self.frontier.open_sitemap(child, urlset=sitemap.type == "urlset", recheck=recheck)
        if recheck:  # counted once read (not when a request for it failed)
            self._stat("sitemaps_rechecked")
        entries = iter(sitemap)
        slice_started = monotonic()
        while True:
            if monotonic() - slice_started > SITEMAP_SLICE:
                await _pause()
                slice_started = monotonic()
            try:
                entry = next(entries)
            except StopIteration:
                break
            except Exception as error:  # broken XML or gzip further down
                self.logger.warning(
                    "sitemap %s unreadable after %d entries: %s", response.url, read.entries, error
                )
                self._stat("sitemaps_cut")
                read.requested = None  # not read to its end: read it again next run
                break
            read.entries += 1
            url = entry["loc"]
            lastmod = parse_instant(entry.get("lastmod"), self.portal.timezone)
            if sitemap.type == "sitemapindex":
                location = response.urljoin(url)
                reading = self.frontier.child_sitemap(location, lastmod)
                if reading is None:
                    continue
                yield self._sitemap_request(
                    url,
                    response,
                    arsip_sitemap=(location, lastmod) if lastmod else None,
                    arsip_recheck=reading == "recheck",
                )
                continue
            read.saw(lastmod)
            if self.portal.is_article(url):
                requests, decision = drained(self._article_request(url, lastmod=lastmod))
                for request in requests:
                    yield request
                read.article(decision)
        if sitemap.truncated:
            self.logger.warning(
                "sitemap %s lists more than %d URLs, the sitemap protocol's limit: the "
                "rest is not read",
                response.url,
                MAX_SITEMAP_ENTRIES,
            )
            self._stat("sitemaps_cut")
            read.requested = None
        self.frontier.sitemap_done(read)
        if read.found:
            known = self.frontier.remembered_sitemaps.get(child[0]) if child else None
            self.logger.warning(
                "child sitemap %s, read again %s after it was read completely although "
                "its index lastmod had not moved, lists %d article%s to fetch: the index "
                "does not move a child's lastmod when the child gains articles (a shorter "
                "ARSIP_SITEMAP_RECHECK_DAYS finds them sooner)",
                response.url,
                _age(known.read_at) if known else "some time",
                read.found,
                "s" * (read.found != 1),
            )
            self._stat("sitemaps_recheck_found", read.found)
        if not read.entries:
            # An empty urlset, or one whose entries could not be read (an XML entity
            # bomb: entities are never expanded, so its URLs come out empty).
            self.logger.warning("sitemap %s lists no URL", response.url)
            self._stat("sitemaps_empty")

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """The ``Sitemap:`` lines of robots.txt (a sitemap also declared elsewhere is
        fetched once: Scrapy's duplicate filter drops the second request)."""
        for line in response.text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                yield self._sitemap_request(value.strip(), response)
