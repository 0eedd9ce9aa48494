"""Benchmark arsip's date parser against dateparser on the shared test table.

Usage: ``python bench/dates.py [--repeat N]`` from the repository root.

Reads tests/sample_data/date_cases.jsonl (the same strings as tests/test_dates.py;
read as data, never imported) and runs every case through
``crawler.extract.dates.parse_date`` and through ``dateparser.parse`` with Indonesian
settings.  Prints, for each: accuracy (exact minute when the expected value has a time,
same day when it has none; None must give None) and mean microseconds per string over
``--repeat`` passes in this process; then the speed ratio dateparser / arsip.
dateparser is an optional bench dependency (``pip install .[bench]``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

from crawler.extract.dates import JAKARTA, parse_date  # noqa: E402

CASES_FILE = ROOT / "tests" / "sample_data" / "date_cases.jsonl"

Case = dict  # {"text": str, "expected": str | None, "now": str}


def load_cases() -> list[Case]:
    with CASES_FILE.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def is_correct(got: datetime | None, expected: str | None) -> bool:
    """Exact minute (same instant) when expected has a time, same local day otherwise."""
    if expected is None or got is None:
        return expected is None and got is None
    if "T" in expected:
        want = datetime.fromisoformat(expected)
        return got.replace(second=0, microsecond=0) == want.replace(second=0, microsecond=0)
    return got.date() == date.fromisoformat(expected)


def arsip_parse(case: Case) -> datetime | None:
    found = parse_date(case["text"], now=case["_now"])
    return found.value if found else None


def make_dateparser_parse() -> Callable[[Case], datetime | None] | None:
    try:
        import dateparser
    except ImportError:
        return None

    def parse(case: Case) -> datetime | None:
        now_naive = case["_now"].replace(tzinfo=None)
        return dateparser.parse(
            case["text"],
            languages=["id"],
            settings={
                "RELATIVE_BASE": now_naive,
                "TIMEZONE": JAKARTA,
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "past",
            },
        )

    return parse


def run(parse: Callable[[Case], datetime | None], cases: list[Case], repeat: int):
    """Return (accuracy, mean µs per string, wrong cases) for one parser."""
    wrong = []
    for case in cases:  # also a warm-up pass: first calls fill caches and compile regexes
        got = parse(case)
        if not is_correct(got, case["expected"]):
            wrong.append((case["text"], case["expected"], got.isoformat() if got else None))
    start = time.perf_counter()
    for _ in range(repeat):
        for case in cases:
            parse(case)
    elapsed = time.perf_counter() - start
    us = elapsed / (repeat * len(cases)) * 1e6
    accuracy = 1 - len(wrong) / len(cases)
    return accuracy, us, wrong


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over the table")
    ap.add_argument("--show-wrong", action="store_true", help="list every miss")
    args = ap.parse_args(argv)

    cases = load_cases()
    for case in cases:
        case["_now"] = datetime.fromisoformat(case["now"])
    print(f"{len(cases)} cases from {CASES_FILE.relative_to(ROOT)}, {args.repeat} timed passes")

    acc, us, wrong = run(arsip_parse, cases, args.repeat)
    print(f"arsip       accuracy {acc:.3f}  {us:9.1f} µs/string  ({len(wrong)} wrong)")
    if args.show_wrong:
        for w in wrong:
            print("   arsip miss:", w)

    dp_parse = make_dateparser_parse()
    if dp_parse is None:
        print("dateparser  not installed: pip install 'arsip[bench]' (or dateparser) to compare")
        return 0
    dp_acc, dp_us, dp_wrong = run(dp_parse, cases, args.repeat)
    print(f"dateparser  accuracy {dp_acc:.3f}  {dp_us:9.1f} µs/string  ({len(dp_wrong)} wrong)")
    if args.show_wrong:
        for w in dp_wrong:
            print("   dateparser miss:", w)
    print(f"speed ratio dateparser/arsip: {dp_us / us:.1f}x")
    print(f"result: date accuracy arsip = {acc:.3f} (dateparser {dp_acc:.3f})")
    print(f"result: date parsing speed vs dateparser = {dp_us / us:.1f}x (target >= 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
