"""Which copy is the original: the rule (``archive.originals``) and the writer keeping
``duplicate_of`` and ``cluster_id`` by it on real SQLite files, whatever order the
articles arrive in, and the migration that turns older archives the right way round."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

import archive as archive_package
from archive.migrations import MIGRATIONS, m011_originals_by_publication
from archive.originals import Candidate, decide, text_notes
from archive.times import to_utc_iso
from archive.writer import ArchiveWriter, Outcome
from crawler.extract.clean import clean_lines
from tests.conftest import ALL_BANDS
from tests.test_clusters_portals import record as sample_record
from tests.test_clusters_portals import sample_articles

# -- the rule ---------------------------------------------------------------------------


def candidate(id: int, portal: str, published_at: str | None, **extra) -> Candidate:
    return Candidate(id=id, portal=portal, url=f"https://www.{portal}.id/{id}",
                     published_at=published_at, **extra)  # fmt: skip


def test_the_earliest_publication_is_the_original():
    first = candidate(2, "kabar6", "2025-09-15T09:40:00Z")
    later = candidate(1, "bantennews", "2025-09-15T12:05:00Z")
    undated = candidate(3, "biem", None)
    decision = decide([later, undated, first])
    assert decision.original == first and decision.reason == "earliest publication"


def test_a_note_naming_another_members_portal_outweighs_the_clock():
    """bantenhits stamped its copy first, but its note says it ran TangselPos.id's
    story: tangselpos is the original."""
    copy = candidate(1, "bantenhits", "2025-09-24T06:00:00Z", republished_from="TangselPos.id")
    original = candidate(2, "tangselpos", "2025-09-24T07:55:00Z")
    decision = decide([copy, original])
    assert decision.original == original
    assert (
        decision.reason == "earliest publication; named as source by bantenhits #1 (TangselPos.id)"
    )
    assert decision.cited_by == ((1, 2, "TangselPos.id"),)


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ("Paragraf satu.\n\nDikutip dari TangselPos.id, pekerjaan dimulai.", "TangselPos.id"),
        ("Paragraf satu.\n\nSumber: tangselpos.id", "tangselpos.id"),
        ("Seperti dilansir dari www.tangselpos.id pada Rabu.", "www.tangselpos.id pada Rabu"),
    ],
)
def test_notes_in_the_text_name_the_source(body, source):
    assert text_notes(body) == (source,)
    copy = candidate(1, "bantenhits", "2025-09-24T06:00:00Z", notes=text_notes(body))
    original = candidate(2, "tangselpos", "2025-09-24T07:55:00Z")
    assert copy.cites(original) == source
    assert decide([copy, original]).original == original


def test_a_press_release_source_or_a_subdomain_names_no_member():
    """``dikutip dari siaran pers Pemprov Banten`` names the issuer, not a portal; the
    ``banten`` of banten.tribunnews.com is a region, not the portal's name."""
    biem = candidate(1, "biem", "2025-09-16T03:45:00Z",
                     notes=text_notes("kata Andra, dikutip dari siaran pers Pemprov Banten."))  # fmt: skip
    tribun = Candidate(2, "tribunbanten", "https://banten.tribunnews.com/2025/09/15/x",
                       "2025-09-15T14:30:00Z")  # fmt: skip
    assert biem.cites(tribun) is None
    assert decide([biem, tribun]).original == tribun


def test_a_close_call_goes_to_the_press_release():
    """Ten minutes apart: the portal that received the release (flagged) is the original,
    not the one that stamped its copy first."""
    copy = candidate(1, "kabar6", "2025-09-15T09:40:00Z")
    release = candidate(2, "bantennews", "2025-09-15T09:50:00Z", press_release=True)
    decision = decide([copy, release])
    assert decision.original == release
    assert decision.reason == "close call with kabar6 #1: press release"
    # An hour apart is no close call.
    later = candidate(3, "bantennews", "2025-09-15T10:40:00Z", press_release=True)
    assert decide([copy, later]).original == copy


def test_a_date_only_publication_is_a_close_call_with_its_day():
    dated = candidate(1, "tangselpos", "2025-09-17T17:00:00Z", date_only=True,
                      published_local="2025-09-18T00:00:00+07:00")  # fmt: skip
    timed = candidate(2, "biem", "2025-09-18T03:00:00Z", press_release=True,
                      published_local="2025-09-18T10:00:00+07:00")  # fmt: skip
    assert decide([dated, timed]).original == timed
    next_day = candidate(3, "biem", "2025-09-19T03:00:00Z", press_release=True,
                         published_local="2025-09-19T10:00:00+07:00")  # fmt: skip
    assert decide([dated, next_day]).original == dated


# -- the writer -------------------------------------------------------------------------


def mirror_record(portal: str, article: dict) -> dict:
    """A sample article's record as the crawler stores it: ``tests.test_clusters_portals``'
    record, with the publication time in UTC and in the portal's local time."""
    local = datetime.fromisoformat(article["published"])
    return {
        **sample_record(portal, article),
        "published_at": to_utc_iso(local),
        "published_local": local.isoformat(),
        "published_has_time": True,
    }


