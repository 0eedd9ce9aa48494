"""docs/python-api.md cannot go stale: its Python blocks run, in order, in one namespace,
against an archive built by ``arsip demo`` as the page says."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.conftest import ROOT, run_cli

PAGE = ROOT / "docs" / "python-api.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--db", "demo.db", cwd=folder, timeout=300)
    assert result.returncode == 0, result.stderr
    return folder


def test_the_page_documents_the_calls():
    text = PAGE.read_text(encoding="utf-8")
    for name in ("archive.open", "readonly=True", "ArchiveError", "search", "dataframe",
                 "stats", "duplicates", "health", "memory", "forget", "lock(wait"):  # fmt: skip
        assert name in text, name
    assert len(python_blocks()) >= 10


def test_every_python_block_runs_on_the_demo_archive(demo_dir, monkeypatch):
    pytest.importorskip("pandas")
    monkeypatch.chdir(demo_dir)
    namespace: dict = {}
    printed = io.StringIO()
    for number, block in enumerate(python_blocks(), start=1):
        with contextlib.redirect_stdout(printed):
            try:
                exec(compile(block, f"{PAGE.name} block {number}", "exec"), namespace)
            except Exception as error:  # name the block that broke
                pytest.fail(f"block {number} of {PAGE.name} raised {error!r}:\n{block}")
    output = printed.getvalue()
    assert "<archive 'demo.db' read-only>" in output
    assert "no archive at no-such.db" in output
    assert "ArchiveMissing no-such.db" in output
    assert namespace["arch"].db.conn is not None and namespace["written"] > 0
