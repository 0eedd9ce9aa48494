"""Benchmark ``arsip pages move``: raw pages moved out of SQLite into WARC files.

Usage: ``python bench/pages_move.py [--articles N] [--page-kb K] [--seed S]`` from the
repository root (N defaults to 2,000).

The archive is ``bench/warc.py``'s generated one (N articles, each with a raw page of
about K KB, default 60), vacuumed. Printed: the archive file's size; the time to move
every page (``Archive.move_pages``: read, write as WARC, fsync, read back and check
every record, record and clear, one transaction per WARC file of ``--warc-size``
MB) in pages/s and MB/s of pages as received; the file's size after the
move, before and after ``VACUUM``, and the ``VACUUM``'s time; the WARC files' size;
and the time to read every page back (``Archive.pages``) from SQLite and from WARC.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

from archive import open as open_archive  # noqa: E402
from bench.warc import build  # noqa: E402


def file_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.stat().st_size


def read_all(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with open_archive(path, readonly=True) as arch:
        raw = sum(len(page["body"]) for page in arch.pages())
    return time.perf_counter() - started, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--page-kb", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warc-size", type=int, default=100, help="MB per WARC file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "news.db"
        build(path, args.articles, args.seed, args.page_kb)
        conn = sqlite3.connect(path)
        conn.execute("VACUUM")
        conn.close()
        before = file_size(path)
        read_sqlite, raw = read_all(path)
        with open_archive(path) as arch:
            started = time.perf_counter()
            result = arch.move_pages(Path(tmp) / "pages", max_size=args.warc_size * 1024**2)
            move = time.perf_counter() - started
        moved = file_size(path)
        conn = sqlite3.connect(path)
        started = time.perf_counter()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        vacuum = time.perf_counter() - started
        conn.close()
        after = file_size(path)
        read_warc, raw_again = read_all(path)
        assert raw_again == raw and result.pages == args.articles
        warc = sum(f.stat().st_size for f in result.files)
        mb = 1e6
        print(f"{result.pages} pages, {raw / mb:.1f} MB as received")
        print(f"archive file        {before / mb:8.1f} MB")
        print(f"move                {move:8.2f} s  {result.pages / move:6.0f} pages/s  "
              f"{raw / mb / move:6.1f} MB/s  ({len(result.files)} WARC files, {warc / mb:.1f} MB)")  # fmt: skip
        print(f"after the move      {moved / mb:8.1f} MB (before VACUUM)")
        print(f"after VACUUM        {after / mb:8.1f} MB  (VACUUM {vacuum:.2f} s)")
        print(f"read every page     {read_sqlite:8.2f} s from SQLite, {read_warc:.2f} s from WARC")
        print(f"result: archive file after move and VACUUM / before = {after / before:.2f}")


if __name__ == "__main__":
    main()
