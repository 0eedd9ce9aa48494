"""Deduplication keys that need no numpy: canonical URLs (level 1, the same article
under another URL) and content hashes (level 2, the same text under another URL or
portal); ``archive.dedup`` adds the near-duplicate signatures (level 3) and re-exports
these. Kept apart so that the commands that only read an archive (search, show,
releases) never import numpy (about 100 ms of every command's start).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# -- level 1: canonical URLs ----------------------------------------------------------

# Query parameters that never change which article a page shows: campaign tracking,
# click ids, share markers, AMP switches and paging (``?page=all``, ``?page=2``: the
# article is all of its pages).
IGNORED_PARAMS = re.compile(
    r"^(utm_\w*|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|"
    r"igshid|mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|ref|ref_src|source|share|"
    r"amp|outputtype|page|halaman|hal|single|showall)$",
    re.IGNORECASE,
)
# Host prefixes of the same site: www (www2, ...), mobile and AMP editions.
HOST_PREFIX = re.compile(r"^(?:www\d*|m|mobile|amp)\.")
# AMP paths: ``/amp/<path>``, ``<path>/amp``, ``<path>.amp`` (and ``.amp.html``).
AMP_PATH = (
    (re.compile(r"^/amp(?=/)"), ""),
    (re.compile(r"/amp/?$"), "/"),
    (re.compile(r"\.amp(?=(\.html?)?/?$)"), ""),
)


_PLAIN_URL = re.compile(
    r"https?://((?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z][A-Za-z0-9-]{0,62})(/[A-Za-z0-9_.~/-]*)?\Z"
)
"""A URL w3lib's canonical form leaves as it is but for the host's case: a host name
(no port, no address), a path of unreserved characters, no query, no fragment."""
_ODD_PATH = re.compile(r"//|/\.\.?(?:/|\Z)")
"""Empty, ``.`` and ``..`` path segments: left to w3lib."""


# Cached: a sitemap's URL is canonicalised by each of the crawl's decisions about it
# (archived? empty? requested?), three times 50,000 for a full sitemap.
@functools.lru_cache(maxsize=4096)
def canonical_url(url: str) -> str:
    """One spelling per article URL (the key of ``article_urls``): https, lower-case host
    without ``www.``/``m.``/``amp.``, no AMP path form, no tracking, AMP or paging
    parameters, no trailing slash or fragment, the remaining query sorted.

    >>> canonical_url("http://m.tangselpos.id/detail/1/x/amp/?utm_source=fb&page=all")
    'https://tangselpos.id/detail/1/x'
    """
    url = url.strip()
    plain = _PLAIN_URL.match(url)
    if plain is None or _ODD_PATH.search(plain[2] or ""):
        return _canonical_by_w3lib(url)
    # The common news URL, spelled here as w3lib would spell it (``_canonical_by_w3lib``:
    # tests hold the two to the same answers): 100 us less of every article stored.
    return _canonical(plain[1].lower(), None, plain[2] or "", [])


def _canonical_by_w3lib(url: str) -> str:
    # Imported here, once per process in effect (the cache above): w3lib's URL module
    # imports urllib.request, http.client and ssl (20-25 ms), which the commands that
    # compare texts (releases, word diffs) do without.
    from w3lib.url import canonicalize_url

    parts = urlsplit(canonicalize_url(url))
    query = parse_qsl(parts.query, keep_blank_values=True)
    return _canonical((parts.hostname or "").lower(), parts.port, parts.path, query)


def _canonical(host: str, port: int | None, path: str, query: list[tuple[str, str]]) -> str:
    host = HOST_PREFIX.sub("", host.rstrip("."))
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    for pattern, replacement in AMP_PATH:
        path = pattern.sub(replacement, path)
    path = path.rstrip("/") or "/"
    query = [(k, v) for k, v in query if not IGNORED_PARAMS.match(k)]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


# -- level 2: content hash ------------------------------------------------------------

_WORD = re.compile(r"\w+")


def body_words(text: str) -> list[str]:
    """The words of a text with case, accents and punctuation folded: what both the
    content hash and the shingles are made of."""
    text = unicodedata.normalize("NFKD", text).casefold()
    if text.isascii():
        return _WORD.findall(text)
    return [w for w in _WORD.findall(text) if not unicodedata.combining(w[0])]


_ASCII_NON_WORD = bytes(b if chr(b).isalnum() or b == ord("_") else 32 for b in range(256))
r"""Byte table for ``bytes.translate``: every ASCII byte that is not a word character
(``\w``) becomes a space."""
_NON_WORD_PUNCTUATION = {
    cp: " " for cp in (*range(0x80, 0xC0), *range(0x2000, 0x2070)) if not _WORD.match(chr(cp))
}
"""Non-ASCII separators common in news text (curly quotes, dashes, ellipsis, no-break
and zero-width spaces: Latin-1 symbols and General Punctuation), none a word character,
mapped to spaces so that such a text still takes the ASCII path."""


def normalised_text(text: str) -> str:
    """Text with case, accents, punctuation and whitespace folded, for hashing: the
    ``body_words`` joined by single spaces."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    if not folded.isascii():
        folded = folded.translate(_NON_WORD_PUNCTUATION)
    if folded.isascii():
        # The common case, in C: non-word bytes to spaces, then split and join (three
        # times faster than a regular-expression substitution over the text).
        return " ".join(folded.encode("ascii").translate(_ASCII_NON_WORD).decode().split())
    return " ".join(w for w in _WORD.findall(folded) if not unicodedata.combining(w[0]))


def content_hash(body: str | None) -> str | None:
    """SHA-256 hex of the normalised body; None for an empty body."""
    if not body:
        return None
    return hashlib.sha256(normalised_text(body).encode("utf-8")).hexdigest()
