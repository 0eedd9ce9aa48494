"""The archive's schema: versioned migrations, numbered functions applied in order inside
one transaction each. The database's ``PRAGMA user_version`` records the last one
applied, so opening an old archive with a newer arsip upgrades it in place
(``archive.db.open_db``) and opening it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from archive.errors import NewerArchive

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[Migration] = []


def migration(func: Migration) -> Migration:
    MIGRATIONS.append(func)
    return func


@migration
def m001_articles(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "portal": str,
            "section": str,
            "title": str,
            "description": str,
            "authors": str,  # JSON list
            "editor": str,
            "published_at": str,
            "published_local": str,
            "published_raw": str,
            "published_source": str,
            "published_has_time": int,
            "modified_at": str,
            "dateline": str,
            "body": str,
            "word_count": int,
            "tags": str,  # JSON list
            "image_url": str,
            "language": str,
            "press_release": int,
            "press_release_phrase": str,
            "republished_from": str,
            "content_hash": str,
            "duplicate_of": int,
            "cluster_id": int,
            "revision": int,
            "first_seen_at": str,
            "last_seen_at": str,
            "crawl_run_id": int,
        },
        pk="id",
        not_null={"url", "portal", "revision", "first_seen_at", "last_seen_at"},
        defaults={"revision": 1, "press_release": 0, "language": "id"},
        foreign_keys=[("duplicate_of", "articles", "id")],
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["portal", "published_at"])
    db["articles"].create_index(["published_at"])
    db["articles"].create_index(["content_hash"])

    db["article_urls"].create(
        {"url_key": str, "url": str, "article_id": int, "first_seen_at": str},
        pk="url_key",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_urls"].create_index(["article_id"])

    db["article_revisions"].create(
        {
            "id": int,
            "article_id": int,
            "revision": int,
            "title": str,
            "body": str,
            "content_hash": str,
            "replaced_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_revisions"].create_index(["article_id", "revision"], unique=True)

    db["crawl_runs"].create(
        {
            "id": int,
            "portal": str,
            "started_at": str,
            "finished_at": str,
            "finish_reason": str,
            "mirror": str,
            "new": int,
            "updated": int,
            "unchanged": int,
            "duplicate": int,
            "dropped": int,
            "stats": str,  # JSON: Scrapy's crawl stats
        },
        pk="id",
    )
    # Full-text search over title and body. unicode61 folds case and diacritics;
    # no porter stemming, which is English.
    db["articles"].enable_fts(
        ["title", "body"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migration
def m002_clusters_pages(db: sqlite_utils.Database) -> None:
    """Near-duplicate buckets, the cluster index, and the raw pages store."""
    # LSH buckets of each article's MinHash signature (see archive.dedup): articles
    # sharing a (band, bucket) are near-duplicate candidates. The primary key is the
    # lookup index; a row is removed by recomputing its key from the old body.
    db.execute(
        """CREATE TABLE minhash_bands (
            band INTEGER NOT NULL,
            bucket INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            PRIMARY KEY (band, bucket, article_id)
        ) WITHOUT ROWID"""
    )
    db["articles"].create_index(["cluster_id"])
    db["articles"].create_index(["duplicate_of"])
    db["pages"].create(
        {
            "id": int,
            "url": str,  # the URL as fetched (real host, never the mirror's)
            "fetched_at": str,  # UTC, YYYY-MM-DDTHH:MM:SSZ
            "status": int,
            "headers": str,  # JSON object: header name -> value
            "body": bytes,  # the response body as received, compressed (archive.pages)
            "body_sha256": str,  # of the uncompressed body
            "size": int,  # uncompressed bytes
            "article_id": int,
            "crawl_run_id": int,
        },
        pk="id",
        not_null={"url", "fetched_at", "body"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["pages"].create_index(["url", "body_sha256"])
    db["pages"].create_index(["article_id", "fetched_at"])
    # Re-index an article's text only when its text changes: re-seeing an article
    # (last_seen_at) or joining a cluster must not rewrite its full-text entry.
    db.execute('DROP TRIGGER IF EXISTS "articles_au"')
    db.execute(
        """CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "body" ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body")
    VALUES('delete', old.rowid, old."title", old."body");
  INSERT INTO "articles_fts" (rowid, "title", "body") VALUES (new.rowid, new."title", new."body");
