"""``arsip releases``: who ran a press release, when, and what each portal changed.

A thin click layer over ``archive.releases`` (``Archive.releases``); the archive is
only read.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
from tabulate import tabulate

from archive.releases import Release, Republication
from arsip.cli_analyst import (
    archive_option,
    build_filter,
    filter_options,
    output_options,
    quiet_broken_pipe,
)
from arsip.cli_options import COUNT, open_archive

HUNK_WORDS = 12
"""Words of a change shown in the table (the JSON has them all)."""
HUNKS_SHOWN = 8
"""Changes listed per republication in the table."""


def _clip(text: str) -> str:
    words = text.split()
    return " ".join(words[:HUNK_WORDS]) + (" …" if len(words) > HUNK_WORDS else "")


def _summary(copy: Republication) -> str:
    edits = copy.edits
    if edits.verbatim:
        ran = "verbatim" + (", new headline" if edits.new_headline else "")
    else:
        ran = f"edited: {', '.join(edits.changes)} (-{edits.words_cut} +{edits.words_added} words)"
    return ran + (f"; says: from {copy.note}" if copy.note else "")


def _release_text(item: Release) -> str:
    original = item.original
    lines = [
        f"{original.title or '(no title)'}",
        f"  release {item.cluster_id}: {item.size} articles on {len(item.portals)} portal(s)"
        f" ({', '.join(item.portals)})",
        f"  original: {original.portal} #{original.id} ({item.reason})",
    ]
    rows = [[original.local_time or "(no date)", "original", original.portal, original.id, ""]]
    rows += [
        [r.article.local_time or "(no date)", r.lag, r.article.portal, r.article.id, _summary(r)]
        for r in item.republications
    ]
    table = tabulate(rows, headers=["local time", "lag", "portal", "id", "ran"],
                     tablefmt="plain", maxcolwidths=[None, None, None, None, 70])  # fmt: skip
    lines += ["    " + line for line in table.splitlines()]
    for copy in item.republications:
        edits = copy.edits
        if not (edits.hunks or edits.new_headline):
            continue
        lines.append(f"  {copy.article.portal} #{copy.article.id} changed:")
        if edits.new_headline:
            lines.append(f"    headline: {original.title} -> {copy.article.title}")
        for hunk in edits.hunks[:HUNKS_SHOWN]:
            where = "lead, " if hunk.in_lead else ""
            if hunk.kind == "cut":
                what = f"- {_clip(hunk.before)}"
            elif hunk.kind == "added":
                what = f"+ {_clip(hunk.after)}"
            elif hunk.kind == "moved":
                what = _clip(hunk.before)
            else:
                what = f"{_clip(hunk.before)} -> {_clip(hunk.after)}"
            lines.append(f"    {where}{hunk.kind}: {what}")
        if len(edits.hunks) > HUNKS_SHOWN:
            lines.append(f"    ... {len(edits.hunks) - HUNKS_SHOWN} more (--format json)")
    return "\n".join(lines)


CSV_COLUMNS = (
    "release", "role", "id", "portal", "local_time", "published_at", "lag", "lag_seconds",
    "ran", "changes", "words_cut", "words_added", "similarity", "note", "title", "url",
)  # fmt: skip


def _csv_rows(items: list[Release]) -> list[list[object]]:
    rows: list[list[object]] = []
    for item in items:
        o = item.original
        rows.append([item.cluster_id, "original", o.id, o.portal, o.local_time, o.published_at,
                     "", "", "", "", "", "", "", item.reason, o.title, o.url])  # fmt: skip
        for r in item.republications:
            a, e = r.article, r.edits
            rows.append([
                item.cluster_id, "republication", a.id, a.portal, a.local_time, a.published_at,
                r.lag, "" if r.lag_seconds is None else r.lag_seconds, r.ran,
                "; ".join(e.changes), e.words_cut, e.words_added, e.similarity, r.note or "",
                a.title, a.url,
            ])  # fmt: skip
    return rows


@click.command()
@click.argument("query", required=False)
@archive_option
@filter_options
@click.option("--min-portals", type=COUNT, default=1, show_default=True,
              help="Only releases run by at least N portals.")  # fmt: skip
@click.option("--limit", type=COUNT, default=20, show_default=True,
              help="The N newest releases.")  # fmt: skip
@output_options("table", "json", "csv")
@quiet_broken_pipe
def releases(
    query: str | None, db_path: Path, portals: tuple[str, ...], sections: tuple[str, ...],
    places: tuple[str, ...], since: str | None, until: str | None, utc: bool,
    min_portals: int, limit: int, fmt: str,
) -> None:  # fmt: skip
    """Press releases and republished stories (near-duplicate clusters, exact copies
    included), newest first: the original (the earliest publication; a republication
    note naming another portal, and press-release evidence in close calls, decide
    against the clock), then each republication with its portal, local time, lag
    after the original, and whether it ran verbatim or edited, with what it changed
    word by word (cut, added, rewritten lead, new headline). A release is listed when
    one of its articles matches QUERY and the filters.

    \b
    Example:
        arsip releases --db news.db
        arsip releases 'banjir OR hujan' --portal bantenhits --since 2025-09-01 --db news.db
        arsip releases --min-portals 3 --format csv --db news.db > releases.csv
    """
    with open_archive(db_path, readonly=True) as arch:
        where = build_filter(arch, portals=portals, sections=sections, since=since,
                             until=until, utc=utc, query=query, places=places)  # fmt: skip
        found = arch.releases(where=where, min_portals=min_portals, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in found], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_rows(found))
    elif found:
        click.echo("\n\n".join(_release_text(r) for r in found))
    if not found:
        click.echo("no releases", err=True)
