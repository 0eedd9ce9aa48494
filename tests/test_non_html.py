"""Which answers at an article URL are HTML pages (``crawler.non_html``): real Scrapy
responses, built as the downloader builds them from their Content-Type."""

from __future__ import annotations

import pytest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.non_html import not_html

URL = "https://www.tangselpos.id/detail/1/judul-berita"


def answer(content_type: str | None, body: bytes):
    headers = Headers({"Content-Type": content_type} if content_type else {})
    kind = responsetypes.from_args(headers=headers, url=URL, body=body)
    return kind(url=URL, headers=headers, body=body)


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=utf-8", b"<html><body><h1>Judul</h1></body></html>", None),
        ("application/xhtml+xml", b"<html xmlns='http://www.w3.org/1999/xhtml'/>", None),
        ("text/plain", b"  <!DOCTYPE html><html><body>Judul</body></html>", None),
        (None, b"<!DOCTYPE html><html><body>Judul</body></html>", None),
        ("application/json; charset=utf-8", b'{"id": 1}', "application/json"),
        ("application/pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        ("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png"),
        ("text/plain", b"Judul berita tanpa markup", "text/plain"),
        ("text/xml", b"<?xml version='1.0'?><rss/>", "text/xml"),
        (None, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "unknown"),
    ],
)
def test_not_html(content_type, body, expected):
    assert not_html(answer(content_type, body)) == expected
