"""The mirror misbehaves exactly as asked: each fault kind, seen from a plain HTTP client."""

from __future__ import annotations

import gzip
import http.client
import socket

import pytest

from crawler.mirror.faults import Fault, FaultPlan
from crawler.mirror.server import MirrorServer, default_sites

SEED = "/detail/51234/andra-soni-ajak-influencer-berperan-dukung-pembangunan-di-banten"


@pytest.fixture
def serve():
    servers = []

    def start(*specs: str, **kwargs) -> MirrorServer:
        plan = FaultPlan.from_specs(list(specs), **kwargs)
        server = MirrorServer(default_sites(), log=None, faults=plan).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def get(server: MirrorServer, path: str, timeout: float = 5.0):
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "www.tangselpos.id"})
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        conn.close()


def test_spec_parsing():
    pattern, fault = Fault.parse("/detail/*=status:500x2")
    assert (pattern, fault.kind, fault.status, fault.times) == ("/detail/*", "status", 500, 2)
    assert Fault.parse("/x=retry-after:30")[1].seconds == 30
    for bad in ("/x", "=status", "/x=explode", "/x=status:abc"):
        with pytest.raises(ValueError):
            Fault.parse(bad)


def test_status_fault_fires_n_times_then_serves(serve):
    server = serve(f"{SEED}=status:503x2")
    assert get(server, SEED)[0] == 503
    assert get(server, SEED)[0] == 503
    status, _, body = get(server, SEED)
    assert status == 200 and b"Andra Soni" in body


def test_retry_after(serve):
    status, headers, _ = get(serve("/=retry-after:7"), "/")
    assert status == 429 and headers["Retry-After"] == "7"


def test_reset(serve):
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        get(serve("/=reset"), "/")


def test_stall_outlasts_the_client_timeout(serve):
    with pytest.raises((TimeoutError, socket.timeout)):
        get(serve("/=stall:1"), "/", timeout=0.3)


def test_truncate(serve):
    with pytest.raises(http.client.IncompleteRead):
        get(serve(f"{SEED}=truncate"), SEED)


def test_charset_mislabel(serve):
    _, headers, body = get(serve(f"{SEED}=charset"), SEED)
    assert "utf-8" in headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_charset_declared_in_the_page_only_or_with_a_stray_byte(serve):
    meta, xml, stray = [
        p for p in default_sites()[0].pages if p.startswith("/detail/") and p != SEED
    ][:3]
    server = serve(f"{meta}=charset-meta", f"{xml}=charset-xml", f"{stray}=charset-stray")
    _, headers, body = get(server, meta)
    assert headers["Content-Type"] == "text/html"
    assert b'<meta charset="iso-8859-1">' in body and b"utf-8" not in body.lower()
    assert not body.isascii() and body.decode("utf-8")  # UTF-8 bytes all the same
    _, headers, body = get(server, xml)
    assert headers["Content-Type"] == "text/html" and b"<meta charset" not in body
    assert body.startswith(b'<?xml version="1.0" encoding="iso-8859-1"?>')
    body.decode("utf-8")
    _, headers, body = get(server, stray)
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    with pytest.raises(UnicodeDecodeError) as error:  # one byte, and only one
        body.decode("utf-8")
    start, end = error.value.start, error.value.end
    (body[:start] + body[start:end].decode("cp1252").encode() + body[end:]).decode("utf-8")


def test_gzip_bomb_inflates_far_beyond_its_size(serve):
    _, headers, body = get(serve("/=gzip-bomb:20000000"), "/")
    assert headers["Content-Encoding"] == "gzip"
    assert len(body) < 200_000
    assert len(gzip.decompress(body)) == 20_000_000


def test_redirect_loop_and_trap(serve):
    server = serve("/loop*=redirect-loop", "/kategori/*=trap")
    status, headers, _ = get(server, "/loop")
    assert status == 302 and headers["Location"] == "/loop?hop=1"
    status, headers, _ = get(server, "/loop?hop=1")
    assert status == 302 and headers["Location"] == "/loop?hop=2"
    _, _, body = get(server, "/kategori/x?page=41")
    assert b"?page=42" in body


def test_xml_bomb_is_served(serve):
    _, _, body = get(serve("/sitemap.xml=xml-bomb"), "/sitemap.xml")
    assert b"<!ENTITY lol9" in body


def test_random_faults_repeat_with_the_same_seed(serve):
    def pattern(seed: int) -> list[int]:
        server = serve(rate=0.5, seed=seed, stall_seconds=0.3)
        statuses = []
        for _ in range(12):
            try:
                statuses.append(get(server, "/", timeout=0.2)[0])
            except (OSError, http.client.HTTPException):
                statuses.append(0)
        return statuses

    first, second = pattern(3), pattern(3)
    assert first == second
    assert set(first) != {200}


@pytest.mark.parametrize(
    ("kind", "content_type", "opening"),
    [("json", "application/json", b"{"), ("pdf", "application/pdf", b"%PDF-"),
     ("image", "image/png", b"\x89PNG")],
)  # fmt: skip
def test_answers_that_are_no_html_page(serve, kind, content_type, opening):
    status, headers, body = get(serve(f"{SEED}={kind}"), SEED)
    assert status == 200 and headers["Content-Type"] == content_type
    assert body.startswith(opening)


def test_calendar_trap_links_the_day_before_and_the_next_page(serve):
    server = serve("/kategori/*=calendar")
    status, _, body = get(server, "/kategori/tangselcity")
    assert status == 200 and b'class="card-title"' in body  # the section's own articles
    assert b'href="/kategori/tangselcity-20250915"' in body
    assert b'href="/kategori/tangselcity-20250916?page=2"' in body
    _, _, body = get(server, "/kategori/tangselcity-20250915?page=7")
    assert b'class="card-title"' in body
    assert b'href="/kategori/tangselcity-20250914"' in body
    assert b'href="/kategori/tangselcity-20250915?page=8"' in body


def test_canonical_links_pointing_elsewhere(serve):
    server = serve(f"{SEED}=canonical-home", "/detail/*=canonical-other")
    _, _, body = get(server, SEED)
    assert b'<link rel="canonical" href="https://www.tangselpos.id/">' in body
    _, _, other = get(serve(), SEED)  # the page as it is
    assert SEED.encode() in other.split(b'<link rel="canonical"')[1][:200]
    target = "/detail/51400/x"
    status, _, body = get(server, target)  # no such page: nothing to rewrite
    assert status == 404
    page = next(p for p in default_sites()[0].pages if p.startswith("/detail/") and p != SEED)
    _, _, body = get(server, page)
    canonical = body.split(b'<link rel="canonical" href="')[1].split(b'"')[0]
    assert canonical.startswith(b"https://www.tangselpos.id/detail/")
    assert not canonical.endswith(page.encode())
