"""Quality gate: body F1 on the development sets must not fall below pinned floors.

Skipped unless ``ARSIP_EVAL_MANIFESTS`` names them (``:``-separated manifest files or
folders holding ``<set>/manifest.jsonl``; the sets are not shipped with arsip). Only the Indonesian set and a fixed sample
of the general set are scored, to keep the suite fast; ``bench/extract_quality.py``
prints the full figures. The floors sit a little under what arsip reaches, so a change
that loses article text, titles or publication days fails here."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from crawler.extract.quality import arsip_extractor, load_manifest, run, summarise

# Set folder name -> (body F1, title match, publication-day match floors; every n-th
# page scored).
FLOORS = {"indo": (0.95, 0.99, 0.99, 1), "wcxb-dev": (0.92, 0.83, 0.855, 8)}


def _manifests() -> dict[str, Path]:
    places = os.environ.get("ARSIP_EVAL_MANIFESTS")
    roots = [Path(p) for p in places.split(":")] if places else []
    found: dict[str, Path] = {}
    for root in roots:
        candidates = [root] if root.is_file() else sorted(root.glob("*/manifest.jsonl"))
        for manifest in candidates:
            found[manifest.parent.name] = manifest
    return {name: path for name, path in found.items() if name in FLOORS}


MANIFESTS = _manifests()


@pytest.mark.skipif(not MANIFESTS, reason="ARSIP_EVAL_MANIFESTS names no evaluation set")
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_quality_floors(name: str) -> None:
    if name not in MANIFESTS:
        pytest.skip(f"{name} not present")
    f1, title, day, step = FLOORS[name]
    entries = load_manifest(MANIFESTS[name])[::step]
    summary = summarise(list(run(arsip_extractor(), entries, time.perf_counter)))
    assert summary.f1 >= f1, f"{name}: body F1 {summary.f1:.3f} < floor {f1}"
    assert summary.title >= title, f"{name}: title match {summary.title:.3f} < floor {title}"
    assert summary.day >= day, f"{name}: publication day {summary.day:.3f} < floor {day}"
