"""Fault injection for the offline mirror: the ways real portals misbehave, on demand.

A ``FaultPlan`` maps paths (glob patterns over path + query) to faults, and can also
inject faults at random with a seed, so a reliability test is repeatable. Each fault can
be limited to its first N hits, after which the page is served normally: "the portal
was down for a while" and a later run archives what was missed.

Kinds:

``status``         an HTTP error (``status``, default 503)
``retry-after``    429 with ``Retry-After: <seconds>``
``reset``          the connection is reset before any answer
``stall``          headers, then silence for ``seconds`` (past the client's timeout)
``truncate``       half the body, then the connection closes (Content-Length promised more)
``charset``        the page encoded as windows-1252 but labelled utf-8
``charset-reverse`` the page in utf-8 but labelled windows-1252
``charset-meta``   the page in utf-8, no HTTP charset, ``<meta charset="iso-8859-1">``
``charset-xml``    the page in utf-8, no HTTP charset nor ``<meta>``, and an XML
                   declaration ``<?xml ... encoding="iso-8859-1"?>``
``charset-stray``  the page in utf-8 but labelled windows-1252, and one character of its
                   text (``é``, ``“``...) as a stray windows-1252 byte
``binary``         random bytes served as text/html
``huge``           a body of ``size`` bytes (default 20 MiB), over the crawler's limit
``gzip-bomb``      ``Content-Encoding: gzip``, a few MiB that inflate to ``size`` (1 GiB)
``xml-bomb``       an XML entity-expansion ("billion laughs") document
``redirect-loop``  302 to the same path with ``?hop=N+1``, for ever
``trap``           a listing page linking to the next one, for ever (?page=N+1)
``huge-sitemap``   the sitemap with ``size`` more entries after its own (default
                   100,000: past the protocol's 50,000; about 60 bytes each, 200,000 are
                   over ``DOWNLOAD_MAXSIZE``)
``gzip``           the page with ``Content-Encoding: gzip``
``gzip-file``      the page gzip-compressed as a file (``.xml.gz``: application/x-gzip)
``calendar``       a trap on two axes: the listing page (the one at the path, else the
                   one at the path without its query and date), plus a link to the day
                   before (``<path>-YYYYMMDD``) and to the next page (``?page=N+1``) of
                   the day: the listings' own articles on every page make each look
                   fresh to a first run, and no bound on depth bounds the pages
``canonical-home`` the page with its canonical link pointing to the site's home page
``canonical-other`` the page with its canonical link pointing to another page of the site:
                   the first one it links under the same first path segment (another
                   article, on the sample sites)
``json``           200, a JSON document (``application/json``) where a page was asked for
``pdf``            200, a PDF document (``application/pdf``)
``image``          200, a PNG image (``image/png``)
"""

from __future__ import annotations

import fnmatch
import gzip
import random
import re
import socket
import struct
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from crawler.mirror.server import Page, _Handler

KINDS = (
    "status", "retry-after", "reset", "stall", "truncate", "charset", "charset-reverse",
    "charset-meta", "charset-xml", "charset-stray", "binary", "huge", "gzip-bomb", "xml-bomb",
    "redirect-loop", "trap", "huge-sitemap", "gzip", "gzip-file", "calendar", "json", "pdf",
    "image", "canonical-home", "canonical-other",
)  # fmt: skip
_SPEC = re.compile(r"(?P<kind>[a-z-]+)(?::(?P<arg>[\d.]+))?(?:x(?P<times>\d+))?")
# Kinds drawn by random injection: the ones that a later run can recover from.
RANDOM_KINDS = ("status", "retry-after", "reset", "truncate", "stall")


@dataclass
class Fault:
    kind: str
    status: int = 503
    seconds: float = 1.0
    """Retry-After value for ``retry-after``; silence for ``stall``."""
    size: int = 20 * 1024 * 1024
    """Body size for ``huge``; inflated size for ``gzip-bomb``; more entries for
    ``huge-sitemap`` (100,000 unless given)."""
    times: int | None = None
    """Fire on the first N hits only (None: always)."""
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (kinds: {', '.join(KINDS)})")

    def fires(self) -> bool:
        self.hits += 1
        return self.times is None or self.hits <= self.times

    @classmethod
    def parse(cls, spec: str) -> tuple[str, Fault]:
        """``PATTERN=KIND[:ARG][xN]`` -> (pattern, fault). ARG is the status for
        ``status``, seconds for ``retry-after``/``stall``, bytes for ``huge``/``gzip-bomb``.

        >>> Fault.parse("/detail/*=status:500x2")[1].times
        2
        """
        # The last "=": a pattern may hold a query string (``/?page=3=status:500``).
        pattern, sep, rest = spec.rpartition("=")
        match = _SPEC.fullmatch(rest)
        if not sep or not pattern or not match:
            raise ValueError(f"fault {spec!r}: expected PATTERN=KIND[:ARG][xN]")
        fault = cls(match["kind"], times=int(match["times"]) if match["times"] else None)
        if fault.kind == "huge-sitemap":
            fault.size = 100_000
        if arg := match["arg"]:
            if fault.kind == "status":
                fault.status = int(arg)
            elif fault.kind in ("huge", "gzip-bomb", "huge-sitemap"):
                fault.size = int(arg)
            else:
                fault.seconds = float(arg)
        return pattern, fault


