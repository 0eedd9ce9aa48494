"""Sizes written as people write them (``1GB``, ``500MB``, ``64KB``): ``--warc-size``
and ``pages move --max-size``. A module of its own, so that parsing an option does not
import the WARC writer."""

from __future__ import annotations

UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2,
         "mib": 1024**2, "g": 1024**3, "gb": 1024**3, "gib": 1024**3}  # fmt: skip


def parse_size(text: str) -> int:
    """Bytes of ``1GB``, ``500M``, ``64kb``, ``1048576`` (binary units); ValueError for
    anything else, or for less than 1 KiB."""
    value = text.strip().lower().replace(" ", "")
    number = value.rstrip("kmgib")
    unit = value[len(number) :]
    try:
        size = int(float(number) * UNITS[unit])
    except (KeyError, ValueError):
        raise ValueError(f"{text!r} is no size (examples: 1GB, 500MB, 64KB)") from None
    if size < 1024:
        raise ValueError(f"{text!r} is less than 1KB")
    return size
