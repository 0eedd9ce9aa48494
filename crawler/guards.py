"""Guards between the downloader and the spider: what a misbehaving portal sends must
not reach the archive as text it is not.

``body_encoding`` decides how a page's bytes are to be read: in the encoding a browser
would choose (byte order mark, HTTP label, ``<meta>`` or XML declaration), checked
against the bytes (``crawler.extract.charset``: a UTF-8 page declared windows-1252 by
any of these means is read as UTF-8, a windows-1252 page labelled UTF-8 as
windows-1252, stray windows-1252 bytes in a UTF-8 page as windows-1252). A body that
no candidate decodes is refused, and so is a body with more than
``BINARY_CONTROL_SHARE`` control bytes: it is not text at all (an image or an archive
served as ``text/html``).

``ResponseGuardMiddleware`` applies this to every text response of a crawl: a repaired
response goes on with the right encoding (stat ``arsip/charset_repaired``), a refused one
is dropped with a warning (stat ``arsip/refused/<reason>``); the run log keeps both in
``crawl_runs.stats``. ``page_text`` applies the same decision to a kept raw page, so
``arsip reextract`` reads it as the crawl did.
"""

from __future__ import annotations

import codecs
import functools
import logging
from collections.abc import Mapping
from typing import Any

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract.charset import decode_page, page_charset

logger = logging.getLogger(__name__)

BINARY_CONTROL_SHARE = 0.02
"""Share of C0 control bytes (other than tab, newlines, form feed) above which a body
is binary: text pages have none, random bytes about 9%."""
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_SAMPLE = 64 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class RefusedBody(ValueError):
    """A body that must not be read as text; ``reason`` is ``binary`` or ``charset``."""

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        super().__init__(detail)


def is_binary(body: bytes) -> bool:
    sample = body[:_SAMPLE]
    if not sample or sample.startswith(_UTF16_BOMS):  # UTF-16 text is full of NULs
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls / len(sample) > BINARY_CONTROL_SHARE


def body_encoding(body: bytes, content_type: str | None) -> str | None:
    """The encoding to read ``body`` in, when it differs from the one it declares (by
    a BOM, its HTTP label, its ``<meta>`` or XML declaration; UTF-8 when none); None
    when the declaration is right. Raises ``RefusedBody`` for binary bodies and for
    bodies no candidate encoding decodes."""
    if is_binary(body):
        raise RefusedBody("binary", "binary content served as text")
    charset = page_charset(body, content_type)
    if charset.encoding is None:
        declared = charset.declared or "nothing"
        raise RefusedBody("charset", f"declared {declared}, but no charset decodes it")
    return charset.encoding if charset.repaired else None


def page_text(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """A kept page's body as the crawl read it (see ``body_encoding``). Raises
    ``RefusedBody``."""
    content_type = next(
        (v for k, v in (headers or {}).items() if k.lower() == "content-type"), None
    )
    body_encoding(body, content_type)  # refuses what the crawl refused
    return decode_page(body, content_type)


class ResponseGuardMiddleware:
    """Downloader middleware: repairs mislabelled charsets, refuses binary bodies (see
    the module docstring)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response: Response, spider=None) -> Response:
        if not isinstance(response, TextResponse) or response.status != 200:
            return response
        if request.meta.get("arsip_sitemap_file") and response.body[:2] == b"\x1f\x8b":
            return response  # a .xml.gz sitemap: crawler.sitemap inflates it, with a limit
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        try:
            encoding = body_encoding(response.body, content_type)
        except RefusedBody as refused:
            logger.warning("refused %s: %s (%s)", response.url, refused, content_type)
            if self.stats:
                self.stats.inc_value(f"arsip/refused/{refused.reason}")
            raise IgnoreRequest(f"refused {response.url}: {refused}") from None
        if encoding is None:
            return response
        logger.warning("%s is labelled %r: read as %s", response.url, content_type, encoding)
        if self.stats:
            self.stats.inc_value("arsip/charset_repaired")
        return response.replace(encoding=encoding)


def over_size_limit(error: BaseException) -> bool:
    """Whether ``error`` is a body over the request's size limit: cancelled on download
    (``Content-Length`` or the bytes received past ``download_maxsize``), or past it
    while inflated (``Content-Encoding: gzip``, or a gzip file the spider inflates)."""
    from scrapy.utils._compression import _DecompressionMaxSizeExceeded

    if isinstance(error, DownloadCancelledError):
        return "max size" in str(error)
    if isinstance(error, IgnoreRequest):
        error = error.__cause__ or error
    return isinstance(error, _DecompressionMaxSizeExceeded)


class DownloadFailureMiddleware:
    """Spider middleware: every request a spider makes gets an errback that records a
    page given up (retries spent, timeout, cancelled, refused, redirect loop, HTTP error)
    in the stats as ``arsip/given_up/<cause>`` (kept in ``crawl_runs.stats``) and logs
    it in one line: Scrapy's default is a traceback per failed download, which reads
    like a crash in cron mail. A download error still counts in the run log's
    ``errors``; refusals and HTTP errors were logged where they happened."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _with_errback(self, request_or_item):
        if isinstance(request_or_item, Request):  # the spider's own errback still runs
            request_or_item.errback = functools.partial(self.given_up, request_or_item.errback)
        return request_or_item

    async def process_start(self, start):
        async for request_or_item in start:
            yield self._with_errback(request_or_item)

    def process_spider_output(self, response, result, spider=None):
        for request_or_item in result:
            yield self._with_errback(request_or_item)

    async def process_spider_output_async(self, response, result, spider=None):
        async for request_or_item in result:
            yield self._with_errback(request_or_item)

    def given_up(self, errback, failure) -> Any:
        """Count and log ``failure``, then hand it to the request's own ``errback``."""
        error = failure.value
        cause = type(error).__name__
        if isinstance(error, HttpError):
            cause = f"http_{error.response.status}"
        if self.stats:
            self.stats.inc_value(f"arsip/given_up/{cause}")
        request = getattr(failure, "request", None)
        url = getattr(request, "url", "?")
        if (
            over_size_limit(error)
            and request is not None
            and request.meta.get("arsip_sitemap_file")
        ):
            pass  # the spider says it, with the sitemap's own limit (``crawler.spiders.sitemaps``)
        elif not isinstance(error, IgnoreRequest):
            logger.error("gave up on %s: %s: %s", url, cause, error)
        else:
            logger.info("gave up on %s: %s", url, error)
        return errback(failure) if errback else None
