"""Reading a sitemap or sitemap index: Scrapy's reader, gzip inflated first, at most
the protocol's 50,000 entries, less the entries without a location.

The sitemap protocol allows 50,000 URLs and 50 MB (uncompressed) per file, gzip
included (a ``.xml.gz`` file, or ``Content-Encoding: gzip``, which Scrapy's compression
middleware inflates). Scrapy's ``Sitemap`` parses incrementally (lxml ``iterparse``)
and frees each entry once read, so memory stays at the body and one entry, and the
spider can hand the crawl back control between entries
(``crawler.spiders.portal.PortalSpider.parse_sitemap``).

lxml is told not to resolve entities (and loads no DTD, uses no network, keeps its
limits on huge nodes: its defaults), so a billion-laughs sitemap never builds its
gigabytes of text. What it yields for such a file depends on lxml: 6.0 yields nothing,
6.2 one entry whose ``loc`` is empty. An entry without a location is no entry, whatever
the parser's version.
"""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap as ScrapySitemap

MAX_ENTRIES = 50_000
"""The sitemap protocol's limit of URLs per file: entries past it are not read."""
MAX_SIZE = 50 * 1024 * 1024
"""The protocol's 50 MB per file (uncompressed), in MiB: the download and
decompression limit of a sitemap request (pages keep ``DOWNLOAD_MAXSIZE``), and of a
``.xml.gz`` body inflated here."""
_GZIP = b"\x1f\x8b"


class Sitemap(ScrapySitemap):
    """``type`` is ``urlset`` or ``sitemapindex``; iterating gives one dict per entry
    (``loc``, stripped and never empty, plus ``lastmod`` and the other tags present),
    at most ``max_entries``: ``truncated`` is True once an entry past them was met.

    A gzip-compressed body (a ``.xml.gz`` file) is inflated first, up to ``MAX_SIZE``
    (past it: Scrapy's ``_DecompressionMaxSizeExceeded``). A body that is not XML
    raises lxml's ``XMLSyntaxError``, when made or while iterated."""

    __slots__ = ("max_entries", "truncated")

    def __init__(self, body: bytes, *, max_entries: int = MAX_ENTRIES):
        if body[:2] == _GZIP:
            body = gunzip(body, max_size=MAX_SIZE)
        super().__init__(body)
        self.max_entries = max_entries
        self.truncated = False

    def __iter__(self) -> Iterator[dict]:
        count = 0
        for entry in super().__iter__():
            location = (entry.get("loc") or "").strip()
            if not location:
                continue
            if count >= self.max_entries:
                self.truncated = True
                return
            count += 1
            entry["loc"] = location
            yield entry
