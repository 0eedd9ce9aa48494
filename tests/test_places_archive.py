"""Place tags in a real archive, through the real ``arsip``: the tags a crawl and an
import store, ``--place`` in search, export and stats, per-place counts, ``arsip
places``, and tagging again when an archive's tags were made with another gazetteer
(or by an arsip without places)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archive.migrations import MIGRATIONS, m012_places
from archive.places.gazetteer import gazetteer_version
from tests.archives import build_analyst_archive
from tests.conftest import rows, run_cli


@pytest.fixture(scope="module")
def archive(tangselpos_first_crawl, tmp_path_factory):
    path = tmp_path_factory.mktemp("places") / "news.db"
    return path, build_analyst_archive(path, tangselpos_first_crawl)


def arsip(*args: str, code: int = 0):
    result = run_cli(*args)
    assert result.returncode == code, result.stdout + result.stderr
    return result


def tags_of(path: Path, article_id: int) -> dict[str, tuple[int, str]]:
    return {
        r["code"]: (r["score"], r["role"])
        for r in rows(path, "SELECT * FROM article_places WHERE article_id = ?", article_id)
    }


def test_crawled_and_stored_articles_are_tagged(archive):
    path, ids = archive
    pamulang = rows(path, "SELECT id FROM articles WHERE title LIKE 'Hujan Deras Semalaman%'")
    assert tags_of(path, pamulang[0]["id"]) == {
        "36.74.06": (10, "dateline"),  # PAMULANG, the title and the lead
        "36.74": (3, "lead"),
    }
    # Stored through the writer without normalisation: tagged from its text.
    assert tags_of(path, ids["release"])["36.02"] == (5, "title")  # Banjir Lebak, Kabupaten Lebak
    assert rows(path, "SELECT version FROM gazetteer") == [{"version": gazetteer_version()}]
    assert rows(path, "SELECT name FROM places WHERE code = '36.74'") == [
        {"name": "Kota Tangerang Selatan"}
    ]
    shown = json.loads(arsip("show", str(ids["release"]), "--format", "json",
                             "--db", str(path)).stdout)  # fmt: skip
    assert {"code": "36.02", "place": "Kabupaten Lebak", "score": 5, "role": "title"} in shown[
        "places"
    ]
    text = arsip("show", str(pamulang[0]["id"]), "--db", str(path)).stdout
    assert "places         Kecamatan Pamulang (36.74.06, dateline 10), " in text


def test_place_filters_search_export_and_stats(archive):
    path, ids = archive
    db = str(path)
    found = json.loads(arsip("search", "banjir", "--place", "lebak", "--format", "json",
                             "--db", db).stdout)  # fmt: skip
    assert {r["id"] for r in found} == {ids["release"], ids["rewrite"], ids["copy"]}
    # A kecamatan's articles are its city's: --place Tangsel finds Pamulang's flood.
    tangsel = json.loads(arsip("search", "banjir", "--place", "Tangsel", "--format", "json",
                               "--db", db).stdout)  # fmt: skip
    titles = [r["title"] for r in tangsel]
    assert any(t.startswith("Hujan Deras Semalaman") for t in titles)
    assert not any("Lebak" in t for t in titles)
    about = {r["article_id"] for r in rows(
        path, "SELECT DISTINCT article_id FROM article_places"
        " WHERE score >= 2 AND (code = '36.74' OR code LIKE '36.74.%')",
    )}  # fmt: skip
    exported = list(csv.DictReader(io.StringIO(arsip("export", "--place", "36.74",
                                                     "--db", db).stdout)))  # fmt: skip
    assert {int(r["id"]) for r in exported} == about and len(about) >= 10
    by_names = arsip("export", "--place", "kota tangerang selatan", "--db", db).stdout
    assert len(list(csv.DictReader(io.StringIO(by_names)))) == len(about)

    facts = json.loads(arsip("stats", "--format", "json", "--db", db).stdout)
    per_place = {r["code"]: r for r in facts["per_place"]}
    assert per_place["36.74"] == {"code": "36.74", "place": "Kota Tangerang Selatan",
                                  "articles": len(about)}  # fmt: skip
    kecamatan = [r["articles"] for code, r in per_place.items() if code.startswith("36.74.")]
    assert kecamatan and max(kecamatan) <= len(about)
    assert per_place["36"]["articles"] >= per_place["36.74"]["articles"]
    only = json.loads(arsip("stats", "--place", "Lebak", "--format", "json", "--db", db).stdout)
    assert only["articles"] == 3 and only["per_portal"][0]["portal"] == "bantennews"
    table = arsip("stats", "--place", "Lebak", "--db", db).stdout
    assert "36.02   Kabupaten Lebak           3" in table


@pytest.mark.parametrize(
    "value, message",
    [
        ("Serang", "'Serang' is ambiguous: Kabupaten Serang (36.04), Kota Serang (36.73)"),
        ("Bogor", "no Banten place is called 'Bogor'"),
    ],
)
def test_unknown_or_ambiguous_place_is_a_usage_error(archive, value, message):
    path, _ = archive
    for command in (("search", "banjir"), ("export",), ("stats",)):
        result = arsip(*command, "--place", value, "--db", str(path), code=2)
        assert message in result.stderr


def test_places_lists_the_gazetteer_and_counts(archive):
    path, _ = archive
    listing = arsip("places").stdout
    assert "36.74     Kota Tangerang Selatan" in listing and "Tangsel" in listing
    assert f"164 places, gazetteer {gazetteer_version()}: Kepmendagri" in listing
    counted = json.loads(arsip("places", "--db", str(path), "--format", "json").stdout)
    assert len(counted) == 164
    tangsel = next(r for r in counted if r["code"] == "36.74")
    assert tangsel["aliases"] == ["Tangsel", "Tangerang Raya"] and tangsel["articles"] >= 10
    assert arsip("places", "--retag", code=2).stderr.endswith(
        "--retag needs --db FILE (or $ARSIP_DB)\n"
    )


def test_import_tags_and_a_new_gazetteer_retags_on_the_next_write(archive, tmp_path):
    path, _ = archive
    copy = tmp_path / "copy.db"
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    total = rows(copy, "SELECT count(*) AS n FROM article_places")[0]["n"]
    # As an archive tagged by an arsip with another gazetteer would be.
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE gazetteer SET version = 'banten-000000000000-r0'")
        conn.execute("DELETE FROM article_places WHERE code LIKE '36.74%'")
    stale = arsip("search", "banjir", "--place", "Tangsel", "--db", str(copy))
    assert "place tags were made with gazetteer banten-000000000000-r0" in stale.stderr
    assert "no matches" in stale.stderr  # the old tags answer until it is tagged again

    line = {
        "url": "https://www.bantennews.co.id/banjir-rangkasbitung",
        "title": "Banjir Rendam Puluhan Rumah di Rangkasbitung",
        "dateline": "LEBAK",
        "body": "Banjir merendam puluhan rumah warga di Kecamatan Rangkasbitung, "
        "Kabupaten Lebak, Selasa (16/9/2025).",
        "published_at": "2025-09-16T10:00:00+07:00",
    }
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text(json.dumps(line) + "\n", encoding="utf-8")
    arsip("import", str(jsonl), "--db", str(copy))
    assert rows(copy, "SELECT version FROM gazetteer") == [{"version": gazetteer_version()}]
    assert rows(copy, "SELECT count(*) AS n FROM article_places")[0]["n"] > total
    (new,) = rows(copy, "SELECT id FROM articles WHERE url = ?", line["url"])
    assert tags_of(copy, new["id"]) == {
        "36.02": (5, "dateline"),  # LEBAK, Kabupaten Lebak in the lead
        "36.02.14": (5, "title"),
    }
    again = arsip("search", "banjir", "--place", "Tangsel", "--db", str(copy))
    assert "note:" not in again.stderr and "Hujan Deras Semalaman" in again.stdout


def test_an_archive_of_an_arsip_without_places_is_tagged_when_upgraded(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    before = MIGRATIONS.index(m012_places)
    for number, step in enumerate(MIGRATIONS[:before], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number:d}")
    db["articles"].insert(
        {
            "url": "https://www.tangselpos.id/detail/1/banjir-pamulang",
            "portal": "tangselpos",
            "title": "Banjir Rendam Perumahan di Pamulang",
            "dateline": "PAMULANG",
            "body": "Puluhan rumah di Kecamatan Pamulang, Tangerang Selatan, terendam.",
            "revision": 1,
            "first_seen_at": "2025-09-01T00:00:00Z",
            "last_seen_at": "2025-09-01T00:00:00Z",
        }
    )
    db.close()
    refused = arsip("search", "banjir", "--place", "Tangsel", "--db", str(path), code=1)
    assert "has no place tags yet (an older arsip wrote it)" in refused.stderr
    assert "arsip places --retag" in refused.stderr
    # Opening it for writing upgrades it, which tags it; --retag says so.
    done = arsip("places", "--retag", "--db", str(path)).stdout
    assert done == (
        f"places: 1 article tagged again with gazetteer {gazetteer_version()}:"
        " 1 names a Banten place, 2 tags\n"
    )
    found = json.loads(arsip("search", "banjir", "--place", "Tangsel", "--format", "json",
                             "--db", str(path)).stdout)  # fmt: skip
    assert [r["title"] for r in found] == ["Banjir Rendam Perumahan di Pamulang"]
