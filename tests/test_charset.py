"""A page's bytes read as a browser reads them (BOM, HTTP label, ``<meta>``, XML
declaration, in that order), checked against the bytes: pure tests on bytes, one per
declaration form, true and false. The crawl tests (``tests/test_faults_crawl.py``) prove
the same against the fault mirror."""

from __future__ import annotations

import codecs

import pytest
from w3lib.encoding import html_to_unicode

from crawler.extract import extract_article
from crawler.extract.charset import UTF8_WITH_STRAY_CP1252, decode_page, page_charset
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles

WORDS = "Kesehatán “warga” – kafé Señora"
"""Text that windows-1252 can encode and that mojibake shows in (``kafÃ©``, ``â€”``)."""
MOJIBAKE = ("Ã", "â€", "\ufffd")


def page(head: str = "", prolog: str = "") -> str:
    return (
        f"{prolog}<html><head>{head}<title>{WORDS}</title></head><body><p>{WORDS}</p></body></html>"
    )


META = '<meta charset="iso-8859-1">'
HTTP_EQUIV = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
XML = '<?xml version="1.0" encoding="iso-8859-1"?>\n'


# (name, text, encoding of the bytes, Content-Type, encoding read, declared, source)
CASES = [
    # Declarations that are true: read as declared, nothing repaired.
    ("http utf-8", page(), "utf-8", "text/html; charset=utf-8", "utf-8", "utf-8", "http"),
    ("http 1252", page(), "cp1252", "text/html; charset=windows-1252", "cp1252", "cp1252", "http"),
    ("http latin-1", page(), "cp1252", "text/html; charset=ISO-8859-1", "cp1252", "cp1252", "http"),
    ("meta 1252", page(META), "cp1252", "text/html", "cp1252", "cp1252", "page"),
    ("http-equiv 1252", page(HTTP_EQUIV), "cp1252", "text/html", "cp1252", "cp1252", "page"),
    ("xml 1252", page(prolog=XML), "cp1252", "text/html", "cp1252", "cp1252", "page"),
    ("meta utf-8", page('<meta charset="utf-8">'), "utf-8", None, "utf-8", "utf-8", "page"),
    ("nothing, utf-8", page(), "utf-8", "text/html", "utf-8", None, "none"),
    # The order: a BOM beats the HTTP label, the HTTP label beats the page's own.
    ("bom", page(), "utf-8-sig", "text/html; charset=windows-1252", "utf-8", "utf-8", "bom"),
    ("bom utf-16", page(), "utf-16", "text/html; charset=utf-8", "utf-16-le", "utf-16-le", "bom"),
    ("http over meta", page(META), "utf-8", "text/html; charset=utf-8", "utf-8", "utf-8", "http"),
    # Declarations that lie: UTF-8 bytes declared windows-1252 / ISO-8859-1 by any means.
    ("http lies", page(), "utf-8", "text/html; charset=windows-1252", "utf-8", "cp1252", "http"),
    ("meta lies", page(META), "utf-8", "text/html", "utf-8", "cp1252", "page"),
    ("meta lies, no header", page(META), "utf-8", None, "utf-8", "cp1252", "page"),
    ("http-equiv lies", page(HTTP_EQUIV), "utf-8", "text/html", "utf-8", "cp1252", "page"),
    ("xml lies", page(prolog=XML), "utf-8", "text/html", "utf-8", "cp1252", "page"),
    # windows-1252 bytes declared UTF-8, or declared nothing.
    ("utf-8 lies", page(), "cp1252", "text/html; charset=utf-8", "cp1252", "utf-8", "http"),
    ("nothing, 1252", page(), "cp1252", "text/html", "cp1252", None, "none"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "encoding", "content_type", "read_as", "declared", "source"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_declaration_form(text, encoding, content_type, read_as, declared, source):
    body = text.encode(encoding)
    charset = page_charset(body, content_type)
    assert (charset.encoding, charset.declared, charset.source) == (read_as, declared, source)
    assert charset.repaired == (read_as != (declared or "utf-8"))
    decoded = decode_page(body, content_type)
    assert decoded == text
    assert not any(m in decoded for m in MOJIBAKE)


@pytest.mark.parametrize(
    ("text", "encoding", "content_type"),
    [case[1:4] for case in CASES if case[4] == (case[5] or "utf-8")],
    ids=[case[0] for case in CASES if case[4] == (case[5] or "utf-8")],
)
def test_a_true_declaration_reads_as_w3lib_reads_it(text, encoding, content_type):
    """The order is w3lib's ``html_to_unicode`` (what Scrapy reads a response with):
    where the declaration is true, both read the same text."""
    body = text.encode(encoding)
    assert decode_page(body, content_type) == html_to_unicode(content_type, body)[1]


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=windows-1252", "text/html; charset=utf-8", "text/html", None],
)
def test_utf8_with_one_stray_windows_1252_byte(content_type):
    """A UTF-8 page with one byte pasted from a windows-1252 editor (``é`` as 0xE9):
    UTF-8 whatever it declares, and the stray byte read as windows-1252, so that
    nothing is lost: not its UTF-8 letters (``kafÃ©``), not the stray one (``�``)."""
    body = page().encode().replace(b"Se\xc3\xb1ora", b"Se\xf1ora", 1)
    assert page_charset(body, content_type).encoding == UTF8_WITH_STRAY_CP1252
    assert decode_page(body, content_type) == page()
    # Many stray bytes and few UTF-8 sequences under a windows-1252 label: windows-1252.
    latin = page().encode("cp1252") + "<p>Ã©</p>".encode("cp1252")  # one sequence by chance
    assert page_charset(latin, "text/html; charset=windows-1252").encoding == "cp1252"


def test_a_page_no_encoding_decodes():
    # 0x81 is undefined in windows-1252, and there is no UTF-8 sequence.
    assert page_charset(b"<p>caf\xe9 \x81</p>", "text/html; charset=utf-8").encoding is None
    assert decode_page(b"<p>caf\xe9 \x81</p>") == "<p>caf\ufffd \ufffd</p>"
    assert page_charset(codecs.BOM_UTF8 + b"<p>ok</p>").source == "bom"


def stray_in_headline(body: bytes) -> bytes:
    """The page with the first ``é`` of its ``<h1>`` as one windows-1252 byte."""
    h1 = body.index(b"<h1")
    return body[:h1] + body[h1:].replace("é".encode(), b"\xe9", 1)


@pytest.mark.parametrize(
    ("name", "mislabel"),
    [
        ("meta", lambda body: body.replace(b'<meta charset="utf-8">', META.encode())),
        ("xml", lambda body: XML.encode() + body.replace(b'<meta charset="utf-8">', b"")),
        ("stray", lambda body: stray_in_headline(body)),
    ],
)
def test_an_article_page_with_a_lying_declaration_extracts_exactly(name, mislabel):
    """Bytes in, article out: a mirror article page whose only declaration is a false
    ``<meta>`` or XML one, or with a stray byte, gives the article's exact title and
    text."""
    article = dict(load_articles()[0], title="Kafé Señora – “Pelayanan” Warga Pamulang")
    article["paragraphs"] = [
        f"Pengelola {WORDS} dibuka pukul 09.00 – 15.00.",
        *article["paragraphs"],
    ]
    body = build_site([article]).pages[article_path(article)].body
    lying = mislabel(body)
    assert lying != body
    extracted = extract_article(lying, BASE + article_path(article))
    assert extracted.title == article["title"]
    assert article["paragraphs"][0] in extracted.body
    for text in (extracted.title, extracted.body):
        assert not any(m in text for m in MOJIBAKE), name
