"""The run log: one ``crawl_runs`` row per run and portal, read from Scrapy's crawl stats.

The crawler puts its own counters into the stats under ``arsip/`` (see
``crawler.extensions.RunLogStats`` and ``crawler.spiders.portal``); this module turns a
finished crawl's stats into the row's columns and decides whether the portal failed
outright, the same way for the exit status of ``arsip crawl`` and for ``arsip health``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

import sqlite_utils

# Finish reasons of a crawl that ran to its end (possibly cut short on purpose).
NORMAL_FINISH = {"finished", "closespider_itemcount", "closespider_pagecount"}
COVERAGE_FIELDS = ("title", "date", "body", "author")
"""Fields whose coverage is logged: ``body`` means a body of more than 50 words."""


def _int(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(key, 0) or 0)


def statuses(stats: Mapping[str, Any]) -> dict[str, int]:
    """HTTP status -> number of responses (robots.txt included)."""
    prefix = "downloader/response_status_count/"
    return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def portal_problem(stats: Mapping[str, Any], reason: str | None = None) -> str | None:
    """Why a portal's crawl failed outright, or None when it ran.

    Failed outright means: the crawl did not finish normally; or no page of the portal
    (sitemap, listing, article) could be read (DNS failure, refused connections, every
    answer an error status); or pages were read but no article link was found in any of
    them (the listing markup changed) and no child sitemap was skipped as unchanged; or
    article pages were read and none yielded an article (extraction broken). A quiet
    day (no new article) is not a failure.
    """
    reason = reason or stats.get("finish_reason")
    if reason not in (None, *NORMAL_FINISH):
        return f"crawl ended with {reason}"
    pages_ok = _int(stats, "arsip/pages_ok")
    if pages_ok == 0:
        refused = statuses(stats).get("403", 0)
        if refused and refused == _int(stats, "downloader/response_count"):
            # Some networks refuse non-browser agents; arsip does not pose as one.
            return (
                f"refused by the portal: {refused} answers 403 Forbidden to arsip's user "
                "agent (not evaded; crawl it where the portal allows arsip in)"
            )
        exceptions = _int(stats, "downloader/exception_count")
        codes = {k: v for k, v in statuses(stats).items() if not k.startswith("2")}
        detail = f"{exceptions} connection errors"
        if codes:
            detail += ", statuses " + ", ".join(f"{k}: {v}" for k, v in codes.items())
        if _int(stats, "robotstxt/forbidden"):
            detail += f", {_int(stats, 'robotstxt/forbidden')} forbidden by robots.txt"
        return f"no page could be read ({detail})"
    # Child sitemaps skipped as unchanged hold links the archive has read before: a
    # portal found only through its sitemap index may read no article link on a quiet
    # day.
    if _int(stats, "arsip/article_links") == 0 and not _int(stats, "arsip/sitemaps_skipped"):
        return f"no article link found in {pages_ok} sitemap and listing pages"
    if extraction_broken(stats):
        read = _int(stats, "arsip/article_pages")
        return f"extraction broken: {read} article pages read, no article stored"
    return None


def extraction_broken(stats: Mapping[str, Any]) -> bool:
    """Article pages were read and none yielded an article. Not counted as read: pages
    that held no article when last read (``arsip/empty_reread``: none again is what
    they are expected to yield; ``archive.memory.empty``), and articles given up because a
    further page could not be fetched (``arsip/article_page_failed``: never put to
    extraction). A quiet run that only re-read its video pages, or whose only new
    article lost its page 2, is no broken one."""
    read = (
        _int(stats, "arsip/article_pages")
        - _int(stats, "arsip/article_page_failed")
        - _int(stats, "arsip/empty_reread")
    )
    # Answers that are no HTML page (``arsip/not_html``) are dropped without being read.
    dropped = _int(stats, "item_dropped_count") - _int(stats, "arsip/not_html")
    return read > 0 and _int(stats, "arsip/coverage/seen") - dropped <= 0


BUDGETS = {
    "listing_pages": "ARSIP_MAX_LISTING_PAGES",
    "requests": "ARSIP_MAX_REQUESTS",
}
"""The crawl budget's halves (stat ``arsip/budget_reached/<half>``) and their settings."""


