"""Folding archive shards into one archive (``arsip merge``).

A shard is an ordinary archive written by one node of a spread crawl (``arsip
dispatch``): its articles, their URLs, revisions and raw pages, its run log and its
crawler memory. Merging it stores each article as a crawl would (``archive.writer``):
identity by any of its URLs, exact copies by content hash with the original decided by
publication (``archive.originals``), near-duplicate clusters by LSH buckets
(``archive.cluster_placement``), place tags. Then what a crawl would have known about
it: first and last seen, the versions of its text (the latest seen is the article, the
others its revisions, in the order they were seen), its raw pages, the runs, and the
crawler's memory (pages without an article, failed articles, child sitemaps), each
kept by the rule of its table.

Every step is idempotent: merging a shard again adds nothing, and a merge killed in
the middle is finished by running it again (each batch of articles is one
transaction). The caller holds the target's writer lock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.db import connect
from archive.errors import ArchiveError, NewerArchive
from archive.handle import Archive
from archive.migrations import MIGRATIONS
from archive.writer import ARTICLE_COLUMNS, JSON_COLUMNS, ArchiveWriter, Entry, Outcome

BATCH = 200
"""Shard articles merged per transaction."""

RUN_COLUMNS_KEY = ("portal", "started_at", "invocation", "mirror")
"""What identifies a run across archives (ids are each archive's own)."""


@dataclass
class MergeResult:
    """What merging one shard did."""

    shard: Path
    articles: dict[str, int] = field(default_factory=dict)
    """``new``, ``duplicate`` (new rows, copies of a stored text), ``updated`` (a text,
    a field or a version added), ``unchanged``."""
    pages: int = 0
    """Raw pages added."""
    runs: int = 0
    """Runs added to the run log."""
    memory: int = 0
    """Rows of the crawler's memory added or changed."""

    def line(self) -> str:
        a = self.articles
        return (
            f"{self.shard}: {a.get('new', 0)} new, {a.get('duplicate', 0)} duplicate, "
            f"{a.get('updated', 0)} updated, {a.get('unchanged', 0)} unchanged; "
            f"{self.pages} raw page{'s' * (self.pages != 1)}, {self.runs} run"
            f"{'s' * (self.runs != 1)}, {self.memory} memory row{'s' * (self.memory != 1)} added"
        )


def check_shard(shard: Path, target: Path) -> int:
    """The schema version of the shard at ``shard``; ``ArchiveError`` for a file that
    cannot be merged (missing, not an archive, the target itself, written by a newer
    arsip)."""
    from archive.opening import is_empty_file, schema

    if shard.resolve() == target.resolve():
        raise ArchiveError(f"{shard} is the archive merged into", shard)
    is_empty_file(shard, empty_ok=False)
    tables, version = schema(shard)
    if "articles" not in tables:
        raise ArchiveError(f"{shard} is not an arsip archive (no articles table)", shard)
    if version > len(MIGRATIONS):
        raise NewerArchive(
            f"{shard}: it was written by a newer arsip (schema version {version}; this "
            f"arsip knows up to {len(MIGRATIONS)}): upgrade arsip before merging it",
            shard,
        )
    return version


def upgrade_shard(shard: Path) -> None:
    """Bring an older shard to this arsip's schema, in place, under its own writer
    lock (as any writing arsip command would on opening it)."""
    from archive.opening import open_archive

    with open_archive(shard, create=False) as arch, arch.lock(wait=0.0, command="merge"):
        pass


def merge_shard(
    target: Archive,
    shard: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> MergeResult:
    """Merge the archive at ``shard`` into the open, writable ``target`` (see the
    module's docstring). ``progress`` is called with the number of shard articles
    merged after each batch. An older shard is upgraded first; a newer one, or one that
    is not an archive, raises ``ArchiveError`` before anything is written."""
    shard = Path(shard)
    if target.readonly:
        raise ArchiveError(f"{target.path} is open read-only: cannot merge into it", target.path)
    if check_shard(shard, target.path) < len(MIGRATIONS):
        upgrade_shard(shard)
    source = connect(shard, readonly=True)
    source.row_factory = sqlite3.Row
    try:
        return _Merge(target, source, shard).run(progress, batch)
    finally:
        source.close()


class _Merge:
    def __init__(self, target: Archive, source: sqlite3.Connection, shard: Path):
        self.db = target.db
        self.writer = ArchiveWriter(target.db)
        self.source = source
        self.result = MergeResult(shard)
        self.runs: dict[int, int] = {}  # shard run id -> target run id

    def run(self, progress: Callable[[int], None] | None, batch: int) -> MergeResult:
        with self.db.atomic():
            self._merge_runs()
        done = 0
        for ids in self._batches(batch):
            with self.writer.transaction():
                self._merge_articles(ids)
            done += len(ids)
            if progress:
                progress(done)
        with self.db.atomic():
            self._merge_memory()
        return self.result

    def _count(self, outcome: str) -> None:
        self.result.articles[outcome] = self.result.articles.get(outcome, 0) + 1

    # -- runs -------------------------------------------------------------------------

    def _merge_runs(self) -> None:
        columns = [c for c in self.db["crawl_runs"].columns_dict if c != "id"]
        match = " AND ".join(f"{c} IS ?" for c in RUN_COLUMNS_KEY)
        for run in self.source.execute("SELECT * FROM crawl_runs ORDER BY id"):
            key = [run[c] for c in RUN_COLUMNS_KEY]
            found = self.db.execute(f"SELECT id FROM crawl_runs WHERE {match}", key).fetchone()
            if found:
                self.runs[run["id"]] = int(found[0])
                # A run still going when the shard was first merged ends later.
                if run["finished_at"]:
                    self.db.execute(
                        f"UPDATE crawl_runs SET {', '.join(f'{c} = ?' for c in columns)}"
                        " WHERE id = ? AND finished_at IS NULL",
                        [*(run[c] for c in columns), found[0]],
                    )
                continue
            cursor = self.db.execute(
                f"INSERT INTO crawl_runs ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [run[c] for c in columns],
            )
            self.runs[run["id"]] = int(cursor.lastrowid)
            self.result.runs += 1

    def _run(self, shard_run: int | None) -> int | None:
        return None if shard_run is None else self.runs.get(shard_run)

    # -- articles ---------------------------------------------------------------------

    def _batches(self, size: int) -> Iterator[list[int]]:
        last = 0
        while True:
            ids = [
                r[0]
                for r in self.source.execute(
                    "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", [last, size]
                )
            ]
            if not ids:
                return
            yield ids
            last = ids[-1]

    def _read(self, shard_id: int) -> dict[str, Any]:
        """One shard article: its row, URLs, earlier versions and place tags."""
        row = dict(
            self.source.execute("SELECT * FROM articles WHERE id = ?", [shard_id]).fetchone()
        )
        urls = self.source.execute(
            "SELECT url_key, url, first_seen_at FROM article_urls WHERE article_id = ?"
            " ORDER BY first_seen_at, url_key",
            [shard_id],
        ).fetchall()
        revisions = self.source.execute(
            "SELECT title, body, content_hash, replaced_at FROM article_revisions"
            " WHERE article_id = ? ORDER BY revision",
            [shard_id],
        ).fetchall()
        places = self.source.execute(
            "SELECT code, score, role FROM article_places WHERE article_id = ? ORDER BY code",
            [shard_id],
        ).fetchall()
        return {
            "row": row,
            "urls": [dict(u) for u in urls],
            "revisions": [dict(r) for r in revisions],
            "places": [dict(p) for p in places],
        }

    def _record(self, article: dict[str, Any]) -> dict[str, Any]:
        row = article["row"]
        record = {c: row[c] for c in ARTICLE_COLUMNS}
        for c in JSON_COLUMNS:
            record[c] = json.loads(record[c]) if record[c] else []
        record["places"] = article["places"]
        return record

    def _find(self, article: dict[str, Any]) -> tuple[int, str] | None:
        """The target article one of the shard article's URLs belongs to, and that URL."""
        for url in article["urls"]:
            found = self.db.execute(
                "SELECT article_id FROM article_urls WHERE url_key = ?", [url["url_key"]]
            ).fetchone()
            if found:
                return int(found[0]), url["url"]
        return None

    def _merge_articles(self, ids: Sequence[int]) -> None:
        articles = [self._read(i) for i in ids]
        new, known = [], []
        for article in articles:
            found = self._find(article)
            (known if found else new).append((article, found))
        # New articles go through the writer's batch: hashed together, indexed once.
        entries = [
            Entry(
                self._record(a),
                seen_at=a["row"]["first_seen_at"],
                also_urls=[u["url"] for u in a["urls"]],
            )
            for a, _ in new
        ]
        stored = self.writer.store_many(entries)
        for (article, _), (outcome, target_id) in zip(new, stored, strict=True):
            self._count(str(outcome))
            self._settle(article, target_id, versions_changed=True)
        for article, (target_id, url) in known:
            self._merge_known(article, target_id, url)

    def _merge_known(self, article: dict[str, Any], target_id: int, url: str) -> None:
        """A shard article the target already has (by one of its URLs): the version
        seen last becomes the article, the others its revisions."""
        row = article["row"]
        current = self.db.execute(
            "SELECT title, body, content_hash, last_seen_at, first_seen_at FROM articles"
            " WHERE id = ?",
            [target_id],
        ).fetchone()
        changed = False
        replaced = None
        if row["last_seen_at"] > current[3]:
            # The shard saw the article last: its reading is the article's (a new text
            # is a new version; the same text may correct the other fields).
            outcome, _ = self.writer.store(
                self._record(article), seen_at=row["last_seen_at"], fetched_url=url
            )
            changed = outcome != Outcome.UNCHANGED
            # The text it replaced was last seen then, not now.
            replaced = ((current[0], current[2]), current[3])
        changed |= self._settle(article, target_id, versions_changed=False, replaced=replaced)
        self._count("updated" if changed else "unchanged")

    def _settle(
        self,
        article: dict[str, Any],
        target_id: int,
        *,
        versions_changed: bool,
        replaced: tuple[tuple[str | None, str | None], str] | None = None,
    ) -> bool:
        """After the writer: first and last seen, the versions, the URLs' first sight
        and the raw pages as the shard knew them. Returns whether anything changed."""
        row = article["row"]
        before = self.db.execute(
            "SELECT first_seen_at, last_seen_at, crawl_run_id FROM articles WHERE id = ?",
            [target_id],
        ).fetchone()
        changed = self._merge_versions(article, target_id, replaced)
        run = self._run(row["crawl_run_id"])
        self.db.execute(
            "UPDATE articles SET first_seen_at = min(first_seen_at, ?),"
            " last_seen_at = max(last_seen_at, ?),"
            " crawl_run_id = CASE WHEN ? >= last_seen_at OR crawl_run_id IS NULL"
            " THEN coalesce(?, crawl_run_id) ELSE crawl_run_id END WHERE id = ?",
            [row["first_seen_at"], row["last_seen_at"], row["last_seen_at"], run, target_id],
        )
        after = self.db.execute(
            "SELECT first_seen_at, last_seen_at, crawl_run_id FROM articles WHERE id = ?",
            [target_id],
        ).fetchone()
        changed |= tuple(before) != tuple(after)
        for url in article["urls"]:
            cursor = self.db.execute(
                "INSERT INTO article_urls (url_key, url, article_id, first_seen_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (url_key) DO UPDATE SET"
                " first_seen_at = excluded.first_seen_at"
                " WHERE excluded.first_seen_at < first_seen_at AND article_id = excluded.article_id",
                [url["url_key"], url["url"], target_id, url["first_seen_at"]],
            )
            changed |= cursor.rowcount > 0 and not versions_changed
        changed |= self._merge_pages(row["id"], target_id) > 0
        return changed

    def _merge_versions(
        self,
        article: dict[str, Any],
        target_id: int,
        replaced: tuple[tuple[str | None, str | None], str] | None = None,
    ) -> bool:
        """The article's earlier versions: the target's and the shard's, each text once
        (the latest time it was seen or replaced), in time order, less the article's
        own text. Rewritten only when they differ; returns whether they did."""
        title, content_hash = self.db.execute(
            "SELECT title, content_hash FROM articles WHERE id = ?", [target_id]
        ).fetchone()
        stored = [
            dict(zip(("title", "body", "content_hash", "replaced_at"), r, strict=True))
            for r in self.db.execute(
                "SELECT title, body, content_hash, replaced_at FROM article_revisions"
                " WHERE article_id = ? ORDER BY revision",
                [target_id],
            )
        ]
        before = [dict(v) for v in stored]
        if replaced is not None:  # the writer stamped it with the clock
            for version in stored:
                if (version["title"], version["content_hash"]) == replaced[0]:
                    version["replaced_at"] = replaced[1]
        row = article["row"]
        shard_versions = [
            *article["revisions"],
            {
                "title": row["title"],
                "body": row["body"],
                "content_hash": row["content_hash"],
                "replaced_at": row["last_seen_at"],
            },
        ]
        versions: dict[tuple[str | None, str | None], dict[str, Any]] = {}
        for version in [*stored, *shard_versions]:
            key = (version["title"], version["content_hash"])
            if key == (title, content_hash):
                continue
            seen = versions.get(key)
            if seen is None or version["replaced_at"] > seen["replaced_at"]:
                versions[key] = version
        merged = sorted(
            versions.values(), key=lambda v: (v["replaced_at"], v["content_hash"] or "")
        )
        if merged == before:
            return False
        self.db.execute("DELETE FROM article_revisions WHERE article_id = ?", [target_id])
        self.db.conn.executemany(
            "INSERT INTO article_revisions (article_id, revision, title, body, content_hash,"
            " replaced_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (target_id, number, v["title"], v["body"], v["content_hash"], v["replaced_at"])
                for number, v in enumerate(merged, start=1)
            ],
        )
        self.db.execute(
            "UPDATE articles SET revision = ? WHERE id = ?", [len(merged) + 1, target_id]
        )
        return True

    def _merge_pages(self, shard_article: int, target_id: int) -> int:
        """The shard article's raw pages, as they were received (already compressed);
        a page the target keeps with the same bytes under the same URL and number only
        gets the later fetch time. Returns the pages added."""
        added = 0
        first_pages: dict[int, int] = {}  # shard page id -> target page id
        for page in self.source.execute(
            "SELECT * FROM pages WHERE article_id = ? ORDER BY page_number, id", [shard_article]
        ).fetchall():
            first = first_pages.get(page["first_page_id"]) if page["first_page_id"] else None
            known = self.db.execute(
                "SELECT id FROM pages WHERE url = ? AND body_sha256 = ? AND page_number = ?"
                " ORDER BY id DESC LIMIT 1",
                [page["url"], page["body_sha256"], page["page_number"]],
            ).fetchone()
            if known:
                self.db.execute(
                    "UPDATE pages SET fetched_at = max(fetched_at, ?),"
                    " article_id = coalesce(article_id, ?),"
                    " first_page_id = coalesce(first_page_id, ?) WHERE id = ?",
                    [page["fetched_at"], target_id, first, known[0]],
                )
                first_pages[page["id"]] = int(known[0])
                continue
            body, crc32, sha1 = _kept_body(self.source, page)
            cursor = self.db.execute(
                "INSERT INTO pages (url, fetched_at, status, headers, body, body_sha256, size,"
                " article_id, crawl_run_id, page_number, first_page_id, body_crc32, body_sha1)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    page["url"], page["fetched_at"], page["status"], page["headers"], body,
                    page["body_sha256"], page["size"], target_id, self._run(page["crawl_run_id"]),
                    page["page_number"], first, crc32, sha1,
                ],
            )  # fmt: skip
            first_pages[page["id"]] = int(cursor.lastrowid)
            added += 1
        self.result.pages += added
        return added

    # -- the crawler's memory ---------------------------------------------------------

    def _archived(self, url_key: str) -> bool:
        return bool(
            self.db.execute("SELECT 1 FROM article_urls WHERE url_key = ?", [url_key]).fetchone()
        )

    def _merge_memory(self) -> None:
        """Pages without an article and failed articles (by URL key; an archived
        article's URL wins over both), child sitemaps (by portal and URL, the later
        complete read wins). Counts are the larger of the two, never a sum: merging
        again must add nothing."""
        changes = 0
        for r in self.source.execute("SELECT * FROM empty_pages"):
            if self._archived(r["url_key"]):
                continue
            changes += self.db.execute(
                "INSERT INTO empty_pages (url_key, url, portal, reason, first_seen_at,"
                " fetched_at, fetches, crawl_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url_key) DO UPDATE SET"
                " url = iif(excluded.fetched_at > fetched_at, excluded.url, url),"
                " reason = iif(excluded.fetched_at > fetched_at, excluded.reason, reason),"
                " crawl_run_id = iif(excluded.fetched_at > fetched_at,"
                " excluded.crawl_run_id, crawl_run_id),"
                " first_seen_at = min(first_seen_at, excluded.first_seen_at),"
                " fetched_at = max(fetched_at, excluded.fetched_at),"
                " fetches = max(fetches, excluded.fetches)"
                " WHERE excluded.fetched_at > fetched_at OR excluded.fetches > fetches"
                " OR excluded.first_seen_at < first_seen_at",
                [r["url_key"], r["url"], r["portal"], r["reason"], r["first_seen_at"],
                 r["fetched_at"], r["fetches"], self._run(r["crawl_run_id"])],
            ).rowcount  # fmt: skip
        for r in self.source.execute("SELECT * FROM failed_articles"):
            if self._archived(r["url_key"]):
                continue
            changes += self.db.execute(
                "INSERT INTO failed_articles (url_key, url, portal, error, first_failed_at,"
                " failed_at, failures, crawl_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url_key) DO UPDATE SET"
                " url = iif(excluded.failed_at > failed_at, excluded.url, url),"
                " error = iif(excluded.failed_at > failed_at, excluded.error, error),"
                " crawl_run_id = iif(excluded.failed_at > failed_at,"
                " excluded.crawl_run_id, crawl_run_id),"
                " first_failed_at = min(first_failed_at, excluded.first_failed_at),"
                " failed_at = max(failed_at, excluded.failed_at),"
                " failures = max(failures, excluded.failures)"
                " WHERE excluded.failed_at > failed_at OR excluded.failures > failures"
                " OR excluded.first_failed_at < first_failed_at",
                [r["url_key"], r["url"], r["portal"], r["error"], r["first_failed_at"],
                 r["failed_at"], r["failures"], self._run(r["crawl_run_id"])],
            ).rowcount  # fmt: skip
        # Failed articles archived since (by this merge) are settled, as a run settles them.
        changes += self.db.execute(
            "DELETE FROM failed_articles WHERE url_key IN (SELECT url_key FROM article_urls)"
        ).rowcount
        changes += self.db.execute(
            "DELETE FROM empty_pages WHERE url_key IN (SELECT url_key FROM article_urls)"
        ).rowcount
        for r in self.source.execute("SELECT * FROM sitemaps"):
            changes += self.db.execute(
                "INSERT INTO sitemaps (portal, url, lastmod, read_at, crawl_run_id)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (portal, url) DO UPDATE SET"
                " lastmod = excluded.lastmod, read_at = excluded.read_at,"
                " crawl_run_id = excluded.crawl_run_id WHERE excluded.read_at > read_at",
                [r["portal"], r["url"], r["lastmod"], r["read_at"], self._run(r["crawl_run_id"])],
            ).rowcount
        self.result.memory += changes


