"""Crawl throughput and memory, against a generated mirror on loopback.

Prints pages per second of ``arsip crawl`` (extraction, cleaning, dates, storage) and of
a bare Scrapy spider that follows the same links and does nothing else, their ratio
(target: at least 0.7), and the peak RSS of ``arsip crawl`` at two archive sizes (target:
under 400 MB, and flat in the number of articles).

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


def timed(cmd: list, env: dict) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child process."""
    # Through tests.peak_rss: ru_maxrss of a direct child would count this process's peak.
    launched, report = measured(cmd)
    started = time.perf_counter()
    status = subprocess.call(launched, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
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
    return {
        "seconds": seconds,
        "rss": rss,
        "responses": stats["downloader/response_count"],
        "articles": articles,
    }


def bare_crawl(url: str, workdir: Path) -> dict:
    out = workdir / "bare.json"
    env = {**os.environ, "ARSIP_MIRROR": url, "BARE_STATS": str(out)}
    cmd = [BIN / "scrapy", "runspider", "bench/bare_spider.py", "-s", "LOG_LEVEL=WARNING"]
    seconds, rss = timed(cmd, env)
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
            bare = bare_crawl(url, workdir)
            arsip = arsip_crawl(url, workdir)
        finally:
            mirror.terminate()
            mirror.wait()
        bare_rate = bare["responses"] / bare["seconds"]
        arsip_rate = arsip["responses"] / arsip["seconds"]
        print(f"mirror: {args.articles} articles")
        print(
            f"bare scrapy   {bare['responses']:>6} responses {bare['seconds']:7.1f}s "
            f"{bare_rate:7.1f} pages/s  peak RSS {bare['rss']:6.0f} MB"
        )
        print(
            f"arsip crawl   {arsip['responses']:>6} responses {arsip['seconds']:7.1f}s "
            f"{arsip_rate:7.1f} pages/s  peak RSS {arsip['rss']:6.0f} MB"
            f"  ({arsip['articles']} articles stored)"
        )
        print(f"result: crawl throughput arsip/bare = {arsip_rate / bare_rate:.2f} (target >= 0.7)")
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
                f"peak RSS {big['rss']:6.0f} MB  ({big['articles']} articles stored)"
            )
            print(
                f"result: peak RSS, {args.memory_articles} articles = {big['rss']:.0f} MB (target < 400 MB)"
            )
            print(
                f"result: RSS growth for {growth:.0f}x articles = "
                f"{big['rss'] / arsip['rss']:.2f}x (target: flat)"
            )


if __name__ == "__main__":
    main()
