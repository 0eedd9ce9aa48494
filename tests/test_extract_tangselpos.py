"""Saved tangselpos pages -> expected Article, one test per field (web-poet fixture layout:
inputs/HttpResponse-body.html, inputs/HttpResponse-info.json, meta.json, output.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract import extract_article
from tests.conftest import SAMPLE_DATA

CASES = sorted(p for p in (SAMPLE_DATA / "tangselpos").iterdir() if p.is_dir())


def load_case(case: Path):
    info = json.loads((case / "inputs/HttpResponse-info.json").read_text())
    meta = json.loads((case / "meta.json").read_text())
    body = (case / "inputs/HttpResponse-body.html").read_bytes()
    expected = json.loads((case / "output.json").read_text(encoding="utf-8"))
    article = extract_article(body, info["url"], fetched_at=meta["frozen_time"])
    return article.to_record(), expected


PARAMS = [
    pytest.param(case, field, id=f"{case.name}-{field}")
    for case in CASES
    for field in json.loads((case / "output.json").read_text(encoding="utf-8"))
]


@pytest.fixture(scope="module")
def results():
    return {case: load_case(case) for case in CASES}


@pytest.mark.parametrize(("case", "field"), PARAMS)
def test_field(results, case, field):
    actual, expected = results[case]
    assert actual[field] == expected[field]


def test_cases_exist():
    assert {c.name for c in CASES} >= {"seed", "day-only"}
