"""The archive: one SQLite file with deduplication, history and the analysts' tools.

``archive.open(path, readonly=True)`` is the way in (see ``archive.opening``); it
returns an ``Archive`` (``archive.handle``) or raises an ``ArchiveError``
(``archive.errors``).
"""

from archive.sqlite_utils_import import import_sqlite_utils

import_sqlite_utils()  # before anything else imports it: see that module

from archive.errors import (  # noqa: E402  (after the import above, on purpose)
    ArchiveError,
    ArchiveMissing,
    ArchiveReadOnly,
    NewerArchive,
    NotAnArchive,
    NotSQLiteFile,
)
from archive.handle import Archive  # noqa: E402
from archive.opening import open_archive as open  # noqa: E402

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveMissing",
    "ArchiveReadOnly",
    "NewerArchive",
    "NotAnArchive",
    "NotSQLiteFile",
    "open",
]
