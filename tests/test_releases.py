"""Release tracing: the word diff of a republication (pure), the releases of real
archives written by the real writer (``Archive.releases``), and ``arsip releases`` and
``arsip duplicates`` on the mirror crawled in the order that used to store the
original as the copy."""

from __future__ import annotations

import csv
import io
import json

import pytest

import archive as archive_package
from archive.releases import lag_text, local_time
from archive.wordiff import word_diff
from archive.writer import ArchiveWriter
from tests.conftest import run_cli
from tests.test_clusters_portals import sample_articles
from tests.test_originals import mirror_pair, mirror_record

# -- the word diff ------------------------------------------------------------------------

LEAD = "Dinas PUPR Banten mempercepat perbaikan jalan provinsi sebelum musim hujan tiba."
MIDDLE = (
    "Kepala Bidang Bina Marga, Iwan Gunawan, mengatakan belasan paket pekerjaan tengah "
    "berjalan di Pandeglang, Lebak, Serang dan Tangerang."
)
END = "Warga diminta melapor jalan rusak melalui kanal pengaduan resmi Pemprov Banten."
TITLE = "Dinas PUPR Banten Kebut Perbaikan Jalan"


def text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def test_a_copy_differing_in_case_and_punctuation_ran_verbatim():
    copy = text(LEAD.upper(), MIDDLE.replace(",", ""), END)
    edits = word_diff(TITLE, text(LEAD, MIDDLE, END), TITLE.lower(), copy)
    assert edits.verbatim and edits.ran == "verbatim"
    assert edits.changes == () and edits.hunks == () and edits.similarity == 1.0


def test_a_new_headline_alone_leaves_the_text_verbatim():
    edits = word_diff(TITLE, text(LEAD, END), "Jalan Provinsi Diperbaiki", text(LEAD, END))
    assert edits.verbatim and edits.new_headline and edits.changes == ("new headline",)


def test_a_cut_paragraph_and_an_added_sentence():
    copy = text(LEAD, END + " Laporan akan ditindaklanjuti petugas.")
    edits = word_diff(TITLE, text(LEAD, MIDDLE, END), TITLE, copy)
    assert not edits.verbatim and edits.ran == "edited"
    assert edits.changes == ("cut", "added")
    cut, added = edits.hunks
    assert (cut.kind, cut.before, cut.after, cut.in_lead) == ("cut", MIDDLE, "", False)
    assert (added.kind, added.after) == ("added", "Laporan akan ditindaklanjuti petugas.")
    assert (edits.words_cut, edits.words_added) == (len(MIDDLE.split()), 4)


def test_a_rewritten_lead():
    lead = "SERANG - Perbaikan jalan provinsi dikebut sebelum musim hujan tiba."
    edits = word_diff(TITLE, text(LEAD, MIDDLE, END), TITLE, text(lead, MIDDLE, END))
    assert edits.changes == ("rewritten lead",)
    assert all(h.in_lead for h in edits.hunks)
    assert [(h.kind, h.before, h.after) for h in edits.hunks] == [
        ("rewritten", "Dinas PUPR Banten mempercepat", "SERANG -"),
        ("added", "", "dikebut"),
    ]


def test_a_moved_paragraph_is_neither_cut_nor_added():
    edits = word_diff(TITLE, text(LEAD, MIDDLE, END), TITLE, text(LEAD, END, MIDDLE))
    assert edits.changes == ("moved",)
    # The shorter passage is the one seen to move: the end paragraph, up.
    assert [(h.kind, h.before) for h in edits.hunks] == [("moved", END)]
    assert (edits.words_cut, edits.words_added) == (0, 0)


