"""Run every benchmark and write one summary (markdown) to bench/RESULTS.md.

Each bench script prints its own report; lines of the form

    result: <figure> = <value> (target <target>)

are collected into the summary table. ``--quick`` runs smaller sizes.

    python bench/run_all.py            # the sizes the issues name (takes a while)
    python bench/run_all.py --quick
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULT = re.compile(r"^result: (?P<figure>.+?) = (?P<value>.+?)(?: \(target:? (?P<target>.+)\))?$")

# (script, full-size arguments, quick arguments)
BENCHES = [
    ("dates.py", [], []),
    ("extract_quality.py", [], ["--limit", "150"]),  # needs ARSIP_EVAL_MANIFESTS
    ("archive.py", ["--articles", "100000"], ["--articles", "10000"]),
    ("incremental.py", [], []),
    ("resplit.py", [], ["--sizes", "10,50", "--repeat", "1"]),
    ("merge.py", ["--articles", "20000"], ["--articles", "2000"]),
    ("crawl.py", ["--articles", "5000", "--memory-articles", "20000"], ["--articles", "1000"]),
    ("warc.py", ["--articles", "5000"], ["--articles", "1000", "--repeat", "1"]),
    ("warc_import.py", ["--pages", "3000", "--scale", "4"], ["--pages", "500", "--scale", "2"]),
    ("pages_move.py", ["--articles", "5000"], ["--articles", "500"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description="Run every benchmark; write bench/RESULTS.md")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = []
    reports: list[str] = []
    # Other work on the machine slows every figure: say how busy it was.
    load_before = os.getloadavg()
    for script, full, quick in BENCHES:
        path = HERE / script
        if not path.exists():
            continue
        cmd = [sys.executable, str(path), *(quick if args.quick else full)]
        print(f"$ {' '.join(cmd[1:])}", flush=True)
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
        seconds = time.perf_counter() - started
        output = done.stdout + (
            f"\n[exit {done.returncode}]\n{done.stderr[-2000:]}" if done.returncode else ""
        )
        print(output, flush=True)
        # The summary is committed: name the evaluation sets' place by its variable,
        # not by where they happen to live on this machine.
        for root in filter(None, os.environ.get("ARSIP_EVAL_MANIFESTS", "").split(":")):
            output = output.replace(root.rstrip("/"), "$ARSIP_EVAL_MANIFESTS")
        reports.append(f"### {script} ({seconds:.0f} s)\n\n```\n{output.strip()}\n```\n")
        for line in done.stdout.splitlines():
            match = RESULT.match(line.strip())
            if match:
                rows.append((script, match["figure"], match["value"], match["target"] or ""))

    header = (
        f"# Benchmark results\n\nMeasured {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} cores "
        f"({platform.machine()}, Python {platform.python_version()})"
        f"{', quick sizes' if args.quick else ''}; load average (1/5/15 min) "
        f"{_load(load_before)} at the start, {_load(os.getloadavg())} at the end. "
        "Regenerate with `make bench`.\n\n"
        "| bench | figure | value | target |\n|---|---|---|---|\n"
    )
    table = "".join(f"| {s} | {f} | {v} | {t} |\n" for s, f, v, t in rows)
    args.output.write_text(header + table + "\n## Reports\n\n" + "\n".join(reports))
    print(f"wrote {args.output}")


def _load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    main()
