"""The offline mirror: a small HTTP server on loopback that serves sample portal sites.

Each site answers for its real host names; a request is routed by its ``Host`` header
(which the mirror download handler sets to the real host), and a request for an unknown
host (a browser pointed at ``http://127.0.0.1:N/``) gets the first site. One line per
request is logged on stdout.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

from archive.times import utc_now
from crawler.mirror.faults import FaultPlan, serve_fault


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    """A sample site: its host names and its pages by path (with query string)."""

    hosts: tuple[str, ...]
    pages: dict[str, Page]

    def get(self, target: str) -> Page | None:
        return self.pages.get(target)


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        sites: Iterable[Site],
        host: str = "127.0.0.1",
        port: int = 0,
        log: TextIO | None = sys.stdout,
        faults: FaultPlan | None = None,
    ):
        self.sites = list(sites)
        if not self.sites:
            raise ValueError("the mirror needs at least one site")
        self.by_host = {h: site for site in self.sites for h in site.hosts}
        self.log = log
        self.faults = faults
        # Set on stop, so that stalled answers end with the server.
        self.stopping = threading.Event()
        self._log_lock = threading.Lock()
        self.requests = 0
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def site_for(self, host_header: str | None) -> Site:
        host = (host_header or "").split(":")[0].lower()
        return self.by_host.get(host, self.sites[0])

    def start(self) -> MirrorServer:
        """Serve in a background thread (for tests and ``arsip demo``)."""
        thread = threading.Thread(target=self.serve_forever, name="arsip-mirror", daemon=True)
        thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_line(self, line: str) -> None:
        self.requests += 1
        if self.log is None:
            return
        with self._log_lock:
            self.log.write(line + "\n")
            self.log.flush()


class _Handler(BaseHTTPRequestHandler):
    server: MirrorServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        site = self.server.site_for(self.headers.get("Host"))
        page = site.get(self.path)
        fault = self.server.faults.pick(self.path) if self.server.faults else None
        if fault:
            status, size = serve_fault(self, fault, page, self.path)
        else:
            page = page or Page(b"<h1>404 Tidak ditemukan</h1>", status=404)
            status, size = page.status, len(page.body)
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(page.body)
        stamp = utc_now()
        note = f" fault={fault.kind}" if fault else ""
        self.server.log_line(
            f"{stamp} {self.command} {site.hosts[0]}{self.path} {status} {size}{note}"
        )

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silenced: ``log_line`` writes the one line per request."""


def default_sites() -> list[Site]:
    """The sample sites arsip ships: tangselpos first (what a bare ``127.0.0.1`` shows),
    then one site per other declared portal with sample pages
    (``crawler.mirror.render.sample_portals``), each in its portal's markup family."""
    from crawler.mirror.render import portal_site, sample_portals
    from crawler.mirror.tangselpos import build_site

    others = [name for name in sample_portals() if name != "tangselpos"]
    return [build_site(), *(portal_site(name).build() for name in others)]
