"""Log lines about items that name the article, not the whole item.

Scrapy's own formatter writes a dropped item in full, and an arsip item carries its raw
page bytes: every page without an article would put a whole HTML page into the crawl
log, and into the mail cron sends when the log goes to stderr.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class ArticleLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any
                ) -> LogFormatterResult:  # fmt: skip
        result = super().dropped(item, exception, response, spider)
        return {**result, "msg": "Dropped %(url)s: %(exception)s",
                "args": {"url": _url(item), "exception": exception}}  # fmt: skip

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any
                   ) -> LogFormatterResult:  # fmt: skip
        result = super().item_error(item, exception, response, spider)
        return {**result, "msg": "Error processing %(url)s", "args": {"url": _url(item)}}


def _url(item: Any) -> str:
    return str(getattr(item, "url", None) or "an item without a URL")
