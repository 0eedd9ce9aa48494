"""Benchmark what a changed text costs in a near-duplicate cluster: the article leaves
its cluster, the members left are split again (``ArchiveWriter._resplit``), and the new text
is placed.

Usage: ``python bench/resplit.py [--sizes 10,50,200] [--repeat R]`` from the
repository root.

For each size n, a fresh archive holds 2,000 unrelated articles and one cluster of n,
in two shapes: a **release** (n portals run one press release, each with its own lead
paragraph: every member a near duplicate of every other) and a **chain** (a running
story, each version one paragraph on from the last: single link, each member a near
duplicate of its neighbours only, the case where a re-split has most to compare). Then
every member of the cluster is revised once, one by one in one transaction, by a new
``ArchiveWriter`` (a cold cache, as ``arsip reextract`` or ``arsip import`` in a new
process). Printed: milliseconds per revision, against the baseline of revising n
unclustered articles the same way in the same process, and how the cost per revision
grows from the smallest to the largest n (linear in n is the expectation: every
revision compares the cluster's members, never the archive).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

from archive.writer import ArchiveWriter  # noqa: E402

SYLLABLES = ["ba", "be", "bi", "bu", "da", "de", "di", "du", "ga", "gi", "ka", "ke", "ki", "ku", "la", "li", "lu", "ma", "me", "mi", "mu", "na", "ni", "nu", "pa", "pe", "pi", "ra", "ri", "ru", "sa", "se", "si", "su", "ta", "te", "ti", "tu"]  # fmt: skip
BACKGROUND = 2_000


def paragraph(rng: random.Random, words: int = 60) -> str:
    text = " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(words))
    return text.capitalize() + "."


def texts(shape: str, n: int, rng: random.Random) -> list[str]:
    """n bodies forming one cluster of the given shape, or n unrelated ones."""
    if shape == "release":
        shared = [paragraph(rng) for _ in range(8)]
        return ["\n\n".join([paragraph(rng, 25), *shared]) for _ in range(n)]
    if shape == "chain":
        story = [paragraph(rng) for _ in range(n + 11)]
        return ["\n\n".join(story[i : i + 12]) for i in range(n)]
    return ["\n\n".join(paragraph(rng) for _ in range(9)) for _ in range(n)]


def background(path: Path) -> None:
    """An archive of BACKGROUND unrelated articles at ``path``."""
    rng = random.Random("background")  # shares no text with the seeded runs
    with ArchiveWriter(path) as archive:
        records = [
            {"url": f"https://x.example.id/{i}", "portal": "x", "title": "t", "body": body}
            for i, body in enumerate(texts("unrelated", BACKGROUND, rng))
        ]
        list(archive.store_many(records))


def revise_all(base: Path, shape: str, n: int, seed: int) -> tuple[float, int]:
    """Seconds to revise each of n articles of the shape once, added to a copy of the
    ``base`` archive; the largest cluster."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.db"
        shutil.copyfile(base, path)
        bodies = texts(shape, n, rng)
        with ArchiveWriter(path) as archive:
            records = [
                {"url": f"https://p{i}.example.id/1", "portal": f"p{i}", "title": "t", "body": b}
                for i, b in enumerate(bodies)
            ]
            list(archive.store_many(records))
            (largest,) = archive.db.execute(
                "SELECT coalesce(max(n), 1) FROM (SELECT count(*) AS n FROM articles"
                " WHERE cluster_id IS NOT NULL GROUP BY cluster_id)"
            ).fetchone()
        revised = [
            {"url": f"https://p{i}.example.id/1", "portal": f"p{i}", "title": "t",
             "body": body + "\n\nRalat: " + paragraph(rng, 8)}
            for i, body in enumerate(bodies)
        ]  # fmt: skip
        with ArchiveWriter(path) as archive:  # a new process's cold cache
            started = time.perf_counter()
            with archive.db.atomic():
                for record in revised:
                    archive.store(record)
            return time.perf_counter() - started, largest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,50,200", help="cluster sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    per_revision: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        background(base)
        for n in sizes:
            for shape in ("unrelated", "release", "chain"):
                runs = [revise_all(base, shape, n, seed) for seed in range(args.repeat)]
                seconds = min(s for s, _ in runs)
                largest = runs[0][1]
                per_revision[shape, n] = seconds / n
                ratio = per_revision[shape, n] / per_revision["unrelated", n]
                print(
                    f"n={n:<4} {shape:<9} largest cluster {largest:>4}:"
                    f" {seconds / n * 1000:7.2f} ms per revision ({ratio:.1f}x unclustered)",
                    flush=True,
                )
    small, large = sizes[0], sizes[-1]
    for shape in ("release", "chain"):
        print(
            f"result: revision in a {shape} cluster of {large} vs unclustered ="
            f" {per_revision[shape, large] / per_revision['unrelated', large]:.1f}x"
        )
        growth = per_revision[shape, large] / per_revision[shape, small]
        print(
            f"result: {shape} revision cost growth, cluster {small} -> {large}"
            f" ({large / small:.0f}x members) = {growth:.1f}x"
        )


if __name__ == "__main__":
    main()