END"""
    )


@migration
def m003_run_log(db: sqlite_utils.Database) -> None:
    """The run log: what each crawl of a portal cost and yielded, for ``arsip health``.

    Counts are per run and portal. ``statuses`` is a JSON object of HTTP status ->
    responses (``{"200": 41, "503": 2}``). Coverage columns are shares (0.0-1.0) of the
    article pages read in the run (stored or dropped) that had a title, a publication
    date, a body of more than 50 words, an author; NULL when no article page was read.
    ``failure`` says why the portal failed outright (NULL when it ran).
    """
    db["crawl_runs"].add_column("invocation", str)
    for name in ("requests", "responses", "errors", "exceptions", "article_pages",
                 "skipped_known", "articles_seen"):  # fmt: skip
        db["crawl_runs"].add_column(name, int)
    db["crawl_runs"].add_column("statuses", str)
    for name in ("coverage_title", "coverage_date", "coverage_body", "coverage_author"):
        db["crawl_runs"].add_column(name, float)
    db["crawl_runs"].add_column("failure", str)
    db["crawl_runs"].create_index(["portal", "started_at"])


@migration
def m004_batched_fts(db: sqlite_utils.Database) -> None:
    """Let a batch of articles be indexed for search once, at its end.

    FTS5 writes its pending index data out at every savepoint, and ``store_many`` opens
    one per article (each article all-or-nothing): a trigger indexing row by row then
    leaves thousands of tiny index segments to merge, which made indexing cost twice
    what it does in bulk. While ``fts_deferred`` holds a row, the insert and update
    triggers stand aside and the writer indexes the batch's articles itself before it
    commits. The row only ever exists inside that uncommitted transaction, so every
    other writer (and a crashed batch, rolled back) keeps the ordinary triggers."""
    db.execute("CREATE TABLE fts_deferred (batch INTEGER PRIMARY KEY)")
    deferred = "NOT EXISTS (SELECT 1 FROM fts_deferred)"
    db.execute('DROP TRIGGER IF EXISTS "articles_ai"')
    db.execute(
        f"""CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" WHEN {deferred} BEGIN
  INSERT INTO "articles_fts" (rowid, "title", "body") VALUES (new.rowid, new."title", new."body");
END"""
    )
    db.execute('DROP TRIGGER IF EXISTS "articles_au"')
    db.execute(
        f"""CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "body" ON "articles"
WHEN {deferred} BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body")
    VALUES('delete', old.rowid, old."title", old."body");
  INSERT INTO "articles_fts" (rowid, "title", "body") VALUES (new.rowid, new."title", new."body");
