"""Shared fixtures: the offline mirror on loopback, archive paths, the CLI as a user runs it."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from crawler.mirror.faults import FaultPlan
from crawler.mirror.server import MirrorServer, Site, default_sites

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"
ALL_BANDS = (
    "(SELECT band, bucket, article_id FROM minhash_bands"
    " UNION ALL SELECT band, bucket, article_id FROM minhash_bands_recent)"
)
"""Every LSH bucket row of an archive, settled or recent (``archive.cluster_placement``),
as a table expression for ``FROM``."""


@pytest.fixture(scope="session")
def mirror():
    """The sample sites served on 127.0.0.1 (a random free port) for the whole session."""
    with MirrorServer(default_sites(), log=None) as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture(scope="session")
def tangselpos_first_crawl(mirror, tmp_path_factory) -> Path:
    """The mirror's tangselpos (26 articles) crawled once into a new archive by the real
    ``arsip crawl``: where many tests start. Shared (one crawl per test process): copy it
    (``copy_archive``, or the ``crawled_once`` fixture) before writing to it."""
    path = tmp_path_factory.mktemp("tangselpos_first_crawl") / "news.db"
    result = run_cli("crawl", "tangselpos", "--mirror", mirror.url, "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def crawled_once(tangselpos_first_crawl, db_path) -> Path:
    """``db_path``, holding a copy of ``tangselpos_first_crawl``."""
    return copy_archive(tangselpos_first_crawl, db_path)


def rows(db_path: Path, sql: str, *params) -> list[dict]:
    """Rows of a query on an archive file, as dicts (a fresh connection each time)."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
    """Run the installed ``arsip`` command in a child process, as a user would."""
    arsip = Path(sys.executable).with_name("arsip")
    full_env = {**os.environ, **(env or {})}
    full_env.pop("ARSIP_DB", None) if env is None or "ARSIP_DB" not in env else None
    return subprocess.run(
        [str(arsip), *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    """``run_cli`` without waiting for it: the running ``arsip`` process, its output
    piped as text (``communicate()`` to end it)."""
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("arsip")), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class LoggedMirror:
    """A mirror of ``sites`` (with optional ``faults``) whose requests can be read run
    by run: ``fetched()`` gives the paths asked since its last call, without their
    leading ``/``."""

    def __init__(self, *sites: Site, faults: FaultPlan | None = None):
        self.log = io.StringIO()
        self.server = MirrorServer(sites, log=self.log, faults=faults)

    def __enter__(self) -> LoggedMirror:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def fetched(self) -> list[str]:
        lines = self.log.getvalue().splitlines()
        self.log.seek(0)
        self.log.truncate()
        return [line.split()[2].split("/", 1)[1] for line in lines]


def copy_archive(source: Path, target: Path) -> Path:
    """A consistent copy of an archive (SQLite's backup), WAL folded in."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def portals_module_env(tmp_path: Path, source: str, module: str) -> dict[str, str]:
    """The environment of an operator's portals module (``ARSIP_PORTALS_MODULE``):
    ``source`` written as ``<module>.py`` in a folder of its own on ``PYTHONPATH``."""
    module_dir = tmp_path / "operator_portals"
    module_dir.mkdir()
    (module_dir / f"{module}.py").write_text(textwrap.dedent(source))
    return {
        "ARSIP_PORTALS_MODULE": module,
        "PYTHONPATH": os.pathsep.join([str(module_dir), str(ROOT)]),
    }


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "crawl: starts a process or a server (CLI, crawl, mirror, browser)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from tests.tiers import mark_crawl_tier

    mark_crawl_tier(items)
