"""The analyst's commands: ``search``, ``show``, ``export``, ``stats`` and ``serve``.

A thin click layer over ``archive.search``, ``archive.export``, ``archive.stats`` and
``archive.serve``. The archive is only ever opened read-only here. User errors (a
malformed query, a bad date, an unknown portal) are reported by click with exit code 2;
a missing archive or article with exit code 1.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from archive import Archive
from archive.export import MissingExtra
from archive.search import ORDERS, RANK_LIMIT, ArticleFilter, SearchTimeLimit, parse_when
from archive.search_language import QuerySyntaxError
from archive.stats import GROUPS, OTHER, PERIODS, TABLE_WIDTH
from archive.times import human_instant, human_published
from arsip.cli_options import COUNT, READS, WARC_SIZE, db_option, open_archive, portal_zone

# -- shared options ---------------------------------------------------------------------


archive_option = db_option(READS)
"""``--db``: an existing archive (these commands never create one)."""


def output_options(*formats: str, default: str = "table") -> Callable[[Callable], Callable]:
    """``--format``, shared by the commands that print rows (sqlite-utils style)."""

    def decorate(func: Callable) -> Callable:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def filter_options(func: Callable) -> Callable:
    """The filters shared by search, export and stats; the command receives them
    already checked as an ``ArticleFilter`` factory in ``where``."""
    options = [
        click.option("--portal", "portals", multiple=True, metavar="NAME",
                     help="Only this portal (repeatable)."),
        click.option("--section", "sections", multiple=True, metavar="NAME",
                     help="Only this section, any case (repeatable)."),
        click.option("--place", "places", multiple=True, metavar="PLACE",
                     help="Only articles about this Banten place or a place in it: code, "
                          "official or short name, any case (repeatable; `arsip places`)."),
        click.option("--since", metavar="DATE",
                     help="Published on or after (YYYY-MM-DD or ISO 8601; WIB unless --utc)."),
        click.option("--until", metavar="DATE",
                     help="Published on or before (a day includes the whole day)."),
        click.option("--utc", is_flag=True,
                     help="Read --since/--until (and stats' days) in UTC instead of WIB."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def build_filter(
    arch: Archive,
    *,
    portals: tuple[str, ...],
    sections: tuple[str, ...],
    since: str | None,
    until: str | None,
    utc: bool,
    query: str | None = None,
    places: tuple[str, ...] = (),
) -> ArticleFilter:
    """Check the user's filters and turn them into an ``ArticleFilter``; every problem
    is a click usage error (exit code 2) naming the option."""
    if portals:
        from crawler.portals import all_portals

        known = sorted(set(arch.portals()) | set(all_portals()))
        unknown = [p for p in portals if p not in known]
        if unknown:
            raise click.BadParameter(
                f"unknown portal {', '.join(map(repr, unknown))} (known: {', '.join(known)})",
                param_hint="'--portal'",
            )
    codes = _place_codes(arch, places)
    bounds: dict[str, str | None] = {}
    for name, value in (("since", since), ("until", until)):
        try:
            bounds[name] = parse_when(value, end=name == "until", utc=utc) if value else None
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint=f"'--{name}'") from None
    try:
        return ArticleFilter(
            portals=portals, sections=sections, places=codes, query=query,
            since=bounds["since"], until=bounds["until"],
        )  # fmt: skip
    except QuerySyntaxError as error:
        raise click.BadParameter(str(error), param_hint="'QUERY'") from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--since'/'--until'") from None


def _place_codes(arch: Archive, places: tuple[str, ...]) -> tuple[str, ...]:
    """The codes of the ``--place`` values; an unknown or ambiguous one is a usage
    error, an archive without place tags the command's error. Tags made with another
    gazetteer than the one shipped are used, with a note on stderr."""
    if not places:
        return ()
    from archive.places.gazetteer import resolve_place

    try:
        codes = tuple(resolve_place(place).code for place in places)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--place'") from None
    state = arch.places_state(counted=False)
    if state["tagged_version"] is None:
        raise click.ClickException(
            f"{arch.path} has no place tags yet (an older arsip wrote it): "
            f"run `arsip places --retag --db {arch.path}` once"
        )
    if not state["current"]:
        click.echo(
            f"note: {arch.path}'s place tags were made with gazetteer "
            f"{state['tagged_version']}, this arsip ships {state['version']}: "
            "`arsip places --retag` (or any crawl) tags them again",
            err=True,
        )
    return codes


def quiet_broken_pipe(func: Callable) -> Callable:
    """``arsip export | head`` is normal use: a closed pipe ends the output silently."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            # Point stdout at devnull so the interpreter's final flush does not complain.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)

    return wrapper


