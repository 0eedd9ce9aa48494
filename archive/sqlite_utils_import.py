"""sqlite-utils imported for what arsip uses of it, at a fraction of its import cost.

Every ``arsip`` command imports sqlite-utils (``archive`` is built on it), and its
import was the largest part of a read command's start. Three parts of it arsip never
uses are left out or put off:

- **pandas and numpy.** sqlite-utils imports pandas at import time, when it is
  installed, only to recognise pandas values handed to its inserts; arsip never hands
  it any. On a machine with pandas (most analysts') that import cost every command about
  250 ms, half of a ``search``; numpy about 100 ms (the writer's near-duplicate
  signatures import it themselves, ``archive.dedup``). They are hidden for the moment
  of that import only: whoever imports them afterwards gets them as usual, and one
  already imported is left alone.
- **dateutil's parser**, imported for a recipe arsip does not call, with the time
  zones it brings: made a lazy module (``importlib.util.LazyLoader``), loaded in full
  at its first use, as the crawler's date extraction uses it (``import archive``, 20
  runs: 150 ms p50 before, 141-143 ms after).
- **its regular expressions**, compiled at import: one of them, case-insensitive
  over Unicode, took 13-20 ms to compile. The patterns sqlite-utils' own modules
  compile while it is imported are compiled at their first use instead (a
  ``LazyPattern``: the methods of the compiled pattern, through it).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from typing import Any

HIDDEN = ("pandas", "numpy")


def import_sqlite_utils() -> None:
    """Import sqlite-utils as the module's docstring says; nothing when it is already
    imported."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    lazy_module("dateutil.parser")
    compile_now = re.compile
    re.compile = _compile_lazily_for_sqlite_utils(compile_now)  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        re.compile = compile_now
        for name in hidden:
            del sys.modules[name]


def lazy_module(name: str) -> None:
    """Put ``name`` in ``sys.modules`` as a module that loads at its first attribute
    access; nothing when it is already imported or cannot be found."""
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


class LazyPattern:
    """A regular expression compiled at its first use: its attributes and methods
    (``match``, ``split``, ``pattern``...) are the compiled pattern's."""

    def __init__(self, compile_now: Any, pattern: Any, flags: int) -> None:
        self._compile = (compile_now, pattern, flags)
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            compile_now, pattern, flags = self._compile
            self._compiled = compile_now(pattern, flags)
        return getattr(self._compiled, name)


def _compile_lazily_for_sqlite_utils(compile_now: Any) -> Any:
    def compile(pattern: Any, flags: int = 0) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == "sqlite_utils" or caller.startswith("sqlite_utils."):
            return LazyPattern(compile_now, pattern, flags)
        return compile_now(pattern, flags)

    return compile
