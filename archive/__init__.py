"""The archive: one SQLite file with deduplication, history and the analysts' tools.

``archive.open(path, readonly=True)`` is the way in (see ``archive.opening``); it
returns an ``Archive`` (``archive.handle``) or raises an ``ArchiveError``
(``archive.errors``).
"""

import sys


def _import_sqlite_utils_without_pandas() -> None:
    """Import sqlite-utils without letting it import pandas or numpy, and with its
    date parser (dateutil's) loaded only when used.

    sqlite-utils imports pandas at import time, when it is installed, only to recognise
    pandas values handed to its inserts; arsip never hands it any. On a machine with
    pandas (most analysts') that import cost every ``arsip`` command about 250 ms, half
    of a ``search``. numpy likewise (about 100 ms, a third of a read command's start; the
    writer's near-duplicate signatures import it themselves, ``archive.dedup``). They are
    hidden for the moment of that import only: whoever imports them afterwards gets them
    as usual, and one already imported is left alone.

    sqlite-utils also imports ``dateutil.parser`` for a recipe arsip does not use: 17-24
    ms of every command's start with the time zones it brings. It is made a lazy module
    (``importlib.util.LazyLoader``): loaded in full at its first use, as the crawler's
    date extraction uses it."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    _lazy_module("dateutil.parser")
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


def _lazy_module(name: str) -> None:
    """Put ``name`` in ``sys.modules`` as a module that loads at its first attribute
    access; nothing when it is already imported or cannot be found."""
    import importlib.util

    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


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
