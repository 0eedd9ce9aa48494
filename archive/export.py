"""Writing articles out for other tools: CSV, JSON lines, Parquet.

Every writer takes an iterator of article dicts (``archive.search.iter_articles``) and
consumes it one row at a time (Parquet: one record batch of ``BATCH_ROWS`` at a time),
so an export's memory does not grow with the archive.

Column formats: every column of ``articles``; times as stored (ISO 8601 strings, UTC
with ``Z`` or local with offset). ``authors`` and ``tags`` are lists in JSON lines and
Parquet, and JSON text in CSV (one cell cannot hold a list).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

BATCH_ROWS = 1000
JSON_LIST_COLUMNS = ("authors", "tags")
FORMATS = ("csv", "jsonl", "parquet")


class MissingExtra(RuntimeError):
    """An optional dependency is not installed; the message says how to install it."""


def string_list(stored: Any) -> list[str]:
    """A stored ``authors`` or ``tags`` value (JSON text) as a list of strings, whatever
    an older arsip let in: an item that is not a string becomes its JSON text, a value
    that is not a list its one item, text that is not JSON itself."""
    if stored in (None, ""):
        return []
    try:
        value = json.loads(stored) if isinstance(stored, str) else stored
    except json.JSONDecodeError:
        value = stored
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in items]


def decoded(row: dict[str, Any]) -> dict[str, Any]:
    """A row with ``authors`` and ``tags`` as lists of strings (stored as JSON text)."""
    for name in JSON_LIST_COLUMNS:
        if name in row:
            row[name] = string_list(row[name])
    return row


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str], out: IO[str]) -> int:
    """CSV with a header row, RFC 4180 quoting, UTF-8; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([row.get(name) for name in columns])
        count += 1
    return count


def write_jsonl(rows: Iterable[dict[str, Any]], columns: list[str], out: IO[str]) -> int:
    """One JSON object per line (UTF-8, not ASCII-escaped); returns the number of rows."""
    count = 0
    for row in rows:
        out.write(json.dumps(decoded(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def parquet_schema(columns: list[tuple[str, str]]) -> Any:
    """The Arrow schema for ``articles`` columns given as ``(name, declared SQL type)``."""
    pa = _pyarrow()
    fields = []
    for name, declared in columns:
        if name in JSON_LIST_COLUMNS:
            kind = pa.list_(pa.string())
        elif "INT" in declared:
            kind = pa.int64()
        elif declared in ("REAL", "FLOAT", "DOUBLE"):
            kind = pa.float64()
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def write_parquet(rows: Iterable[dict[str, Any]], columns: list[tuple[str, str]], path: str) -> int:
    """A Parquet file written one record batch of ``BATCH_ROWS`` rows at a time
    (zstd-compressed); returns the number of rows."""
    pa = _pyarrow()
    import pyarrow.parquet as pq

    schema = parquet_schema(columns)
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(decoded(row))
            if len(batch) >= BATCH_ROWS:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:  # an empty export still gets a valid file with its schema
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise MissingExtra("Parquet export needs pyarrow: pip install 'arsip[parquet]'") from None
    return pyarrow
