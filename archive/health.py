"""``arsip health``: what an operator must know about each portal, from the run log.

Each portal's latest runs (``crawl_runs``) are compared with its earlier ones, and a
flag is raised for:

* ``last_run_failed``: the latest run failed outright (its ``failure``), or never
  finished and no crawl is running now (killed).
* ``no_recent_run``: no run started in the last ``days`` days (is cron still running?).
* ``no_new_articles``: no article was first archived in the last ``days`` days.
* ``coverage_drop``: the share of article pages with a title, a date, a body over 50
  words or an author fell by ``COVERAGE_DROP`` or more against the portal's history
  (the usual sign of a template change). The latest sample pools the newest runs until
  it holds ``MIN_ARTICLES`` article pages; the history pools up to ``HISTORY_RUNS``
  runs before it.
* ``error_rate``: the share of requests that ended in an HTTP error status (400+) or a
  connection error reached ``ERROR_RATE`` and rose by ``ERROR_RISE`` over the history.
  Without a history (a first run) reaching ``ERROR_RATE`` is enough, unless the run
  failed outright (``last_run_failed`` says so already).
* ``never_crawled``: an enabled portal with no run at all.
* ``article_pages_failing``: in each of the last ``PAGE_FAILED_RUNS`` runs, articles
  were left unstored because a further page of theirs could not be fetched (the run
  log's ``article_page_failed``). One such run is a passing fault the next run mends;
  every run in a row is a page that keeps failing (its article is never archived).
* ``articles_given_up``: article pages given up in the last ``days`` days: each failed
  in ``ARSIP_FAILED_RETRY_RUNS`` runs in a row (``failed_articles``, ``archive.memory.failed``)
  and no run asks for it any more, so it is lost unless the operator has it asked for
  again (``arsip forget --kind failed``) or a run meets it where it is listed.
* ``body_rule_missed``: on ``BODY_RULE_MISSED`` or more of the newest article pages
  with a body (the newest runs pooled up to ``MIN_ARTICLES`` such pages), the portal's
  own body rule (its body selector or its markup family's container) found nothing and
  the generic readers read the text (the stats ``arsip/body_rule/missed`` and
  ``.../matched``). No article is lost, so no coverage falls; but the declaration no
  longer fits the portal's template, and the generic readers keep less of what the
  rule removes.
* ``crawl_budget_reached``: the latest finished run stopped reading listing pages or
  sending requests at its crawl budget (``ARSIP_MAX_LISTING_PAGES``,
  ``ARSIP_MAX_REQUESTS``; ``archive.memory.runlog.budget_reached``): a trap on the portal
  (a calendar, endless paging), or a backfill bigger than the budget.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archive.lock import crawl_is_running
from archive.memory.report import failed_summary
from archive.memory.runlog import BUDGETS, COVERAGE_FIELDS, budget_reached
from archive.times import JAKARTA, human_instant, parse_utc, utc_now

MIN_ARTICLES = 5
HISTORY_RUNS = 30
COVERAGE_DROP = 0.25
ERROR_RATE = 0.2
ERROR_RISE = 0.1
PAGE_FAILED_RUNS = 3
BODY_RULE_MISSED = 0.5
COVERAGE_NAMES = {
    "title": "title",
    "date": "publication date",
    "body": "body over 50 words",
    "author": "author",
}


@dataclass
class Flag:
    kind: str
    message: str


@dataclass
class PortalHealth:
    portal: str
    flags: list[Flag] = field(default_factory=list)
    last_run: dict[str, Any] | None = None
    newest_article_at: str | None = None
    """When the portal's newest article was first archived (UTC)."""
    coverage: dict[str, float | None] = field(default_factory=dict)
    """Latest sample's coverage per field (0.0-1.0)."""
    failed_articles: dict[str, Any] | None = None
    """The portal's article pages given up by runs and not archived since
    (``failed_articles``): ``retrying`` (asked for again by the next run),
    ``given_up`` (no run asks for them any more), ``given_up_recently`` (of those, given
    up in the last ``days`` days: what ``articles_given_up`` counts), ``example`` (the
    newest of these) and its ``error``. None for an archive older than the table."""

    @property
    def ok(self) -> bool:
        return not self.flags


def _rows(conn: sqlite3.Connection, sql: str, *params: Any) -> list[dict[str, Any]]:
    conn.row_factory = sqlite3.Row
    return [dict(r) for r in conn.execute(sql, params)]


def _error_rate(run: dict[str, Any]) -> tuple[int, int]:
    """(failed requests, requests) of one run."""
    statuses = json.loads(run.get("statuses") or "{}")
    failed = sum(n for code, n in statuses.items() if code.isdigit() and int(code) >= 400)
    return failed + int(run.get("exceptions") or 0), int(run.get("requests") or 0)


