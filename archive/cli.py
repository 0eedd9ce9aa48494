"""The ``arsip`` command: crawl portals into an archive, serve the offline mirror, and
look at what was archived. A thin click layer over ``crawler`` and ``archive``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive.query import search_articles, summary

DB_HELP = "The archive file (SQLite); created when missing."


def db_option(default: str = "arsip.db"):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=True,
        envvar="ARSIP_DB",
        help=DB_HELP,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arsip")
def cli() -> None:
    """arsip: an archive of Indonesian regional news.

    \b
    Example:
        arsip crawl tangselpos --db news.db
        arsip search "Andra Soni" --db news.db
    """


# -- crawling -----------------------------------------------------------------------


@cli.command()
@click.argument("portals", nargs=-1)
@db_option()
@click.option("--mirror", metavar="URL", help="Crawl an offline mirror (http://127.0.0.1:N).")
@click.option("--max-articles", type=click.IntRange(min=1), help="Stop after N article pages.")
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's INFO log on stderr.")
@click.option("--no-pages", is_flag=True, help="Do not keep raw pages (ARSIP_KEEP_PAGES=0).")
def crawl(
    portals: tuple[str, ...],
    db_path: Path,
    mirror: str | None,
    max_articles: int | None,
    verbose: bool,
    no_pages: bool,
) -> None:
    """Crawl PORTALS (default: every declared portal) into the archive.

    \b
    Example:
        arsip crawl tangselpos --db news.db
        arsip crawl --mirror http://127.0.0.1:8642 --db test.db
    """
    from crawler.portals import all_portals
    from crawler.run import run_crawl

    names = list(portals) or list(all_portals())
    unknown = [n for n in names if n not in all_portals()]
    if unknown:
        raise click.BadParameter(
            f"unknown portal {', '.join(unknown)} (known: {', '.join(all_portals())})",
            param_hint="PORTALS",
        )
    pages = False if no_pages else None  # None: the ARSIP_KEEP_PAGES setting decides
    results = run_crawl(
        names, db_path, mirror=mirror, max_articles=max_articles, verbose=verbose, keep_pages=pages
    )
    failed = False
    for result in results:
        click.echo(result.summary_line())
        if not result.ok:
            failed = True
            click.echo(f"arsip: portal {result.portal} failed: {result.problem}", err=True)
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8642, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
def mirror(port: int, host: str) -> None:
    """Serve the sample portal sites until stopped (Ctrl-C), one log line per request.

    \b
    Example:
        arsip mirror --port 8642 &
        arsip crawl --mirror http://127.0.0.1:8642 --db test.db
    """
    from crawler.mirror.server import MirrorServer, default_sites

    server = MirrorServer(default_sites(), host=host, port=port)
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
@db_option(default="demo.db")
def demo(db_path: Path) -> None:
    """Start the offline mirror, crawl it into an archive, and show what was archived.

    \b
    Example:
        arsip demo --db demo.db
    """
    from crawler.mirror.server import MirrorServer, default_sites
    from crawler.run import run_crawl

    with MirrorServer(default_sites(), log=None) as server:
        click.echo(f"Offline mirror of {server.sites[0].hosts[0]} running at {server.url}")
        click.echo(f"Crawling it into {db_path} ...")
        results = run_crawl(["tangselpos"], db_path, mirror=server.url)
    for result in results:
        click.echo(result.summary_line())
    facts = summary(db_path)
    click.echo(f"\nThe archive {db_path} holds {facts['articles']} articles:")
    for portal, count in facts["per_portal"]:
        click.echo(f"  {portal:<12} {count:>5}")
    click.echo("\nLatest articles:")
    for row in facts["latest"]:
        click.echo(f"  {row['published_local'] or '(no date)':<27} {row['title']}")
    query = "Andra Soni"
    click.echo(f'\nSearch "{query}":')
    for row in search_articles(db_path, query, limit=3):
        click.echo(f"  {row['published_local'] or '':<27} {row['title']}")
        click.echo(f"      {row['snippet']}")
    click.echo(f"\nTry: arsip search banjir --db {db_path}")
    if not all(r.ok for r in results):
        sys.exit(1)


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


# -- the archive --------------------------------------------------------------------


@cli.command()
@click.argument("query")
@db_option()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def search(query: str, db_path: Path, limit: int, as_json: bool) -> None:
    """Full-text search over titles and bodies, best matches first.

    \b
    Example:
        arsip search "Andra Soni" --db news.db
    """
    if not db_path.exists():
        raise click.ClickException(f"no archive at {db_path}")
    rows = search_articles(db_path, query, limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{row['published_local'] or '':<27} {row['portal']:<12} {row['title']}")
            click.echo(f"    {row['url']}")
            click.echo(f"    {row['snippet']}")
    if not rows and not as_json:
        click.echo("no matches", err=True)


# -- the archive's own commands (archive/cli_archive.py) -----------------------------
from archive.cli_archive import duplicates, import_, reextract  # noqa: E402

cli.add_command(reextract)
cli.add_command(duplicates)
cli.add_command(import_)
