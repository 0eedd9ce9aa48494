"""One writer at a time per archive: an exclusive lock on ``<archive>.lock``.

Every command that writes to an archive (``arsip crawl``, ``import``, ``reextract``,
``forget``) holds it while it writes, so that two of them never interleave their
transactions (a long import transaction would otherwise make a crawl's next write wait,
or fail, on SQLite's own lock). The lock file sits beside the archive's real file:
``<archive>`` is the path with every symlink resolved, so that two names of one file
(a symlink, ``./news.db`` and ``/srv/arsip/news.db``) share one lock. Two names that
are hard links of one file (one inode, so no path leads from one to the other) are
caught by a second ``flock`` on the archive file itself, taken with the first: the
record then sits in the lock file of the name the holder used, and the other name's
writer is told the holder is unknown.

The lock is an OS-level ``flock`` held on the open lock file for as long as the writer
runs. The kernel releases it when the process ends in any way (exit, crash, SIGKILL,
power loss of the process), so a lock can never outlive its holder and needs no
clean-up. The file's content (``pid``, ``host``, ``started_at`` as JSON) only tells
the next run who holds it, or who held it last: a file whose lock is free but whose
content names a holder is the mark of a run that did not end cleanly ("stale"), and is
taken over. The lock file must live on a local file system (flock over NFS is not
reliable), which is where SQLite wants its file anyway.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from archive.times import utc_now


class LockHeld(Exception):
    """Another live process holds the archive's writer lock."""

    def __init__(self, path: Path, holder: dict[str, Any]):
        self.path = path
        self.holder = holder
        super().__init__(f"{holding(holder)} ({describe(holder)}; lock {path})")


def holding(holder: dict[str, Any]) -> str:
    """What holds the lock, as a clause: ``another arsip import is writing to this
    archive``; a record without a command is a crawl's (arsip before the command was
    recorded locked only crawls)."""
    command = holder.get("command") or "crawl"
    if command == "crawl":
        return "another crawl is running on this archive"
    return f"another arsip {command} is writing to this archive"


def describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "holder unknown"
    return (
        f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
        f"started {holder.get('started_at', '?')}"
    )


def lock_path(db_path: str | Path) -> Path:
    """``<archive>.lock`` beside the archive's real file (symlinks resolved)."""
    return Path(f"{Path(db_path).resolve()}.lock")


_inode_files: dict[tuple[int, int, str], Any] = {}
"""Descriptors of archive files, opened once per (device, inode, role) and never
closed: closing any descriptor of a file drops every POSIX lock this process holds on
it, and SQLite's own locks on the archive are POSIX locks. ``flock`` locks are
separate from those (Linux), so the two never meet."""


def _inode_file(db_path: str | Path, role: str) -> Any:
    """This process's descriptor of the archive file for ``role`` (``hold`` or
    ``probe``: two, so that probing never converts a lock this process holds); None
    when the archive file does not exist (yet) or cannot be opened."""
    try:
        stat = os.stat(db_path)
    except OSError:
        return None
    key = (stat.st_dev, stat.st_ino, role)
    if key not in _inode_files:
        try:
            _inode_files[key] = open(db_path, "rb")  # noqa: SIM115 (never closed)
        except OSError:
            return None
    return _inode_files[key]


@dataclass
class WriterLock:
    """The writer lock of the archive at ``db_path``, taken by ``command`` (``crawl``,
    ``import``...: recorded for whoever finds it held).

    ``acquire()`` (or entering a ``with``) raises :class:`LockHeld` when another process
    holds it (or waits up to ``wait`` seconds for it; ``wait=None`` waits forever). ``stale`` is the previous
    holder's record when the lock was taken over from a run that did not release it.
    """

    db_path: str | Path
    wait: float | None = 0.0
    """How long ``with`` waits for the lock (None: as long as it takes)."""
    command: str = "crawl"
    stale: dict[str, Any] | None = None
    _file: TextIO | None = None
    _inode: Any = None

    @property
    def path(self) -> Path:
        return lock_path(self.db_path)

    def held_by(self) -> dict[str, Any]:
        """The record of the process that holds the lock now ({} when free or unknown)."""
        return read_holder(self.path) if lock_is_held(self.db_path) else {}

    def acquire(self, wait: float | None = 0.0, poll: float = 0.5) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" neither truncates (the holder's record stays readable) nor fails.
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held open)
        inode = _inode_file(self.db_path, "hold")
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                if inode is not None:
                    try:
                        fcntl.flock(inode.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:  # held through another hard link
                        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                        raise
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    holder = read_holder(self.path)
                    handle.close()
                    raise LockHeld(self.path, holder) from None
                time.sleep(poll)
        previous = read_holder(self.path)
        # A record left behind means its writer never released it: it was killed.
        self.stale = previous or None
        handle.seek(0)
        handle.truncate()
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": utc_now(),
            "command": self.command,
        }
        handle.write(json.dumps(record) + "\n")
        handle.flush()
        self._file = handle
        self._inode = inode
        return self

    def release(self) -> None:
        if self._file is None:
            return
        # Empty the record first: an empty file marks a clean end, not a stale lock.
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()
        if self._inode is not None:
            fcntl.flock(self._inode.fileno(), fcntl.LOCK_UN)
            self._inode = None
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None

    def __enter__(self) -> WriterLock:
        return self.acquire(wait=self.wait) if self._file is None else self

    def __exit__(self, *exc: object) -> None:
        self.release()


def read_holder(path: Path) -> dict[str, Any]:
    """The record in a lock file ({} when empty or unreadable)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
        return json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}


def lock_is_held(db_path: str | Path) -> bool:
    """Whether a live process holds the writer lock of the archive (a crawl, an
    import... is running).
    Only probes: the lock file is not changed."""
    inode = _inode_file(db_path, "probe")
    if inode is not None:
        try:
            fcntl.flock(inode.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(inode.fileno(), fcntl.LOCK_UN)
    path = lock_path(db_path)
    if not path.exists():
        return False
    with open(path, encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


def crawl_is_running(db_path: str | Path) -> bool:
    """Whether the writer lock is held by a crawl (not an import or a ``forget``)."""
    return (
        lock_is_held(db_path)
        and (read_holder(lock_path(db_path)).get("command") or "crawl") == "crawl"
    )
