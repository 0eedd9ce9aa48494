"""``arsip extract --batch``: one JSON line per manifest line, in order, with the fixed
keys; a page that fails carries ``error`` and the others go on; exit status 0."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SAMPLE_DATA, run_cli

KEYS = {"id", "url", "title", "published_at", "authors", "section", "dateline", "body"}


def _copy_case(case: Path, folder: Path, name: str) -> dict:
    info = json.loads((case / "inputs/HttpResponse-info.json").read_text())
    shutil.copy(case / "inputs/HttpResponse-body.html", folder / name)
    return {"path": name, "url": info["url"]}


def test_batch_output_contract(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    lines = [
        {"id": "kompas", **_copy_case(SAMPLE_DATA / "kompas/regional", pages, "a.html")},
        {"id": "missing", "path": "pages/nope.html", "url": "https://example.id/x"},
        {
            "id": "generic",
            **_copy_case(SAMPLE_DATA / "generic/no-structured-data", pages, "b.html"),
        },
    ]
    for line in lines:
        if line["id"] != "missing":
            line["path"] = "pages/" + line["path"]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))

    result = run_cli("extract", "--batch", str(manifest), "--fetched-at", "2025-09-16T03:00:00Z")

    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["kompas", "missing", "generic"]
    for record in out:
        assert set(record) - {"error"} == KEYS
        assert isinstance(record["authors"], list)
    kompas, missing, generic = out
    assert "error" not in kompas and "error" not in generic
    assert kompas["title"] == "Banjir Surut, Warga Kembali ke Rumah"
    assert kompas["published_at"] == "2024-03-27T06:16:00+07:00"  # with its offset
    assert kompas["authors"] == ["Andi Hartik"]
    assert kompas["dateline"] == "SEMARANG"
    assert generic["published_at"] == "2025-09-15T14:30:00+07:00"
    assert missing["error"] and "nope.html" in missing["error"]
    assert missing["title"] is None and missing["body"] is None and missing["authors"] == []
