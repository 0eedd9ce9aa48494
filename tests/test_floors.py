"""The three floors: ``arsip`` (the application) stands on ``crawler`` (spiders,
pipelines, extraction, mirror), which stands on ``archive`` (storage, deduplication,
search, export, the crawler's memory). No import runs back up: the archive opens and
reads without Scrapy or the extraction code, and the crawler without the CLI."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

# Per floor: the top-level modules its code may not import, at module level or inside a
# function alike.
BANNED = {
    "archive": {"arsip", "crawler", "scrapy", "twisted", "parsel", "trafilatura", "htmldate"},
    "crawler": {"arsip"},
}


def imports_of(package: str) -> list[tuple[str, int, str]]:
    """(file, line, module) of every absolute import in ``package``."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            rel = str(path.relative_to(ROOT))
            found.extend((rel, node.lineno, module) for module in modules)
    return found


@pytest.mark.parametrize("package", sorted(BANNED))
def test_no_import_runs_back_up(package):
    wrong = [
        f"{file}:{line} imports {module}"
        for file, line, module in imports_of(package)
        if module.split(".")[0] in BANNED[package]
    ]
    assert not wrong, f"{package}/ imports from a floor above it:\n" + "\n".join(wrong)


def test_the_check_sees_imports_inside_functions():
    """The lazy imports of a command count as much as those at the top of a module."""
    inside = [m for f, _, m in imports_of("arsip") if f == "arsip/cli.py"]
    assert "arsip.crawl" in inside  # imported inside `arsip crawl` only
