"""Extraction quality and speed: arsip against plain trafilatura on the same pages.

Usage: ``python bench/extract_quality.py [MANIFEST ...] [--split even|odd] [--worst N]
[--leave-one-out]``
from the repository root, e.g.
``python bench/extract_quality.py eval/indo/manifest.jsonl``.

With no manifest given it scores every ``*/manifest.jsonl`` under the folders named in
``ARSIP_EVAL_MANIFESTS`` (``:``-separated manifests or folders).

For each manifest, prints one row per extractor: body precision, recall and F1 (Zyte
article-extraction-benchmark method, see ``crawler.extract.quality``), title match
and publication-day match (share of pages that have them in the gold), and mean
milliseconds per page measured in this process. Rows:

- ``arsip``: ``crawler.extract.extract_article`` (the full pipeline, generic path unless
  the URL belongs to a declared portal);
- ``trafilatura``: ``trafilatura.bare_extraction(..., with_metadata=True)`` with its
  defaults (its own title and date);
- ``trafilatura (body)``: ``trafilatura.extract`` with defaults, body only: the speed
  baseline. Ratios of arsip's ms/page to both are printed.

``--leave-one-out`` adds the row ``arsip (held out)``: arsip reading each page as a
page of a portal it has never seen, leave-one-portal-out. For every site of the set,
its pages are scored with the rules written from that site turned off: the declared
portal owning the URL, and the markup families that name the site (``Family.sites``,
e.g. the Kompas family on kompas.com pages); CMS themes' families and the general rules
stay. It prints the figures per site too, beside the plain ones.

``--split even|odd`` keeps the pages whose id ends in an even / odd number (tune on one
half, check on the other); ``--worst N`` lists arsip's N lowest-F1 pages.

``--prose-gate`` also reads every page as if it were a declared portal's page on which
the portal's own body rule found nothing: the generic readers' text must then pass the
prose test (``crawler.extract.prose.has_article_prose``), or the page is taken for one
without article text. It prints how many of the set's pages (real articles, most of
them) the test refuses, and lists those whose gold body has 100 words or more: what
``PROSE_SCORE`` would cost if every portal's rule missed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

from crawler.extract.quality import (  # noqa: E402
    PageResult,
    arsip_extractor,
    load_manifest,
    run,
    summarise,
    trafilatura_body_extractor,
    trafilatura_extractor,
)


def default_manifests() -> list[Path]:
    roots = os.environ.get("ARSIP_EVAL_MANIFESTS")
    places = [Path(p) for p in roots.split(":")] if roots else []
    found: list[Path] = []
    for place in places:
        if place.is_file():
            found.append(place)
        elif place.is_dir():
            found.extend(sorted(place.glob("*/manifest.jsonl")))
    return found


def in_split(entry_id: str, split: str | None) -> bool:
    if not split:
        return True
    digits = "".join(ch for ch in entry_id[-6:] if ch.isdigit())
    if not digits:
        return True
    return (int(digits) % 2 == 0) == (split == "even")


def row(name: str, results: list[PageResult]) -> str:
    s = summarise(results)
    return (
        f"{name:<20} {s.pages:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
        f" {s.title:>6.3f} {s.day:>6.3f} {s.ms_per_page:>8.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifests", nargs="*", type=Path)
    parser.add_argument("--split", choices=("even", "odd"))
    parser.add_argument("--worst", type=int, default=0, metavar="N")
    parser.add_argument("--limit", type=int, default=0, help="first N pages of each manifest")
    parser.add_argument("--prose-gate", action="store_true", help="measure the prose test")
    parser.add_argument(
        "--leave-one-out",
        action="store_true",
        help="also score each site's pages without the rules written from that site",
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura warns on every page it discards

    manifests = args.manifests or default_manifests()
    if not manifests:
        print("no manifest given and none found (see --help)", file=sys.stderr)
        return 2
    clock = time.perf_counter
    extractors = {
        "arsip": arsip_extractor(),
        "trafilatura": trafilatura_extractor(),
        "trafilatura (body)": trafilatura_body_extractor(),
    }
    if args.leave_one_out:
        extractors["arsip (held out)"] = arsip_extractor(leave_out=True)
    for manifest in manifests:
        if not manifest.is_file():
            print(f"{manifest}: no such manifest", file=sys.stderr)
            return 2
        entries = [e for e in load_manifest(manifest) if in_split(e["id"], args.split)]
        if args.limit:
            entries = entries[: args.limit]
        print(f"\n{manifest} ({len(entries)} pages{', ' + args.split if args.split else ''})")
        print(f"{'extractor':<20} {'pages':>5} {'prec':>6} {'recall':>6} {'F1':>6}"
              f" {'title':>6} {'day':>6} {'ms/page':>8}")  # fmt: skip
        results = {name: list(run(fn, entries, clock)) for name, fn in extractors.items()}
        for name, page_results in results.items():
            print(row(name, page_results))
        ms = {name: summarise(r).ms_per_page for name, r in results.items()}
        print(
            f"arsip ms/page ratio: {ms['arsip'] / ms['trafilatura']:.2f}x trafilatura,"
            f" {ms['arsip'] / ms['trafilatura (body)']:.2f}x trafilatura (body)"
        )
        ours, theirs = summarise(results["arsip"]), summarise(results["trafilatura"])
        label = manifest.parent.name
        for figure in ("f1", "title", "day"):
            print(
                f"result: {label} {figure} arsip = {getattr(ours, figure):.3f}"
                f" (trafilatura {getattr(theirs, figure):.3f})"
            )
        print(
            f"result: {label} ms/page arsip vs trafilatura (body) = "
            f"{ms['arsip'] / ms['trafilatura (body)']:.2f}x (target <= 1.2x)"
        )
        if args.leave_one_out:
            held = summarise(results["arsip (held out)"])
            for figure in ("f1", "title", "day"):
                print(
                    f"result: {label} {figure} arsip leave-one-portal-out ="
                    f" {getattr(held, figure):.3f} (plain {getattr(ours, figure):.3f},"
                    f" trafilatura {getattr(theirs, figure):.3f})"
                )
            per_site(entries, results)
        if args.prose_gate:
            prose_gate(label, entries)
        if args.worst:
            worst = sorted(
                (r for r in results["arsip"] if r.precision is not None),
                key=lambda r: 2 * r.precision * r.recall / ((r.precision + r.recall) or 1),
            )[: args.worst]
            for r in worst:
                print(
                    f"  {r.id:<40} P={r.precision:.2f} R={r.recall:.2f}"
                    f" title={r.title_ok} day={r.day_ok}"
                )
    return 0


def site(url: str) -> str:
    """The site a page is on, for the per-site rows: its host without ``www.`` and
    without a subdomain of a network whose rules name it (``regional.kompas.com`` ->
    ``kompas.com``)."""
    from urllib.parse import urlsplit

    from crawler.extract.families import FAMILIES

    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for family in FAMILIES:
        for name in family.sites:
            if host == name or host.endswith("." + name):
                return name
    return host


def per_site(entries: list[dict], results: dict[str, list[PageResult]]) -> None:
    """Rows per site with two pages or more: F1 / title / day, plain and held out."""
    by_site: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        by_site.setdefault(site(entry["url"]), []).append(index)
    shown = {name: rows for name, rows in by_site.items() if len(rows) >= 2}
    if not shown:
        return
    print(f"  {'site':<28} {'pages':>5}  {'plain F1/title/day':>20}  {'held out':>20}")
    for name, rows in sorted(shown.items()):
        figures = []
        for extractor in ("arsip", "arsip (held out)"):
            s = summarise([results[extractor][i] for i in rows])
            figures.append(f"{s.f1:.3f}/{s.title:.3f}/{s.day:.3f}")
        print(f"  {name:<28} {len(rows):>5}  {figures[0]:>20}  {figures[1]:>20}")


def prose_gate(label: str, entries: list[dict]) -> None:
    """Print how many pages the prose test refuses when the generic readers read them."""
    from crawler.extract.page import page_selector, read_page
    from crawler.extract.prose import PROSE_SCORE, prose_score

    refused = []
    for entry in entries:
        sel = page_selector(entry["file"].read_bytes())
        body = read_page(sel, entry["url"]).body  # no portal: the generic readers' text
        score = prose_score(sel, body.split("\n\n")) if body else 0.0
        if score < PROSE_SCORE:
            gold = len(((entry.get("gold") or {}).get("body") or "").split())
            refused.append((entry["id"], gold, score, len((body or "").split())))
    long = [r for r in refused if r[1] >= 100]
    print(
        f"result: {label} prose test refuses {len(refused)} of {len(entries)} pages "
        f"({len(long)} with a gold body of 100+ words)"
    )
    for entry_id, gold, score, words in long:
        print(f"  {entry_id:<40} gold {gold} words, read {words} words, score {score:.1f}")


if __name__ == "__main__":
    sys.exit(main())