def emit_rows(rows: list[dict[str, Any]], fmt: str, *, table: Callable[[], str]) -> None:
    """Print ``rows`` as csv (header first), json (one list), jsonl or a text table."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        if rows:
            writer.writerow(rows[0].keys())
        writer.writerows(row.values() for row in rows)
    else:
        click.echo(table())


class QueryCommand(click.Command):
    """A command whose QUERY may start with ``-`` (``-pamulang banjir``: a word left out,
    then a word to find). After ``--`` any query is read as one, as for every click
    command. Without it, a word of several words that starts with a single ``-`` is
    the query, since no option has spaces in its name; a lone ``-word`` before the
    query still reads as an option, and the error says to put ``--`` first."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        if "--" not in args:
            takes_value = {
                name
                for param in self.params
                if isinstance(param, click.Option) and not param.is_flag and not param.count
                for name in param.opts
            }
            for index, token in enumerate(args):
                query_like = (
                    token.startswith("-")
                    and not token.startswith("--")
                    and any(c.isspace() for c in token.strip())
                )
                if query_like and not (index and args[index - 1] in takes_value):
                    args = [*args[:index], *args[index + 1 :], "--", token]
                    break
        given = list(args)  # click consumes the list it parses
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            name = error.option_name
            word = next((t for t in given if t.startswith(name) and t != name), name)
            error.message += (
                " A query that starts with '-' goes after '--', as the last argument: "
                f"arsip {ctx.info_name} [OPTIONS] -- '{word} ...'"
            )
            raise


# -- search -----------------------------------------------------------------------------

SEARCH_TIME_LIMIT = 10.0
"""Default of ``arsip search --time-limit``: a search of words and phrases takes well
under a second on a large archive; many OR-ed short prefixes can take minutes."""


@click.command(cls=QueryCommand)
@click.argument("query")
@archive_option
@filter_options
@click.option("--limit", type=COUNT, default=20, show_default=True,
              help="Best N matches.")  # fmt: skip
@click.option("--time-limit", type=click.FloatRange(0, 86400), default=SEARCH_TIME_LIMIT,
              show_default=True, metavar="SECONDS",
              help="Stop a search that runs longer (exit status 1); 0: no limit.")  # fmt: skip
@click.option("--order", type=click.Choice(ORDERS), default="auto", show_default=True,
              help="rank: best first (bm25); newest: newest first; auto: rank, unless "
                   f"more than {RANK_LIMIT:,} articles match (then newest).")  # fmt: skip
