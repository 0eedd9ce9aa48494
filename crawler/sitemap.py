"""Reading a sitemap or sitemap index: Scrapy's reader, less the entries without a
location.

Scrapy's ``Sitemap`` parses with lxml told not to resolve entities, so a billion-laughs
sitemap never builds its gigabytes of text. What it yields for such a file depends on
lxml: 6.0 yields nothing, 6.2 one entry whose ``loc`` is empty. An entry without a
location is no entry, whatever the parser's version."""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.utils.sitemap import Sitemap as ScrapySitemap


class Sitemap(ScrapySitemap):
    """``type`` is ``urlset`` or ``sitemapindex``; iterating gives one dict per entry
    (``loc``, stripped and never empty, plus ``lastmod`` and the other tags present)."""

    def __iter__(self) -> Iterator[dict]:
        for entry in super().__iter__():
            location = (entry.get("loc") or "").strip()
            if location:
                entry["loc"] = location
                yield entry
