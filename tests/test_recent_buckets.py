"""New texts' LSH buckets wait in ``minhash_bands_recent`` and move into
``minhash_bands`` in one pass once they are many (``archive.cluster_placement``)."""

from __future__ import annotations

import random

import pytest

from archive import cluster_placement
from archive.dedup import BANDS
from archive.writer import ArchiveWriter, Outcome
from tests.conftest import ALL_BANDS
from tests.test_store import paragraphs, record


def counts(writer: ArchiveWriter) -> tuple[int, int]:
    """(rows in minhash_bands, rows in minhash_bands_recent)"""
    return tuple(
        writer.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("minhash_bands", "minhash_bands_recent")
    )


def texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["\n\n".join(paragraphs(rng, 5)) for _ in range(n)]


def test_new_buckets_wait_then_move_in_one_pass_and_keys_are_checked_again(db_path):
    with ArchiveWriter(db_path) as writer:
        for n, body in enumerate(texts(1, 3)):
            writer.store(record(f"https://a.example.id/{n}", body))
        assert counts(writer) == (0, 3 * BANDS)
        assert writer.settle_buckets() == 0  # not yet many
        assert writer.settle_buckets(due_only=False) == 3 * BANDS
        assert counts(writer) == (3 * BANDS, 0)
        assert writer.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert writer.settle_buckets(due_only=False) == 0


def test_a_batch_past_the_limit_moves_them_after_its_commit(db_path, monkeypatch):
    monkeypatch.setattr(cluster_placement, "RECENT_BUCKET_ROWS", 2 * BANDS)
    with ArchiveWriter(db_path) as writer:
        batch = [record(f"https://a.example.id/{n}", b) for n, b in enumerate(texts(2, 2))]
        list(writer.store_many(batch))
        assert counts(writer) == (0, 2 * BANDS)  # at the limit, not past it
        more = [record(f"https://b.example.id/{n}", b) for n, b in enumerate(texts(3, 1))]
        with writer.transaction():  # a caller's transaction: nothing moves inside it
            list(writer.store_many(more))
            assert writer.settle_buckets(due_only=False) == 0
            assert counts(writer) == (0, 3 * BANDS)
        assert counts(writer) == (3 * BANDS, 0)


def test_copies_are_found_whichever_table_holds_the_buckets(db_path):
    """A near copy of a settled text and one of a recent text both join their cluster,
    and a copy that arrives first hands its buckets to the original, from either
    table."""
    first, second, third = texts(4, 3)
    with ArchiveWriter(db_path) as writer:
        _, settled = writer.store(record("https://a.example.id/1", first))
        writer.settle_buckets(due_only=False)
        _, recent = writer.store(record("https://a.example.id/2", second))
        _, near_settled = writer.store(record("https://b.example.id/1", first + " Tambahan."))
        _, near_recent = writer.store(record("https://b.example.id/2", second + " Tambahan."))
        clusters = dict(writer.db.execute("SELECT id, cluster_id FROM articles").fetchall())
        assert clusters[near_settled] == clusters[settled] == settled
        assert clusters[near_recent] == clusters[recent] == recent

        # The copy stored first holds the buckets, in minhash_bands once settled...
        _, copy = writer.store(
            record("https://c.example.id/3", third, published_at="2025-03-02T05:00:00Z")
        )
        writer.settle_buckets(due_only=False)
        _, original = writer.store(
            record("https://d.example.id/3", third, published_at="2025-03-01T05:00:00Z")
        )
        assert writer.db.execute(
            "SELECT duplicate_of FROM articles WHERE id = ?", [copy]
        ).fetchone() == (original,)
        owners = {
            table: {r[0] for r in writer.db.execute(f"SELECT DISTINCT article_id FROM {table}")}
            for table in ("minhash_bands", "minhash_bands_recent")
        }
        # ...and the original, published earlier, takes them over.
        assert copy not in owners["minhash_bands"] | owners["minhash_bands_recent"]
        assert original in owners["minhash_bands_recent"]
        held = writer.db.execute(
            "SELECT count(*) FROM minhash_bands_recent WHERE article_id = ?", [original]
        ).fetchone()[0]
        assert held == BANDS
        pending = counts(writer)[1]
        assert writer.settle_buckets(due_only=False) == pending > 0
        assert counts(writer)[1] == 0


@pytest.mark.parametrize("settle", [False, True])
def test_a_changed_text_leaves_its_old_buckets_in_both_tables(db_path, settle):
    old, new = texts(5, 2)
    with ArchiveWriter(db_path) as writer:
        _, article = writer.store(record("https://a.example.id/1", old))
        if settle:
            writer.settle_buckets(due_only=False)
        assert writer.store(record("https://a.example.id/1", new))[0] == Outcome.UPDATED
        held = writer.db.execute(
            f"SELECT count(*) FROM {ALL_BANDS} b WHERE b.article_id = ?", [article]
        ).fetchone()[0]
        assert held == BANDS  # the new text's, none of the old


def test_a_move_that_fails_keeps_the_rows_and_is_tried_again_later(db_path, caplog):
    with ArchiveWriter(db_path) as writer:
        for n, body in enumerate(texts(6, 40)):
            writer.store(record(f"https://a.example.id/{n}", body))
        before = counts(writer)
        (pages,) = writer.db.execute("PRAGMA page_count").fetchone()
        writer.db.execute(f"PRAGMA max_page_count = {pages}")  # a full disk
        assert writer.settle_buckets(due_only=False) == 0
        assert "stay in minhash_bands_recent" in caplog.text and "full" in caplog.text
        assert counts(writer) == before == (0, 40 * BANDS)
        assert writer.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        writer.db.execute(f"PRAGMA max_page_count = {pages * 10}")
        assert writer.settle_buckets() == 0  # after as many rows more
        assert writer.settle_buckets(due_only=False) == 40 * BANDS
