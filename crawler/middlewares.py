"""Downloader parts: the offline mirror hook, and retries that honour ``Retry-After``.

The offline mirror hook: a download handler that sends every request to the mirror
named by the ``ARSIP_MIRROR`` setting, with the real host in the ``Host`` header, and
hands the response back under the real URL. Spiders, robots.txt handling, the dupe
filter and the archive all see only real URLs.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


def mirror_url(url: str, mirror: str) -> tuple[str, str]:
    """(URL on the mirror, real host) for a real URL."""
    real = urlsplit(url)
    base = urlsplit(mirror)
    return urlunsplit((base.scheme, base.netloc, real.path or "/", real.query, "")), real.netloc


class MirrorDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.mirror = crawler.settings.get("ARSIP_MIRROR")

    async def download_request(self, request: Request) -> Response:
        if not self.mirror:
            return await super().download_request(request)
        target, host = mirror_url(request.url, self.mirror)
        mirrored = request.replace(url=target)
        mirrored.headers[b"Host"] = host.encode("ascii")
        mirrored.headers[b"X-Forwarded-Proto"] = urlsplit(request.url).scheme.encode("ascii")
        response = await super().download_request(mirrored)
        return response.replace(url=request.url)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header (delay in seconds, or an HTTP date) -> seconds from now;
    None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry, honouring ``Retry-After`` on 429 and 503 answers: the retry waits
    as long as the server asked, at most ``ARSIP_RETRY_AFTER_MAX`` seconds; a server that
    asks for longer gets no retry in this run (the page is tried again next run).
    Without the header, a 429 waits ``ARSIP_RETRY_AFTER_DEFAULT`` seconds."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("ARSIP_RETRY_AFTER_MAX", 120.0)
        self.default_wait = settings.getfloat("ARSIP_RETRY_AFTER_DEFAULT", 5.0)

    async def process_response(self, request: Request, response: Response, spider=None):
        if request.meta.get("dont_retry") or response.status not in (429, 503):
            return super().process_response(request, response)
        if response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = self.default_wait if response.status == 429 else 0.0
        if wait > self.max_wait:
            logger.warning(
                "%s asks to retry %s after %.0fs (more than %.0fs): not retried in this run",
                urlsplit(request.url).netloc, request.url, wait, self.max_wait,
            )  # fmt: skip
            if self.crawler.stats:
                self.crawler.stats.inc_value("arsip/retry_after/gave_up")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait > 0:
            if self.crawler.stats:
                self.crawler.stats.inc_value("arsip/retry_after/waited")
            # Imported here: importing the reactor at module level would install the
            # default one before Scrapy installs its own.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return retry
