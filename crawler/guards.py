"""Guards between the downloader and the spider: what a misbehaving portal sends must
not reach the archive as text it is not.

``body_encoding`` decides how a page's bytes are to be read when the label lies:

- a body labelled UTF-8 (HTTP header) that is not valid UTF-8 and holds no UTF-8
  multi-byte sequence at all is read in its ``<meta>`` charset when that one fits,
  else as windows-1252 (the usual mislabel of older Indonesian CMSs); a body that no
  candidate decodes is refused. A UTF-8 page with a few stray bytes (pasted from a
  windows-1252 editor) stays UTF-8: reading it all as windows-1252 would garble every
  other accented letter on it;
- a body labelled windows-1252 / ISO-8859-1 that is valid UTF-8 with multi-byte
  sequences is read as UTF-8 (valid UTF-8 sequences are vanishingly rare in real
  windows-1252 text, and reading it as windows-1252 would store ``Ã©`` mojibake);
- a body with more than ``BINARY_CONTROL_SHARE`` control bytes is not text at all
  (an image or an archive served as ``text/html``) and is refused.

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
import re
from collections.abc import Mapping
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    resolve_encoding,
)

logger = logging.getLogger(__name__)

BINARY_CONTROL_SHARE = 0.02
"""Share of C0 control bytes (other than tab, newlines, form feed) above which a body
is binary: text pages have none, random bytes about 9%."""
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_SAMPLE = 64 * 1024
_SINGLE_BYTE = {"cp1252", "iso8859-15"}  # as w3lib names them (latin-1 is cp1252)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
"""A well-formed UTF-8 multi-byte sequence (rare by chance in windows-1252 text)."""


class RefusedBody(ValueError):
    """A body that must not be read as text; ``reason`` is ``binary`` or ``charset``."""

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        super().__init__(detail)


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def is_binary(body: bytes) -> bool:
    sample = body[:_SAMPLE]
    if not sample or sample.startswith(_BOMS[1:]):  # UTF-16 text is full of NULs
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls / len(sample) > BINARY_CONTROL_SHARE


def body_encoding(body: bytes, content_type: str | None) -> str | None:
    """The encoding to read ``body`` in, when it differs from its HTTP label; None when
    the label (or, without one, the usual detection) is right. Raises ``RefusedBody``
    for binary bodies and for bodies no candidate encoding decodes."""
    if is_binary(body):
        raise RefusedBody("binary", "binary content served as text")
    label = http_content_type_encoding(content_type) if content_type else None
    if not label or body.startswith(_BOMS) or body.isascii():
        return None
    label = resolve_encoding(label) or label
    if label == "utf-8":
        if _decodes(body, "utf-8") or _UTF8_SEQUENCE.search(body):
            return None
        meta = html_body_declared_encoding(body)
        meta = resolve_encoding(meta) if meta else None
        for candidate in (meta, "cp1252"):
            if candidate and candidate != "utf-8" and _decodes(body, candidate):
                return candidate
        raise RefusedBody("charset", "labelled utf-8, but no charset decodes it")
    if label in _SINGLE_BYTE and _decodes(body, "utf-8"):
        return "utf-8"
    return None


def page_text(body: bytes, headers: Mapping[str, str] | None = None) -> str | bytes:
    """A kept page's body as the crawl read it: decoded text when its label was wrong
    (see ``body_encoding``), else the bytes (the extractor honours their charset).
    Raises ``RefusedBody``."""
    content_type = next(
        (v for k, v in (headers or {}).items() if k.lower() == "content-type"), None
    )
    encoding = body_encoding(body, content_type)
    return body.decode(encoding) if encoding else body


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
        url = getattr(getattr(failure, "request", None), "url", "?")
        if not isinstance(error, IgnoreRequest):
            logger.error("gave up on %s: %s: %s", url, cause, error)
        else:
            logger.info("gave up on %s: %s", url, error)
        return errback(failure) if errback else None
