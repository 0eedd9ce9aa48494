"""Deduplication keys: canonical URLs and content hashes.

Level 1 (same article, other URL) folds URL variants to one canonical form; level 2
(same text, other URL or portal) compares hashes of the normalised body.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that never change what a page shows.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|ref|source|"
    r"amp|outputtype|page|halaman)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """One spelling per article URL: https, no ``www.``/``m.``/``amp.`` host prefix, no
    tracking or paging parameters, no ``/amp`` suffix, no trailing slash, sorted query.

    >>> canonical_url("http://m.tangselpos.id/detail/1/x/?utm_source=fb&page=all")
    'https://tangselpos.id/detail/1/x'
    """
    parts = urlsplit(canonicalize_url(url.strip()))
    host = (parts.hostname or "").lower()
    host = re.sub(r"^(www\d*|m|mobile|amp)\.", "", host)
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/amp/?$", "/", parts.path)
    path = path.rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if not TRACKING_PARAMS.match(k)]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def normalised_text(text: str) -> str:
    """Text with case, accents, punctuation and whitespace folded, for hashing."""
    text = unicodedata.normalize("NFKD", text).casefold()
    words = re.findall(r"\w+", text)
    return " ".join(w for w in words if not unicodedata.combining(w[0]))


def content_hash(body: str | None) -> str | None:
    """SHA-256 hex of the normalised body; None for an empty body."""
    if not body:
        return None
    return hashlib.sha256(normalised_text(body).encode("utf-8")).hexdigest()
