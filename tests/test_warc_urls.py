"""The SURT key and request target a WARC export writes for a page's URL
(``archive.warc_urls``) are surt's and w3lib's answers, for the common news URL it
spells directly and for every odd shape it hands to them."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest
import surt
from w3lib.url import safe_url_string

from archive.warc_urls import _PLAIN_URL, _SENT_AS_IS, request_target, surt_key

HOSTS = [
    "www.tangselpos.id", "WWW.Kabar6.COM", "www2.radarbanten.co.id", "www.com", "a..b.com",
    "127.0.0.1", "1234", "localhost", "xn--bcher-kva.de", "bücher.de", "www.www.x.id",
    "wwwx.y.id", "a-.b-.c", "-a.b", ".a.b", "a.b.", "x.id:8080", "x.id:80", "x.id:443",
    "user@x.id", "0x7f.a", "1.2.b", "a.1b", "news.tangerangnews.com",
]  # fmt: skip
SEGMENTS = [
    "", ".", "..", "Berita", "a-b_c.html", "%20", "%7e", "~x", "pantai-anyér", "ÄÖ",
    "a;jsessionid=1", "2025", "UPPER", "x.aspx", "(s(abc))", "a b", "a=b", "a&b", "!", "'",
    "*", "+", ",", "a:b", "@", "index.php",
]  # fmt: skip
QUERIES = ["", "?", "?a=1", "?b=2&a=1", "?page=2", "?A=B", "?x", "?jsessionid=" + "a" * 32,
           "?q=a b", "?%41=1", "?utm_source=x&id=7"]  # fmt: skip
FRAGMENTS = ["", "#", "#top", "#A"]


def urls(count: int) -> list[str]:
    rng = random.Random(28500)
    out = []
    for _ in range(count):
        path = "".join("/" + rng.choice(SEGMENTS) for _ in range(rng.randint(0, 5)))
        path += "/" if rng.random() < 0.2 else ""
        query = rng.choice(QUERIES) if rng.random() < 0.4 else ""
        fragment = rng.choice(FRAGMENTS) if rng.random() < 0.2 else ""
        scheme = rng.choice(["http", "https", "https", "HTTP", "ftp"])
        out.append(f"{scheme}://{rng.choice(HOSTS)}{path}{query}{fragment}")
    return out


NEWS_URLS = [
    "https://www.tangselpos.id/detail/51566/libur-akhir-pekan-pantai-anyer-dipadati-wisatawan",
    "https://kabar6.com/category/banten/serang/",
    "https://www.radarbanten.co.id/2025/09/15/Gubernur-Banten-Resmikan/",
    "https://tangerangnews.com/kota-tangerang/read/12345/Pemkot-Tangerang",
    "http://bantenhits.com/2019/03/01/slug_with_underscore.html",
    "https://www.biem.co",
]


def theirs_surt(url: str) -> str:
    try:
        return surt.surt(url)
    except Exception:
        return url


def theirs_target(url: str) -> tuple[str, str]:
    parts = urlsplit(safe_url_string(url))
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), parts.netloc


@pytest.mark.parametrize("url", NEWS_URLS)
def test_news_urls_are_spelled_directly_as_the_libraries_spell_them(url):
    assert _PLAIN_URL.match(url) and _SENT_AS_IS.match(url)  # the fast path is taken
    assert surt_key(url) == theirs_surt(url)
    assert request_target(url) == theirs_target(url)


def test_every_url_gets_the_libraries_answers():
    spelled = 0
    for url in urls(6000) + NEWS_URLS:
        assert surt_key(url) == theirs_surt(url), url
        assert request_target(url) == theirs_target(url), url
        spelled += bool(_PLAIN_URL.match(url))
    assert spelled > 200  # both paths are exercised
