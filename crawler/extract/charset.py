"""How a page's bytes become text: the encoding a browser would choose, checked against
the bytes themselves.

The declared encoding is looked for where browsers look, in their order (the WHATWG
encoding sniffing that w3lib's ``html_to_unicode`` implements): a byte order mark;
else the charset of the HTTP ``Content-Type``; else the page's own declaration in its
first kilobytes (``<meta charset>``, ``<meta http-equiv="Content-Type">``, the XML
declaration ``<?xml ... encoding="..."?>``); else UTF-8.

Portals declare wrongly more often than their readers notice, so the declaration is
then checked against the bytes (``page_charset``):

- declared UTF-8 (or nothing) but not UTF-8, and not one well-formed UTF-8 multi-byte
  sequence in it: the page's own declaration when that one decodes it, else
  windows-1252 (the usual encoding of older Indonesian CMSs); None when neither does;
- declared windows-1252 / ISO-8859-1 / ISO-8859-15 (by any of the three means) but
  the bytes are UTF-8 with multi-byte sequences: UTF-8. Well-formed UTF-8 sequences
  are vanishingly rare in real windows-1252 text; read as windows-1252 they become
  ``kafÃ©`` and ``â€”``;
- UTF-8 with a few stray bytes that are not UTF-8 (text pasted from a windows-1252
  editor), whatever the declaration said, as long as its UTF-8 sequences outnumber
  the stray bytes: ``UTF8_WITH_STRAY_CP1252``, UTF-8 with each stray byte read as
  windows-1252, so that neither the page's UTF-8 letters nor the pasted ones are lost.

Pure: bytes and a header in, an encoding out. ``crawler.guards`` applies it to every
response of a crawl and to the pages ``arsip reextract`` reads again, and
``crawler.extract.page`` to saved pages.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

UTF8_WITH_STRAY_CP1252 = "utf-8-stray-cp1252"
"""A codec: UTF-8, each byte that is not part of a UTF-8 sequence read as windows-1252
(a byte windows-1252 leaves undefined becomes U+FFFD)."""
SINGLE_BYTE = {"cp1252", "iso8859-15"}
"""Declared encodings the bytes are checked against (as w3lib names them: it reads
ISO-8859-1 as windows-1252, as browsers do)."""


@dataclass(frozen=True)
class Charset:
    encoding: str | None
    """The encoding to read the page in; None when no candidate decodes it."""
    declared: str | None
    """The encoding the page declared (w3lib's name), None when it declared none."""
    source: str
    """Where the declaration was found: ``bom``, ``http``, ``page`` (a ``<meta>`` or
    the XML declaration), or ``none``."""

    @property
    def repaired(self) -> bool:
        """Read otherwise than the declaration says (UTF-8 when there is none)."""
        return self.encoding != (self.declared or "utf-8")


def declared_charset(body: bytes, content_type: str | None) -> tuple[str | None, str]:
    """The declared encoding and where it was found, in the browsers' order (BOM, HTTP
    header, the page's own ``<meta>`` or XML declaration)."""
    bom, _ = read_bom(body)
    if bom:
        return resolve_encoding(bom) or bom, "bom"
    label = http_content_type_encoding(content_type) if content_type else None
    if label:
        return label, "http"
    in_page = html_body_declared_encoding(body)
    if in_page:
        return resolve_encoding(in_page) or in_page, "page"
    return None, "none"


def page_charset(body: bytes, content_type: str | None = None) -> Charset:
    """The encoding to read ``body`` in (see the module docstring)."""
    declared, source = declared_charset(body, content_type)
    charset = Charset(declared or "utf-8", declared, source)
    if source == "bom" or body.isascii():
        return charset
    if declared is not None and declared != "utf-8" and declared not in SINGLE_BYTE:
        return charset  # another script's encoding: nothing to check it against
    if _decodes(body, "utf-8"):  # not ASCII, so with multi-byte sequences
        return Charset("utf-8", declared, source)
    sequences, stray = _utf8_shape(body)
    if declared in SINGLE_BYTE:
        return Charset(UTF8_WITH_STRAY_CP1252, declared, source) if sequences > stray else charset
    # Declared UTF-8, or nothing (UTF-8 by default).
    if sequences:  # UTF-8 with a few stray bytes
        return Charset(UTF8_WITH_STRAY_CP1252, declared, source)
    in_page = html_body_declared_encoding(body)
    for candidate in (resolve_encoding(in_page) if in_page else None, "cp1252"):
        if candidate and candidate != "utf-8" and _decodes(body, candidate):
            return Charset(candidate, declared, source)
    return Charset(None, declared, source)


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """``body`` as text, read in ``page_charset``'s encoding (a BOM left out); as
    UTF-8 with replacement characters when no candidate decodes it."""
    charset = page_charset(body, content_type)
    if charset.source == "bom":
        _, bom = read_bom(body)
        body = body[len(bom) :]
    return body.decode(charset.encoding or "utf-8", "replace")


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _utf8_shape(body: bytes) -> tuple[int, int]:
    """How many well-formed UTF-8 multi-byte sequences ``body`` holds, and how many
    stray bytes (0x80 and above, outside any sequence). In C: each stray byte is one
    lone surrogate under ``surrogateescape``, which UTF-8 then cannot encode."""
    text = body.decode("utf-8", "surrogateescape")
    stray = len(body) - len(text.encode("utf-8", "ignore"))
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii - stray, stray


def _stray_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    stray = error.object[error.start : error.end]
    return stray.decode("cp1252", "replace"), error.end


def _utf8_with_stray_cp1252(data: bytes, errors: str = "strict") -> tuple[str, int]:
    return codecs.utf_8_decode(data, "arsip-stray-cp1252", True)


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("-", "_") != UTF8_WITH_STRAY_CP1252.replace("-", "_"):
        return None
    return codecs.CodecInfo(
        name=UTF8_WITH_STRAY_CP1252, encode=codecs.utf_8_encode, decode=_utf8_with_stray_cp1252
    )


codecs.register_error("arsip-stray-cp1252", _stray_as_cp1252)
codecs.register(_search)
