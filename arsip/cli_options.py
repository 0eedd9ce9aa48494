"""What every command that works on an archive shares: the ``--db`` option and opening
the archive it names, with ``archive.ArchiveError`` turned into the command's message."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import click

import archive
from archive.lock import WriterLock
from archive.times import JAKARTA

EXIT_LOCKED = 3
"""Exit status of a writing command (crawl, import, reextract, merge, forget) that finds
another one writing to the archive: nothing was done."""

# Ranges of the numeric options, checked by click with its usage error (exit 2): a
# count or limit goes to SQLite, whose integers are 64-bit (a billion is far past any
# archive and reads well in --help); a number of days becomes a time span, which ends
# with the calendar.
COUNT = click.IntRange(1, 10**9)
DAYS = click.IntRange(1, 100 * 366)


class _Size(click.ParamType):
    """A size in bytes: ``1GB``, ``500MB``, ``64KB`` (``archive.sizes.parse_size``)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        from archive.sizes import parse_size

        try:
            return parse_size(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


WARC_SIZE = _Size()

CREATES = "The archive file (SQLite); created when missing. Also $ARSIP_DB."
UPDATES = "The archive file (SQLite) to update; it must exist. Also $ARSIP_DB."
READS = "The archive file (SQLite), only read; it must exist. Also $ARSIP_DB."
SHOWS_RUNS = "An archive: show each portal's last run from its run log. Also $ARSIP_DB."


def db_option(help: str, default: str | None = "arsip.db") -> Callable[[Callable], Callable]:
    """``--db DB`` (or ``$ARSIP_DB``): the archive a command works on; ``help`` says
    what the command does with it (``CREATES``, ``UPDATES``, ``READS``...)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        envvar="ARSIP_DB",
        help=help,
    )


def portal_zone(portal: str | None) -> str:
    """The IANA zone of a portal's declaration (``crawler/portals/``), in which its times
    are printed; Asia/Jakarta (WIB) for a portal arsip does not declare (an import)."""
    return portal_zones().get(portal or "", JAKARTA)


@lru_cache(maxsize=1)
def portal_zones() -> dict[str, str]:
    """Every declared portal's zone by portal name."""
    try:
        from crawler.portals import all_portals

        return {name: portal.timezone for name, portal in all_portals().items()}
    except Exception:  # a broken ARSIP_PORTALS_MODULE must not stop a report
        return {}


def open_archive(db_path: Path, **how: Any) -> archive.Archive:
    """``archive.open(db_path, **how)``; an archive that cannot be opened so is the
    command's error (exit status 1) with the reason."""
    try:
        return archive.open(db_path, **how)
    except archive.ArchiveError as error:
        raise click.ClickException(str(error)) from None


def wait_option(command: Callable) -> Callable:
    """``--wait``: wait for the writer lock instead of exiting with status 3."""
    return click.option(
        "--wait",
        is_flag=True,
        help="When another arsip command is writing to the archive (a crawl, an "
        "import...), wait for it to end instead of exiting (status 3).",
    )(command)


@contextlib.contextmanager
def writer_lock(
    arch: archive.Archive, command: str, *, wait: bool, refused: str, quiet: bool = False,
    cannot_lock: int = 1,
) -> Iterator[WriterLock]:  # fmt: skip
    """Hold the archive's writer lock (``archive.lock``) as ``command`` for the block:
    the one way every writing command takes it. Held by another process: exit status 3
    with who holds it and ``refused`` (what was not done), or, with ``wait``, wait
    for it (saying so). A lock file that cannot be made exits ``cannot_lock``."""
    from archive.lock import LockHeld, describe, holding

    lock = arch.lock(wait=None if wait else 0.0, command=command)
    holder = lock.held_by() if wait else {}
    if holder and not quiet:
        click.echo(f"arsip: {holding(holder)} ({describe(holder)}); waiting for it to end ...",
                   err=True)  # fmt: skip
    try:
        lock.acquire(wait=lock.wait)
    except LockHeld as held:
        click.echo(f"arsip: {held}; {refused} (use --wait to wait for it)", err=True)
        sys.exit(EXIT_LOCKED)
    except OSError as error:
        click.echo(f"arsip: cannot create the lock file {lock.path}: {error}", err=True)
        sys.exit(cannot_lock)
    try:
        if lock.stale and not quiet:
            click.echo(
                f"arsip: taking over the lock of {_a_holder(lock.stale)} that did not end "
                f"cleanly ({describe(lock.stale)})",
                err=True,
            )
        yield lock
    finally:
        lock.release()


def _a_holder(holder: dict[str, Any]) -> str:
    command = holder.get("command") or "crawl"
    return "a crawl" if command == "crawl" else f"an arsip {command}"