def _pooled_coverage(runs: list[dict[str, Any]], name: str) -> tuple[float | None, int]:
    seen = sum(int(r["articles_seen"] or 0) for r in runs if r[f"coverage_{name}"] is not None)
    if not seen:
        return None, 0
    have = sum(
        float(r[f"coverage_{name}"]) * int(r["articles_seen"] or 0)
        for r in runs
        if r[f"coverage_{name}"] is not None
    )
    return have / seen, seen


def _split_latest(runs: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """Runs (newest first) -> (latest sample, history): the latest sample is the newest
    runs up to MIN_ARTICLES article pages."""
    seen = 0
    for index, run in enumerate(runs):
        seen += int(run["articles_seen"] or 0)
        if seen >= MIN_ARTICLES:
            return runs[: index + 1], runs[index + 1 : index + 1 + HISTORY_RUNS]
    return runs, []


def _body_rule_missed(runs: list[dict[str, Any]]) -> tuple[int, int]:
    """(pages whose body the generic readers read because the portal's body rule found
    nothing, pages with a body) in the newest ``runs`` pooled up to ``MIN_ARTICLES``
    pages with a body, from each run's stats."""
    missed = read = 0
    for run in runs[:HISTORY_RUNS]:
        stats = json.loads(run.get("stats") or "{}")
        run_missed = int(stats.get("arsip/body_rule/missed", 0))
        missed += run_missed
        read += run_missed + int(stats.get("arsip/body_rule/matched", 0))
        if read >= MIN_ARTICLES:
            break
    return missed, read


def portal_health(
    conn: sqlite3.Connection,
    db_path: Path,
    portal: str,
    days: int,
    now: datetime,
    failed_retry_runs: int = 5,
    zone: str = JAKARTA,
) -> PortalHealth:
    """One portal's health; the times in its flags' messages are in ``zone``."""
    health = PortalHealth(portal)
    runs = _rows(
        conn,
        "SELECT * FROM crawl_runs WHERE portal = ? ORDER BY started_at DESC, id DESC LIMIT ?",
        portal,
        HISTORY_RUNS * 4,
    )
    if not runs:
        health.flags.append(Flag("never_crawled", "no crawl of this portal in the archive"))
        return health
    last = runs[0]
    health.last_run = {
        k: last.get(k)
        for k in (
            "id",
            "started_at",
            "finished_at",
            "finish_reason",
            "new",
            "updated",
            "requests",
            "article_page_failed",
            "failure",
        )  # fmt: skip
    }
    newest = conn.execute(
        "SELECT max(first_seen_at) FROM articles WHERE portal = ?", [portal]
    ).fetchone()[0]
    health.newest_article_at = newest
    since = now - timedelta(days=days)

    if last["failure"]:
        health.flags.append(Flag("last_run_failed", f"the last run failed: {last['failure']}"))
    elif not last["finished_at"] and not crawl_is_running(db_path):
        health.flags.append(
            Flag(
                "last_run_failed",
                f"the last run (started {human_instant(last['started_at'], zone)}) never finished",
            )
        )
    if parse_utc(last["started_at"]) < since:
        health.flags.append(
            Flag(
                "no_recent_run",
                f"no crawl in {days} days (last {human_instant(last['started_at'], zone)})",
            )
        )
    if newest is None:
        crawls = f"{len(runs)} crawl{'s' if len(runs) > 1 else ''}"
        health.flags.append(
            Flag("no_new_articles", f"no article archived yet ({crawls} of this portal so far)")
        )
    elif parse_utc(newest) < since:
        health.flags.append(
            Flag(
                "no_new_articles",
                f"no new article in {days} days (newest first archived "
                f"{human_instant(newest, zone)})",
            )
        )

    finished = [r for r in runs if r["finished_at"]]
    latest, history = _split_latest(finished)
    for name in COVERAGE_FIELDS:
        now_share, now_seen = _pooled_coverage(latest, name)
        before, before_seen = _pooled_coverage(history, name)
        health.coverage[name] = None if now_share is None else round(now_share, 4)
        if now_share is None or before is None or before_seen < MIN_ARTICLES:
            continue
        if now_seen >= MIN_ARTICLES and before - now_share >= COVERAGE_DROP:
            health.flags.append(
                Flag(
                    "coverage_drop",
                    f"{COVERAGE_NAMES[name]} found on {now_share:.0%} of the latest "
                    f"{now_seen} article pages, {before:.0%} before: template change?",
                )
            )

    recent = finished[:PAGE_FAILED_RUNS]
    if len(recent) == PAGE_FAILED_RUNS and all(r.get("article_page_failed") for r in recent):
        health.flags.append(
            Flag(
                "article_pages_failing",
                f"each of the last {PAGE_FAILED_RUNS} runs left articles unstored because "
                f"a further page of theirs could not be fetched "
                f"({recent[0]['article_page_failed']} in the last; see its log)",
            )
        )

    pending = failed_summary(conn, portal, retry_runs=failed_retry_runs, since=since)
    if pending is not None:
        health.failed_articles = asdict(pending)
        if lost := pending.given_up_recently:
            health.flags.append(
                Flag(
                    "articles_given_up",
                    f"{lost} article{'s' if lost > 1 else ''} given up in the last {days} "
                    f"days after {failed_retry_runs} runs failed to fetch "
                    f"{'them' if lost > 1 else 'it'}, e.g. {pending.example} "
                    f"({pending.error}); no run asks for {'them' if lost > 1 else 'it'} any "
                    f"more (`arsip forget --kind failed --portal {portal}` has the next run "
                    "ask again)",
                )
            )
    missed, read = _body_rule_missed(finished)
    if read >= MIN_ARTICLES and missed >= BODY_RULE_MISSED * read:
        health.flags.append(
            Flag(
                "body_rule_missed",
                f"the portal's body rule found no text on {missed} of the latest {read} "
                "article pages; the generic readers read them: template changed? (the crawl "
                "log names the rule)",
            )
        )

    if finished and (reached := budget_reached(json.loads(finished[0].get("stats") or "{}"))):
        names = " and ".join(f"{half.replace('_', ' ')} ({BUDGETS[half]})" for half in reached)
        health.flags.append(
            Flag(
                "crawl_budget_reached",
                f"the last run reached its crawl budget of {names} and left pages unread: "
                "a listing trap on the portal (its log names the first page left out), or "
                "a backfill bigger than the budget (raise it for that run)",
            )
        )

    if finished:
        failed, requests = _error_rate(finished[0])
        rate = failed / requests if requests else 0.0
        past = [_error_rate(r) for r in finished[1 : 1 + HISTORY_RUNS]]
        past_requests = sum(r for _, r in past)
        baseline = sum(f for f, _ in past) / past_requests if past_requests else 0.0
        failed_outright = any(f.kind == "last_run_failed" for f in health.flags)
        if not past_requests:
            # Nothing to compare with (a first run): a high rate is worth a flag, unless
            # the run failed outright, which the last_run_failed flag already says.
            if requests and rate >= ERROR_RATE and not failed_outright:
                health.flags.append(
                    Flag(
                        "error_rate",
                        f"{rate:.0%} of the last run's {requests} requests failed "
                        "(no earlier run to compare with)",
                    )
                )
        elif requests and rate >= ERROR_RATE and rate >= baseline + ERROR_RISE:
            health.flags.append(
                Flag(
                    "error_rate",
                    f"{rate:.0%} of the last run's {requests} requests failed "
                    f"({baseline:.0%} before)",
                )
            )
    return health


def check_health(
    conn: sqlite3.Connection,
    db_path: str | Path,
    *,
    days: int = 3,
    portals: list[str] | None = None,
    now: datetime | None = None,
    failed_retry_runs: int = 5,
    zones: Mapping[str, str] | None = None,
) -> list[PortalHealth]:
    """Health of every portal in the run log of the archive behind ``conn`` (the file
    at ``db_path``, whose writer lock tells a running crawl from one that died), plus
    ``portals`` (the enabled ones, which are flagged when never crawled). ``now`` (aware) defaults to the current time;
    ``failed_retry_runs`` is the crawler's ``ARSIP_FAILED_RETRY_RUNS``; ``zones`` the
    portals' IANA zones (their declarations'), for the times in the flags' messages
    (Asia/Jakarta, WIB, for a portal it does not name)."""
    db_path = Path(db_path)
    now = now or datetime.now(UTC)
    logged = [r[0] for r in conn.execute("SELECT DISTINCT portal FROM crawl_runs")]
    names = sorted(set(logged) | set(portals or ()))
    zones = zones or {}
    return [
        portal_health(conn, db_path, name, days, now, failed_retry_runs, zones.get(name, JAKARTA))
        for name in names
    ]


def health_report(results: list[PortalHealth], days: int) -> dict[str, Any]:
    """The ``--json`` form: ``{"ok", "checked_at", "days", "portals": [...]}``."""
    return {
        "ok": all(r.ok for r in results),
        "checked_at": utc_now(),
        "days": days,
        "portals": [{**asdict(r), "ok": r.ok} for r in results],
    }