END"""
    )


@migration
def m005_rehash_buckets(db: sqlite_utils.Database) -> None:
    """Recompute every ``minhash_bands`` row: word and bucket hashes became array
    arithmetic (see archive.dedup), so buckets stored by earlier versions no longer
    meet a new text's. Articles that are copies keep none (their original's stand)."""
    from archive.dedup import text_signature  # numpy-heavy; only when migrating

    db.execute("DELETE FROM minhash_bands")
    rows = db.execute("SELECT id, body FROM articles WHERE duplicate_of IS NULL").fetchall()
    for article_id, body in rows:
        db.conn.executemany(
            "INSERT OR IGNORE INTO minhash_bands (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bucket, article_id) for band, bucket in text_signature(body).buckets],
        )


@migration
def m006_article_pages(db: sqlite_utils.Database) -> None:
    """Every page of a multi-page article, in order. ``page_number`` is a page's place
    in the article as fetched: 1 for the page the article was found at (every page kept
    before this version, and every single-page article), 2, 3... for the pages that
    followed it (or its ``?page=all`` view). ``first_page_id`` is, for those, the row
    of the first page they were last fetched with (NULL on first pages): what
    ``arsip reextract`` joins them to."""
    db.execute("ALTER TABLE pages ADD COLUMN page_number INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE pages ADD COLUMN first_page_id INTEGER REFERENCES pages(id)")
    db["pages"].create_index(["first_page_id", "page_number"])


@migration
def m007_empty_pages(db: sqlite_utils.Database) -> None:
    """Article URLs whose page was read and yielded no article (a video or gallery
    page, an index page under an article URL): the crawler skips them like archived
    articles until they are older than ``ARSIP_EMPTY_RETRY_DAYS``, so that no run
    fetches them again and again. One row per canonical URL key
    (``archive.dedup.canonical_url``): ``url`` as last fetched, ``portal``, ``reason``
    (what extraction missed: ``no title``, ``no body``, ``no title and no body``),
    ``first_seen_at`` / ``fetched_at`` (first and last fetch that found nothing, UTC),
    ``fetches`` (how many did), ``crawl_run_id`` (the run of the last). A row goes when
    its URL yields an article. A page that could not be read (an error status, a
    timeout, a refused body) never gets one.

    The run log gains ``skipped_empty`` (article links skipped because their page is
    remembered here) and ``article_page_failed`` (multi-page articles left unstored
    because a further page could not be fetched: the next run tries them again)."""
    db.execute(
        """CREATE TABLE empty_pages (
            url_key TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            portal TEXT,
            reason TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            fetches INTEGER NOT NULL DEFAULT 1,
            crawl_run_id INTEGER
        )"""
    )
    db["crawl_runs"].add_column("skipped_empty", int)
    db["crawl_runs"].add_column("article_page_failed", int)


@migration
def m008_sitemaps(db: sqlite_utils.Database) -> None:
    """What arsip remembers of each child sitemap of a portal's sitemap index, so that
    a repeated run need not read one that has not changed (``archive.memory.sitemaps``).

    A row (``portal``, ``url``) says: the run ``crawl_run_id`` read the child at ``url``
    completely (every article it lists archived, the run ended ``finished``) at
    ``read_at`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``), while the index gave it the ``lastmod``
    ``lastmod`` (UTC, ISO 8601 as written by arsip). ``crawl_runs.sitemaps_skipped``
    counts, per run, the children not read because their lastmod had not moved."""
    db.execute(
        """CREATE TABLE sitemaps (
            portal TEXT NOT NULL,
            url TEXT NOT NULL,
            lastmod TEXT NOT NULL,
            read_at TEXT NOT NULL,
            crawl_run_id INTEGER REFERENCES crawl_runs(id),
            PRIMARY KEY (portal, url)
        )"""
    )
    db["crawl_runs"].add_column("sitemaps_skipped", int)


@migration
def m009_failed_articles(db: sqlite_utils.Database) -> None:
    """Article pages a run gave up (``archive.memory.failed``): one row per canonical URL key,
    ``url`` as requested, ``portal``, ``error`` (the last: ``HTTP 503``,
    ``TimeoutError``...), ``first_failed_at`` / ``failed_at`` (UTC), ``failures`` (runs
    that gave it up), ``crawl_run_id`` (the last of them). The next runs request these
    URLs again; a row goes when its article is stored or its page is found twice without one."""
    db.execute(
        """CREATE TABLE failed_articles (
            url_key TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            portal TEXT NOT NULL,
            error TEXT,
            first_failed_at TEXT NOT NULL,
            failed_at TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 1,
            crawl_run_id INTEGER
        )"""
    )
    db["failed_articles"].create_index(["portal"])


@migration
def m010_sitemap_rechecks(db: sqlite_utils.Database) -> None:
    """Run log columns of the periodic re-reads of remembered child sitemaps
    (``ARSIP_SITEMAP_RECHECK_DAYS``, ``archive.memory.sitemaps``): ``sitemaps_rechecked``
    counts the children read again in a run although their index ``lastmod`` had not
    moved, ``sitemaps_recheck_found`` the articles those re-reads found to fetch (new
    ones, or ones whose own ``lastmod`` moved): what the index's unmoved ``lastmod``
    hid. NULL in rows written before this migration."""
    db["crawl_runs"].add_column("sitemaps_rechecked", int)
    db["crawl_runs"].add_column("sitemaps_recheck_found", int)


@migration
def m011_originals_by_publication(db: sqlite_utils.Database) -> None:
    """Point every exact copy at its text's original, and head every cluster by its
    original, by ``archive.originals`` (the earliest publication; a note naming another
    member's portal as the source, and press-release evidence in close calls, decide
    against it). Earlier versions made the first article *stored* the original of its
    copies, so a story crawled from the portal that republished it before the portal
    that ran it first was stored the wrong way round. The original takes over the
    text's LSH buckets (copies keep none)."""
    from archive.originals import EVIDENCE_SELECT, original_id

    texts = db.execute(
        "SELECT content_hash FROM articles WHERE content_hash IS NOT NULL"
        " GROUP BY content_hash HAVING count(*) > 1"
    ).fetchall()
    for (digest,) in texts:
        found = db.execute(
            f"SELECT {EVIDENCE_SELECT} FROM articles WHERE content_hash = ?", [digest]
        ).fetchall()
        winner = original_id(found)
        others = [row[0] for row in found if row[0] != winner]
        roots = db.execute(
            "SELECT id FROM articles WHERE content_hash = ? AND duplicate_of IS NULL AND id != ?",
            [digest, winner],
        ).fetchall()
        db.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", [winner])
        db.conn.executemany(
            "UPDATE articles SET duplicate_of = ? WHERE id = ? AND duplicate_of IS NOT ?",
            [(winner, other, winner) for other in others],
        )
        for (root,) in roots:
            db.execute(
                "INSERT OR IGNORE INTO minhash_bands (band, bucket, article_id)"
                " SELECT band, bucket, ? FROM minhash_bands WHERE article_id = ?",
                [winner, root],
            )
            db.execute("DELETE FROM minhash_bands WHERE article_id = ?", [root])
    clusters = db.execute(
        "SELECT DISTINCT cluster_id FROM articles WHERE cluster_id IS NOT NULL"
    ).fetchall()
    for (cluster,) in clusters:
        found = db.execute(
            f"SELECT {EVIDENCE_SELECT} FROM articles WHERE cluster_id = ?", [cluster]
        ).fetchall()
        head = original_id(found)
        if head != cluster:
            db.execute("UPDATE articles SET cluster_id = ? WHERE cluster_id = ?", [head, cluster])


@migration
def m012_places(db: sqlite_utils.Database) -> None:
    """Place tags (``archive.places``): ``places`` (the gazetteer the tags were made
    with: code, level, official name, parent, short names), ``article_places`` (one row
    per article and Banten place it mentions: ``code``, ``score``, ``role``) and
    ``gazetteer`` (its version, source and when every article was tagged). Every
    article already stored is tagged here."""
    from archive.places import create_tables, retag

    create_tables(db)
    retag(db)


@migration
def m013_warc_imports(db: sqlite_utils.Database) -> None:
    """``arsip import --warc`` (``arsip.warc_import``): ``warc_imports``, one row per
    WARC file read (``file_key``: its name and a digest of its first bytes), with
    ``offset`` (where the first record not yet imported begins: a killed import goes on
    from there), ``records`` (the records read before it), ``counts`` (JSON, per
    outcome), ``started_at``, ``updated_at`` and ``finished_at`` (NULL until the file
    was read to its end); ``warc_payloads``, the payload digest (``WARC-Payload-Digest``)
    of each imported response whose page is kept, with the page's ``url`` and
    ``body_sha256``: a ``revisit`` record names its payload by that digest."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS warc_imports (
            file_key TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            offset INTEGER NOT NULL DEFAULT 0,
            records INTEGER NOT NULL DEFAULT 0,
            counts TEXT NOT NULL DEFAULT '{}',
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS warc_payloads (
            digest TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            body_sha256 TEXT NOT NULL
        )"""
    )


@migration
def m014_covering_indexes(db: sqlite_utils.Database) -> None:
    """Indexes that answer the counting commands without reading article rows (each row
    holds its body: a scan of the table reads the whole archive).

    ``articles (portal, section, published_local, published_at)``: ``arsip stats`` (per
    portal, section, local day and period) and the web UI's portal, section and day
    facets. ``articles (cluster_id, portal, published_at)`` replaces the index on
    ``cluster_id`` alone: ``arsip duplicates`` and ``arsip releases`` count each
    cluster's portals and dates from it. Building them reads every article once, when
    an archive is first opened for writing by this arsip."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_articles_portal_section_local"
        " ON articles (portal, section, published_local, published_at)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_articles_cluster_portal"
        " ON articles (cluster_id, portal, published_at)"
    )
    db.execute("DROP INDEX IF EXISTS idx_articles_cluster_id")


@migration
def m015_page_warc(db: sqlite_utils.Database) -> None:
    """``arsip pages move`` (``archive.moved_pages``): ``page_warc``, one row per raw
    page moved out of SQLite into a WARC file: ``path`` (the file, relative to the
    archive's directory, or absolute), ``offset`` and ``length`` of its response (or
    resource) record, ``moved_at``. A moved page's ``pages.body`` is an empty blob."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS page_warc (
            page_id INTEGER PRIMARY KEY REFERENCES pages(id),
            path TEXT NOT NULL,
            offset INTEGER NOT NULL,
            length INTEGER NOT NULL,
            moved_at TEXT NOT NULL
        )"""
    )


@migration
def m016_page_splice_columns(db: sqlite_utils.Database) -> None:
    """Raw pages kept from now on are stored as raw DEFLATE ending on a byte boundary
    (``archive.pages.deflate_body``), with the body's CRC-32 and SHA-1: the WARC export
    splices such a body into its record's gzip member without inflating or compressing
    it again (``archive.warc``). Pages kept before stay zlib streams, with both columns
    NULL; ``archive.pages.page_body`` reads either."""
    columns = {c.name for c in db["pages"].columns}
    if "body_crc32" not in columns:
        db.execute("ALTER TABLE pages ADD COLUMN body_crc32 INTEGER")
    if "body_sha1" not in columns:
        db.execute("ALTER TABLE pages ADD COLUMN body_sha1 TEXT")


@migration
def m017_facet_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the web UI's section and tags facets, which otherwise read every
    article row, bodies and all (``bench/scale.py``, 100,000 articles: the section
    facet's query 82 -> 6 ms, the tags facet's 453 -> 259 ms)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_section ON articles (section)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_tags ON articles (tags)")


@migration
def m018_bands_by_article(db: sqlite_utils.Database) -> None:
    """An index of the near-duplicate buckets by article. When an earlier copy of a text
    arrives after its copies, it takes over their buckets and theirs are dropped
    (``archive.cluster_placement``), by article: without this index, each time a read
    of every bucket row (20 an article). Storing 20,000 articles in a shuffled order,
    10% of them copies (``bench/archive.py``'s generator): 54.2 -> 26.8 s; the cost grew
    with the archive (a 1,000,000-article build: 416 articles/s over the first 100,000,
    305 over the next)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_minhash_bands_article ON minhash_bands (article_id)")


@migration
def m019_kept_counts(db: sqlite_utils.Database) -> None:
    """Counts kept by triggers (``archive.counts``): articles per portal and day, per
    portal, section and month, per place and per tag. ``arsip stats``, ``arsip places``
    and the web UI's facets of the whole archive read them instead of every article:
    counting the whole archive read a covering index of every article three times
    (``bench/scale.py``, 1,000,000 articles: ``stats --by month`` 2.4 s at p50)."""
    from archive import counts

    counts.create(db)


@migration
def m020_cluster_sizes(db: sqlite_utils.Database) -> None:
    """Each near-duplicate cluster's size and number of portals, kept by triggers
    (``archive.counts``): ``arsip duplicates`` reads the largest in an index's order,
    where it grouped every clustered article (1,000,000 articles: 347 ms at p50)."""
    from archive import counts

    counts.create_cluster_counts(db)


@migration
def m021_recent_bands(db: sqlite_utils.Database) -> None:
    """The LSH buckets of recently stored texts, moved into ``minhash_bands`` in key
    order when they are many (``archive.cluster_placement.RECENT_BUCKET_ROWS``)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS minhash_bands_recent (
            band INTEGER NOT NULL,
            bucket INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            PRIMARY KEY (band, bucket, article_id)
        ) WITHOUT ROWID"""
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_minhash_bands_recent_article ON minhash_bands_recent (article_id)"
    )


@migration
def m022_section_by_time(db: sqlite_utils.Database) -> None:
    """The articles of a section newest first, read in order from an index: the web
    UI's list of one section (a click in its section facet) took the section's
    articles from ``idx_articles_section`` and sorted them all (``bench/scale.py``,
    1,000,000 articles, a section of 142,669: 411 ms at p50). ``(section,
    published_at)`` takes the place of ``(section)``, which answered only the section
    facet of a list, and counts it as well. Building it reads every article once, when
    an archive is first opened for writing by this arsip."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_articles_section_published_at"
        " ON articles (section, published_at)"
    )
    db.execute("DROP INDEX IF EXISTS idx_articles_section")


@migration
def m023_tag_articles(db: sqlite_utils.Database) -> None:
    """Each tag's articles, kept by triggers (``archive.counts``): the web UI's list of
    one tag (a click in its tags facet) read the tags of every article, from the index
    of their text, for the list and again for each of its facets (``bench/scale.py``,
    1,000,000 articles, a tag of 712 articles: 1.3 s at p50). The tag counts are
    counted again from them: a tag is a JSON string (``archive.counts.TAG_TYPE``).
    ``idx_articles_tags`` (migration 17) goes: the tags facet of a list reads its
    articles' tags by id, that of the whole archive the counts, and storing an article
    cost 7% less without it (16 batches of 1,000 into a copy of the million-article
    archive: 1.97 ms an article in two runs, against 2.11 and 2.13 with the index and
    the table, and 2.31 and 2.20 before this migration: the table costs nothing
    measurable)."""
    from archive import counts

    counts.create_tag_articles(db)  # read from the index below, before it goes
    counts.recount_tags(db)
    db.execute("DROP INDEX IF EXISTS idx_articles_tags")


def check_not_newer(version: int, path: str | Path | None = None) -> None:
    """Raise ``NewerArchive`` for a schema version this arsip does not know."""
    if version > len(MIGRATIONS):
        raise NewerArchive(
            f"{f'{path}: ' if path is not None else ''}it was written by a newer arsip "
            f"(schema version {version}; this arsip knows up to {len(MIGRATIONS)}): "
            "upgrade arsip before writing to it",
            path,
        )


def apply_migrations(db: sqlite_utils.Database) -> int:
    """Bring the schema up to date; returns the schema version. An archive of a newer
    schema is refused (``NewerArchive``)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    check_not_newer(version)
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number:d}")
    return len(MIGRATIONS)