def test_local_times_and_lags_read_as_people_write_them():
    assert local_time("2025-09-24T14:55:00+07:00") == "2025-09-24 14:55 WIB"
    assert local_time("2025-09-24T15:55:00+08:00") == "2025-09-24 15:55 WITA"
    assert local_time("2025-09-24T16:55:00+09:00") == "2025-09-24 16:55 WIT"
    assert local_time("2025-09-18T00:00:00+07:00", date_only=True) == "2025-09-18 (date only)"
    assert local_time(None) is None
    assert lag_text(5 * 3600 + 20 * 60) == "+5h20m"
    assert lag_text(26 * 3600 + 5 * 60) == "+1d 02h05m"
    assert lag_text(-600) == "-0h10m"
    assert lag_text(None, 0) == "same day" and lag_text(None, 2) == "+2 days"
    assert lag_text(None) == "?"


# -- releases of a real archive ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory):
    """Every sample portal's articles stored by the writer, the word-for-word copy
    (bantenhits 61195 of tangselpos 51398) first, as a crawl of bantenhits before
    tangselpos stores them."""
    path = tmp_path_factory.mktemp("releases") / "sample.db"
    copy, original = mirror_pair()
    with ArchiveWriter(path) as writer:
        writer.store(copy)
        writer.store(original)
        for portal, article in sample_articles():
            if (portal, article["id"]) not in {("bantenhits", 61195), ("tangselpos", 51398)}:
                writer.store(mirror_record(portal, article))
    return path


def test_one_release_per_cluster_with_its_original_and_republications(sample_archive):
    with archive_package.open(sample_archive, readonly=True) as arch:
        found = arch.releases(limit=None)
    assert [(r.original.portal, r.size) for r in found] == [
        ("bantenhits", 4),  # the siaga bencana release, 1 October
        ("tangselpos", 2),  # the PUPR story, 24 September
        ("tangselpos", 2),  # two write-ups of the HPV release
        ("kabar6", 6),  # the influencer release, 15 September
    ]
    pupr = found[1]
    assert (
        pupr.original.title
        == "Dinas PUPR Banten Kebut Perbaikan Jalan Provinsi Sebelum Musim Hujan"
    )
    assert pupr.original.local_time == "2025-09-24 14:55 WIB"
    assert pupr.reason == "earliest publication; named as source by bantenhits #1 (TangselPos.id)"
    (copy,) = pupr.republications
    assert (copy.article.portal, copy.article.local_time, copy.lag) == (
        "bantenhits", "2025-09-24 20:15 WIB", "+5h20m",
    )  # fmt: skip
    assert copy.lag_seconds == 5 * 3600 + 20 * 60
    assert copy.ran == "verbatim" and copy.note == "TangselPos.id"
    assert copy.article.duplicate_of == pupr.original.id
    influencer = found[3]
    assert [r.article.portal for r in influencer.republications] == [
        "bantennews", "tribunbanten", "kabarbanten", "tangselpos", "biem",
    ]  # fmt: skip
    assert all(r.ran == "edited" and "new headline" in r.edits.changes
               for r in influencer.republications)  # fmt: skip
    assert all(r.lag_seconds > 0 for r in influencer.republications)


def test_filters_pick_releases_and_show_them_whole(sample_archive):
    with archive_package.open(sample_archive, readonly=True) as arch:

        def originals(**filters) -> list[tuple[str, int]]:
            return [(r.original.portal, r.size) for r in arch.releases(limit=None, **filters)]

        assert originals(portals=["biem"]) == [("kabar6", 6)]
        assert originals(since="2025-09-24", until="2025-09-24") == [("tangselpos", 2)]
        assert originals(query="jalan provinsi") == [("tangselpos", 2)]
        assert originals(min_portals=3) == [("bantenhits", 4), ("kabar6", 6)]
        assert originals(portals=["bantenhits"], since="2025-09-25") == [("bantenhits", 4)]
        assert originals(query="influencer", portals=["bantenhits"]) == []
        assert len(arch.releases(limit=1)) == 1


