"""Valid text before it reaches SQLite: the one place where characters that cannot be
stored are replaced.

Python strings can hold what UTF-8 cannot encode: a lone surrogate (``\\ud83d``, half
of an emoji, from a JSON ``\\ud83d`` escape cut in half in a page's JSON-LD or in an
imported line). SQLite refuses such a string outright, so one such character made a
whole article unstorable, on every run. ``valid_text`` makes every text storable:

- a surrogate pair held as two code points becomes the character it encodes;
- a lone surrogate becomes U+FFFD (the replacement character);
- NUL becomes U+FFFD too: SQLite keeps it, but its text functions (and the full-text
  index) stop reading at it, so the rest of a text would be unsearchable.

``ArchiveWriter.store`` and ``store_many`` pass every record through ``valid_record``,
whoever made it (a crawl, an import, a re-extraction, the Python API), and count the
articles repaired (``arsip/text_repaired`` in the run log's stats).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REPLACEMENT = "\ufffd"
_INVALID = re.compile("[\ud800-\udfff\x00]")


def valid_text(text: str) -> tuple[str, int]:
    """``text`` with its unstorable characters replaced (see the module docstring), and
    how many were replaced (a surrogate pair joined into its character counts none)."""
    if _storable(text):
        return text, 0  # the same object: nothing to replace
    replaced = text.count("\x00")
    text = text.replace("\x00", REPLACEMENT)
    if _INVALID.search(text):  # surrogates: pairs joined, lone ones replaced
        before = text.count(REPLACEMENT)
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        replaced += text.count(REPLACEMENT) - before
    return text, replaced


def _storable(text: str) -> bool:
    """Whether ``text`` holds neither NUL nor a surrogate, asked in C: a search with
    ``_INVALID`` took 25 µs of an article's 3,500 characters, of a writer's ~700."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")  # strict UTF-8 refuses every surrogate code point
    except UnicodeEncodeError:
        return False
    return True


def valid_value(value: Any) -> tuple[Any, int]:
    """A record's value with its texts made valid: a string, or the strings inside a
    list (authors, tags); anything else as it is."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, list | tuple):
        repaired = [valid_value(item) for item in value]
        count = sum(n for _, n in repaired)
        values = [v for v, _ in repaired]
        return (value if values == list(value) else values), count
    return value, 0


def valid_record(record: Mapping[str, Any]) -> tuple[Mapping[str, Any], int]:
    """The record with every text valid, and the number of characters replaced; the
    record itself when nothing was."""
    fixed: dict[str, Any] = {}
    replaced = 0
    for name, value in record.items():
        valid, count = valid_value(value)
        if valid is not value:
            fixed[name] = valid
            replaced += count
    return ({**record, **fixed}, replaced) if fixed else (record, 0)


def repaired_note(articles: int) -> str:
    """What a summary line adds for ``articles`` repaired: nothing when none was."""
    return (
        f"; {articles} repaired (characters that cannot be stored replaced by U+FFFD)"
        if articles
        else ""
    )
