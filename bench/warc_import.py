"""``arsip import --warc``: pages per second, and peak RSS against the file's size.

A WARC file (gzip, warcinfo + a request and a response record per page) of ``--pages``
article pages of the tangselpos-like site, each its own story (``tests.warc_files.
generated_fetches``: the sample articles' markup, sections and dates, titles and texts
drawn from their words), and one of ``--scale`` times as many. Each is imported into an
empty archive by the real command, in a process of its own. Printed per file: its size,
the import's wall time, its CPU time (user + system: what the import costs on a machine
that other work does not share), pages per second by each, and the process's peak RSS
(``ru_maxrss``). Memory is flat when the larger file's peak is within a few MB of the
smaller one's.

    .venv/bin/python bench/warc_import.py
    .venv/bin/python bench/warc_import.py --pages 3000 --scale 4
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.warc_files import generated_fetches, write_warc  # noqa: E402


def run_import(warc: Path, db: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MB) and summary line of one import."""
    arsip = Path(sys.executable).with_name("arsip")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(arsip), "import", "--warc", str(warc), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"import failed ({status}): {err[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages of the 1x file")
    parser.add_argument("--scale", type=int, default=4, help="size of the larger file")
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, args.scale):
            pages = args.pages * factor
            warc = write_warc(Path(tmp) / f"pages-{pages}.warc.gz", generated_fetches(pages))
            size = warc.stat().st_size / 1e6
            wall, cpu, peak, summary = run_import(warc, Path(tmp) / f"{factor}.db")
            peaks.append(peak)
            print(
                f"{factor}x: {pages} pages, {size:.1f} MB: {wall:.1f} s wall"
                f" ({pages / wall:.0f} pages/s), {cpu:.1f} s CPU ({pages / cpu:.0f} pages/s),"
                f" peak RSS {peak:.0f} MB\n    {summary}"
            )
            if factor == 1:
                print(
                    f"result: import --warc pages/s (CPU time) = {pages / cpu:.0f} (target >= 100)"
                )
                print(f"result: import --warc pages/s (wall) = {pages / wall:.0f} (target >= 100)")
    print(f"result: import --warc peak RSS 1x / {args.scale}x = {peaks[0]:.0f} / {peaks[1]:.0f} MB"
          " (target: flat)")  # fmt: skip


if __name__ == "__main__":
    main()