def budget_reached(stats: Mapping[str, Any]) -> list[str]:
    """The halves of the crawl budget a run reached (``listing_pages``, ``requests``):
    it left pages unread on purpose, to bound a trap (``crawler.frontier``,
    ``crawler.budget``)."""
    return [half for half in BUDGETS if _int(stats, f"arsip/budget_reached/{half}")]


def previous_walk_cut(
    db: sqlite_utils.Database, portal: str, current_run: int | None
) -> str | None:
    """Why the portal's previous run (before run ``current_run``) may have left listing
    pages unread, or None when it walked them to their usual end: it never finished
    (killed), stopped abnormally (the archive could not be written...), or gave up a
    listing page or stopped paging at its ``--max-pages`` budget (the stat
    ``arsip/listing_cut``). Articles behind such a cut are older than what the archive
    holds, so the next run's usual stop ("a listing page of archived articles") would
    never reach them: it walks every listing page instead (``PortalSpider``)."""
    found = db.execute(
        "SELECT id, finished_at, finish_reason, stats FROM crawl_runs"
        " WHERE portal = ? AND id < ? ORDER BY id DESC LIMIT 1",
        [portal, current_run if current_run is not None else 2**62],
    ).fetchall()
    if not found:  # no run log yet
        return None
    run_id, finished_at, reason, stats = found[0]
    if finished_at is None:
        return f"run {run_id} did not finish"
    if reason not in NORMAL_FINISH:
        return f"run {run_id} ended with {reason}"
    if _int(json.loads(stats or "{}"), "arsip/listing_cut"):
        return f"run {run_id} left listing pages unread"
    return None


def coverage(stats: Mapping[str, Any]) -> dict[str, float | None]:
    """Field -> share of the run's article pages that had it (None without pages)."""
    seen = _int(stats, "arsip/coverage/seen")
    return {
        name: (round(_int(stats, f"arsip/coverage/{name}") / seen, 4) if seen else None)
        for name in COVERAGE_FIELDS
    }


def run_log_columns(stats: Mapping[str, Any], reason: str | None = None) -> dict[str, Any]:
    """The ``crawl_runs`` columns (migrations m003, m007, m008, m010) for a finished
    crawl's stats."""
    return {
        "invocation": stats.get("arsip/invocation"),
        "requests": _int(stats, "downloader/request_count"),
        "responses": _int(stats, "downloader/response_count"),
        "statuses": json.dumps(statuses(stats)),
        "errors": _int(stats, "log_count/ERROR"),
        "exceptions": _int(stats, "downloader/exception_count"),
        "article_pages": _int(stats, "arsip/article_pages"),
        "skipped_known": _int(stats, "arsip/skipped_known"),
        "skipped_empty": _int(stats, "arsip/skipped_empty"),
        "article_page_failed": _int(stats, "arsip/article_page_failed"),
        "sitemaps_skipped": _int(stats, "arsip/sitemaps_skipped"),
        "sitemaps_rechecked": _int(stats, "arsip/sitemaps_rechecked"),
        "sitemaps_recheck_found": _int(stats, "arsip/sitemaps_recheck_found"),
        "articles_seen": _int(stats, "arsip/coverage/seen"),
        **{f"coverage_{k}": v for k, v in coverage(stats).items()},
        "failure": portal_problem(stats, reason),
    }


def last_runs(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Portal -> its latest ``crawl_runs`` row (started_at, finished_at, new, updated,
    failure); empty when the archive has no run log yet."""
    try:
        cursor = conn.execute(
            "SELECT portal, started_at, finished_at, new, updated, failure FROM crawl_runs "
            "WHERE id IN (SELECT max(id) FROM crawl_runs GROUP BY portal)"
        )
    except sqlite3.OperationalError:  # an archive older than the run log
        return {}
    names = [column[0] for column in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