def projection(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """What a merge keeps, free of row ids (each archive numbers its rows its own way):
    articles by URL with their text, fields, revision, original and cluster head (by
    URL), URLs and place tags; earlier versions; raw pages; the crawler's memory; runs
    per portal. Two archives that hold the same are equal here (a merge of shards and a
    crawl of the same pages in one process, for one)."""
    url = "(SELECT url FROM articles o WHERE o.id = {})"
    fields = ", ".join(c for c in ARTICLE_COLUMNS if c != "url")
    queries = {
        "articles": f"SELECT a.url, {fields}, a.revision, {url.format('a.duplicate_of')},"
        f" {url.format('a.cluster_id')} FROM articles a",
        "urls": "SELECT u.url_key, a.url FROM article_urls u JOIN articles a ON a.id = u.article_id",
        "places": "SELECT a.url, p.code, p.score, p.role FROM article_places p"
        " JOIN articles a ON a.id = p.article_id",
        "revisions": "SELECT a.url, r.revision, r.title, r.content_hash FROM article_revisions r"
        " JOIN articles a ON a.id = r.article_id",
        "pages": "SELECT p.url, p.body_sha256, p.page_number, p.status, a.url,"
        " (SELECT f.url FROM pages f WHERE f.id = p.first_page_id)"
        " FROM pages p LEFT JOIN articles a ON a.id = p.article_id",
        "empty_pages": "SELECT url_key, portal, reason, fetches FROM empty_pages",
        "failed_articles": "SELECT url_key, portal, error, failures FROM failed_articles",
        "sitemaps": "SELECT portal, url, lastmod FROM sitemaps",
        "runs": "SELECT portal, count(*) FROM crawl_runs GROUP BY portal",
    }
    return {name: sorted(tuple(row) for row in conn.execute(sql)) for name, sql in queries.items()}


def _kept_body(source: Any, page: Any) -> tuple[bytes, int | None, str | None]:
    """A shard page's ``pages.body``, ``body_crc32`` and ``body_sha1`` for the target:
    as stored, or, for a page the shard moved to a WARC file (``arsip pages move``),
    read from its record and compressed again, so that the merged archive keeps it in
    SQLite."""
    from archive.moved_pages import MOVED, page_body_of
    from archive.pages import kept_body

    if page["body"] != MOVED:
        return page["body"], page["body_crc32"], page["body_sha1"]
    body = page_body_of(source, page["id"], page["body"])
    return kept_body(body)