@output_options("table", "csv", "json", "jsonl")
@quiet_broken_pipe
def search(
    query: str, db_path: Path, portals: tuple[str, ...], sections: tuple[str, ...],
    places: tuple[str, ...], since: str | None, until: str | None, utc: bool, limit: int,
    time_limit: float, order: str,
    fmt: str,
) -> None:  # fmt: skip
    """Full-text search over titles and bodies, best matches first (bm25, title
    weighted), each with a snippet where the matched words are in [brackets]. When
    more than 50,000 articles of the archive match the words (a word in most of them),
    the newest come first, unranked: ranking them all would take seconds and tell
    little.

    \b
    QUERY syntax (case and diacritics do not matter):
      banjir pamulang     both words, anywhere in title or body
      "andra soni"        the exact phrase
      banjir OR longsor   either word (OR in capitals)
      -hoaks, NOT hoaks   without the word (with at least one word to find)
      vaksin*             words starting with vaksin
      (banjir OR longsor) tangsel   grouping
      -- '-hoaks banjir'  a query that starts with '-' after '--'

    \b
    Example:
        arsip search '"andra soni" -influencer' --db news.db
        arsip search 'banjir OR hujan' --since 2025-09-01 --format json --db news.db
        arsip search banjir --place Tangsel --place "Kab. Tangerang" --db news.db
    """
    with open_archive(db_path, readonly=True) as arch:
        where = build_filter(arch, portals=portals, sections=sections, since=since,
                             until=until, utc=utc, query=query, places=places)  # fmt: skip
        try:
            rows = arch.search(query, where=where, limit=limit, time_limit=time_limit,
                               order=order)  # fmt: skip
        except SearchTimeLimit as stopped:
            raise click.ClickException(
                f"{stopped}: narrow it (fewer OR terms, longer prefixes than a few letters, "
                "--portal, --since) or give it more time (--time-limit SECONDS, 0: none)"
            ) from None
    if order == "auto" and rows.order == "newest":
        click.echo(unranked_note(), err=True)

    def table() -> str:
        from tabulate import tabulate  # here, not at the top: 0.05 s of every command's start

        return tabulate(
            [[r["id"], human_published(r["published_local"], r["published_has_time"], none=""),
              r["portal"], r["section"] or "", r["title"], r["snippet"]] for r in rows],
            headers=["id", "published", "portal", "section", "title", "snippet"],
            maxcolwidths=[None, None, None, 14, 40, 60], tablefmt="simple",
        )  # fmt: skip

    if rows or fmt != "table":
        emit_rows(rows, fmt, table=table)
    if not rows:
        click.echo("no matches", err=True)


def unranked_note() -> str:
    """What ``arsip search`` says when it did not rank the matches (``--order auto``)."""
    return (
        f"more than {RANK_LIMIT:,} articles of the archive match the words: the newest "
        "first, not ranked (a word in that many articles says little about relevance); "
        "add a word or a phrase to rank them, or --order rank to rank them all"
    )


# -- show -------------------------------------------------------------------------------


def _article_text(article: dict[str, Any]) -> str:
    def line(label: str, value: Any) -> str | None:
        return f"{label:<15}{value}" if value not in (None, "", []) else None

    zone = portal_zone(article["portal"])

    def when(instant: str | None) -> str:
        return human_instant(instant, zone)

    published = human_published(article["published_local"], article["published_has_time"])
    if article["published_has_time"] is not False and article["published_at"]:
        published = f"{published}  ({article['published_at']})"
    head = [
        f"#{article['id']}  {article['title'] or '(no title)'}",
        line("url", article["url"]),
        line("portal", article["portal"]),
        line("section", article["section"]),
        line("published", published),
        line("authors", ", ".join(article["authors"] or [])),
        line("editor", article["editor"]),
        line("dateline", article["dateline"]),
        line("tags", ", ".join(article["tags"] or [])),
        line(
            "places",
            ", ".join(
                f"{p['place']} ({p['code']}, {p['role']} {p['score']})"
                for p in article.get("places") or []
            ),
        ),  # fmt: skip
        line(
            "press release", article["press_release_phrase"] if article["press_release"] else None
        ),
        line("revision", article["revision"]),
        line("seen", f"{when(article['first_seen_at'])} .. {when(article['last_seen_at'])}"),
        line("duplicate of", f"#{article['duplicate_of']}" if article["duplicate_of"] else None),
    ]
    parts = ["\n".join(h for h in head if h)]
    parts.append(
        "URLs:\n" + "\n".join(f"  {u['url']}  (first seen {when(u['first_seen_at'])})"
                              for u in article["urls"])  # fmt: skip
        if article["urls"] else "URLs: none recorded"
    )  # fmt: skip
    if article["revisions"]:
        parts.append(
            "Earlier revisions:\n"
            + "\n".join(
                f"  {r['revision']}  replaced {when(r['replaced_at'])}  {r['title']}"
                for r in article["revisions"]
            )
        )
    related = [("Same cluster", article["cluster"]), ("Exact copies", article["copies"])]
    for label, rows in related:
        if rows:
            parts.append(
                f"{label} (cluster {article['cluster_id']}):"
                if label == "Same cluster"
                else f"{label}:"
            )
            parts[-1] += "".join(
                f"\n  #{r['id']:<6} {r['portal']:<14}"
                f" {human_published(r['published_local'], r['published_has_time']):<22} {r['title']}"
                for r in rows
            )
    parts.append(article["body"] or "(no text)")
    return "\n\n".join(parts)


