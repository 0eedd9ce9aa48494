"""The archive: one SQLite file with deduplication, history and the analysts' tools.

``archive.open(path, readonly=True)`` is the way in (see ``archive.opening``); it
returns an ``Archive`` (``archive.handle``) or raises an ``ArchiveError``
(``archive.errors``).
"""

import sys


def _import_sqlite_utils_without_pandas() -> None:
    """Import sqlite-utils without letting it import pandas.

    sqlite-utils imports pandas at import time, when it is installed, only to recognise
    pandas values handed to its inserts; arsip never hands it any. On a machine with
    pandas (most analysts') that import cost every ``arsip`` command about 250 ms, half
    of a ``search``. pandas is hidden for the moment of that import only: whoever imports
    pandas afterwards gets it as usual, and a pandas already imported is left alone."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # makes `import pandas` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"]


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
