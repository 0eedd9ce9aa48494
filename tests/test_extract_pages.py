"""Saved pages -> expected Article, one test per field, for every markup family
(web-poet fixture layout: ``tests/sample_data/<family>/<case>/`` with
inputs/HttpResponse-body.html, inputs/HttpResponse-info.json, meta.json holding the
frozen fetch time, output.json holding the expected fields).

The pages are written for arsip, modelled on the markup each family really uses; a
family with no declared portal goes through the generic layers (structured data,
family containers, trafilatura), which is the point of testing it here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract import extract_article
from tests.conftest import SAMPLE_DATA

CASES = sorted(
    case
    for family in SAMPLE_DATA.iterdir()
    if family.is_dir()
    for case in family.iterdir()
    if (case / "output.json").is_file()
)
FAMILIES = {
    "tangselpos", "wordpress-newspaper", "wordpress-jnews", "tribun", "pikiran-rakyat",
    "kompas", "detik", "generic",
}  # fmt: skip


def load_case(case: Path):
    info = json.loads((case / "inputs/HttpResponse-info.json").read_text())
    meta = json.loads((case / "meta.json").read_text())
    body = (case / "inputs/HttpResponse-body.html").read_bytes()
    expected = json.loads((case / "output.json").read_text(encoding="utf-8"))
    article = extract_article(body, info["url"], fetched_at=meta["frozen_time"])
    return article.to_record(), expected


PARAMS = [
    pytest.param(case, field, id=f"{case.parent.name}/{case.name}-{field}")
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


def test_every_family_has_a_case():
    assert {c.parent.name for c in CASES} >= FAMILIES
    assert {c.name for c in CASES if c.parent.name == "tangselpos"} >= {"seed", "day-only"}