# -- the commands -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(mirror, tmp_path_factory):
    """bantenhits crawled before tangselpos: the copy is stored before its original."""
    path = tmp_path_factory.mktemp("crawled") / "news.db"
    for portal in ("bantenhits", "tangselpos"):
        result = run_cli("crawl", portal, "--mirror", mirror.url, "--db", str(path))
        assert result.returncode == 0, result.stderr
    return path


def test_duplicates_shows_the_later_portal_as_the_copy(crawled):
    listed = run_cli("duplicates", "--format", "json", "--db", str(crawled))
    assert listed.returncode == 0, listed.stderr
    (cluster,) = [
        c for c in json.loads(listed.stdout) if c["portals"] == ["bantenhits", "tangselpos"]
    ]
    original, copy = cluster["articles"]
    assert (original["portal"], original["duplicate_of"]) == ("tangselpos", None)
    assert (copy["portal"], copy["duplicate_of"]) == ("bantenhits", original["id"])
    assert cluster["cluster_id"] == original["id"]
    table = run_cli("duplicates", "--db", str(crawled)).stdout
    (line,) = [x for x in table.splitlines() if "bantenhits.com/2025/09/24" in x]
    assert line.endswith(f"(copy of {original['id']})")
    (line,) = [x for x in table.splitlines() if "tangselpos.id/detail/51398" in x]
    assert "copy of" not in line


def test_releases_command_in_every_format(crawled):
    table = run_cli("releases", "--db", str(crawled))
    assert table.returncode == 0, table.stderr
    pupr = table.stdout.split("\n\n")[0]
    assert (
        pupr.splitlines()[0]
        == "Dinas PUPR Banten Kebut Perbaikan Jalan Provinsi Sebelum Musim Hujan"
    )
    assert "named as source by bantenhits" in pupr and "(TangselPos.id)" in pupr
    rows = [line.split() for line in pupr.splitlines()[4:]]
    assert rows[0][:5] == ["2025-09-24", "14:55", "WIB", "original", "tangselpos"]
    assert rows[1][:5] == ["2025-09-24", "20:15", "WIB", "+5h20m", "bantenhits"]
    assert rows[1][6:] == ["verbatim;", "says:", "from", "TangselPos.id"]

    as_json = json.loads(run_cli("releases", "--format", "json", "--db", str(crawled)).stdout)
    first = as_json[0]
    assert first["original"]["portal"] == "tangselpos" and first["size"] == 2
    (copy,) = first["republications"]
    assert copy["ran"] == "verbatim" and copy["lag"] == "+5h20m" and copy["edits"]["hunks"] == []

    as_csv = run_cli("releases", "--format", "csv", "--db", str(crawled)).stdout
    found = list(csv.DictReader(io.StringIO(as_csv)))
    pupr_rows = [r for r in found if r["release"] == str(first["cluster_id"])]
    assert [(r["role"], r["portal"], r["ran"], r["lag"]) for r in pupr_rows] == [
        ("original", "tangselpos", "", ""),
        ("republication", "bantenhits", "verbatim", "+5h20m"),
    ]
    edited = [r for r in found if r["ran"] == "edited"]
    assert edited and all("new headline" in r["changes"] for r in edited)


def test_releases_command_filters_and_refuses_what_it_cannot_read(crawled):
    only = run_cli("releases", "jalan", "--until", "2025-09-24", "--format", "json",
                   "--db", str(crawled))  # fmt: skip
    assert [r["original"]["portal"] for r in json.loads(only.stdout)] == ["tangselpos"]
    none = run_cli("releases", "--portal", "tangselpos", "--since", "2025-10-01",
                   "--db", str(crawled))  # fmt: skip
    assert none.returncode == 0 and none.stdout == "" and "no releases" in none.stderr
    bad = run_cli("releases", "--since", "kemarin", "--db", str(crawled))
    assert bad.returncode == 2 and "is not a date" in bad.stderr
    unknown = run_cli("releases", "--portal", "kompas", "--db", str(crawled))
    assert unknown.returncode == 2 and "unknown portal 'kompas'" in unknown.stderr
