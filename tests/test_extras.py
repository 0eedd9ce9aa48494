"""Optional extras: a command that needs one says which, with the pip line, and exits
with status 1; nothing is written and no traceback is printed. The package is hidden
from a real ``arsip`` process by a stand-in on PYTHONPATH whose import fails, as it
fails where the extra was never installed."""

from __future__ import annotations

import os

import pytest

from archive.writer import ArchiveWriter
from tests.conftest import ROOT, run_cli


@pytest.fixture
def archive_path(tmp_path):
    path = tmp_path / "news.db"
    with ArchiveWriter(path) as archive:
        archive.store(
            {
                "url": "https://www.tangselpos.id/detail/1/banjir",
                "portal": "tangselpos",
                "title": "Banjir di Pamulang",
                "body": "Hujan deras sejak sore merendam permukiman warga di Pamulang.",
                "published_at": "2025-09-01T03:00:00Z",
                "published_local": "2025-09-01T10:00:00+07:00",
            }
        )
    return path


def without(tmp_path, package: str) -> dict[str, str]:
    stand_in = tmp_path / "hidden" / package
    stand_in.mkdir(parents=True)
    (stand_in / "__init__.py").write_text(f"raise ImportError('{package} is not installed')\n")
    return {"PYTHONPATH": os.pathsep.join([str(stand_in.parent), str(ROOT)])}


@pytest.mark.parametrize(
    ("package", "extra", "command", "written"),
    [
        ("pyarrow", "parquet", ["export", "--format", "parquet", "-o"], "out.parquet"),
        ("matplotlib", "plot", ["stats", "--plot"], "per-day.png"),
        ("surt", "warc", ["export", "--format", "warc", "-o"], "warc"),
        ("surt", "warc", ["crawl", "tangselpos", "--warc"], "warc"),
    ],
)
def test_a_command_names_the_extra_it_needs(
    tmp_path, archive_path, package, extra, command, written
):
    output = tmp_path / written
    result = run_cli(
        *command, str(output), "--db", str(archive_path), env=without(tmp_path, package)
    )
    assert result.returncode == 1, result.stderr
    assert f"pip install 'arsip[{extra}]'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()


def test_the_extras_are_declared():
    """The extras the messages name exist, so the pip line they print works."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert any(d.startswith("pyarrow") for d in extras["parquet"])
    assert any(d.startswith("matplotlib") for d in extras["plot"])
    assert any(d.startswith("selenium") for d in extras["browser"])
    assert any(d.startswith("surt") for d in extras["warc"])
