"""arsip stats: counts per portal, section and day, and the per-day plot."""

from __future__ import annotations

import json
import struct

import pytest

from tests.archives import build_analyst_archive
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def archive(tangselpos_first_crawl, tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "news.db"
    return path, build_analyst_archive(path, tangselpos_first_crawl)


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
    (bantennews,) = [r for r in facts["per_portal"] if r["portal"] == "bantennews"]
    assert bantennews["last_published"] == "2025-09-20T07:00:00Z"
    assert bantennews["last_published_local"] == "2025-09-20T14:00:00+07:00"
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


def test_stats_per_week_month_and_section_with_empty_periods_as_zero(archive):
    facts = json.loads(stats(archive, "--by", "week", "--group", "section", "--since",
                             "2025-09-01", "--until", "2025-09-30", "--format", "json").stdout)  # fmt: skip
    per = facts["per_period"]
    assert per["by"] == "week" and per["group"] == "section"
    # 1 to 30 September: ISO weeks 36 (from Monday 1 September) to 40 (Monday the 29th).
    assert per["periods"] == ["2025-W36", "2025-W37", "2025-W38", "2025-W39", "2025-W40"]
    assert sum(c["articles"] for c in per["counts"]) == facts["articles"]
    assert "Kesehatan" in per["groups"] and "Pos Banten" in per["groups"]
    # A day in the range without articles is a row of zeros, not left out.
    text = stats(archive, "--portal", "bantennews", "--since", "2025-09-18", "--until",
                 "2025-09-20").stdout  # fmt: skip
    assert "2025-09-19             0        0\n" in text
    months = stats(archive, "--by", "month", "--since", "2025-08-15", "--until", "2025-09-30")
    assert "\n2025-08" in months.stdout and "\n2025-09" in months.stdout


def test_stats_tables_fit_in_100_columns(archive):
    for args in ([], ["--group", "section"], ["--by", "week", "--group", "section"]):
        text = stats(archive, *args).stdout
        assert max(map(len, text.splitlines())) <= 100, args
    text = stats(archive, "--group", "section").stdout
    # The sections that do not fit are summed as "other", and named below the table.
    header = next(line for line in text.splitlines() if line.startswith("day "))
    assert header.split()[-2:] == ["other", "total"]
    assert "\nother: " in text
    # First and last publication in the portal's local time, with the zone's name.
    assert "2025-09-20 14:00 WIB" in text and "Z " not in text


def test_stats_plot_per_week_with_a_rolling_mean(archive, tmp_path):
    png = tmp_path / "weeks.png"
    stats(archive, "--by", "week", "--group", "section", "--rolling", "2", "--plot", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    path, _ = archive
    alone = run_cli("stats", "--rolling", "2", "--db", str(path))
    assert alone.returncode == 2 and "give --plot FILE.png too" in alone.stderr


def test_stats_plot_into_a_missing_directory_is_a_clear_error(archive, tmp_path):
    path, _ = archive
    target = tmp_path / "missing" / "dir" / "p.png"
    result = run_cli("stats", "--plot", str(target), "--db", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot write {target}: {target.parent} is not a directory" in result.stderr
    assert result.stdout == "" and not target.parent.exists()


def test_stats_bad_input(archive):
    path, _ = archive
    for args, message in [(["--since", "yesterdayish"], "Invalid value for '--since'"),
                          (["--portal", "nope"], "unknown portal 'nope'")]:  # fmt: skip
        result = run_cli("stats", *args, "--db", str(path))
        assert result.returncode == 2 and message in result.stderr
        assert "Traceback" not in result.stderr


def test_stats_per_place_counts_regencies_and_cities_within_100_columns(archive):
    facts = json.loads(stats(archive, "--group", "place", "--format", "json").stdout)
    per = facts["per_period"]
    assert per["group"] == "place"
    totals: dict[str, int] = {}
    for count in per["counts"]:
        totals[count["group"]] = totals.get(count["group"], 0) + count["articles"]
    # The Lebak flood release (three articles) is about Kabupaten Lebak; a story about
    # Pamulang counts for its city, never for the kecamatan or the province beside it.
    assert totals["Kab. Lebak"] >= 3
    assert "Kota Tangerang Selatan" in totals and "Kecamatan Pamulang" not in totals
    assert "(no place)" in totals
    per_place = {r["code"]: r["articles"] for r in facts["per_place"]}
    assert totals["Kota Tangerang Selatan"] == per_place["36.74"]
    text = stats(archive, "--group", "place").stdout
    assert max(map(len, text.splitlines())) <= 100
    header = next(line for line in text.splitlines() if line.startswith("day "))
    assert "Kota Tangerang Selatan" in header and header.split()[-1] == "total"
