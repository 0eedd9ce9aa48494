"""Run every benchmark and write one summary (markdown) to bench/RESULTS.md.

Each bench script prints its own report; lines of the form

    result: <figure> = <value> (target <target>)

are collected into the summary table. ``--quick`` runs smaller sizes.

    python bench/run_all.py            # the sizes the issues name (takes a while)
    python bench/run_all.py --quick
    python bench/run_all.py --only scale.py   # one bench; the others' figures are kept
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
    ("warc.py", ["--articles", "5000", "--repeat", "5"], ["--articles", "1000", "--repeat", "1"]),
    ("warc_import.py", ["--pages", "3000", "--scale", "4"], ["--pages", "500", "--scale", "2"]),
    # BENCH_SCALE articles (default 100,000; the archive is built once and cached).
    ("scale.py", [], ["--articles", "10000", "--repeat", "5"]),
    ("pages_move.py", ["--articles", "5000"], ["--articles", "500"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description="Run every benchmark; write bench/RESULTS.md")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--only", action="append", metavar="SCRIPT",
        help="run only this bench (repeatable); the figures and reports of the others "
        "are kept from the existing output",
    )  # fmt: skip
    args = parser.parse_args()
    kept_rows, kept_reports = _kept(args.output, set(args.only)) if args.only else ([], {})

    rows: list[tuple[str, str, str, str]] = []
    reports: list[str] = []
    # Other work on the machine slows every figure: say how busy it was.
    load_before = os.getloadavg()
    for script, full, quick in BENCHES:
        path = HERE / script
        if args.only and script not in args.only:
            rows.extend(row for row in kept_rows if row[0] == script)
            if script in kept_reports:
                reports.append(kept_reports[script])
            continue
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
        f"# Benchmark results\n\n"
        f"{', '.join(args.only) + ' m' if args.only else 'M'}easured "
        f"{datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} cores "
        f"({platform.machine()}, Python {platform.python_version()})"
        f"{', quick sizes' if args.quick else ''}; load average (1/5/15 min) "
        f"{_load(load_before)} at the start, {_load(os.getloadavg())} at the end. "
        "Regenerate with `make bench`."
        f"{' The other benches: as measured before.' if args.only else ''}\n\n"
        "| bench | figure | value | target |\n|---|---|---|---|\n"
    )
    table = "".join(f"| {s} | {f} | {v} | {t} |\n" for s, f, v, t in rows)
    args.output.write_text(header + table + "\n## Reports\n\n" + "\n".join(reports))
    print(f"wrote {args.output}")


def _kept(output: Path, run: set[str]) -> tuple[list[tuple[str, ...]], dict[str, str]]:
    """The table rows and report sections of the benches not in ``run`` from an earlier
    summary, to keep when only some benches run again."""
    if not output.exists():
        return [], {}
    text = output.read_text()
    table, _, body = text.partition("\n## Reports\n\n")
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        is_row = line.startswith("| ") and len(cells) == 4 and cells[0].endswith(".py")
        if is_row and cells[0] not in run:
            rows.append(tuple(cells))
    reports = {}
    for section in re.split(r"(?m)^(?=### )", body):
        match = re.match(r"### (\S+) \(", section)
        if match and match[1] not in run:
            reports[match[1]] = section.rstrip("\n") + "\n"
    return rows, reports


def _load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    main()
