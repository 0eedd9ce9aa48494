"""WARC files for the tests and the benchmark of ``arsip import --warc``, written with
warcio from the offline mirror's sample sites: each page under its real URL, with the
status line and headers the mirror answers with."""

from __future__ import annotations

import hashlib
from base64 import b32encode
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.mirror.server import Site, default_sites


@dataclass
class Fetch:
    """One response as a web archive keeps it."""

    url: str
    body: bytes
    date: str = "2025-09-21T03:00:00Z"
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    chunked: bool = False
    headers: list[tuple[str, str]] = field(default_factory=list)


def mirror_fetches(sites: Iterable[Site] | None = None) -> Iterator[Fetch]:
    """Every page of the sample sites, listings and sitemaps included, as fetched from
    the real host (``https://`` + the site's first host name)."""
    for site in default_sites() if sites is None else sites:
        for target, page in site.pages.items():
            yield Fetch(
                url=f"https://{site.hosts[0]}{target}",
                body=page.body,
                status=page.status,
                content_type=page.content_type,
            )


def payload_digest(body: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _chunked(body: bytes, size: int = 700) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def write_warc(path: Path, fetches: Iterable[Fetch | tuple[str, Fetch]], gzip: bool = True) -> Path:
    """A WARC file of ``fetches``: a warcinfo record, then a request and a response record
    per fetch; a ``("revisit", fetch)`` item is a revisit record of an earlier response
    with the same body (identical payload digest), at its own date."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for item in fetches:
            kind, fetch = item if isinstance(item, tuple) else ("response", item)
            headers = [("Content-Type", fetch.content_type), *fetch.headers]
            body = fetch.body
            if fetch.chunked:
                headers.append(("Transfer-Encoding", "chunked"))
                body = _chunked(body)
            else:
                headers.append(("Content-Length", str(len(body))))
            reason = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}.get(fetch.status, "X")
            http = StatusAndHeaders(f"{fetch.status} {reason}", headers, protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": fetch.date}
            if kind == "revisit":
                record = writer.create_revisit_record(
                    fetch.url, payload_digest(fetch.body), fetch.url, fetch.date,
                    http_headers=http, warc_headers_dict=warc_headers,
                )  # fmt: skip
            else:
                request = StatusAndHeaders(
                    f"GET {fetch.url.split('/', 3)[-1] if '/' in fetch.url[8:] else ''} HTTP/1.1",
                    [("Host", fetch.url.split("/")[2])], is_http_request=True,
                )  # fmt: skip
                writer.write_record(
                    writer.create_warc_record(
                        fetch.url, "request", http_headers=request, warc_headers_dict=warc_headers
                    )  # fmt: skip
                )
                record = writer.create_warc_record(
                    fetch.url, "response", payload=BytesIO(body), length=len(body),
                    http_headers=http,
                    warc_headers_dict={**warc_headers,
                                       "WARC-Payload-Digest": payload_digest(fetch.body)},
                )  # fmt: skip
            writer.write_record(record)
    return path


def generated_fetches(
    count: int, seed: int = 7, date: str = "2025-10-06T03:00:00Z"
) -> Iterator[Fetch]:
    """``count`` article pages of the tangselpos-like site, each its own story: the
    sample articles' markup, dates and sections, with titles and texts drawn from
    their words (seeded), under URLs of their own."""
    import random

    from crawler.mirror.tangselpos import BASE, article_path, load_articles, render_article

    rng = random.Random(seed)
    base = [a for a in load_articles() if not a.get("media")]
    words = sorted({w for a in base for p in a["paragraphs"] for w in p.split()})
    sections = list(dict.fromkeys(a["section"] for a in base))
    for number in range(count):
        story = dict(rng.choice(base))
        story["id"] = 700000 + number
        story["slug"] = f"berita-{number}"
        story["title"] = " ".join(rng.choices(words, k=9)).capitalize()
        story["paragraphs"] = [
            " ".join(rng.choices(words, k=rng.randint(30, 60))) + "."
            for _ in range(rng.randint(4, 8))
        ]
        story["inserts"] = []
        yield Fetch(
            url=BASE + article_path(story), body=render_article(story, base[:4], sections),
            date=date,
        )  # fmt: skip