@click.command()
@click.argument("article")
@archive_option
@output_options("text", "json", default="text")
def show(article: str, db_path: Path, fmt: str) -> None:
    """Show one ARTICLE, by id or by any URL it was seen under: its fields and text,
    every URL, earlier revisions, and the other articles of its near-duplicate cluster.

    \b
    Example:
        arsip show 19 --db news.db
        arsip show 'https://m.tangselpos.id/detail/51234/x?utm_source=fb' --format json
    """
    with open_archive(db_path, readonly=True) as arch:
        record = arch.show(article)
    if record is None:
        kind = "id" if article.strip().isdigit() else "URL"
        raise click.ClickException(f"no article with {kind} {article} in {db_path}")
    if fmt == "json":
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        click.echo(_article_text(record))


# -- export -----------------------------------------------------------------------------


@click.command(cls=QueryCommand)
@click.argument("query", required=False)
@archive_option
@filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet", "warc"]),
              default="csv", show_default=True, help="Output format.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="FILE|DIR",
              help="Write to FILE (default: standard output; required for parquet); "
                   "warc: into the directory DIR (made if it does not exist).")  # fmt: skip
@click.option("--warc-size", type=WARC_SIZE, default="1GB", show_default=True, metavar="SIZE",
              help="warc: start a new file once one reaches SIZE (KB, MB, GB).")  # fmt: skip
@quiet_broken_pipe
def export(
    query: str | None, db_path: Path, portals: tuple[str, ...], sections: tuple[str, ...],
    places: tuple[str, ...], since: str | None, until: str | None, utc: bool, fmt: str,
    output: Path | None, warc_size: int,
) -> None:  # fmt: skip
    """Write every article (or those matching QUERY and the filters) with all its
    columns, oldest first, streaming: memory stays flat for any archive size. A
    progress bar shows on a terminal. Parquet needs the `parquet` extra.

    --format warc writes the raw pages kept by crawls instead (every page, or with
    QUERY and filters those of the selected articles) as WARC files
    (PREFIX-TIMESTAMP-SERIAL.warc.gz, PREFIX the archive's name) and their CDXJ index
    (PREFIX-TIMESTAMP.cdxj) into --output DIR, for pywb and other web-archive tools
    (docs/warc.md). Needs the `warc` extra.

    \b
    Example:
        arsip export --portal tangselpos --since 2025-09-01 --db news.db > articles.csv
        arsip export banjir --format parquet -o banjir.parquet --db news.db
        arsip export --place 36.02 --format jsonl -o lebak.jsonl --db news.db
        arsip export --format warc -o warc/ --warc-size 500MB --db news.db
    """
    from archive.export import arrow_without_pandas, write_csv, write_jsonl, write_parquet

    if fmt == "warc":
        if output is None:
            raise click.UsageError("--format warc needs --output DIR (a directory of files)")
        filtered = bool(query or portals or sections or places or since or until)
        _export_warc(db_path, output, warc_size, filtered, dict(
            portals=portals, sections=sections, since=since, until=until, utc=utc,
            query=query, places=places))  # fmt: skip
        return
    if output is not None and output.is_dir():
        raise click.BadParameter(f"{output} is a directory", param_hint="'--output'")
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet needs --output FILE (Parquet is not a stream)")
    if output is not None and not output.parent.is_dir():
        raise click.BadParameter(
            f"cannot write {output}: {output.parent} is not a directory", param_hint="'--output'"
        )
    with open_archive(db_path, readonly=True) as arch:
        where = build_filter(arch, portals=portals, sections=sections, since=since,
                             until=until, utc=utc, query=query, places=places)  # fmt: skip
        columns = arch.columns()
        names = [name for name, _ in columns]
        show_progress = sys.stderr.isatty()
        total = arch.count(where=where) if show_progress else 0
        partial = output.with_name(output.name + ".part") if output else None
        with click.progressbar(
            length=total, label=f"Exporting {total} articles", file=sys.stderr,
        ) if show_progress else _NoProgress() as bar:  # fmt: skip
            rows = _counted(arch.articles(where=where), bar.update)
            try:
                if fmt == "parquet":
                    arrow_without_pandas()  # (this process is the command's alone)
                    count = write_parquet(rows, columns, str(partial))
                elif partial is not None:
                    with partial.open("w", encoding="utf-8", newline="") as out:
                        count = (write_csv if fmt == "csv" else write_jsonl)(rows, names, out)
                else:
                    count = (write_csv if fmt == "csv" else write_jsonl)(rows, names, sys.stdout)
            except MissingExtra as error:
                raise click.ClickException(str(error)) from None
            except BaseException as error:
                if partial is not None:
                    with contextlib.suppress(OSError):  # e.g. the name is a directory
                        partial.unlink(missing_ok=True)
                    if isinstance(error, OSError):  # no permission, disk full...
                        raise click.ClickException(
                            f"cannot write {output}: {error.strerror or error}"
                        ) from None
                raise
    if output is not None:
        partial.replace(output)  # a failed export never leaves a half file under FILE
        click.echo(f"exported {count} article{'' if count == 1 else 's'} to {output}", err=True)