@dataclass
class FaultPlan:
    rules: list[tuple[str, Fault]] = field(default_factory=list)
    rate: float = 0.0
    """Share of other requests that get a random fault from RANDOM_KINDS."""
    seed: int = 0
    stall_seconds: float = 3.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _random: random.Random | None = field(default=None, repr=False)

    @classmethod
    def from_specs(
        cls, specs: list[str], rate: float = 0.0, seed: int = 0, stall_seconds: float = 3.0
    ) -> FaultPlan:
        return cls([Fault.parse(s) for s in specs], rate, seed, stall_seconds)

    def pick(self, target: str) -> Fault | None:
        """The fault for a request to ``target`` (path + query), or None to serve it."""
        with self._lock:
            for pattern, fault in self.rules:
                if fnmatch.fnmatchcase(target, pattern):
                    return fault if fault.fires() else None
            if self.rate and not target.endswith("robots.txt"):
                if self._random is None:
                    self._random = random.Random(self.seed)
                if self._random.random() < self.rate:
                    kind = self._random.choice(RANDOM_KINDS)
                    return Fault(kind, seconds=self.stall_seconds if kind == "stall" else 1.0)
        return None


def serve_fault(handler: _Handler, fault: Fault, page: Page | None, target: str) -> tuple[int, int]:
    """Answer a request with ``fault``; returns (status, bytes sent) for the log."""
    kind = fault.kind
    if kind == "reset":
        # SO_LINGER 0: close() sends RST instead of FIN, as a crashed server would.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        return 0, 0
    if kind == "status":
        return _send(handler, fault.status, b"<h1>Server error</h1>")
    if kind == "retry-after":
        return _send(handler, 429, b"Too many requests", {"Retry-After": f"{fault.seconds:g}"})
    if kind == "redirect-loop":
        # Each hop to a new URL (?hop=N+1), so that only the client's redirect limit
        # ends it: a plain 302 to itself is already ended by any duplicate filter.
        parts = urlsplit(target)
        hop = int(parse_qs(parts.query).get("hop", ["0"])[0]) + 1
        return _send(handler, 302, b"", {"Location": f"{parts.path}?hop={hop}"})
    if kind == "trap":
        query = parse_qs(urlsplit(target).query)
        number = int(query.get("page", ["1"])[0]) + 1
        path = urlsplit(target).path
        body = f'<html><body><a rel="next" href="{path}?page={number}">Berikutnya</a></body></html>'
        return _send(handler, 200, body.encode())
    if kind in ("canonical-home", "canonical-other"):
        if page is None:
            return _send(handler, 404, b"<h1>404</h1>")
        return _send(handler, page.status, canonical_elsewhere(page.body, target, kind))
    if kind == "calendar":
        return _send(handler, 200, calendar_page(handler, page, target))
    if kind in NOT_HTML:
        content, body = NOT_HTML[kind]
        return _send(handler, 200, body, content_type=content)
    if kind == "xml-bomb":
        return _send(handler, 200, XML_BOMB, content_type="application/xml")
    if kind == "binary":
        noise = random.Random(len(target)).randbytes(64 * 1024)
        return _send(handler, 200, noise)
    if kind == "huge":
        return _send_stream(handler, fault.size)
    if kind == "gzip-bomb":
        return _send(handler, 200, gzip_bomb(fault.size), {"Content-Encoding": "gzip"})

    body = page.body if page else b"<h1>404</h1>"
    status = page.status if page else 404
    content_type = page.content_type if page else "text/html; charset=utf-8"
    if kind == "stall":
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        handler.server.stopping.wait(fault.seconds)
        handler.close_connection = True
        return status, 0
    if kind == "truncate":
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.close_connection = True
        return status, len(body) // 2
    if kind == "charset":
        text = body.decode("utf-8", "replace")
        return _send(handler, status, text.encode("windows-1252", "replace"))
    if kind == "charset-reverse":
        return _send(handler, status, body, content_type="text/html; charset=windows-1252")
    if kind == "charset-meta":
        body = _META_CHARSET.sub(b"", body, count=1).replace(
            b"<head>", b'<head><meta charset="iso-8859-1">', 1
        )
        return _send(handler, status, body, content_type="text/html")
    if kind == "charset-xml":
        prolog = b'<?xml version="1.0" encoding="iso-8859-1"?>\n'
        return _send(
            handler, status, prolog + _META_CHARSET.sub(b"", body), content_type="text/html"
        )
    if kind == "charset-stray":
        return _send(
            handler, status, stray_byte(body), content_type="text/html; charset=windows-1252"
        )
    if kind == "huge-sitemap":
        host = handler.headers.get("Host", "localhost").split(":")[0]
        return _send(
            handler, status, padded_sitemap(body, host, fault.size), content_type=content_type
        )
    if kind == "gzip":
        packed = gzip.compress(body, mtime=0)
        return _send(handler, status, packed, {"Content-Encoding": "gzip"}, content_type)
    if kind == "gzip-file":
        return _send(
            handler, status, gzip.compress(body, mtime=0), content_type="application/x-gzip"
        )
    raise AssertionError(kind)


