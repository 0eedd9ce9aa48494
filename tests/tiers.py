"""The test tiers: a test that starts a process or serves HTTP (the ``arsip`` command, a
crawl, the offline mirror, a browser) is marked ``crawl``; the others are the pure
tests (extraction, cleaning, dates, the store's API), ``pytest -m "not crawl"``.

The mark is found, not written by hand: a test is ``crawl`` when its body, or a helper
or fixture it uses, reaches one of ``STARTS`` (followed through the functions of the
test modules, and into the helpers they import from other test modules). A new test that runs the CLI is
therefore in the right tier without anyone remembering to mark it; ``@pytest.mark.crawl``
marks one explicitly."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# What starts a process or a server: the CLI, the mirror, Scrapy, subprocess, Datasette.
STARTS = frozenset(
    {
        "run_cli",
        "start_cli",
        "MirrorServer",
        "LoggedMirror",
        "CrawlerProcess",
        "CrawlerRunner",
        "Popen",
        "check_output",
        "subprocess",
        "webdriver",
        "serve_archive",
    }
)


def _names_used(node: ast.AST) -> set[str]:
    """What a function body calls: the called names and attributes, and the names the
    called expression reads (``subprocess`` of ``subprocess.run(...)``)."""
    used: set[str] = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        for sub in ast.walk(call.func):
            if isinstance(sub, ast.Name):
                used.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                used.add(sub.attr)
    return used


Key = tuple[str, str]  # (test module, function name)


@cache
def _functions() -> tuple[dict[Key, set[str]], dict[str, dict[str, str]]]:
    """Every function, method and class defined in the test modules, by (module, name),
    with the names it calls; and each module's imports from the other test modules
    (name -> module), so that a name is followed to where it is defined."""
    table: dict[Key, set[str]] = {}
    imports: dict[str, dict[str, str]] = {}
    for path in sorted(TESTS.glob("*.py")):
        module = path.stem
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        imports[module] = {
            alias.asname or alias.name: node.module.rsplit(".", 1)[-1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests.")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                table.setdefault((module, node.name), set()).update(_names_used(node))
    return table, imports


def _resolve(module: str, name: str) -> Key | None:
    table, imports = _functions()
    if (module, name) in table:
        return module, name
    source = imports.get(module, {}).get(name)
    if source and (source, name) in table:
        return source, name
    return None


@cache
def starts_process(module: str, name: str) -> bool:
    """Whether the function, class or fixture ``name`` as ``module`` sees it reaches
    one of ``STARTS``."""
    table, _ = _functions()
    start = _resolve(module, name) or _resolve("conftest", name)
    seen: set[Key] = set()
    todo = [start] if start else []
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        used = table[key]
        if used & STARTS:
            return True
        todo.extend(k for n in used if (k := _resolve(key[0], n)) is not None)
    return False


def mark_crawl_tier(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("crawl"):
            continue
        module = item.path.stem
        function = getattr(item, "originalname", None) or item.name
        if starts_process(module, function) or any(
            starts_process(module, fixture) for fixture in getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.crawl)
