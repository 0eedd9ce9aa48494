"""arsip show: one article with its URLs, revisions and cluster."""

from __future__ import annotations

import json

import pytest

from tests.archives import OLD_SLUG_URL, REVISED_URL, build_analyst_archive
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def archive(tangselpos_first_crawl, tmp_path_factory):
    path = tmp_path_factory.mktemp("show") / "news.db"
    return path, build_analyst_archive(path, tangselpos_first_crawl)


def show(archive, *args: str):
    path, _ = archive
    return run_cli("show", *args, "--db", str(path))


def test_show_by_any_url_finds_the_article_with_urls_and_revisions(archive):
    _, ids = archive
    # The mobile, tracking-tagged form of the older URL it was once fetched under.
    variant = OLD_SLUG_URL.replace("://www.", "://m.") + "/?utm_source=wa&fbclid=1"
    result = show(archive, variant, "--format", "json")
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["id"] == ids["revised"] and article["revision"] == 2
    assert article["title"] == "Jadwal Car Free Day Kota Serang Berubah"
    assert {u["url"] for u in article["urls"]} == {REVISED_URL, OLD_SLUG_URL}
    assert [(r["revision"], r["title"]) for r in article["revisions"]] == [
        (1, "Jadwal Car Free Day Kota Serang")
    ]
    assert article["revisions"][0]["replaced_at"] == "2025-09-19T02:00:00Z"
    text = show(archive, str(ids["revised"])).stdout
    assert "Earlier revisions:\n  1  replaced 2025-09-19 09:00 WIB  Jadwal Car Free Day" in text
    assert OLD_SLUG_URL in text and "dipindah ke Jalan Veteran" in text


def test_show_lists_the_cluster_and_exact_copies(archive):
    _, ids = archive
    article = json.loads(show(archive, str(ids["release"]), "--format", "json").stdout)
    assert article["authors"] == ["Siti Rahma"] and article["tags"] == ["Banjir", "Lebak"]
    assert [(a["id"], a["portal"]) for a in article["cluster"]] == [
        (ids["rewrite"], "tangselpos"),
        (ids["copy"], "bantennews"),
    ]  # earliest first
    assert [a["id"] for a in article["copies"]] == [ids["copy"]]
    text = show(archive, str(ids["release"])).stdout
    assert f"Same cluster (cluster {ids['release']}):" in text
    assert "Bantuan Banjir Lebak Mulai Disalurkan" in text
    assert "press release  dalam siaran pers" in text
    copy = json.loads(show(archive, str(ids["copy"]), "--format", "json").stdout)
    assert copy["duplicate_of"] == ids["release"]


def test_show_prints_local_time_with_its_zone_and_marks_a_date_only_day(archive):
    _, ids = archive
    text = show(archive, str(ids["release"])).stdout
    assert "published      2025-09-20 10:00 WIB  (2025-09-20T03:00:00Z)\n" in text
    assert "seen           2025-09-21 07:00 WIB .. 2025-09-21 07:00 WIB\n" in text
    assert "2025-09-20 12:30 WIB   Bantuan Banjir Lebak Mulai Disalurkan" in text  # its cluster
    # The page gave "Kamis (18/9)": a day, no time.
    url = "https://www.tangselpos.id/detail/51337/vaksinasi-hpv-serentak-sasar-siswi-sd-di-pamulang"
    text = show(archive, url).stdout
    assert "published      2025-09-18 (date only)\n" in text
    assert "00:00" not in text and "T17:00:00Z" not in text
    record = json.loads(show(archive, url, "--format", "json").stdout)
    assert record["published_has_time"] is False and record["press_release"] is True


def test_show_unknown_article_is_a_clear_error(archive):
    for key, message in [("99999", "no article with id 99999"),
                         ("https://www.tangselpos.id/detail/1/nothing", "no article with URL")]:  # fmt: skip
        result = show(archive, key)
        assert result.returncode == 1 and message in result.stderr
        assert "Traceback" not in result.stderr