_META_CHARSET = re.compile(rb"<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.I)


def stray_byte(body: bytes) -> bytes:
    """UTF-8 ``body`` with the first character of its ``<body>`` (else of the page) that
    windows-1252 has (``é``, ``“``, ``–``) written as that one windows-1252 byte, as
    text pasted from an old editor."""
    for start in (max(body.find(b"<body"), 0), 0):
        for match in _UTF8_SEQUENCE.finditer(body, start):
            try:
                byte = match.group().decode().encode("cp1252")
            except UnicodeEncodeError:
                continue
            return body[: match.start()] + byte + body[match.end() :]
    return body


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


@cache
def padded_sitemap(body: bytes, host: str, entries: int) -> bytes:
    """A urlset with ``entries`` more entries after its own: images of the portal's
    (no article URL of any portal), about 60 bytes each."""
    row = "<url><loc>https://%s/foto/%07d.jpg</loc></url>\n"
    padding = "".join(row % (host, n) for n in range(entries)).encode()
    head, end, tail = body.rpartition(b"</urlset>")
    return head + padding + end + tail if end else body


_CANONICAL = re.compile(rb'(<link rel="canonical" href=")(https?://[^/"]+)([^"]*)(")')


def canonical_elsewhere(body: bytes, target: str, kind: str) -> bytes:
    """``body`` with its canonical link to the home page (``canonical-home``) or to the
    first other page it links under the same first path segment (``canonical-other``)."""
    path = urlsplit(target).path
    if kind == "canonical-home":
        elsewhere = b"/"
    else:
        segment = re.escape(path.strip("/").split("/", 1)[0].encode())
        links = re.findall(rb'href="(/' + segment + rb'/[^"]*)"', body)
        elsewhere = next((link for link in links if link != path.encode()), b"/")
    return _CANONICAL.sub(lambda m: m[1] + m[2] + elsewhere + m[4], body, count=1)


CALENDAR_START = date(2025, 9, 16)
"""The day of a ``calendar`` page whose path names none."""
_CALENDAR_DAY = re.compile(r"(?P<base>.*?)-(?P<day>\d{8})")


def calendar_page(handler: _Handler, page: Page | None, target: str) -> bytes:
    """A ``calendar`` trap page for ``target``: ``page`` (or the site's page at the path
    without its query and date) with links to the day before and the next page."""
    parts = urlsplit(target)
    found = _CALENDAR_DAY.fullmatch(parts.path)
    base = found["base"] if found else parts.path
    day = datetime.strptime(found["day"], "%Y%m%d").date() if found else CALENDAR_START
    number = int(parse_qs(parts.query).get("page", ["1"])[0])
    if page is None or page.status != 200:
        site = handler.server.site_for(handler.headers.get("Host"))
        page = site.get(base)
    body = page.body if page else b"<html><body></body></html>"
    path = f"{base}-{day:%Y%m%d}"
    links = (
        f'<div class="kalender"><a href="{base}-{day - timedelta(days=1):%Y%m%d}">Kemarin</a>'
        f' <a href="{path}?page={number + 1}">Halaman {number + 1}</a></div>'
    ).encode()
    head, tag, tail = body.rpartition(b"</body>")
    return head + links + tag + tail if tag else body + links


def _send(
    handler: _Handler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    content_type: str = "text/html; charset=utf-8",
) -> tuple[int, int]:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)
    return status, len(body)


def _send_stream(handler: _Handler, size: int) -> tuple[int, int]:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(size))
    handler.end_headers()
    chunk = b"<p>" + b"isi " * 16_000 + b"</p>\n"
    sent = 0
    try:
        while sent < size:
            part = chunk[: size - sent]
            handler.wfile.write(part)
            sent += len(part)
    except OSError:  # the client gave up at its size limit, as it should
        handler.close_connection = True
    return 200, sent


@cache
def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed (about 1 KiB per MiB): one compressed MiB
    repeated as concatenated gzip members (valid gzip, which every client inflates as
    one stream), so that a 1 GiB bomb is built at once instead of in seconds."""
    mib = 1024 * 1024
    full, rest = divmod(size, mib)
    block = gzip.compress(b"\0" * mib, compresslevel=9, mtime=0)
    return block * full + (gzip.compress(b"\0" * rest, compresslevel=9, mtime=0) if rest else b"")


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>
"""


NOT_HTML = {
    "json": ("application/json", b'{"status": "ok", "data": {"id": 1, "items": []}}'),
    "pdf": (
        "application/pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n",
    ),
    "image": (
        "image/png",
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
        ),
    ),
}
"""Answers of the ``json``, ``pdf`` and ``image`` kinds: (content type, body)."""