def mirror_pair() -> tuple[dict, dict]:
    """The mirror's word-for-word copy, as the crawler stores it: bantenhits 61195
    (20:15 WIB, ending in ``Artikel ini telah tayang di TangselPos.id ...``) and
    tangselpos 51398 (14:55 WIB), their records by ``tests.test_clusters_portals``,
    the note read by the real cleaner."""
    found = {(portal, a["id"]): (portal, a) for portal, a in sample_articles()}
    copy_portal, copy = found[("bantenhits", 61195)]
    original_portal, original = found[("tangselpos", 51398)]
    (note,) = [i["text"] for i in copy["inserts"] if "telah tayang" in i["text"]]
    cleaned = clean_lines([*copy["paragraphs"], note])
    assert cleaned.republished_from == "TangselPos.id"
    copy_record = {**mirror_record(copy_portal, copy), "republished_from": "TangselPos.id"}
    return copy_record, mirror_record(original_portal, original)


def state(writer: ArchiveWriter) -> dict[str, tuple]:
    """portal -> (duplicate_of as a portal, cluster head as a portal, LSH buckets held)."""
    found = writer.db.execute(
        "SELECT a.portal, d.portal, c.portal,"
        f" (SELECT count(*) FROM {ALL_BANDS} b WHERE b.article_id = a.id)"
        " FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of"
        " LEFT JOIN articles c ON c.id = a.cluster_id"
    ).fetchall()
    return {portal: tuple(rest) for portal, *rest in found}


RIGHT_WAY_ROUND = {
    "tangselpos": (None, "tangselpos", 16),
    "bantenhits": ("tangselpos", "tangselpos", 0),
}


def test_the_earlier_publication_crawled_later_becomes_the_original(db_path):
    """bantenhits is crawled first (it is stored first), tangselpos later: tangselpos,
    published five hours earlier and named by bantenhits' note, is the original."""
    copy, original = mirror_pair()
    with ArchiveWriter(db_path) as writer:
        assert writer.store(copy)[0] == Outcome.NEW
        assert writer.store(original)[0] == Outcome.DUPLICATE
        assert state(writer) == RIGHT_WAY_ROUND
    with ArchiveWriter(tmp := db_path.with_name("other.db")) as writer:  # the other order
        writer.store(original)
        writer.store(copy)
        assert state(writer) == RIGHT_WAY_ROUND
    tmp.unlink()


def test_a_corrected_publication_time_decides_again(db_path):
    copy, original = mirror_pair()
    copy = {**copy, "republished_from": None}  # the clocks alone decide here
    with ArchiveWriter(db_path) as writer:
        writer.store(copy)
        # tangselpos first read with a wrong, later time: bantenhits looks first.
        late = {**original, "published_at": "2025-09-25T07:55:00Z",
                "published_local": "2025-09-25T14:55:00+07:00"}  # fmt: skip
        writer.store(late)
        assert state(writer)["tangselpos"] == ("bantenhits", "bantenhits", 0)
        assert writer.store(original)[0] == Outcome.UPDATED  # a better reading of its time
        assert state(writer) == RIGHT_WAY_ROUND


def test_copies_of_a_changed_text_keep_its_earliest_as_their_original(db_path):
    """The original's text changes: its copies of the old text now point at the
    earliest of them, not at the first stored."""
    copy, original = mirror_pair()
    third = {**copy, "url": "https://www.biem.example.id/9/x", "portal": "biem",
             "republished_from": None, "published_at": "2025-09-24T09:00:00Z"}  # fmt: skip
    with ArchiveWriter(db_path) as writer:
        writer.store(original)
        writer.store(copy)
        writer.store(third)
        writer.store({**original, "body": "Teks yang lain sama sekali, diganti redaksi."})
        found = state(writer)
    assert found["bantenhits"][0] == "biem" and found["biem"][:2] == (None, "biem")
    assert found["biem"][2] == 16 and found["bantenhits"][2] == 0


def test_the_migration_turns_an_older_archive_the_right_way_round(db_path):
    """An archive as arsip stored it before the rule (the copy stored first was the
    original) is turned round when it is opened for writing; reading leaves it."""
    copy, original = mirror_pair()
    with ArchiveWriter(db_path) as writer:
        copy_id = writer.store(copy)[1]
        original_id = writer.store(original)[1]
        writer.settle_buckets(due_only=False)  # the older arsip kept every bucket there
    version = MIGRATIONS.index(m011_originals_by_publication)
    with sqlite3.connect(db_path) as conn:  # what the older arsip had stored
        conn.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", [copy_id])
        conn.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [copy_id, original_id])
        conn.execute("UPDATE minhash_bands SET article_id = ?", [copy_id])
        conn.execute("UPDATE articles SET cluster_id = ?", [copy_id])
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    with archive_package.open(db_path, readonly=True) as arch:
        assert arch.show(original_id)["duplicate_of"] == copy_id
    archive_package.open(db_path).close()
    with ArchiveWriter(db_path) as writer:
        assert writer.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert state(writer) == RIGHT_WAY_ROUND
