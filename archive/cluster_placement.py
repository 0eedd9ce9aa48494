"""Placing articles in near-duplicate clusters as the writer stores them.

A new or changed text is compared with the articles sharing one of its LSH buckets
(``archive.dedup``) and joins their cluster; ``articles.cluster_id`` is the id of the
cluster's original (``archive.originals``: the earliest publication, unless
republication evidence says otherwise). Exact copies of one text point at its original
(``duplicate_of``), decided by the same rule and decided again whenever an article of
the text arrives or its publication time or notes change (``_settle_copies``). A text
that changes is taken out of its cluster, whose remaining members are split again
along the links that still hold. The analysts' questions about clusters are in
``archive.clusters`` and ``archive.releases``.
"""

from __future__ import annotations

import logging
import sqlite3

import numpy as np
import sqlite_utils

from archive.dedup import (
    TextSignature,
    is_near_duplicate,
    lsh_buckets,
    minhash,
    normalised_text,
    text_shingle_ids,
    text_signature,
)
from archive.originals import EVIDENCE_COLUMNS, Candidate, decide, text_notes

logger = logging.getLogger(__name__)

SHINGLE_CACHE_BYTES = 64 * 2**20
"""The shingle sets of recent texts a writer keeps in memory, by default: some 26,000
news articles (2.5 KB each). Near-duplicate candidates are mostly recent (a copy hours
after its original, a release's versions within days); past this the cache starts
again. An import of 20,000 articles (``bench/archive.py``) took 5-10% longer with
8 MiB. A crawl keeps less (``CRAWL_SHINGLE_CACHE_BYTES``)."""
CRAWL_SHINGLE_CACHE_BYTES = 8 * 2**20
"""What a crawl's writer keeps (some 3,300 texts): a portal's crawl rarely meets a near
duplicate of its own recent articles, and 20,000 texts (about 50 MB) were most of the
growth of a crawl's peak memory from 5,000 articles to 20,000."""


RECENT_BUCKET_ROWS = 400_000
"""How many LSH bucket rows the texts stored since the last move may hold in
``minhash_bands_recent`` (some 25,000 articles, 16 MiB with its index) before they
are moved into ``minhash_bands`` (``settle_buckets``).

Bucket keys are random: once ``minhash_bands`` outgrows a batch's rows, each of
an article's 16 rows dirties a page of its own, written at the batch's commit
(a million-article archive: some 72,000 leaf pages, 14,500 rows a batch of 1,000
articles, so about 13 of the 27-31 pages an article wrote). New rows go to the
small table instead, whose pages stay few, and are moved in key order, which
writes each page of the large table once for all of them (storing 70,000 articles
into the million-article archive: 1.97 -> 1.80 ms an article, the moves
included)."""

RECENT_BANDS = "minhash_bands_recent"
BUCKET_TABLES = ("minhash_bands", RECENT_BANDS)
"""Where an article's bucket rows are: each row in one of the two."""


