"""``arsip places``: the Banten gazetteer articles are tagged with, how many articles of
an archive are about each place, and tagging an archive's articles again. A thin layer
over ``archive.places.gazetteer`` and ``archive.places``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from arsip.cli_analyst import output_options
from arsip.cli_options import db_option, open_archive

DB_HELP = (
    "An archive: count its articles about each place (with --retag: tag them again; it "
    "must exist). Also $ARSIP_DB."
)


@click.command()
@db_option(DB_HELP, default=None)
@click.option("--retag", is_flag=True,
              help="Tag every article of --db again with this arsip's gazetteer, now.")  # fmt: skip
@output_options("table", "csv", "json")
def places(db_path: Path | None, retag: bool, fmt: str) -> None:
    """List the Banten places articles are tagged with: the province, its regencies and
    cities and their kecamatan, with their official codes (kode wilayah) and the short
    names arsip reads. A --place option takes a code, an official name or a short name.
    With --db, how many of its articles are about each place; with --retag, tag them
    all again (arsip also does that by itself whenever a command that writes, such as
    crawl, opens an archive tagged with another gazetteer).

    \b
    Example:
        arsip places
        arsip places --db news.db --format json
        arsip places --retag --db news.db
    """
    from archive.places.gazetteer import SOURCE, gazetteer, gazetteer_version

    if retag and db_path is None:
        raise click.UsageError("--retag needs --db FILE (or $ARSIP_DB)")
    counts: dict[str, int] | None = None
    if retag:
        with open_archive(db_path, create=False) as arch:
            # Opening already tagged the articles again when the gazetteer had changed.
            read = arch.places_retagged
            if read is None:
                read = arch.retag_places()
            state = arch.places_state()
        click.echo(
            f"places: {read} article{'' if read == 1 else 's'} tagged again with gazetteer "
            f"{state['version']}: {state['articles']} name{'s' if state['articles'] == 1 else ''}"
            " a Banten place, "
            f"{state['tags']} tags"
        )
        return
    if db_path is not None:
        with open_archive(db_path, readonly=True) as arch:
            where = arch.filter()
            conditions, params = where.where()
            from archive.places import place_counts

            counts = {
                r["code"]: r["articles"]
                for r in place_counts(arch.db, where.source(), conditions, params)
            }
    rows: list[dict[str, Any]] = [
        {
            "code": p.code,
            "level": p.level,
            "name": p.name,
            "aliases": list(p.aliases),
            **({"articles": counts.get(p.code, 0)} if counts is not None else {}),
        }
        for p in gazetteer().values()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv
        import sys

        writer = csv.writer(sys.stdout)
        writer.writerow(rows[0].keys())
        writer.writerows([*r.values()][:3] + ["|".join(r["aliases"])] + [*r.values()][4:]
                         for r in rows)  # fmt: skip
    else:
        from tabulate import tabulate

        click.echo(tabulate(
            [[r["code"], ("  " if r["level"] == "kecamatan" else "") + r["name"],
              r["level"], ", ".join(r["aliases"]), *([r["articles"]] if counts is not None else [])]
             for r in rows],
            headers=["code", "place", "level", "also", *(["articles"] if counts is not None else [])],
            disable_numparse=[0],  # codes are no numbers (36.10 is not 36.1)
        ))  # fmt: skip
        click.echo(f"\n{len(rows)} places, gazetteer {gazetteer_version()}: {SOURCE}")
