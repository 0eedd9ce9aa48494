"""The two spellings of a page's URL that a WARC export writes besides the URL itself:
the SURT key its CDXJ index line is sorted and looked up by (``surt_key``, as pywb's
indexer writes it), and the request line's target and ``Host`` of its ``request``
record (``request_target``, as the URL is sent).

Both are the libraries' answers (surt's, w3lib's). The common shape of a news page's
URL (http or https, a host name, a path of plain characters, no query) is spelled
directly, which is what those libraries give for it at a fraction of their time: a
test holds the two to the same answers over thousands of URLs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PLAIN_URL = re.compile(
    r"https?://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*|[A-Za-z][A-Za-z0-9-]*)"
    r"(/[A-Za-z0-9_.~/-]*)?\Z"
)
"""A URL whose SURT key is its host reversed and its path lower-cased: a host name (no
port, no address, a last label starting with a letter) and a path of unreserved
characters (no escapes, query or fragment)."""
_ODD_PATH = re.compile(r"//|/\.\.?(?:/|\Z)")
"""What surt's canonicaliser would rewrite in a path: empty, ``.`` and ``..`` segments."""
_WWW = re.compile(r"www\d*\.")
_SENT_AS_IS = re.compile(
    r"https?://([a-z0-9.-]+(?::[0-9]+)?)(/[A-Za-z0-9_.~/=&-]*)?(?:\?([A-Za-z0-9_.~/=&-]*))?\Z"
)
"""A URL that w3lib's ``safe_url_string`` returns as it is: nothing to escape or
encode."""


def surt_key(url: str) -> str:
    """The SURT key pywb sorts and looks up CDXJ lines by: ``id,tangselpos)/read/1``."""
    plain = _PLAIN_URL.match(url)
    if plain and not (plain[2] and _ODD_PATH.search(plain[2])):
        host = plain[1].lower()
        www = _WWW.match(host)
        if www:
            host = host[www.end() :]
        path = (plain[2] or "/").lower()
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        return ",".join(reversed(host.split("."))) + ")" + path
    import surt

    try:
        return surt.surt(url)
    except Exception:  # what pywb's own indexer does with a URL surt cannot read
        return url


def request_target(url: str) -> tuple[str, str]:
    """The request line's target and the ``Host`` header of a GET of ``url`` as it is
    sent: the path percent-encoded, the host in IDNA (w3lib's ``safe_url_string``)."""
    plain = _SENT_AS_IS.match(url)
    if plain:
        host, path, query = plain.groups()
        return (path or "/") + (f"?{query}" if query else ""), host
    from w3lib.url import safe_url_string

    parts = urlsplit(safe_url_string(url))
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), parts.netloc
