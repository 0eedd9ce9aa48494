"""arsip stats: counts per portal, section and day, and the per-day plot."""

from __future__ import annotations

import json
import struct

import pytest

from tests.archives import build_analyst_archive
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def archive(mirror, tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "news.db"
    return path, build_analyst_archive(path, mirror.url)


def stats(archive, *args: str):
    path, _ = archive
    result = run_cli("stats", *args, "--db", str(path))
    assert result.returncode == 0, result.stderr
    return result


def test_stats_json_counts_per_portal_section_and_local_day(archive):
    facts = json.loads(stats(archive, "--format", "json").stdout)
    assert facts["articles"] == 31 and facts["undated"] == 0
    per_portal = {r["portal"]: r["articles"] for r in facts["per_portal"]}
    assert per_portal == {"bantennews": 4, "tangselpos": 27}
    sections = {(r["portal"], r["section"]): r["articles"] for r in facts["per_section"]}
    assert (
        sections[("bantennews", "Kesehatan")] == 1 and sections[("tangselpos", "Pos Banten")] == 7
    )
    days = {(r["day"], r["portal"]): r["articles"] for r in facts["per_day"]}
    assert days[("2025-09-20", "bantennews")] == 2 and days[("2025-09-20", "tangselpos")] == 1
    assert days[("2025-09-17", "bantennews")] == 1  # 06:30 WIB
    utc = json.loads(stats(archive, "--utc", "--format", "json").stdout)
    utc_days = {(r["day"], r["portal"]): r["articles"] for r in utc["per_day"]}
    assert (
        utc_days[("2025-09-16", "bantennews")] == 1 and ("2025-09-17", "bantennews") not in utc_days
    )


def test_stats_text_tables_and_filters(archive):
    text = stats(archive, "--since", "2025-09-20", "--until", "2025-09-20").stdout
    assert text.startswith("3 articles\n")
    assert "day           bantennews    tangselpos    total" in text
    assert "2025-09-20             2             1        3" in text
    only = json.loads(stats(archive, "--portal", "bantennews", "--format", "json").stdout)
    assert [r["portal"] for r in only["per_portal"]] == ["bantennews"]


def test_stats_plot_is_a_png(archive, tmp_path):
    png = tmp_path / "per-day.png"
    result = stats(archive, "--since", "2025-09-01", "--until", "2025-09-30", "--plot", str(png))
    assert f"plot written to {png}" in result.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 450) and len(data) > 20_000


def test_stats_bad_input(archive):
    path, _ = archive
    for args, message in [(["--since", "yesterdayish"], "Invalid value for '--since'"),
                          (["--portal", "nope"], "unknown portal 'nope'")]:  # fmt: skip
        result = run_cli("stats", *args, "--db", str(path))
        assert result.returncode == 2 and message in result.stderr
        assert "Traceback" not in result.stderr
