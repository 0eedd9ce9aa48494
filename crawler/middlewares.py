"""The offline mirror hook: a download handler that sends every request to the mirror
named by the ``ARSIP_MIRROR`` setting, with the real host in the ``Host`` header, and
hands the response back under the real URL. Spiders, robots.txt handling, the dupe
filter and the archive all see only real URLs.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response


def mirror_url(url: str, mirror: str) -> tuple[str, str]:
    """(URL on the mirror, real host) for a real URL."""
    real = urlsplit(url)
    base = urlsplit(mirror)
    return urlunsplit((base.scheme, base.netloc, real.path or "/", real.query, "")), real.netloc


class MirrorDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.mirror = crawler.settings.get("ARSIP_MIRROR")

    async def download_request(self, request: Request) -> Response:
        if not self.mirror:
            return await super().download_request(request)
        target, host = mirror_url(request.url, self.mirror)
        mirrored = request.replace(url=target)
        mirrored.headers[b"Host"] = host.encode("ascii")
        mirrored.headers[b"X-Forwarded-Proto"] = urlsplit(request.url).scheme.encode("ascii")
        response = await super().download_request(mirrored)
        return response.replace(url=request.url)
