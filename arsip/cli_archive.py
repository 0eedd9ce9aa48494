"""``arsip`` commands about the stored archive itself: re-extraction of kept pages,
near-duplicate clusters, and importing articles from other tools."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from archive.times import human_published
from arsip.cli_analyst import output_options
from arsip.cli_options import (
    COUNT,
    CREATES,
    READS,
    UPDATES,
    db_option,
    open_archive,
    wait_option,
    writer_lock,
)


def _progressbar(length: int, label: str):
    """A progress bar on stderr when it is a terminal; nothing in pipes and cron."""
    if sys.stderr.isatty() and length:
        return click.progressbar(length=length, label=label, file=sys.stderr)
    return nullcontext(None)


@click.command()
@db_option(UPDATES)
@click.option("--portal", metavar="NAME", help="Only pages of this portal.")
@wait_option
def reextract(db_path: Path, portal: str | None, wait: bool) -> None:
    """Re-run extraction over the raw pages kept in the archive and update articles
    through the same dedup and history rules (a changed reading becomes a revision).
    A multi-page article is read from all its pages; one with a page not kept is
    rejected (on stderr, with the page) and keeps its stored text. It takes the
    archive's writer lock: one writer at a time.

    \b
    Exit status: 0 done, 1 no usable archive, 2 usage error, 3 another arsip
    command (a crawl, an import...) is writing to the archive: nothing was done
    (see --wait).

    \b
    Example:
        arsip reextract --portal tangselpos --db news.db
    """
    from archive.moved_pages import MovedPageMissing
    from arsip.reextract import first_pages, summary_line
    from arsip.reextract import reextract as run
    from crawler.portals import all_portals

    arch = open_archive(db_path, create=False)
    if portal and portal not in all_portals():
        arch.close()
        raise click.BadParameter(
            f"unknown portal {portal} (known: {', '.join(all_portals())})", param_hint="--portal"
        )

    def rejected(url: str, message: str) -> None:
        click.echo(f"{url}: rejected: {message}", err=True)

    with (
        arch,
        writer_lock(arch, "reextract", wait=wait, refused="nothing re-extracted"),
        _progressbar(first_pages(arch), "Re-extracting") as bar,
    ):
        try:
            counts = run(
                arch, portal=portal, progress=bar.update if bar else None, rejected=rejected
            )
        except MovedPageMissing as error:  # a WARC file of moved pages is gone
            raise click.ClickException(str(error)) from None
    click.echo(summary_line(counts))


@click.command()
@db_option(READS)
@click.option(
    "--min-portals",
    type=COUNT,
    default=1,
    show_default=True,
    help="Only clusters that ran on at least N portals.",
)
@click.option("--limit", type=COUNT, default=20, show_default=True)
@output_options("table", "json")
def duplicates(db_path: Path, min_portals: int, limit: int, fmt: str) -> None:
    """The largest near-duplicate clusters (a press release and its republications):
    for each, its portals, first and last publication time, and the earliest source.

    \b
    Example:
        arsip duplicates --min-portals 3 --db news.db
        arsip duplicates --format json --db news.db | jq '.[0].articles'
    """
    with open_archive(db_path, readonly=True) as arch:
        clusters = arch.duplicates(min_portals=min_portals, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(clusters, ensure_ascii=False, indent=2))
        return
    if not clusters:
        click.echo("no near-duplicate clusters", err=True)
        return
    for cluster in clusters:
        portals = ", ".join(cluster["portals"])
        dated = [a for a in cluster["articles"] if a["published_at"]]
        first, last = (
            (dated[0], max(dated, key=lambda a: a["published_at"])) if dated else (None, None)
        )
        click.echo(
            f"cluster {cluster['cluster_id']}: {cluster['size']} articles on"
            f" {len(cluster['portals'])} portal(s) ({portals}),"
            f" {_published(first, '?')} .. {_published(last, '?')}"
        )
        earliest = cluster["earliest"]
        click.echo(f"  earliest: {earliest['portal']}: {earliest['title']}")
        for article in cluster["articles"]:
            copy = f" (copy of {article['duplicate_of']})" if article["duplicate_of"] else ""
            click.echo(
                f"  {_published(article, '(no date)'):<22} {article['portal']:<13}"
                f" {article['url']}{copy}"
            )


def _published(article: dict | None, none: str) -> str:
    if article is None:
        return none
    return human_published(article["published_local"], article["published_has_time"], none=none)


@click.command("import")
@click.argument(
    "sources", nargs=-1, required=True, metavar="FILE...",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)  # fmt: skip
@click.option(
    "--warc", is_flag=True,
    help="The FILEs are WARC files (.warc.gz or .warc): import their response records "
    "(see docs/import.md, Backfill from WARC).",
)  # fmt: skip
@click.option(
    "--portal", "portal_name", metavar="NAME|auto",
    help="With --warc: only the pages of this declared portal; 'auto': also pages of "
    "hosts no portal declares. Default: the pages of every declared portal.",
)  # fmt: skip
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
    help="Processes that read lines (or, with --warc, pages) into articles (default: the "
    "number of CPUs; 1: one process). The archive is the same whatever N.",
)  # fmt: skip
@db_option(CREATES)
@wait_option
def import_(
    sources: tuple[Path, ...], warc: bool, portal_name: str | None, jobs: int | None,
    db_path: Path, wait: bool,
) -> None:  # fmt: skip
    """Import articles from a JSON-lines FILE (one article per line, with arsip's
    Article field names or in news-please's JSON output format) through the same dedup
    and history rules as a crawl (the schema: docs/import.md). Lines that cannot be
    articles are rejected with their line number and reason; the rest are imported. A
    file that is not JSON lines at all is refused (exit status 1). It takes the
    archive's writer lock: one writer at a time.

    With --warc, the FILEs are web archives (WARC): each response record at an article
    URL of a declared portal (as `arsip explain` classifies it) is read as a crawl reads
    the page, with the record's date as the fetch time, and stored with its raw page;
    the other records are skipped and counted. A killed import goes on where it
    stopped; a file imported already is not read again.

    \b
    Exit status: 0 done, 1 no usable archive, not JSON lines or not WARC, 2 usage
    error, 3 another arsip command (a crawl, a reextract...) is writing to the archive:
    nothing was imported (see --wait).

    \b
    Example:
        arsip import articles.jsonl --db news.db
        arsip import --warc crawl-2024-*.warc.gz --db news.db
    """
    if warc:
        _import_warc(sources, portal_name, jobs, db_path, wait)
        return
    if portal_name:
        raise click.UsageError("--portal is an option of --warc")
    if len(sources) > 1:
        raise click.UsageError("a JSON-lines import reads one FILE (WARC files: --warc)")
    from arsip.importer import NotJsonLines, check_json_lines, import_file
    from arsip.workers import default_jobs

    source = sources[0]
    try:  # before the archive is opened (or created)
        check_json_lines(source)
    except NotJsonLines as error:
        hint = " (a WARC file? arsip import --warc)" if _looks_warc(source) else ""
        click.echo(f"arsip: {error}{hint}; nothing imported", err=True)
        sys.exit(1)
    with (
        open_archive(db_path) as arch,
        writer_lock(arch, "import", wait=wait, refused="nothing imported"),
        _progressbar(source.stat().st_size, f"Importing {source.name}") as bar,
    ):
        result = import_file(
            arch, source, progress=bar.update if bar else None, jobs=jobs or default_jobs()
        )
    for number, reason in result.rejected_lines:
        click.echo(f"{source}:{number}: rejected: {reason}", err=True)
    click.echo(result.summary_line(source.name))


def _looks_warc(source: Path) -> bool:
    with open(source, "rb") as f:
        return f.read(7) == b"WARC/1." or source.name.endswith((".warc", ".warc.gz"))


def _import_warc(
    sources: tuple[Path, ...], portal: str | None, jobs: int | None, db_path: Path, wait: bool
) -> None:
    """``arsip import --warc``: each file in turn (``arsip.warc_import``)."""
    from arsip.warc_import import AUTO, NotWarc, check_warc, import_warc
    from arsip.workers import default_jobs
    from crawler.portals import get_portal

    if portal and portal != AUTO:
        try:
            get_portal(portal)
        except KeyError as error:
            raise click.BadParameter(str(error.args[0]), param_hint="--portal") from None
    try:  # before the archive is opened (or created)
        for source in sources:
            check_warc(source)
    except NotWarc as error:
        click.echo(f"arsip: {error}; nothing imported", err=True)
        sys.exit(1)
    with (
        open_archive(db_path) as arch,
        writer_lock(arch, "import", wait=wait, refused="nothing imported"),
    ):
        for source in sources:
            with _progressbar(source.stat().st_size, f"Importing {source.name}") as bar:
                result = import_warc(
                    arch,
                    source,
                    portal=portal,
                    progress=bar.update if bar else None,
                    error=lambda message: click.echo(f"arsip: {message}", err=True),
                    jobs=jobs or default_jobs(),
                )
            click.echo(result.summary_line(source.name))
