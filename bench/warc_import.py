"""``arsip import --warc``: pages per second, and peak RSS against the file's size.

A WARC file (gzip, warcinfo + a request and a response record per page) of ``--pages``
article pages of the tangselpos-like site, each its own story (``tests.warc_files.
generated_fetches``: the sample articles' markup, sections and dates, titles and texts
drawn from their words), and one of ``--scale`` times as many. Each is imported into an
empty archive by the real command, in a process of its own, with ``--jobs`` (each
value given in turn, on the same files). Printed per file: its size, the import's wall
time, its CPU time (user + system of the import and its extraction processes: what the
import costs on a machine that other work does not share), pages per second by each, the
main process's peak RSS (``ru_maxrss``) and the peak of the whole process tree (sampled
every 0.1 s: the sum of RSS, which counts pages shared after the fork once per process,
and the sum of PSS, which shares them out). The machine may run other work: the CPU time
of the busiest process of the tree (sampled too: its last 0.1 s may be missed) gives an
estimate of the wall time on free cores, the larger of it and the CPU time shared over
the cores the import can use. Memory is flat when the larger file's peak is
within a few MB of the smaller one's.

    .venv/bin/python bench/warc_import.py
    .venv/bin/python bench/warc_import.py --pages 3000 --scale 4 --jobs 1 2
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.peak_rss import measured, peak_mb  # noqa: E402
from tests.warc_files import generated_fetches, write_warc  # noqa: E402


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux ``/proc``)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def _cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of ``pid`` so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory(pids: list[int]) -> tuple[float, float]:
    """The sum of RSS and of PSS of ``pids``, MB."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return rss / 1024, pss / 1024


def run_import(warc: Path, db: Path, jobs: int) -> tuple[float, float, float, tuple, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MB), peak tree RSS and PSS (MB), CPU seconds
    of the busiest process of the tree, and summary line of one import."""
    arsip = Path(sys.executable).with_name("arsip")
    started = time.perf_counter()
    # Through tests.peak_rss: ru_maxrss of a direct child would count this process's peak.
    cmd, report = measured([arsip, "import", "--warc", warc, "--jobs", str(jobs), "--db", db])
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peaks = [0.0, 0.0]
    cpus: dict[int, float] = {}  # the last CPU seconds seen of each process
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            pids = _tree(proc.pid)
            rss, pss = _memory(pids)
            peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)
            for pid in pids:
                if (seconds := _cpu(pid)) is not None:
                    cpus[pid] = seconds

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"import failed ({status}): {err[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    busiest = max(cpus.values(), default=cpu)
    return seconds, cpu, peak_mb(report), tuple(peaks), busiest, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages of the 1x file")
    parser.add_argument("--scale", type=int, default=4, help="size of the larger file")
    parser.add_argument("--jobs", type=int, nargs="+", default=[os.cpu_count() or 1],
                        help="import --jobs values to run, each in turn (default: the CPUs)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for factor in (1, args.scale):
            pages = args.pages * factor
            files[factor] = (pages, write_warc(Path(tmp) / f"pages-{pages}.warc.gz",
                                               generated_fetches(pages)))  # fmt: skip
        for jobs in args.jobs:
            load = os.getloadavg()[0]
            print(f"--jobs {jobs}: load average at the start {load:.1f} on {os.cpu_count()} cores")
            peaks = []
            for factor, (pages, warc) in files.items():
                size = warc.stat().st_size / 1e6
                db = Path(tmp) / f"{factor}-{jobs}.db"
                wall, cpu, peak, (rss, pss), busiest, summary = run_import(warc, db, jobs)
                # On free cores the import takes at least its busiest process's CPU
                # time, and at least its CPU time shared over the cores it may use.
                free = max(busiest, cpu / min(jobs + 1, os.cpu_count() or 1))
                peaks.append(pss)
                print(
                    f"{factor}x: {pages} pages, {size:.1f} MB: {wall:.1f} s wall"
                    f" ({pages / wall:.0f} pages/s), {cpu:.1f} s CPU ({pages / cpu:.0f} pages/s),"
                    f" peak RSS {peak:.0f} MB, process tree {rss:.0f} MB RSS / {pss:.0f} MB PSS;"
                    f" busiest process {busiest:.1f} s CPU: on free cores ~{pages / free:.0f}"
                    " pages/s"
                    f"\n    {summary}"
                )
                if factor == 1:
                    print(f"result: import --warc --jobs {jobs} pages/s (CPU time) ="
                          f" {pages / cpu:.0f} (target >= 100)")  # fmt: skip
                    print(f"result: import --warc --jobs {jobs} pages/s (wall) ="
                          f" {pages / wall:.0f} (target >= 100)")  # fmt: skip
                    print(f"result: import --warc --jobs {jobs} pages/s (wall on free cores,"
                          f" estimated) = {pages / free:.0f} (target >= 100)")  # fmt: skip
            print(f"result: import --warc --jobs {jobs} peak PSS of the process tree"
                  f" 1x / {args.scale}x = {peaks[0]:.0f} / {peaks[1]:.0f} MB (target: flat)")  # fmt: skip


if __name__ == "__main__":
    main()
