"""The archive: one SQLite file with deduplication, history and the analysts' tools.

``archive.open(path, readonly=True)`` is the way in (see ``archive.opening``); it
returns an ``Archive`` (``archive.handle``) or raises an ``ArchiveError``
(``archive.errors``).
"""

import sys


def _import_sqlite_utils_without_pandas() -> None:
    """Import sqlite-utils without letting it import pandas or numpy.

    sqlite-utils imports pandas at import time, when it is installed, only to recognise
    pandas values handed to its inserts; arsip never hands it any. On a machine with
    pandas (most analysts') that import cost every ``arsip`` command about 250 ms, half
    of a ``search``. numpy likewise (about 100 ms, a third of a read command's start; the
    writer's near-duplicate signatures import it themselves, ``archive.dedup``). They are
    hidden for the moment of that import only: whoever imports them afterwards gets them
    as usual, and one already imported is left alone."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_sqlite_utils_without_pandas()

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
