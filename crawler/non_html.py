"""Answers at article URLs that are no HTML page: a JSON document, an image, a PDF.

A portal's article URL rule matches them now and then (an API endpoint under an
article path, an image or a PDF behind a slug). No article can be read from them; the
spider remembers each as a page without an article (``archive.memory.empty``, reason
``not HTML (<content type>)``), so that the next runs skip it like a video page, and
counts it (``arsip/not_html``) instead of parsing bytes that are no markup.
"""

from __future__ import annotations

from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.http.response.json import JsonResponse
from scrapy.http.response.xml import XmlResponse

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def content_type(response: Response) -> str:
    """The answer's media type (``application/pdf``), lower case, without parameters;
    empty when the answer names none."""
    header = response.headers.get(b"Content-Type") or b""
    return header.decode("latin-1").split(";", 1)[0].strip().lower()


def not_html(response: Response) -> str | None:
    """The media type of an answer that is no HTML page (``application/json``), or
    ``unknown`` when it names none; None for an HTML page. A text answer labelled
    ``text/plain`` or not labelled at all whose body opens with markup is taken for
    HTML, as browsers take it."""
    kind = content_type(response)
    if kind in HTML_TYPES or isinstance(response, HtmlResponse):
        return None
    if (
        isinstance(response, TextResponse)
        and not isinstance(response, JsonResponse | XmlResponse)
        and kind in ("", "text/plain")
        and response.body.lstrip()[:1] == b"<"
    ):
        return None
    return kind or "unknown"