def _export_warc(
    db_path: Path, output: Path, warc_size: int, filtered: bool, filters: dict[str, Any]
) -> None:
    """``export --format warc``: the kept raw pages as WARC files and a CDXJ index."""
    from archive.moved_pages import MovedPageMissing

    if output.exists() and not output.is_dir():
        raise click.BadParameter(f"{output} is not a directory", param_hint="'--output'")
    if not output.parent.is_dir():
        raise click.BadParameter(
            f"cannot write into {output}: {output.parent} is not a directory",
            param_hint="'--output'",
        )
    with open_archive(db_path, readonly=True) as arch:
        where = build_filter(arch, **filters) if filtered else None
        show_progress = sys.stderr.isatty()
        total = arch.page_count(where=where) if show_progress else 0
        try:
            with click.progressbar(
                length=total, label=f"Exporting {total} pages", file=sys.stderr,
            ) if show_progress else _NoProgress() as bar:  # fmt: skip
                files = arch.export_warc(output, max_size=warc_size, where=where,
                                         progress=bar.update)  # fmt: skip
        except (MissingExtra, MovedPageMissing) as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:  # no permission, disk full...
            raise click.ClickException(
                f"cannot write into {output}: {error.strerror or error}"
            ) from None
    count = files.pages
    click.echo(
        f"exported {count} page{'' if count == 1 else 's'} to {len(files.files)} WARC "
        f"file{'' if len(files.files) == 1 else 's'} in {output}, index {files.index_path}",
        err=True,
    )


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def update(self, steps: int) -> None:
        pass


def _counted(
    rows: Iterable[dict[str, Any]], step: Callable[[int], None]
) -> Iterable[dict[str, Any]]:
    for row in rows:
        yield row
        step(1)


# -- stats ------------------------------------------------------------------------------


@click.command()
@archive_option
@filter_options
@click.option("--by", type=click.Choice(PERIODS), default="day", show_default=True,
              help="Count per local day, ISO week or month.")  # fmt: skip
@click.option("--group", type=click.Choice(list(GROUPS)), default="portal", show_default=True,
              help="One column (one plot line) per portal, section, or place (regency or city).")  # fmt: skip
@output_options("table", "json")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.png",
              help="Also draw the counts per period into a PNG (needs the `plot` extra).")  # fmt: skip
@click.option("--rolling", type=COUNT, metavar="N",
              help="Plot the mean of the last N periods instead of each period's count.")  # fmt: skip
