"""Why an archive cannot be opened: one exception class per reason, all ``ArchiveError``.

``str(error)`` is a whole sentence naming the file, the message ``arsip`` prints; the
file is also ``error.path``.
"""

from __future__ import annotations

from pathlib import Path


class ArchiveError(Exception):
    """The archive at ``path`` cannot be opened as asked."""

    def __init__(self, message: str, path: str | Path | None = None):
        super().__init__(message)
        self.path = Path(path) if path is not None else None


class ArchiveMissing(ArchiveError):
    """No file at the path (and the open was not one that creates it)."""

    def __init__(self, path: str | Path):
        super().__init__(f"no archive at {path}", path)


class NotSQLiteFile(ArchiveError):
    """The file is not an SQLite database: empty (for reading), text, anything else."""

    def __init__(self, path: str | Path, what: str):
        super().__init__(f"{path} is not an arsip archive ({what})", path)


class NotAnArchive(ArchiveError):
    """An SQLite database of something else: arsip neither reads nor writes it."""

    def __init__(self, path: str | Path):
        super().__init__(
            f"{path} is not an arsip archive (an SQLite file without arsip's tables)", path
        )


class NewerArchive(ArchiveError):
    """The archive's schema is newer than this arsip's: writing to it could undo what a
    newer arsip relies on (an older reextract would read the further pages of
    multi-page articles as articles of their own, for one)."""


class ArchiveReadOnly(ArchiveError):
    """A writing open of a file, or in a directory, that cannot be written."""

    def __init__(self, path: str | Path, why: str):
        super().__init__(f"cannot write {path}: {why}", path)
