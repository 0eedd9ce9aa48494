"""Operator commands: ``arsip health``."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.times import human_instant
from arsip.cli_options import DAYS, READS, db_option, open_archive, portal_zone, portal_zones

if TYPE_CHECKING:
    from archive.health import PortalHealth


@click.command()
@db_option(READS)
@click.option(
    "--days",
    type=DAYS,
    default=3,
    show_default=True,
    help="Flag a portal with no new article (or no crawl) in this many days.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON report (for monitoring).")
def health(db_path: Path, days: int, as_json: bool) -> None:
    """Check each portal's latest crawls against its history; exit 1 when anything is
    flagged (a failed last run, no new articles, a field's coverage falling, errors
    rising, article pages given up after ARSIP_FAILED_RETRY_RUNS runs), so that cron
    mails it.

    \b
    Example:
        arsip health --db news.db --days 2
        arsip health --db news.db --json
    """
    from archive.health import health_report
    from crawler import settings
    from crawler.portals import enabled_portals

    with open_archive(db_path, readonly=True) as arch:
        try:
            results = arch.health(
                days=days,
                portals=enabled_portals(),
                failed_retry_runs=settings.ARSIP_FAILED_RETRY_RUNS,
                zones=portal_zones(),
            )
        except sqlite3.DatabaseError:  # damaged past its first pages
            raise click.ClickException(f"{db_path} is not an arsip archive") from None
    if as_json:
        click.echo(json.dumps(health_report(results, days), ensure_ascii=False, indent=2))
    else:
        for result in results:
            state = "OK" if result.ok else "FLAGGED"
            if result.last_run is None:
                click.echo(f"{result.portal:<14} {state:<8} never crawled")
            else:
                click.echo(f"{result.portal:<14} {state:<8} {_run_line(result)}")
            for flag in result.flags:
                click.echo(f"  ! {flag.kind}: {flag.message}")
    sys.exit(0 if all(r.ok for r in results) else 1)


def _run_line(result: PortalHealth) -> str:
    """``last run 2025-09-16 09:00 WIB, 3 new; newest article first archived ...``, in
    the portal's own time."""
    last = result.last_run or {}
    zone = portal_zone(result.portal)
    left = last.get("article_page_failed") or 0
    retrying = (result.failed_articles or {}).get("retrying") or 0
    return (
        f"last run {human_instant(last.get('started_at'), zone)}, {last.get('new') or 0} new"
        + (f", {left} left for the next run (a page failed)" if left else "")
        + (
            f", {retrying} failed article{'s' if retrying > 1 else ''} to ask for again"
            if retrying
            else ""
        )
        + "; newest article first archived "
        + human_instant(result.newest_article_at, zone, none="none yet")
    )
