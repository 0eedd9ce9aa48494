"""A sitemap of the protocol's largest size, read by ``arsip crawl``: its time, its peak
RSS and the longest time the reader holds the crawl up.

The tangselpos mirror, whose news sitemap lists ``--urls`` article URLs (50,000 by
default, the protocol's limit; 125 bytes each, 6.3 MB; ``--gzip`` serves it as a
``.xml.gz`` file): its own 26 first, then new ones. Its article pages answer after
0.3 s. The crawl is cut at ``--max-pages`` article pages (30: the 26 and 4 more), so
that what is measured is the sitemap, not the fetching of its articles. Prints:

- ``crawl``: the wall time and peak RSS of ``arsip crawl`` (against a crawl of the same
  site with its ordinary 26-entry sitemap, the baseline), the longest time the mirror
  went without a request, and the longest time the crawl's reactor was held up
  (``arsip/longest_stall_ms``, -1 where the crawl does not measure it);
- ``reader``: the sitemap reader alone (``crawler.sitemap.Sitemap``), in a process of
  its own: time to read every entry, the longest time between two entries, and how
  much its RSS grew while it read.

    .venv/bin/python bench/sitemap.py
    .venv/bin/python bench/sitemap.py --urls 200000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder comes first on sys.path, where bench/incremental.py would hide Twisted's
# ``incremental``: the checkout instead.
sys.path[0] = str(ROOT)

from crawler.mirror.render.base import XML, urlset  # noqa: E402
from crawler.mirror.server import MirrorServer, Page, Site  # noqa: E402
from crawler.mirror.tangselpos import BASE, build_site  # noqa: E402


class TimedSite(Site):
    """A site that notes when each request came; its articles answer after 0.3 s."""

    def __init__(self, site: Site):
        super().__init__(site.hosts, site.pages)
        self.times: list[float] = []

    def get(self, target: str) -> Page | None:
        self.times.append(time.monotonic())
        if target.startswith("/detail/"):
            time.sleep(0.3)
        return super().get(target)

    def longest_silence(self) -> float:
        return max((b - a for a, b in zip(self.times, self.times[1:], strict=False)), default=0.0)


def big_sitemap(urls: int) -> bytes:
    entries = [
        (f"{BASE}/detail/{9_000_000 + n}/berita-nomor-{n}", "2025-09-01T08:00:00+07:00")
        for n in range(urls)
    ]
    return urlset(entries)


def crawl(server: MirrorServer, workdir: Path, max_pages: int) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, longest stall in ms) of one ``arsip crawl`` into a new
    archive; the stall is the crawl's own measure (``arsip/longest_stall_ms``)."""
    db = workdir / f"bench-{time.monotonic_ns()}.db"
    arsip = Path(sys.executable).with_name("arsip")
    cmd = [str(arsip), "crawl", "tangselpos", "--mirror", server.url, "--db", str(db),
           "--max-pages", str(max_pages), "--quiet"]  # fmt: skip
    env = {**os.environ, "ARSIP_KEEP_PAGES": "0"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:  # the crawl's own high-water mark (the child's ru_maxrss
        peak = max(peak, _high_water(proc.pid))  # counts this process's pages at fork)
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    conn = sqlite3.connect(db)
    stats = json.loads(conn.execute("SELECT stats FROM crawl_runs").fetchone()[0])
    conn.close()
    return seconds, peak, stats.get("arsip/longest_stall_ms", -1)


def _high_water(pid: int) -> float:
    """VmHWM of a running process, in MB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def reader(urls: int, packed: bool) -> dict[str, float]:
    """Run in a process of its own (``--reader``). Its RSS is sampled every 500
    entries (the peak RSS would count the building of the body)."""
    from crawler.sitemap import Sitemap

    body = big_sitemap(urls)
    body = gzip.compress(body) if packed else body
    before = top = _rss_mb()
    started = last = time.perf_counter()
    longest = 0.0
    entries = 0
    sitemap = Sitemap(body)
    top = max(top, _rss_mb())
    for _ in sitemap:
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
        entries += 1
        if entries % 500 == 0:
            top = max(top, _rss_mb())
    seconds = time.perf_counter() - started
    return {"entries": entries, "seconds": seconds, "longest": longest,
            "grew_mb": top - before, "size_mb": len(body) / 1e6}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=50_000)
    parser.add_argument("--max-pages", type=int, default=30)
    parser.add_argument("--gzip", action="store_true", help="serve it as sitemap-news.xml.gz")
    parser.add_argument("--reader", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        print(json.dumps(reader(args.urls, args.gzip)))
        return

    child = [sys.executable, __file__, "--reader", "--urls", str(args.urls)]
    child += ["--gzip"] if args.gzip else []
    result = json.loads(subprocess.run(child, capture_output=True, check=True).stdout)
    print(
        f"reader: {result['entries']} entries of {result['size_mb']:.1f} MB in "
        f"{result['seconds']:.2f} s, longest wait between two "
        f"{result['longest'] * 1000:.0f} ms, RSS grew {result['grew_mb']:.0f} MB"
    )
    plain = TimedSite(build_site())
    big = TimedSite(build_site())
    own = plain.pages["/sitemap-news.xml"].body
    added = big_sitemap(args.urls - own.count(b"<url>"))
    body = own.replace(b"</urlset>", added[added.index(b"<url>") : added.index(b"</urlset>")])
    body += b"</urlset>\n"
    if args.gzip:
        from crawler.mirror.render.base import sitemap_index

        big.pages["/sitemap.xml"] = Page(sitemap_index([f"{BASE}/sitemap-news.xml.gz"]), XML)
        big.pages["/sitemap-news.xml.gz"] = Page(gzip.compress(body), "application/x-gzip")
    else:
        big.pages["/sitemap-news.xml"] = Page(body, XML)
    with tempfile.TemporaryDirectory() as tmp:
        for name, site in (("baseline (26 URLs)", plain), (f"{args.urls} URLs", big)):
            with MirrorServer([site], log=None) as server:
                seconds, rss, stall = crawl(server, Path(tmp), args.max_pages)
            print(
                f"crawl, sitemap of {name}: {seconds:.1f} s, peak RSS {rss:.0f} MB, "
                f"{len(site.times)} requests, longest without one "
                f"{site.longest_silence():.1f} s, longest stall {stall} ms"
            )


if __name__ == "__main__":
    main()
