"""What the crawler remembers between runs, for the operator: read it, forget it.

Three tables hold the memory (all in the archive; see the modules that write them):

``empty_pages`` (``archive.memory.empty``, m007)
    article URLs whose page held no article (video, gallery pages): skipped until
    ``ARSIP_EMPTY_RETRY_DAYS`` after their last fetch.
``failed_articles`` (``archive.memory.failed``, m009)
    article pages a run gave up (5xx after the retries, timeouts): asked for by URL in
    the next runs, until ``ARSIP_FAILED_RETRY_RUNS`` runs have failed on them.
``sitemaps`` (``archive.memory.sitemaps``, m008)
    child sitemaps of a sitemap index read completely: skipped while the index gives
    them no newer ``lastmod``, until ``ARSIP_SITEMAP_RECHECK_DAYS`` call for them again.

An entry of the memory is one row of ``read_memory`` (the same shape for every kind,
so that it prints as CSV): ``kind`` (``empty``, ``failed``, ``sitemap``), ``portal``,
``url``, ``state`` (below), then the columns of its table, ``None`` where the kind has
none: ``reason`` (empty), ``error`` (failed), ``lastmod`` (sitemap), ``first_seen_at``,
``fetched_at``, ``fetches`` (empty), ``first_failed_at``, ``failed_at``, ``failures``
(failed), ``read_at`` (sitemap), ``due_at`` (empty and sitemap: when a run reads it
again whatever else it finds) and
``crawl_run_id``. Times are UTC, ``YYYY-MM-DDTHH:MM:SSZ``.

States, i.e. what the next run does with the entry:

* empty: ``unconfirmed`` (found empty once: read once more by the next run that meets
  it), ``skipped`` (until ``due_at``), ``due`` (read again by the next run that meets
  it), ``archived`` (its URL now belongs to an archived article, which wins).
* failed: ``retrying`` (asked for again by the next run), ``given_up`` (failed in
  ``ARSIP_FAILED_RETRY_RUNS`` runs: no run asks for it any more), ``archived``.
* sitemap: ``skipped`` (while the index gives it no newer ``lastmod``, until ``due_at``),
  ``due`` (read again by the next run: ``archive.memory.sitemaps.recheck_due_at``).

Forgetting (``forget_entries``) makes the next run fetch again: an empty page's row goes (and
with it its portal's child sitemaps, or a page listed only in a remembered child would
never be met again); a failed article's failure count starts over, so the next runs
ask for it by URL again; a child sitemap's row goes, so the next run reads it whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from archive.dedup_keys import canonical_url
from archive.memory.known import EmptyPage
from archive.memory.sitemaps import RECHECK_DAYS, recheck_due_at
from archive.times import parse_utc, to_utc_iso

KINDS = ("empty", "failed", "sitemap")
TABLES = {"empty": "empty_pages", "failed": "failed_articles", "sitemap": "sitemaps"}
COLUMNS = (
    "kind", "portal", "url", "state", "reason", "error", "lastmod", "first_seen_at",
    "fetched_at", "fetches", "first_failed_at", "failed_at", "failures", "read_at",
    "due_at", "crawl_run_id",
)  # fmt: skip
"""The keys of every row of ``read_memory``, in this order."""


def tables_present(conn: sqlite3.Connection) -> set[str]:
    """The memory tables the archive has (an older arsip's archive lacks some)."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {table for table in TABLES.values() if table in names}


def _portal_clause(portals: Sequence[str], alias: str = "") -> tuple[str, list[str]]:
    if not portals:
        return "", []
    marks = ", ".join("?" * len(portals))
    return f" AND {alias}portal IN ({marks})", list(portals)


def _archived(alias: str) -> str:
    """SQL: the entry's URL belongs to an archived article now."""
    return f"EXISTS (SELECT 1 FROM article_urls u WHERE u.url_key = {alias}.url_key)"


@dataclass
class Memory:
    rows: list[dict[str, Any]] = field(default_factory=list)
    """The entries, by portal, kind (``KINDS`` order) and URL."""
    missing: list[str] = field(default_factory=list)
    """Memory tables the archive lacks (written by an older arsip)."""


def read_memory(
    conn: sqlite3.Connection,
    *,
    portals: Sequence[str] = (),
    kinds: Sequence[str] = KINDS,
    empty_retry_days: float = 7.0,
    failed_retry_runs: int = 5,
    sitemap_recheck_days: float = RECHECK_DAYS,
    now: datetime | None = None,
) -> Memory:
    """Every remembered entry of ``kinds`` (of ``portals``; all when empty) on the
    archive behind ``conn`` (read-only is enough), with its state as of ``now``."""
    now = now or datetime.now(UTC)
    present = tables_present(conn)
    memory = Memory(missing=[TABLES[k] for k in KINDS if k in kinds and TABLES[k] not in present])
    blank = dict.fromkeys(COLUMNS)
    where, params = _portal_clause(portals, "e.")
    if "empty" in kinds and "empty_pages" in present:
        retry_before = now - timedelta(days=empty_retry_days)
        for row in conn.execute(
            "SELECT e.portal, e.url, e.reason, e.first_seen_at, e.fetched_at, e.fetches,"
            f" e.crawl_run_id, {_archived('e')} FROM empty_pages e WHERE 1{where}",
            params,
        ):
            portal, url, reason, first, fetched, fetches, run, archived = row
            page = EmptyPage(reason, parse_utc(first), parse_utc(fetched), fetches)
            due = page.fetched_at + timedelta(days=empty_retry_days)
            state = "archived" if archived else page.state(retry_before)
            memory.rows.append(
                {**blank, "kind": "empty", "portal": portal, "url": url, "state": state,
                 "reason": reason, "first_seen_at": first, "fetched_at": fetched,
                 "fetches": fetches, "due_at": to_utc_iso(due), "crawl_run_id": run}
            )  # fmt: skip
    if "failed" in kinds and "failed_articles" in present:
        for row in conn.execute(
            "SELECT e.portal, e.url, e.error, e.first_failed_at, e.failed_at, e.failures,"
            f" e.crawl_run_id, {_archived('e')} FROM failed_articles e WHERE 1{where}",
            params,
        ):
            portal, url, error, first, last, failures, run, archived = row
            state = (
                "archived"
                if archived
                else "given_up"
                if failures >= failed_retry_runs
                else "retrying"
            )
            memory.rows.append(
                {**blank, "kind": "failed", "portal": portal, "url": url, "state": state,
                 "error": error, "first_failed_at": first, "failed_at": last,
                 "failures": failures, "crawl_run_id": run}
            )  # fmt: skip
    if "sitemap" in kinds and "sitemaps" in present:
        for portal, url, lastmod, read_at, run in conn.execute(
            f"SELECT e.portal, e.url, e.lastmod, e.read_at, e.crawl_run_id FROM sitemaps e"
            f" WHERE 1{where}",
            params,
        ):
            due = recheck_due_at(url, parse_utc(read_at), sitemap_recheck_days)
            memory.rows.append(
                {**blank, "kind": "sitemap", "portal": portal, "url": url,
                 "state": "due" if due <= now else "skipped", "lastmod": lastmod,
                 "read_at": read_at, "due_at": to_utc_iso(due), "crawl_run_id": run}
            )  # fmt: skip
    memory.rows.sort(key=lambda r: (r["portal"] or "", KINDS.index(r["kind"]), r["url"]))
    return memory


def memory_portals(conn: sqlite3.Connection) -> list[str]:
    """The portals that have anything remembered."""
    present = tables_present(conn)
    found: set[str] = set()
    for table in present:
        found.update(p for (p,) in conn.execute(f"SELECT DISTINCT portal FROM {table}") if p)
    return sorted(found)


@dataclass
class Forgotten:
    """What ``forget_entries`` changed: rows per kind, the child sitemaps forgotten because
    pages of their portal were (``sitemaps_of_empty``), and the URLs given that nothing
    selected was remembered under."""

    empty: int = 0
    failed: int = 0
    sitemap: int = 0
    sitemaps_of_empty: int = 0
    not_remembered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Memory tables the archive lacks (written by an older arsip)."""

    @property
    def total(self) -> int:
        return self.empty + self.failed + self.sitemap + self.sitemaps_of_empty


def forget_entries(
    conn: sqlite3.Connection,
    *,
    portals: Sequence[str] = (),
    kinds: Sequence[str] = KINDS,
    urls: Iterable[str] = (),
) -> Forgotten:
    """Forget the entries of ``kinds`` of ``portals`` (all when empty), only those
    under ``urls`` when some are given, in one transaction, so that the next run
    fetches them again (see the module docstring for what that takes per kind).
    ``conn`` must be a writable connection; the caller keeps crawls away (the crawl
    lock, ``archive.lock``), since a running crawl writes its own memory at its end."""
    urls = list(dict.fromkeys(urls))
    keys = {url: canonical_url(url) for url in urls}
    present = tables_present(conn)
    result = Forgotten(
        missing=[TABLES[k] for k in KINDS if k in kinds and TABLES[k] not in present]
    )
    where, params = _portal_clause(portals)
    matched: set[str] = set()

    def selected(table: str, column: str = "url_key") -> tuple[str, list[str]]:
        """The clause selecting the rows of ``table`` asked for (portals; and URLs,
        matched on ``column``: ``url_key`` for article URLs in any spelling, ``url``
        for child sitemaps), noting which URLs have a row."""
        if not urls:
            return where, params
        wanted = keys if column == "url_key" else {url: url for url in urls}
        values = sorted(set(wanted.values()))
        marks = ", ".join("?" * len(values))
        held = {
            value
            for (value,) in conn.execute(
                f"SELECT {column} FROM {table} WHERE {column} IN ({marks}){where}",
                [*values, *params],
            )
        }
        matched.update(url for url, value in wanted.items() if value in held)
        return f"{where} AND {column} IN ({marks})", [*params, *values]

    conn.execute("BEGIN IMMEDIATE")
    try:
        if "empty" in kinds and "empty_pages" in present:
            clause, args = selected("empty_pages")
            cleared = [
                p
                for (p,) in conn.execute(
                    f"SELECT DISTINCT portal FROM empty_pages WHERE 1{clause}", args
                )
                if p
            ]
            result.empty = conn.execute(f"DELETE FROM empty_pages WHERE 1{clause}", args).rowcount
            if cleared and "sitemaps" in present:
                # A child sitemap is remembered once its pages without an article are
                # confirmed: skipped, it would never lead the next run to them again.
                marks = ", ".join("?" * len(cleared))
                result.sitemaps_of_empty = conn.execute(
                    f"DELETE FROM sitemaps WHERE portal IN ({marks})", cleared
                ).rowcount
        if "failed" in kinds and "failed_articles" in present:
            clause, args = selected("failed_articles")
            # An article archived since needs nothing: its row goes. The others start
            # their count over, so that the next runs ask for them by URL again.
            gone = conn.execute(
                f"DELETE FROM failed_articles WHERE 1{clause} AND {_archived('failed_articles')}",
                args,
            ).rowcount
            reset = conn.execute(
                f"UPDATE failed_articles SET failures = 0 WHERE 1{clause} AND failures > 0",
                args,
            ).rowcount
            result.failed = gone + reset
        if "sitemap" in kinds and "sitemaps" in present:
            clause, args = selected("sitemaps", "url")
            result.sitemap = conn.execute(f"DELETE FROM sitemaps WHERE 1{clause}", args).rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    result.not_remembered = [url for url in urls if url not in matched]
    return result


@dataclass
class FailedSummary:
    """A portal's failed articles, for ``arsip health``."""

    retrying: int
    """Asked for again by the next run."""
    given_up: int
    """No run asks for them any more, and they are not archived."""
    given_up_recently: int
    """Of those, given up (their last failure) since the time asked."""
    example: str | None
    """The URL of the newest of those given up recently."""
    error: str | None
    """Its last error (``HTTP 503``, ``TimeoutError``...)."""


def failed_summary(
    conn: sqlite3.Connection, portal: str, *, retry_runs: int, since: datetime
) -> FailedSummary | None:
    """``portal``'s failed articles not archived since (None when the archive predates
    ``failed_articles``). ``since`` (aware) bounds ``given_up_recently``."""
    if "failed_articles" not in tables_present(conn):
        return None
    open_rows = f"FROM failed_articles f WHERE f.portal = ? AND NOT {_archived('f')}"
    retrying, given_up = conn.execute(
        f"SELECT count(*) FILTER (WHERE f.failures < ?), count(*) FILTER (WHERE f.failures >= ?)"
        f" {open_rows}",
        [retry_runs, retry_runs, portal],
    ).fetchone()
    recent = conn.execute(  # newest first: the example
        f"SELECT f.url, f.error {open_rows} AND f.failures >= ? AND f.failed_at >= ?"
        " ORDER BY f.failed_at DESC, f.url",
        [portal, retry_runs, to_utc_iso(since)],
    ).fetchall()
    example, error = recent[0] if recent else (None, None)
    return FailedSummary(retrying, given_up, len(recent), example, error)
