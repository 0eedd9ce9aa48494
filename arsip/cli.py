"""The ``arsip`` command: crawl portals into an archive, serve the offline mirror, and
look at what was archived. A thin click layer over ``crawler`` and ``archive``.
"""

from __future__ import annotations

import importlib
import json
import sys
from datetime import datetime
from pathlib import Path

import click

import archive
from archive.times import human_published
from arsip.cli_options import (
    COUNT,
    CREATES,
    DAYS,
    WARC_SIZE,
    db_option,
    open_archive,
    wait_option,
    writer_lock,
)


class LazyGroup(click.Group):
    """A group whose commands outside this module are imported when they are run (or
    their help is asked for), as in click's "Lazily Loading Subcommands": a crawl or a
    search does not import every other command's modules (tabulate, the releases,
    the portal and memory reports), about 0.1 s of each command's start."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, _, attribute = self.lazy[name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert command.name == name, f"{self.lazy[name]} is `arsip {command.name}`"
        return command


# The commands that live in their own modules: name -> "module:attribute".
LAZY_COMMANDS = {
    # The analyst's commands.
    "search": "arsip.cli_analyst:search",
    "show": "arsip.cli_analyst:show",
    "export": "arsip.cli_analyst:export",
    "stats": "arsip.cli_analyst:stats",
    "serve": "arsip.cli_analyst:serve",
    "releases": "arsip.cli_releases:releases",
    "places": "arsip.cli_places:places",
    # The operator's: health, the archive's own commands, the crawler's memory.
    "health": "arsip.cli_ops:health",
    "reextract": "arsip.cli_archive:reextract",
    "duplicates": "arsip.cli_archive:duplicates",
    "import": "arsip.cli_archive:import_",
    "memory": "arsip.cli_memory:memory",
    "forget": "arsip.cli_memory:forget",
    # Portals.
    "portals": "arsip.cli_portals:portals",
    "add-portal": "arsip.cli_portals:add_portal",
    "explain": "arsip.cli_portals:explain",
    "clean": "arsip.cli_portals:clean",
    # A crawl over several machines; raw pages in SQLite or WARC files.
    "dispatch": "arsip.cli_shards:dispatch",
    "merge": "arsip.cli_shards:merge",
    "pages": "arsip.cli_pages:pages",
}


@click.group(
    cls=LazyGroup,
    lazy=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="arsip")
def cli() -> None:
    """arsip: an archive of Indonesian regional news.

    \b
    Example:
        arsip crawl tangselpos --db news.db
        arsip search "Andra Soni" --db news.db
    """
    from archive.db import busy_wait, max_db_pages

    try:  # a typo in a cron job's environment: named, before any archive is touched
        max_db_pages()
        busy_wait()
    except ValueError as error:
        click.echo(f"arsip: {error}", err=True)
        raise SystemExit(2) from None


# -- crawling -----------------------------------------------------------------------


# Exit statuses of ``arsip crawl`` (docs/operating.md: Exit status); 2 is click's usage
# error, 3 (``EXIT_LOCKED``) another writer holds the archive.
EXIT_OK = 0
EXIT_PORTAL_FAILED = 1
EXIT_ARCHIVE_ERROR = 4


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+07:00])"
        ) from None
    return value


def _check_warc_dir(directory: Path) -> None:
    """``crawl --warc DIR``: the extra installed and DIR writable, before any fetch."""
    from archive.export import MissingExtra
    from archive.warc import _warcio

    try:
        _warcio()
    except MissingExtra as error:
        raise click.ClickException(str(error)) from None
    if not directory.parent.is_dir():
        raise click.BadParameter(
            f"cannot write into {directory}: {directory.parent} is not a directory",
            param_hint="'--warc'",
        )


@cli.command()
@click.argument("portals", nargs=-1)
@db_option(CREATES)
@click.option(
    "--since",
    metavar="DATE",
    callback=_since,
    help="Skip articles older than DATE (sitemap lastmod, listing dates) and stop paging "
    "past it: the limit of a first run or a backfill. YYYY-MM-DD, portal's time zone.",
)
@click.option(
    "--max-pages",
    "max_articles",
    type=COUNT,
    help="Fetch at most N article pages per portal in this run.",
)
@click.option("--max-articles", "max_articles", type=COUNT, hidden=True)
@click.option(
    "--refresh-days",
    type=DAYS,
    help="Also re-fetch articles first archived in the last N days, to catch edits "
    "(a changed article gets a new revision).",
)
@wait_option
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append Scrapy's INFO log to this file.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only failures (for cron).")
@click.option("--mirror", metavar="URL", help="Crawl an offline mirror (http://127.0.0.1:N).")
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's INFO log on stderr.")
@click.option("--no-pages", is_flag=True, help="Do not keep raw pages (ARSIP_KEEP_PAGES=0).")
@click.option("--warc", "warc_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Also write every page read into WARC files in DIR, one set "
              "and a CDXJ index per portal (ARSIP_WARC_DIR; needs the `warc` extra).")  # fmt: skip
@click.option("--warc-size", type=WARC_SIZE, default="1GB", show_default=True, metavar="SIZE",
              help="With --warc: a new file once one reaches SIZE (KB, MB, GB).")  # fmt: skip
def crawl(
    portals: tuple[str, ...],
    db_path: Path,
    since: str | None,
    max_articles: int | None,
    refresh_days: int | None,
    wait: bool,
    log_file: Path | None,
    quiet: bool,
    mirror: str | None,
    verbose: bool,
    no_pages: bool,
    warc_dir: Path | None,
    warc_size: int,
) -> None:
    """Crawl PORTALS (default: every enabled portal) into the archive, in one process.

    Incremental: articles already in the archive are not fetched again (unless their
    sitemap lastmod is newer, or --refresh-days covers them). One writer per archive at
    a time: a crawl, an import, a reextract, a merge or a forget (a lock on DB.lock,
    beside the archive's real file).

    \b
    Exit status:
      0  every portal ran
      1  a portal failed outright (named on stderr); the others were archived
      2  usage error (unknown portal, bad option)
      3  another crawl (or import, reextract, merge, forget) is writing to this archive
      4  the archive could not be opened or written (disk full: the crawl stops)

    \b
    Example:
        arsip crawl --db news.db --quiet --log-file crawl.log
        arsip crawl tangselpos --db news.db --since 2025-09-01 --max-pages 500
    """
    from arsip.crawl import run_crawl
    from crawler.portals import all_portals, enabled_portals

    names = list(portals) or enabled_portals()
    unknown = [n for n in names if n not in all_portals()]
    if unknown:
        raise click.BadParameter(
            f"unknown portal {', '.join(unknown)} (known: {', '.join(all_portals())})",
            param_hint="PORTALS",
        )
    if not names:
        raise click.UsageError("no enabled portal to crawl")
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    if warc_dir is not None:
        _check_warc_dir(warc_dir)
    try:
        arch = archive.open(db_path)  # created or upgraded once, before any portal
    except archive.ArchiveError as error:
        click.echo(f"arsip: cannot use the archive: {error}", err=True)
        sys.exit(EXIT_ARCHIVE_ERROR)
    with (
        arch,
        writer_lock(arch, "crawl", wait=wait, quiet=quiet, refused="not crawling",
                    cannot_lock=EXIT_ARCHIVE_ERROR),
    ):  # fmt: skip
        results = run_crawl(
            names,
            arch,
            mirror=mirror,
            max_articles=max_articles,
            since=since,
            refresh_days=refresh_days,
            verbose=verbose,
            quiet=quiet,
            log_file=log_file,
            keep_pages=False if no_pages else None,
            warc=(warc_dir, warc_size) if warc_dir is not None else None,
        )
    failed = False
    archive_error = None
    for result in results:
        if not quiet:
            click.echo(result.summary_line())
        if result.stats.get("arsip/archive_error"):
            # Disk full or the like: what was stored before is whole (one transaction
            # per article); the rest waits for the next run.
            archive_error = result.stats["arsip/archive_error"]
            click.echo(
                f"arsip: portal {result.portal} stopped: the archive {db_path} cannot be "
                f"written ({archive_error}); the articles stored before are intact",
                err=True,
            )
        elif not result.ok:
            failed = True
            click.echo(f"arsip: portal {result.portal} failed: {result.problem}", err=True)
    if archive_error:
        sys.exit(EXIT_ARCHIVE_ERROR)
    sys.exit(EXIT_PORTAL_FAILED if failed else EXIT_OK)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8642, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="PATTERN=KIND[:ARG][xN]",
    help="Misbehave on matching paths (glob), e.g. '/detail/*=status:503x2'. Repeatable.",
)
@click.option(
    "--fault-rate", type=click.FloatRange(0, 1), default=0.0, help="Random faults on this share."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of random faults.")
@click.option(
    "--articles",
    type=COUNT,
    help="Serve N generated articles instead of the sample site (for benchmarks).",
)
def mirror(
    port: int,
    host: str,
    faults: tuple[str, ...],
    fault_rate: float,
    seed: int,
    articles: int | None,
) -> None:
    """Serve the sample portal sites until stopped (Ctrl-C), one log line per request.

    Faults (for reliability testing) are listed in crawler/mirror/faults.py: status,
    retry-after, reset, stall, truncate, charset, charset-reverse, binary, huge,
    gzip-bomb, xml-bomb, redirect-loop, trap, huge-sitemap, gzip, gzip-file.

    \b
    Example:
        arsip mirror --port 8642 &
        arsip crawl --mirror http://127.0.0.1:8642 --db test.db
        arsip mirror --fault '/detail/51234/*=status:503x1' --fault-rate 0.1 --seed 7
    """
    from crawler.mirror.faults import FaultPlan
    from crawler.mirror.server import MirrorServer, default_sites

    try:
        plan = FaultPlan.from_specs(list(faults), rate=fault_rate, seed=seed)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--fault") from None
    if articles:
        from crawler.mirror.generated import generate_articles, generated_site

        sites = [generated_site(generate_articles(articles, hours_apart=0.75))]
    else:
        sites = default_sites()
    server = MirrorServer(sites, host=host, port=port, faults=plan)
    click.echo(
        f"arsip mirror serving {', '.join(s.hosts[0] for s in server.sites)} at {server.url}"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@db_option(CREATES, default="demo.db")
def demo(db_path: Path) -> None:
    """Start the offline mirror, crawl it into an archive, and show what was archived.

    \b
    Example:
        arsip demo --db demo.db
    """
    from arsip.crawl import run_crawl
    from crawler.mirror.server import MirrorServer, default_sites
    from crawler.portals import all_portals

    with MirrorServer(default_sites(), log=None) as server:
        hosts = [site.hosts[0] for site in server.sites]
        click.echo(f"Offline mirror of {len(hosts)} portals running at {server.url}")
        click.echo(f"Crawling them into {db_path} ...")
        # Every declared portal the mirror serves, disabled ones too: it is our server.
        served = [
            name
            for name, portal in all_portals().items()
            if any(portal.owns(f"https://{host}/") for host in hosts)
        ]
        with (
            open_archive(db_path) as arch,
            writer_lock(arch, "crawl", wait=False, refused="not crawling"),
        ):
            results = run_crawl(served, arch, mirror=server.url)
            for result in results:
                click.echo(result.summary_line())
            _show_demo(arch, db_path)
    if not all(r.ok for r in results):
        sys.exit(1)


def _show_demo(arch: archive.Archive, db_path: Path) -> None:
    """What ``arsip demo`` prints of the archive it made."""
    facts = arch.summary()
    click.echo(f"\nThe archive {db_path} holds {facts['articles']} articles:")
    for portal, count in facts["per_portal"]:
        click.echo(f"  {portal:<14} {count:>5}")
    click.echo("\nLatest articles:")
    for row in facts["latest"]:
        click.echo(f"  {human_published(row['published_local'], row['published_has_time']):<22}"
                   f" {row['title']}")  # fmt: skip
    query = "Andra Soni"
    click.echo(f'\nSearch "{query}":')
    for row in arch.search(query, limit=3):
        when = human_published(row["published_local"], row["published_has_time"], none="")
        click.echo(f"  {when:<22} {row['title']}")
        click.echo(f"      {row['snippet']}")
    clusters = arch.duplicates(min_portals=2, limit=1)
    if clusters:
        (cluster,) = clusters
        click.echo(
            f"\nThe press release most portals ran ({cluster['size']} articles on "
            f"{len(cluster['portals'])} portals), earliest first:"
        )
        for article in cluster["articles"]:
            when = human_published(
                article["published_local"], article["published_has_time"], none=""
            )
            click.echo(f"  {when:<22} {article['portal']:<14} {article['title']}")
    click.echo(
        f"\nTry: arsip search banjir --db {db_path}\n"
        f"     arsip duplicates --min-portals 2 --db {db_path}\n"
        f"     arsip serve --db {db_path}"
    )


# -- one page -----------------------------------------------------------------------


@cli.command()
@click.argument(
    "page", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option("--url", help="The page's real URL (selects portal rules).")
@click.option(
    "--batch",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='A JSON-lines manifest: {"id", "path", "url"} per line; paths relative to it.',
)
@click.option("--fetched-at", help="Fetch time for relative dates (ISO 8601); default now.")
def extract(page: Path | None, url: str | None, batch: Path | None, fetched_at: str | None) -> None:
    """Print the Article extracted from PAGE (JSON), or one JSON line per manifest line.

    \b
    Example:
        arsip extract saved.html --url https://www.tangselpos.id/detail/51234/x
        arsip extract --batch manifest.jsonl > articles.jsonl
    """
    from crawler.extract.batch import extract_file, extract_manifest

    if batch:
        for line in extract_manifest(batch, fetched_at=fetched_at):
            click.echo(json.dumps(line, ensure_ascii=False))
        return
    if not page or not url:
        raise click.UsageError("give PAGE and --url, or --batch MANIFEST")
    record = extract_file(page, url, fetched_at=fetched_at)
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))
