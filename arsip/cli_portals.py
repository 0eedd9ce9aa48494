"""Portal commands: ``arsip portals`` (what is declared, how each is discovered, how
its last run went), ``arsip add-portal`` (a portal nobody declared, crawled through
its sitemaps and feeds) and ``arsip explain`` (which portal owns a URL, what the URL is
to it, and the rule that decided: ``crawler.portals.explain_url``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

import click

from arsip.cli_analyst import output_options
from arsip.cli_options import SHOWS_RUNS, db_option, open_archive
from crawler.portals import Portal


def portal_record(portal: Portal, enabled: bool, run: dict[str, Any] | None) -> dict[str, Any]:
    """One portal as ``arsip portals --format json`` prints it."""
    return {
        "name": portal.name,
        "family": portal.family,
        "home": portal.home,
        "enabled": enabled,
        "feeds": list(portal.feeds),
        "sitemaps": list(portal.sitemaps),
        "robots_sitemaps": portal.robots_sitemaps,
        "listings": list(portal.listings),
        "last_run": (
            {k: run[k] for k in ("started_at", "new", "updated", "failure")} if run else None
        ),
    }


def _discovery(record: dict[str, Any]) -> str:
    parts = []
    for key, label in (("feeds", "feed"), ("sitemaps", "sitemap"), ("listings", "listing")):
        if record[key]:
            count = len(record[key])
            parts.append(f"{count} {label}{'s' if count > 1 else ''}")
    if record["robots_sitemaps"]:
        parts.append("robots.txt")
    return ", ".join(parts)


@click.command()
@db_option(SHOWS_RUNS, default=None)
@output_options("table", "json")
def portals(db_path: Path | None, fmt: str) -> None:
    """List the declared portals: markup family, discovery sources (feeds, sitemaps,
    listing pages), whether a crawl without names covers them, and with --db the last
    run's time, new articles and failure.

    \b
    Example:
        arsip portals
        arsip portals --db news.db --format json
    """
    from tabulate import tabulate

    from crawler.portals import all_portals, enabled_portals

    runs = {}
    if db_path is not None:
        with open_archive(db_path, readonly=True) as arch:
            runs = arch.last_runs()
    enabled = set(enabled_portals())
    records = [
        portal_record(portal, name in enabled, runs.get(name))
        for name, portal in all_portals().items()
    ]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    headers = ["portal", "family", "enabled", "discovery", "home"]
    if db_path:
        headers += ["last run", "new", "failure"]
    rows = []
    for record in records:
        row = [
            record["name"],
            record["family"],
            "yes" if record["enabled"] else "no",
            _discovery(record),
            record["home"],
        ]
        if db_path:
            run = record["last_run"] or {}
            row += [run.get("started_at") or "never", run.get("new", ""), run.get("failure") or ""]
        rows.append(row)
    click.echo(tabulate(rows, headers=headers, tablefmt="plain"))


@click.command("add-portal")
@click.argument("url")
@click.option(
    "--name", help="The portal's name (default: from the host, www.kabar-x.id -> kabar_x)."
)
@click.option(
    "--family",
    type=click.Choice(["generic", "wordpress", "wordpress-newspaper", "wordpress-jnews",
                       "tribun", "pikiran-rakyat"]),
    default="generic",
    show_default=True,
    help="A known markup family's base instead of the generic one.",
)  # fmt: skip
@click.option(
    "--print",
    "print_only",
    is_flag=True,
    help="Write nothing: print the declaration as a crawler/portals/ module instead.",
)
def add_portal(url: str, name: str | None, family: str, print_only: bool) -> None:
    """Add the news site at URL (its home page) as a portal, so that `arsip crawl`
    archives it from its next run: its robots.txt Sitemap lines, /sitemap_index.xml,
    /wp-sitemap.xml, /sitemap.xml, /feed/ and /rss are read at crawl time, and its
    pages go through the generic extraction (structured data, known markup, then
    trafilatura). Nothing is fetched now. The portal is written to the portals file:
    ARSIP_PORTALS_FILE, else ~/.config/arsip/portals.toml (edit it to change or remove
    the portal).

    \b
    Example:
        arsip add-portal https://www.kabarserang.id/
        arsip crawl kabarserang --db news.db
        arsip add-portal https://www.kabarserang.id/ --family wordpress --print
    """
    from crawler.portals.config import (
        PortalsFileError,
        declaration_text,
        name_for,
        valid_home,
    )
    from crawler.portals.config import (
        add_portal as append_portal,
    )

    if print_only:
        if not valid_home(url):
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
        click.echo(declaration_text(name or name_for(url), url, family), nl=False)
        return
    try:
        added, where = append_portal(url, name=name, family=family)
    except PortalsFileError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write the portals file: {error}") from None
    click.echo(f"added portal {added} ({family}) to {where}")
    click.echo(f"crawl it: arsip crawl {added} --db news.db")


@click.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option(
    "--json", "as_json", is_flag=True,
    help='One JSON object per line: {"url", "portal", "kind", "rule"} (portal null when '
    "no portal owns the URL).",
)  # fmt: skip
def explain(urls: tuple[str, ...], as_json: bool) -> None:
    """Say, for each URL, which declared portal owns it, what it is to that portal
    (article, listing, sitemap, feed or other) and the rule of the declaration that
    decided: why a page was crawled, or why it was not. Nothing is fetched.

    \b
    Example:
        arsip explain https://www.radarbanten.co.id/2024/11/02/puting-beliung/
        arsip explain http://tv.radarbanten.co.id/2024/10/03/dishub-kaji/ --json
    """
    from dataclasses import asdict

    from crawler.portals import explain_url

    for url in urls:
        found = explain_url(url)
        if as_json:
            click.echo(json.dumps(asdict(found), ensure_ascii=False))
        else:
            click.echo(f"{url}\n  {found.portal or '(no portal)'}: {found.kind}\n  {found.rule}")


@click.command()
@click.argument("source", metavar="[FILE|-]", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--portal",
    "portal_name",
    required=True,
    metavar="NAME",
    help="The declared portal whose page the text is from: its own cleaning rules apply "
    "with the general ones.",
)
@click.option(
    "--json", "as_json", is_flag=True,
    help='One JSON object: {"dateline", "body", "signoff", "removed": [{"line", "rule"}]}.',
)  # fmt: skip
def clean(source: TextIO, portal_name: str, as_json: bool) -> None:
    """Clean an article's text as a crawl would: read its paragraphs, one per line,
    from FILE (or standard input), and print the cleaned body with the dateline and
    the sign-off that were taken off it, and every removed line with the name of the
    rule that removed it (read-also, caption, photo-credit, furniture, credit...):
    why a line is in the stored text, or why it is not.

    \b
    Example:
        arsip clean --portal kabar6 paragraphs.txt
        arsip clean --portal tangerangnews --json - < paragraphs.txt
    """
    from crawler.extract.clean import clean_lines
    from crawler.portals import get_portal

    try:
        portal = get_portal(portal_name)
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--portal") from None
    cleaned = clean_lines(source.read().splitlines(), portal.cleaning)
    record = {
        "dateline": cleaned.dateline,
        "body": "\n\n".join(cleaned.paragraphs),
        "signoff": cleaned.signoff,
        "removed": [{"line": r.line, "rule": r.rule} for r in cleaned.removed],
    }
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    click.echo(f"dateline: {record['dateline'] or '(none)'}")
    click.echo(f"signoff: {record['signoff'] or '(none)'}")
    click.echo(f"\n{record['body']}\n" if record["body"] else "\n(no text)\n")
    click.echo(f"removed: {len(cleaned.removed)} line{'' if len(cleaned.removed) == 1 else 's'}")
    width = max((len(r.rule) for r in cleaned.removed), default=0)
    for removal in cleaned.removed:
        click.echo(f"  {removal.rule:<{width}}  {removal.line}")
