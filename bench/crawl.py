"""Crawl throughput and memory, against a generated mirror on loopback.

Prints pages per second of ``arsip crawl`` (extraction, cleaning, dates, storage) and of
a plain Scrapy spider (``bench/plain_spider.py``: no arsip code, run outside the
project with Scrapy's default settings, whose concurrency is what ``arsip crawl
--mirror`` uses: 16 requests, 8 a host, no delay) that reads the same pages and does
nothing else, their ratio (target of issue 16: at least 0.85), and the peak RSS of
``arsip crawl`` (its process and its store process, added) at two archive sizes
(targets: under 400 MB at 20,000 articles, and at most 1.1x for 4x the articles).

    python bench/crawl.py --articles 5000 --memory-articles 20000
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

from tests.peak_rss import measured, peak_mb  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_mirror(articles: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [BIN / "arsip", "mirror", "--port", str(port), "--articles", str(articles)],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    # Rendering 20,000 articles takes a minute or more on a busy 2-core machine.
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/robots.txt", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the mirror did not start")


def timed(cmd: list, env: dict, cwd: Path = ROOT) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child process run in ``cwd``."""
    # Through tests.peak_rss: ru_maxrss of a direct child would count this process's peak.
    launched, report = measured(cmd)
    started = time.perf_counter()
    status = subprocess.call(launched, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    rss = peak_mb(report)
    if status != 0:
        raise SystemExit(f"{cmd[0]} failed with status {status}")
    return seconds, rss


def arsip_crawl(url: str, workdir: Path) -> dict:
    db = workdir / f"bench-{time.monotonic_ns()}.db"
    # The generated site pages 5 articles per listing page: 20,000 articles are 4,000
    # pages deep, past the default trap bound (ARSIP_MAX_LISTING_DEPTH, 1,000).
    env = {**os.environ, "ARSIP_MAX_LISTING_DEPTH": "100000"}
    seconds, rss = timed(
        [BIN / "arsip", "crawl", "tangselpos", "--mirror", url, "--db", str(db)], env
    )
    import sqlite3

    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM crawl_runs").fetchone()[0])
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    # The store process (crawler.store_process) is a process of its own: its peak
    # counts too, as if both peaks came at once.
    store_rss = stats.get("arsip/store_process_peak_rss_mb", 0)
    return {
        "seconds": seconds,
        "rss": rss + store_rss,
        "crawl_rss": rss,
        "store_rss": store_rss,
        "responses": stats["downloader/response_count"],
        "articles": articles,
    }


def plain_crawl(url: str, workdir: Path) -> dict:
    """The plain Scrapy spider, from a folder outside the project (no scrapy.cfg, so
    Scrapy's defaults) and without the project's settings module."""
    out = workdir / "plain.json"
    outside = workdir / "plain"
    outside.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env.update(ARSIP_MIRROR=url, PLAIN_STATS=str(out))
    cmd = [BIN / "scrapy", "runspider", ROOT / "bench" / "plain_spider.py",
           "-s", "LOG_LEVEL=WARNING"]  # fmt: skip
    seconds, rss = timed(cmd, env, cwd=outside)
    return {"seconds": seconds, "rss": rss, **json.loads(out.read_text())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--memory-articles", type=int, default=0, help="0: skip the memory run")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        mirror, url = start_mirror(args.articles)
        try:
            plain = plain_crawl(url, workdir)
            arsip = arsip_crawl(url, workdir)
        finally:
            mirror.terminate()
            mirror.wait()
        plain_rate = plain["responses"] / plain["seconds"]
        arsip_rate = arsip["responses"] / arsip["seconds"]
        print(f"mirror: {args.articles} articles")
        print(
            f"plain scrapy  {plain['responses']:>6} responses {plain['seconds']:7.1f}s "
            f"{plain_rate:7.1f} pages/s  peak RSS {plain['rss']:6.0f} MB"
        )
        print(
            f"arsip crawl   {arsip['responses']:>6} responses {arsip['seconds']:7.1f}s "
            f"{arsip_rate:7.1f} pages/s  peak RSS {arsip['rss']:6.0f} MB"
            f" (crawl {arsip['crawl_rss']:.0f} + store {arsip['store_rss']:.0f})"
            f"  ({arsip['articles']} articles stored)"
        )
        print(f"result: crawl throughput arsip/plain Scrapy = {arsip_rate / plain_rate:.2f}"
              " (target >= 0.85)")  # fmt: skip
        print(f"result: crawl pages/s, {args.articles} articles = {arsip_rate:.0f}")
        if args.memory_articles:
            mirror, url = start_mirror(args.memory_articles)
            try:
                big = arsip_crawl(url, workdir)
            finally:
                mirror.terminate()
                mirror.wait()
            growth = args.memory_articles / args.articles
            print(
                f"arsip crawl   {big['responses']:>6} responses {big['seconds']:7.1f}s "
                f"peak RSS {big['rss']:6.0f} MB (crawl {big['crawl_rss']:.0f} + store "
                f"{big['store_rss']:.0f})  ({big['articles']} articles stored)"
            )
            print(
                f"result: peak RSS, {args.memory_articles} articles = {big['rss']:.0f} MB (target < 400 MB)"
            )
            print(
                f"result: RSS growth for {growth:.0f}x articles = "
                f"{big['rss'] / arsip['rss']:.2f}x (target <= 1.1x)"
            )


if __name__ == "__main__":
    main()
