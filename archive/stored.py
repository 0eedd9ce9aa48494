"""Stored values read back: the JSON text of ``authors`` and ``tags`` as lists of
strings, whatever an older arsip (or an older import) let in."""

from __future__ import annotations

import json
from typing import Any


def string_list(stored: Any) -> list[str]:
    """A stored ``authors`` or ``tags`` value (JSON text) as a list of strings, whatever
    an older arsip let in: an item that is not a string becomes its JSON text, a value
    that is not a list its one item, text that is not JSON itself."""
    if stored in (None, "", "[]"):  # no authors, no tags: most rows of an export
        return []
    try:
        value = json.loads(stored) if isinstance(stored, str) else stored
    except json.JSONDecodeError:
        value = stored
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in items]