def stats(
    db_path: Path, portals: tuple[str, ...], sections: tuple[str, ...],
    places: tuple[str, ...], since: str | None, until: str | None, utc: bool, by: str,
    group: str, fmt: str, plot: Path | None, rolling: int | None,
) -> None:  # fmt: skip
    """Articles per portal, per section, per Banten place (an article about a kecamatan
    counts for its regency or city and the province too), then per day, week or month
    (local days, WIB; UTC with --utc) of each portal or section, empty periods as zero.
    The table keeps within 100 columns: groups that do not fit are summed as `other`.
    Times are the portal's local time.

    \b
    Example:
        arsip stats --since 2025-09-01 --db news.db
        arsip stats --by week --group section --db news.db
        arsip stats --plot per-day.png --rolling 7 --db news.db
        arsip stats --place "Kota Serang" --db news.db
    """
    from archive.stats import period_table, plot_per_period

    if rolling is not None and plot is None:
        raise click.UsageError("--rolling N smooths the plot: give --plot FILE.png too")
    if plot is not None and not plot.parent.is_dir():
        raise click.BadParameter(
            f"cannot write {plot}: {plot.parent} is not a directory", param_hint="'--plot'"
        )
    with open_archive(db_path, readonly=True) as arch:
        where = build_filter(arch, portals=portals, sections=sections, since=since,
                             until=until, utc=utc, places=places)  # fmt: skip
        # The table and the plot show no day of each portal: not read for them.
        facts = arch.stats(where=where, utc=utc, by=by, group=group, days=fmt == "json")
    if plot is not None:
        days = "UTC days" if utc else "local days"
        smooth = f", mean of {rolling} {by}s" if rolling else ""
        try:
            plot_per_period(
                facts["per_period"], plot, rolling=rolling,
                title=f"Articles per {by} per {group} ({days}{smooth}), {db_path.name}",
            )  # fmt: skip
        except MissingExtra as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:  # no permission, disk full...
            raise click.ClickException(f"cannot write {plot}: {error.strerror or error}") from None
    if fmt == "json":
        click.echo(json.dumps(facts, ensure_ascii=False, indent=2))
    else:
        undated = f", {facts['undated']} without a date" if facts["undated"] else ""
        click.echo(f"{facts['articles']} articles{undated}\n")
        from tabulate import tabulate

        click.echo(tabulate(
            [[r["portal"], r["articles"],
              human_published(r["first_published_local"], True, none="-"),
              human_published(r["last_published_local"], True, none="-")]
             for r in facts["per_portal"]],
            headers=["portal", "articles", "first published", "last published"],
        ))  # fmt: skip
        click.echo()
        from tabulate import tabulate

        click.echo(tabulate([list(r.values()) for r in facts["per_section"]],
                            headers=["portal", "section", "articles"]))  # fmt: skip
        if facts["per_place"]:
            click.echo()
            from tabulate import tabulate

            click.echo(tabulate([list(r.values()) for r in facts["per_place"]],
                                headers=["code", "place", "articles"],
                                disable_numparse=[0]))  # codes are no numbers  # fmt: skip
        click.echo()
        headers, rows, folded = period_table(facts["per_period"])
        from tabulate import tabulate

        click.echo(tabulate(rows, headers=headers))
        if folded:
            click.echo()
            click.echo(textwrap.fill(f"{OTHER}: {', '.join(folded)}", width=TABLE_WIDTH))
    if plot is not None:
        click.echo(f"plot written to {plot}", err=True)


# -- serve ------------------------------------------------------------------------------


@click.command()
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; 0.0.0.0 exposes the archive to the network.")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db_path: Path, host: str, port: int) -> None:
    """Read, browse and search the archive in Datasette, read-only, until stopped
    (Ctrl-C). Each article reads as an article (/article/ID: its text, places, the
    other versions of its release with word diffs, revisions); /releases and
    /release/ID show who ran which press release, when, with a timeline. The articles
    list is searchable, faceted by portal, section, local day, place and tag; stored
    queries answer who ran a release, articles per day, revisions.

    \b
    Example:
        arsip serve --db news.db --port 8001
        # then open http://127.0.0.1:8001/search?q=banjir
    """
    from archive.serve import serve as run_server

    open_archive(db_path, readonly=True).close()  # fail here, not in the browser, on a non-archive
    # Read-only but live: serving goes on while a crawl writes (archive/serve.py).
    run_server(db_path, host=host, port=port)


COMMANDS = (search, show, export, stats, serve)
