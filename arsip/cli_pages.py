"""``arsip pages``: where the archive's raw pages are kept (SQLite or WARC files), and
``arsip pages move``, moving them out of SQLite (``archive.moved_pages``)."""

from __future__ import annotations

import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import click

from arsip.cli_options import READS, UPDATES, db_option, open_archive, wait_option, writer_lock

DAYS = click.FloatRange(min=0)


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} bytes"  # unreachable


@click.group(invoke_without_command=True)
@db_option(READS)
@click.pass_context
def pages(ctx: click.Context, db_path: Path) -> None:
    """Where the raw pages kept by crawls are: how many pages, and bytes, in SQLite and
    in WARC files (moved there by `arsip pages move`).

    \b
    Example:
        arsip pages --db news.db
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_archive(db_path, readonly=True) as arch:
        status = arch.page_status()
    click.echo(
        f"in SQLite: {status['sqlite_pages']} pages, {_size(status['sqlite_bytes'])} "
        f"({_size(status['sqlite_stored_bytes'])} compressed)"
    )
    click.echo(
        f"in WARC files: {status['warc_pages']} pages, {_size(status['warc_bytes'])} "
        f"({_size(status['warc_record_bytes'])} in records, {status['warc_files']} "
        f"file{'' if status['warc_files'] == 1 else 's'})"
    )


@pages.command()
@click.option("--to", "directory", required=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="The directory of the WARC files (made if it does not exist).")  # fmt: skip
@click.option("--older-than", type=DAYS, metavar="DAYS",
              help="Only pages fetched more than DAYS days ago.")  # fmt: skip
@click.option("--portal", metavar="NAME", help="Only the pages of this portal's articles.")
@click.option("--warc-size", metavar="SIZE", default="1GB", show_default=True,
              help="Start a new file once one reaches SIZE (KB, MB, GB).")  # fmt: skip
@click.option("--vacuum", is_flag=True,
              help="Then VACUUM the archive to give the freed space back to the disk.")  # fmt: skip
@db_option(UPDATES)
@wait_option
def move(
    directory: Path, older_than: float | None, portal: str | None, warc_size: str,
    vacuum: bool, db_path: Path, wait: bool,
) -> None:  # fmt: skip
    """Move raw pages out of SQLite into WARC files in DIR (named and rotated as
    `arsip export --format warc` names them, with a CDXJ index). Each finished file
    is synced to disk and read back, each record checked against the page's digest;
    only then are the pages' locations recorded and their bodies cleared in SQLite, in
    one transaction per file. `arsip reextract`, `export --format warc` and the Python
    API read moved pages from their files: keep DIR where it is (a path under the
    archive's directory is recorded relative to it). Moving again moves only what is
    left; a move that was killed is simply run again. It takes the archive's writer
    lock: one writer at a time.

    \b
    Exit status: 0 done, 1 no usable archive or DIR not writable, 2 usage error,
    3 another arsip command is writing to the archive: nothing was moved.

    \b
    Example:
        arsip pages move --to pages-warc --older-than 90 --vacuum --db news.db
    """
    from archive.export import MissingExtra
    from archive.sizes import parse_size

    try:
        max_size = parse_size(warc_size)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--warc-size") from None
    if not directory.parent.is_dir():
        raise click.BadParameter(
            f"cannot write into {directory}: {directory.parent} is not a directory",
            param_hint="'--to'",
        )
    if portal is not None:
        from crawler.portals import all_portals

        if portal not in all_portals():
            raise click.BadParameter(
                f"unknown portal {portal} (known: {', '.join(all_portals())})",
                param_hint="--portal",
            )
    arch = open_archive(db_path, create=False)
    with arch, writer_lock(arch, "pages move", wait=wait, refused="nothing moved"):
        from archive.moved_pages import count_candidates

        total = count_candidates(arch.db, older_than, portal)
        bar_context = (
            click.progressbar(length=total, label="Moving pages", file=sys.stderr)
            if sys.stderr.isatty() and total
            else nullcontext(None)
        )
        try:
            with bar_context as bar:
                result = arch.move_pages(
                    directory, max_size=max_size, older_than=older_than, portal=portal,
                    progress=bar.update if bar else None,
                )  # fmt: skip
        except MissingExtra as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            raise click.ClickException(
                f"cannot write into {directory}: {error.strerror or error}"
            ) from None
        for stale in result.stale_removed:
            click.echo(f"removed {stale}, left unfinished by a move that was stopped", err=True)
        rate = result.pages / result.seconds if result.seconds else 0
        click.echo(
            f"moved {result.pages} page{'' if result.pages == 1 else 's'} "
            f"({_size(result.bytes)}) to {len(result.files)} WARC "
            f"file{'' if len(result.files) == 1 else 's'} in {directory} "
            f"in {result.seconds:.1f}s ({rate:.0f} pages/s)"
        )
        if vacuum:
            arch.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the move, into the file
            before = os.path.getsize(db_path)
            started = time.monotonic()
            arch.db.execute("VACUUM")
            arch.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file, shrunk
            seconds = time.monotonic() - started
            click.echo(
                f"vacuum: {_size(before)} -> {_size(os.path.getsize(db_path))} in {seconds:.1f}s"
            )