class ClusterPlacement:
    """The cluster placement of ``archive.writer.ArchiveWriter``: it needs ``db`` and
    keeps a cache of recently seen texts."""

    db: sqlite_utils.Database

    def __init__(self, shingle_cache_bytes: int | None = None) -> None:
        # Shingle sets of recently stored texts by content hash: near-duplicate
        # candidates are mostly recent, and re-reading and re-shingling their bodies is
        # the cost. Keyed by text, not id, so that a rolled-back article leaves nothing
        # wrong behind.
        self._shingles: dict[str, np.ndarray] = {}
        self._shingle_bytes = 0
        self._shingle_cache_bytes = shingle_cache_bytes or SHINGLE_CACHE_BYTES
        # The LSH buckets of the texts of re-split clusters (see ``_resplit``).
        self._buckets: dict[str, list[tuple[int, int]]] = {}
        # The republication notes of texts (``archive.originals.text_notes``) by content
        # hash: deciding a cluster's original again need not re-read its texts.
        self._notes: dict[str, tuple[str, ...]] = {}
        # Rows added to ``minhash_bands_recent`` since it was last counted or emptied:
        # when to move them (None: not counted yet).
        self._recent_rows: int | None = None

    def _place(
        self, article_id: int, original: int | None, signature: TextSignature, press_release: int
    ) -> None:
        """Put a new or changed text into its cluster. An exact copy joins its original's
        cluster and stores no buckets of its own (the original's stand for the text), and
        the text's original is decided again (``_settle_copies``);
        any other text is compared with the articles sharing one of its LSH buckets,
        never with all articles."""
        if original is not None:
            # The new article may be the text's original (published earlier, or named as
            # the source by the copy stored first).
            self._settle_copies(signature.content_hash)
            self._join([article_id, original])
            return
        if not signature.buckets:
            return
        matches = self._near_duplicates(article_id, signature, press_release)
        self._add_buckets(article_id, signature.buckets, new=True)
        self._remember(signature.content_hash, signature.shingles)
        if matches:
            self._join([article_id, *matches])

    def _near_duplicates(
        self, article_id: int, signature: TextSignature, press_release: int
    ) -> list[int]:
        """Candidates from shared buckets, kept when they are near duplicates by
        ``is_near_duplicate`` (the containment rule when both are press releases)."""
        marks = ", ".join("(?, ?)" for _ in signature.buckets)
        sharing = " UNION ALL ".join(
            f"SELECT mb.article_id FROM {table} mb JOIN keys"
            " ON mb.band = keys.column1 AND mb.bucket = keys.column2"
            for table in BUCKET_TABLES
        )
        found = self.db.execute(
            f"WITH keys AS (VALUES {marks}) SELECT id, content_hash, press_release"
            f" FROM articles WHERE id IN ({sharing}) AND id != ?",
            [*(x for pair in signature.buckets for x in pair), article_id],
        ).fetchall()
        matches = []
        for candidate, digest, candidate_release in found:
            other = self._stored_shingles(candidate, digest)
            both = bool(press_release and candidate_release)
            if is_near_duplicate(signature.shingles, other, press_releases=both):
                matches.append(candidate)
        return matches

    def _remember(
        self,
        digest: str | None,
        shingles: np.ndarray,
        buckets: list[tuple[int, int]] | None = None,
    ) -> None:
        """Keep a text's shingle set (and LSH buckets) in the cache of recent texts."""
        if digest is None:
            return
        if self._shingle_bytes + shingles.nbytes > self._shingle_cache_bytes:
            self._shingles.clear()
            self._buckets.clear()
            self._notes.clear()
            self._shingle_bytes = 0
        self._shingle_bytes += shingles.nbytes
        self._shingles[digest] = shingles
        if buckets is not None:
            self._buckets[digest] = buckets

    def _stored_shingles(self, article_id: int, digest: str | None) -> np.ndarray:
        """The shingle set of a stored article's text: from the cache of recent texts,
        else its body read and shingled again."""
        cached = self._shingles.get(digest) if digest else None
        if cached is not None:
            return cached
        (body,) = self.db.execute("SELECT body FROM articles WHERE id = ?", [article_id]).fetchone()
        return text_shingle_ids(normalised_text(body or ""))

    def _join(self, ids: list[int]) -> None:
        """Merge these articles and every cluster they belong to into one cluster whose
        id is its original (``archive.originals``)."""
        marks = ", ".join("?" for _ in ids)
        members = self.db.execute(
            f"SELECT id FROM articles WHERE id IN ({marks}) OR cluster_id IN"
            f" (SELECT cluster_id FROM articles WHERE id IN ({marks}) AND cluster_id IS NOT NULL)",
            [*ids, *ids],
        ).fetchall()
        self._set_cluster([m[0] for m in members])

    def _set_cluster(self, members: list[int]) -> None:
        if len(members) < 2:
            self.db.conn.executemany(
                "UPDATE articles SET cluster_id = NULL WHERE id = ?", [(m,) for m in members]
            )
            return
        marks = ", ".join("?" for _ in members)
        head = self._original(f"id IN ({marks})", members)
        self.db.execute(
            f"UPDATE articles SET cluster_id = ? WHERE id IN ({marks}) AND cluster_id IS NOT ?",
            [head, *members, head],
        )

    def _original(self, condition: str, params: list) -> int:
        """The id of the original (``archive.originals``) of the articles that meet the
        SQL ``condition``. Texts are read only for the notes not in the cache."""
        found = self.db.execute(
            f"SELECT {', '.join(EVIDENCE_COLUMNS[:-1])}, content_hash FROM articles"
            f" WHERE {condition}",
            params,
        ).fetchall()
        missing = [row[0] for row in found if row[-1] not in self._notes]
        if missing:
            marks = ", ".join("?" for _ in missing)
            for digest, body in self.db.execute(
                f"SELECT content_hash, body FROM articles WHERE id IN ({marks})", missing
            ):
                if digest is not None:
                    self._notes[digest] = text_notes(body)
        return decide(
            [Candidate.from_row((*row[:-1], None), self._notes.get(row[-1], ())) for row in found]
        ).original.id

    def _settle_copies(self, digest: str | None) -> int | None:
        """Decide again which article of the text ``digest`` is the original
        (``archive.originals``): an earlier publication that arrived later, or a
        corrected publication time, takes over. The others point at it
        (``duplicate_of``), and it takes over the text's LSH buckets (copies keep none).
        Returns the original's id (None for no such text)."""
        if digest is None:
            return None
        found = self.db.execute(
            "SELECT id, duplicate_of FROM articles WHERE content_hash = ?", [digest]
        ).fetchall()
        if not found:
            return None
        winner = self._original("content_hash = ?", [digest])
        roots = [row[0] for row in found if row[-1] is None]
        if roots == [winner] and all(row[-1] in (None, winner) for row in found):
            return winner
        others = [r for r in roots if r != winner]
        self.db.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", [winner])
        self.db.execute(
            "UPDATE articles SET duplicate_of = ? WHERE content_hash = ? AND id != ?"
            " AND duplicate_of IS NOT ?",
            [winner, digest, winner, winner],
        )
        if others:
            marks = ", ".join("?" for _ in others)
            taken = self.db.execute(
                f"SELECT band, bucket FROM minhash_bands WHERE article_id IN ({marks}) UNION"
                f" SELECT band, bucket FROM {RECENT_BANDS} WHERE article_id IN ({marks})",
                [*others, *others],
            ).fetchall()
            for table in BUCKET_TABLES:
                self.db.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", others)
            self._add_buckets(winner, taken)
        return winner

    def _add_buckets(
        self, article_id: int, buckets: list[tuple[int, int]], *, new: bool = False
    ) -> None:
        """Give an article these LSH buckets: new rows go to ``minhash_bands_recent``
        (``RECENT_BUCKET_ROWS``), but never a second row of one it already has in
        ``minhash_bands`` (``new``: an article just inserted has none)."""
        if not buckets:
            return
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {RECENT_BANDS} (band, bucket, article_id) VALUES (?1, ?2, ?3)"
            if new
            else f"INSERT OR IGNORE INTO {RECENT_BANDS} (band, bucket, article_id)"
            " SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM minhash_bands"
            " WHERE band = ?1 AND bucket = ?2 AND article_id = ?3)",
            [(band, bucket, article_id) for band, bucket in buckets],
        )
        if self._recent_rows is not None:
            self._recent_rows += len(buckets)

    def settle_buckets(self, *, due_only: bool = True) -> int:
        """Move the rows of ``minhash_bands_recent`` into ``minhash_bands``, in one
        transaction of its own; with ``due_only``, only once they are more than
        ``RECENT_BUCKET_ROWS``. Returns the rows moved. Not inside another transaction:
        the writer calls it after one (``archive.writer``). A move that fails (a full
        disk, the archive locked) is logged and tried again after as many rows more:
        the rows are as good where they are, and what was stored is stored.

        Foreign keys are not checked during the move: each row was checked when it
        entered the small table, and the check would make SQLite keep a journal of
        every page the move changes for the statement (at a million articles, the
        whole of ``minhash_bands``): 3.4 s against 1.6 for 400,000 rows moved into
        a 100,000-article archive."""
        if self.db.conn.in_transaction:
            return 0
        # The writer's own tally says when to count: another writer may have moved them.
        if due_only and self._recent_rows is not None and self._recent_rows <= RECENT_BUCKET_ROWS:
            return 0
        (self._recent_rows,) = self.db.execute(f"SELECT count(*) FROM {RECENT_BANDS}").fetchone()
        if self._recent_rows == 0 or (due_only and self._recent_rows <= RECENT_BUCKET_ROWS):
            return 0
        (checking,) = self.db.execute("PRAGMA foreign_keys").fetchone()
        self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.db.atomic():
                moved = self.db.execute(
                    "INSERT OR IGNORE INTO minhash_bands (band, bucket, article_id)"
                    f" SELECT band, bucket, article_id FROM {RECENT_BANDS}"
                ).rowcount
                self.db.execute(f"DELETE FROM {RECENT_BANDS}")
        except sqlite3.OperationalError as error:
            logger.warning(
                "the %d newest LSH bucket rows stay in %s for now: %s",
                self._recent_rows, RECENT_BANDS, error,
            )  # fmt: skip
            moved = 0
        finally:
            self.db.execute(f"PRAGMA foreign_keys = {int(checking):d}")
        self._recent_rows = 0
        return moved

    def _unplace(self, article_id: int, old_body: str | None) -> None:
        """Take an article whose text changed out of its cluster and buckets. Copies
        of its old text now point at their original (``archive.originals``), which
        takes over its buckets.
        The rest of the cluster is split again (``_resplit``): members that were
        joined only through the article's old text part."""
        old = text_signature(old_body)
        for table in BUCKET_TABLES:
            self.db.conn.executemany(
                f"DELETE FROM {table} WHERE band = ? AND bucket = ? AND article_id = ?",
                [(band, bucket, article_id) for band, bucket in old.buckets],
            )
        if self.db.execute(
            "SELECT 1 FROM articles WHERE duplicate_of = ? LIMIT 1", [article_id]
        ).fetchone():
            heir = self._original("duplicate_of = ?", [article_id])
            self.db.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", [heir])
            self.db.execute(
                "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [heir, article_id]
            )
            self._add_buckets(heir, old.buckets)
            # The old text stays in the archive, as the heir's: spare re-reading it.
            self._remember(old.content_hash, old.shingles, old.buckets)
        (cluster,) = self.db.execute(
            "SELECT cluster_id FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if cluster is None:
            return
        self.db.execute("UPDATE articles SET cluster_id = NULL WHERE id = ?", [article_id])
        self._resplit(cluster)

    def _resplit(self, cluster: int) -> None:
        """Split the members left in a cluster into the groups that placement's rules
        still link, single link as ``_place`` joins them: an exact copy to its original;
        two other texts that share an LSH bucket (the candidates placement compares)
        when ``is_near_duplicate`` (the containment rule when both are press releases).
        Only the cluster's members are compared, with each other, never with the rest
        of the archive. Each group of two or more takes its earliest article's id
        (``_set_cluster``); a member left alone leaves the cluster."""
        members = self.db.execute(
            "SELECT id, duplicate_of, content_hash, press_release FROM articles"
            " WHERE cluster_id = ? ORDER BY id",
            [cluster],
        ).fetchall()
        parent = {m[0]: m[0] for m in members}  # union-find over the members' ids

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        texts: dict[int, tuple[np.ndarray, int]] = {}  # original -> shingles, press_release
        sharing: dict[tuple[int, int], list[int]] = {}  # (band, bucket) -> its texts
        for member, original, digest, press_release in members:
            if original in parent:
                parent[root(member)] = root(original)
                continue
            shingles = self._stored_shingles(member, digest)
            buckets = self._buckets.get(digest) if digest else None
            if buckets is None:
                buckets = lsh_buckets(minhash(shingles)) if len(shingles) else []
                # The next change in this cluster (a re-extraction revises its
                # articles one by one) compares the same texts again.
                self._remember(digest, shingles, buckets)
            texts[member] = (shingles, press_release)
            for key in buckets:
                sharing.setdefault(key, []).append(member)
        # Within a bucket, a text is compared with the groups met before it there until
        # one member of each matches: a cluster that still holds together costs one
        # comparison per text, not one per pair.
        compared: set[tuple[int, int]] = set()  # pairs found apart
        for candidates in sharing.values():  # ids in ascending order
            met: dict[int, list[int]] = {}  # root -> the bucket's texts in its group so far
            for one in candidates:
                group = root(one)
                mine = met.pop(group, [])
                shingles, release = texts[one]
                for other_group in list(met):
                    # Latest first: the texts of a story that changes day by day meet
                    # their neighbours first.
                    for other in reversed(met[other_group]):
                        if (other, one) in compared:
                            continue
                        other_shingles, other_release = texts[other]
                        both = bool(release and other_release)
                        if is_near_duplicate(shingles, other_shingles, press_releases=both):
                            parent[other_group] = group
                            mine += met.pop(other_group)
                            break
                        compared.add((other, one))
                met[group] = [*mine, one]
        groups: dict[int, list[int]] = {}
        for member in parent:
            groups.setdefault(root(member), []).append(member)
        for group in groups.values():
            self._set_cluster(group)
