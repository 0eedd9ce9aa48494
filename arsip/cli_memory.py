"""The crawler's memory between runs, for operators: ``arsip memory`` lists it,
``arsip forget`` forgets entries so that the next run fetches them again.

A thin click layer over ``archive.memory.report``. ``memory`` opens the archive read-only, so
it runs while a crawl writes. ``forget`` takes the writer lock (``archive.lock``): a
running crawl writes its own memory when it ends, which would undo the forgetting.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from archive import Archive
from archive.memory.report import COLUMNS, KINDS, TABLES, Forgotten
from arsip.cli_analyst import archive_option, emit_rows, output_options, quiet_broken_pipe
from arsip.cli_options import UPDATES, db_option, open_archive, wait_option, writer_lock


def _check_portals(arch: Archive, portals: tuple[str, ...]) -> None:
    """An unknown portal is a usage error (exit 2) that lists the known ones: the
    declared portals and any the archive remembers something of."""
    if not portals:
        return
    from crawler.portals import all_portals

    known = sorted(set(all_portals()) | set(arch.memory_portals()))
    unknown = [p for p in portals if p not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown portal {', '.join(map(repr, unknown))} (known: {', '.join(known)})",
            param_hint="'--portal'",
        )


def _note_missing(db_path: Path, missing: list[str]) -> None:
    if missing:
        click.echo(
            f"arsip: {db_path} has no {', '.join(missing)} table (an archive of an older "
            "arsip, which did not remember this; its next crawl adds the table)",
            err=True,
        )


def portal_option(help_text: str):
    return click.option("--portal", "portals", multiple=True, metavar="NAME", help=help_text)


def kind_option(help_text: str):
    return click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help=help_text)


# -- memory -------------------------------------------------------------------------


SUMMARY_COLUMNS = (
    ("empty", "pages without an article"),
    ("failed", "articles to retry"),
    ("given_up", "articles given up"),
    ("sitemap", "child sitemaps"),
)


def _summary_table(rows: list[dict], kinds: tuple[str, ...]) -> str:
    """Entries per portal and kind (a failed article given up counted apart)."""
    columns = [(key, title) for key, title in SUMMARY_COLUMNS
               if key in kinds or (key == "given_up" and "failed" in kinds)]  # fmt: skip
    counts: dict[str, Counter] = {}
    for row in rows:
        given_up = row["kind"] == "failed" and row["state"] == "given_up"
        counts.setdefault(row["portal"] or "(none)", Counter())[
            "given_up" if given_up else row["kind"]
        ] += 1
    from tabulate import tabulate  # here, not at the top: 0.05 s of every command's start

    return tabulate(
        [[portal, *(c[key] for key, _ in columns)] for portal, c in sorted(counts.items())],
        headers=["portal", *(title for _, title in columns)],
    )


def _due(row: dict) -> str:
    """When the next run reads an entry again: its time, ``now``, or ``-`` (archived)."""
    return {"skipped": row["due_at"], "archived": "-"}.get(row["state"], "now")


def _kind_tables(rows: list[dict], kinds: tuple[str, ...], settings: Any) -> str:
    """One table per kind, under a heading that says what the next run does with it."""
    headings = {
        "empty": "Pages without an article (read again by the next run that meets them once "
        f"due: ARSIP_EMPTY_RETRY_DAYS={settings.ARSIP_EMPTY_RETRY_DAYS:g} days after their "
        "last fetch, at once after one empty reading)",
        "failed": "Article pages a run gave up (asked for again by URL until "
        f"ARSIP_FAILED_RETRY_RUNS={settings.ARSIP_FAILED_RETRY_RUNS} runs failed on them)",
        "sitemap": "Child sitemaps read completely (skipped while the index gives no newer "
        "lastmod, read again once due: "
        f"ARSIP_SITEMAP_RECHECK_DAYS={settings.ARSIP_SITEMAP_RECHECK_DAYS:g} days at most "
        "after their last reading)",
    }
    columns: dict[str, list[tuple[str, Any]]] = {  # (header, row -> cell) after portal, state, url
        "empty": [("reason", "reason"), ("first found", "first_seen_at"),
                  ("last fetched", "fetched_at"), ("fetches", "fetches"), ("due", _due)],
        "failed": [("last error", "error"), ("failures", "failures"),
                   ("first failed", "first_failed_at"), ("last failed", "failed_at")],
        "sitemap": [("lastmod", "lastmod"), ("read at", "read_at"), ("due", _due),
                    ("run", "crawl_run_id")],
    }  # fmt: skip
    parts = []
    for kind in kinds:
        chosen = [r for r in rows if r["kind"] == kind]
        cells = [("portal", "portal"), ("state", "state"), ("url", "url"), *columns[kind]]
        from tabulate import tabulate

        table = tabulate(
            [[get(r) if callable(get) else r[get] for _, get in cells] for r in chosen],
            headers=[header for header, _ in cells],
        )
        parts.append(f"{headings[kind]}:\n" + (table if chosen else "  none"))
    return "\n\n".join(parts)


@click.command()
@archive_option
@portal_option("Only this portal (repeatable).")
@kind_option("Only this kind (repeatable): empty (pages without an article), failed "
             "(article pages given up), sitemap (child sitemaps read completely).")  # fmt: skip
@output_options("table", "csv", "json", "jsonl")
@quiet_broken_pipe
def memory(db_path: Path, portals: tuple[str, ...], kinds: tuple[str, ...], fmt: str) -> None:
    """What the crawler remembers between runs, per portal, and what the next run does
    with it: pages that held no article (skipped until due), article pages a run gave
    up (asked for again, or given up after ARSIP_FAILED_RETRY_RUNS runs), child
    sitemaps read completely (skipped while their lastmod has not moved, until
    ARSIP_SITEMAP_RECHECK_DAYS call for them again). Read-only:
    safe while a crawl runs. `arsip forget` makes the next run fetch entries again.

    \b
    JSON, JSON lines and CSV give one row per entry: kind (empty, failed, sitemap),
    portal, url, state, and its table's columns (null where the kind has none):
      empty    state unconfirmed|skipped|due|archived; reason, first_seen_at,
               fetched_at, fetches, due_at (when it is fetched again)
      failed   state retrying|given_up|archived; error, first_failed_at, failed_at,
               failures (runs that gave it up)
      sitemap  state skipped|due; lastmod (the index's, when read), read_at,
               due_at (when it is read again whatever its lastmod)
    and crawl_run_id (the run that wrote it). Times are UTC.

    \b
    Example:
        arsip memory --db news.db
        arsip memory --portal tangselpos --kind failed --format json --db news.db
    """
    from crawler import settings

    chosen = tuple(k for k in KINDS if k in kinds) if kinds else KINDS
    arch = open_archive(db_path, readonly=True)
    try:
        _check_portals(arch, portals)
        found = arch.memory(
            portals=portals,
            kinds=chosen,
            empty_retry_days=settings.ARSIP_EMPTY_RETRY_DAYS,
            failed_retry_runs=settings.ARSIP_FAILED_RETRY_RUNS,
            sitemap_recheck_days=settings.ARSIP_SITEMAP_RECHECK_DAYS,
        )
    except sqlite3.DatabaseError as error:  # e.g. damaged beyond its first pages
        raise click.ClickException(f"cannot read {db_path}: {error}") from None
    finally:
        arch.close()
    _note_missing(db_path, found.missing)
    shown = tuple(k for k in chosen if TABLES[k] not in found.missing)
    if fmt == "csv":  # one header for every kind, also over no rows
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(found.rows)
    elif fmt != "table":
        emit_rows(found.rows, fmt, table=str)
    elif found.rows:
        summary = _summary_table(found.rows, shown)
        details = _kind_tables(found.rows, shown, settings)
        click.echo(f"{summary}\n\n{details}")
    if shown and not found.rows:
        click.echo("nothing remembered", err=True)


# -- forget -------------------------------------------------------------------------


def _urls(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    for url in value:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    return value


@click.command()
@click.argument("urls", nargs=-1, callback=_urls, metavar="[URL]...")
@db_option(UPDATES)
@portal_option("Forget this portal's entries (repeatable).")
@kind_option("Forget only this kind (repeatable): empty, failed, sitemap.")
@wait_option
def forget(
    urls: tuple[str, ...], db_path: Path, portals: tuple[str, ...], kinds: tuple[str, ...],
    wait: bool,
) -> None:  # fmt: skip
    """Forget what the crawler remembers, so that the next run fetches it again: after
    mending a portal's declaration, or when a site has put articles where it had video
    pages. Choose by --portal and --kind, or by URL (as `arsip memory` lists it; an
    article URL in any of its forms).

    \b
    What the next run then does:
      empty    the page is fetched where the run meets it (the portal's child
               sitemaps are forgotten with it, so that the run reads them whole
               and meets every page they list)
      failed   the article is asked for by URL again, for up to
               ARSIP_FAILED_RETRY_RUNS runs (its failure count starts over)
      sitemap  the child sitemap is read whole

    One transaction; it prints the entries forgotten per kind. It takes the archive's
    writer lock for that moment: while a crawl (or an import...) runs it exits with
    status 3 and changes nothing (a running crawl writes its memory when it ends, which
    would undo this), unless --wait is given. An archive written by a newer arsip is refused.

    \b
    Exit status: 0 done, 1 no usable archive, 2 usage error, 3 another arsip command
    (a crawl) is writing to the archive.

    \b
    Example:
        arsip forget --portal kabar6 --kind sitemap --db news.db
        arsip forget --portal tangselpos --kind empty --db news.db
        arsip forget https://www.tangselpos.id/detail/51234/x --db news.db
    """
    if not (urls or portals or kinds):
        raise click.UsageError(
            "say what to forget: URLs, --portal NAME and/or --kind KIND "
            f"(kinds: {', '.join(KINDS)})"
        )
    chosen = tuple(k for k in KINDS if k in kinds) if kinds else KINDS
    # A clear error before any lock file is made. Nothing is upgraded: forgetting only
    # deletes rows, of the tables the archive has.
    with open_archive(db_path, create=False, upgrade=False) as arch:
        _check_portals(arch, portals)
        done = _forget_locked(arch, portals, chosen, urls, wait)
    _note_missing(db_path, done.missing)
    present = [k for k in chosen if TABLES[k] not in done.missing]
    if "empty" in present:
        click.echo(
            f"{_count(done.empty, 'page')} without an article forgotten: fetched again "
            f"where the next run meets {'it' if done.empty == 1 else 'them'}"
        )
        if done.sitemaps_of_empty:
            click.echo(
                f"{_count(done.sitemaps_of_empty, 'child sitemap')} of their portals "
                "forgotten with them: read whole by the next run"
            )
    if "failed" in present:
        click.echo(
            f"{_count(done.failed, 'failed article')} forgotten: asked for again by the next run"
        )
    if "sitemap" in present:
        click.echo(f"{_count(done.sitemap, 'child sitemap')} forgotten: read whole by the next run")
    for url in done.not_remembered:
        click.echo(f"arsip: nothing remembered under {url}", err=True)


def _forget_locked(
    arch: Archive, portals: tuple[str, ...], kinds: tuple[str, ...], urls: tuple[str, ...],
    wait: bool,
) -> Forgotten:  # fmt: skip
    """Forget under the writer lock: a running crawl writes its memory when it ends,
    which would undo the forgetting (exit status 3 while one runs, unless ``wait``)."""
    refused = "nothing forgotten (a running crawl writes its memory when it ends)"
    with writer_lock(arch, "forget", wait=wait, refused=refused):
        try:
            return arch.forget(portals=portals, kinds=kinds, urls=urls)
        except sqlite3.DatabaseError as error:  # disk full, locked
            raise click.ClickException(f"cannot write {arch.path}: {error}") from None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


COMMANDS = (memory, forget)
