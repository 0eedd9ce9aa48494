"""How a page's bytes are read when its charset label lies, and binary refused: the
pure decision of ``crawler.guards`` (the crawl tests prove it end to end)."""

from __future__ import annotations

import codecs
import random

import pytest

from crawler.extract.charset import UTF8_WITH_STRAY_CP1252
from crawler.guards import RefusedBody, body_encoding, page_text

TEXT = "<html><head><meta charset='utf-8'></head><body><p>Kesehatán “warga” – café</p></body>"
PLAIN = "<html><body><p>Banjir di Pamulang</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (TEXT.encode(), "text/html; charset=utf-8", None),  # true label
        (TEXT.encode("cp1252"), "text/html; charset=utf-8", "cp1252"),  # 1252 as utf-8
        (TEXT.encode(), "text/html; charset=windows-1252", "utf-8"),  # utf-8 as 1252
        (TEXT.encode(), "text/html; charset=ISO-8859-1", "utf-8"),  # latin-1 is 1252
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", None),  # true label
        (PLAIN.encode(), "text/html; charset=windows-1252", None),  # ASCII: nothing to do
        (TEXT.encode(), "text/html", None),  # no label: Scrapy's own detection
        (codecs.BOM_UTF8 + TEXT.encode(), "text/html; charset=windows-1252", None),  # BOM
        # UTF-8 with one stray windows-1252 byte: still UTF-8 (the rest stays right),
        # the stray byte read as windows-1252.
        (TEXT.encode() + b"<p>caf\xe9</p>", "text/html; charset=utf-8", UTF8_WITH_STRAY_CP1252),
        (
            TEXT.replace("utf-8", "iso-8859-15").encode("iso-8859-15", "replace"),
            "text/html; charset=utf-8",
            "iso8859-15",  # the page's own <meta> charset, when it decodes
        ),
    ],
)
def test_the_encoding_a_page_is_read_in(body, content_type, expected):
    assert body_encoding(body, content_type) == expected


def test_binary_and_undecodable_bodies_are_refused():
    noise = random.Random(1).randbytes(64 * 1024)
    with pytest.raises(RefusedBody) as refused:
        body_encoding(noise, "text/html; charset=utf-8")
    assert refused.value.reason == "binary"
    # Bytes no candidate decodes (0x81 is undefined in windows-1252).
    with pytest.raises(RefusedBody) as refused:
        body_encoding(b"<p>caf\xe9 \x81</p>", "text/html; charset=utf-8")
    assert refused.value.reason == "charset"
    # UTF-16 text is full of NUL bytes, and text all the same.
    assert body_encoding(TEXT.encode("utf-16"), "text/html") is None


def test_a_kept_page_reads_as_the_crawl_read_it():
    headers = {"Content-Type": "text/html; charset=utf-8"}
    assert page_text(TEXT.encode("cp1252"), headers) == TEXT
    assert page_text(TEXT.encode(), headers) == TEXT
    stray = TEXT.encode() + b"<p>caf\xe9</p>"
    assert page_text(stray, headers) == TEXT + "<p>café</p>"
