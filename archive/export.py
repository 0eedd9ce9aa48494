"""Writing articles out for other tools: CSV, JSON lines, Parquet.

Every writer takes an iterator of article dicts (``archive.search.iter_articles``) and
consumes it one row at a time (Parquet: one record batch of ``BATCH_ROWS`` at a time),
so an export's memory does not grow with the archive.

Column formats: every column of ``articles``, each of one kind (``column_kind``):

- instants (``published_at``, ``modified_at``, ``first_seen_at``, ``last_seen_at``):
  UTC. Parquet: timestamps with the UTC zone; CSV and JSON lines: ISO 8601 text
  ``2025-09-15T09:40:00Z``. ``published_local`` is text with the portal's offset;
- booleans (``press_release``, ``published_has_time``): Parquet booleans, ``true`` /
  ``false`` in CSV and JSON lines;
- integers (ids, counts): Parquet int64, nullable (``duplicate_of``, ``cluster_id``);
- lists (``authors``, ``tags``): lists in JSON lines and Parquet, JSON text in CSV
  (one cell cannot hold a list).

Parquet files carry pandas metadata, so that ``pandas.read_parquet`` gives the same
dtypes as ``Archive.dataframe``: ``datetime64[ms, UTC]``, ``bool``/``boolean``,
``Int64`` (nullable, not float64), lists.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from archive.search import BOOLEAN_COLUMNS
from archive.stored import string_list
from archive.times import parse_instant

if TYPE_CHECKING:
    from concurrent.futures import Future

BATCH_ROWS = 1000
JSON_LIST_COLUMNS = ("authors", "tags")
INSTANT_COLUMNS = ("published_at", "modified_at", "first_seen_at", "last_seen_at")
NOT_NULL_BOOLEANS = ("press_release",)
FORMATS = ("csv", "jsonl", "parquet")


def column_kind(name: str, declared: str) -> str:
    """What an ``articles`` column holds: ``list``, ``instant``, ``boolean``,
    ``integer``, ``real`` or ``text``."""
    if name in JSON_LIST_COLUMNS:
        return "list"
    if name in INSTANT_COLUMNS:
        return "instant"
    if name in BOOLEAN_COLUMNS:
        return "boolean"
    if "INT" in declared:
        return "integer"
    if declared in ("REAL", "FLOAT", "DOUBLE"):
        return "real"
    return "text"


PANDAS_DTYPES = {
    "instant": "datetime64[ms, UTC]",
    "boolean": "boolean",
    "integer": "Int64",
    "real": "float64",
    "list": None,
    "text": None,
}


def pandas_dtype(name: str, declared: str) -> str | None:
    """The pandas dtype of a column in ``Archive.dataframe`` and ``read_parquet``:
    nullable ``Int64`` and ``boolean`` (``bool`` for ``press_release``, never empty);
    None for text and lists (pandas' own string and object dtypes)."""
    if name in NOT_NULL_BOOLEANS:
        return "bool"
    return PANDAS_DTYPES[column_kind(name, declared)]


class MissingExtra(RuntimeError):
    """An optional dependency is not installed; the message says how to install it."""


def decoded(row: dict[str, Any]) -> dict[str, Any]:
    """A row with ``authors`` and ``tags`` as lists of strings (stored as JSON text) and
    the 0/1 columns as booleans."""
    for name in JSON_LIST_COLUMNS:
        if name in row:
            row[name] = string_list(row[name])
    for name in BOOLEAN_COLUMNS:
        if row.get(name) is not None:
            row[name] = bool(row[name])
    return row


def typed(row: dict[str, Any]) -> dict[str, Any]:
    """``decoded``, and the instants as aware UTC datetimes."""
    decoded(row)
    for name in INSTANT_COLUMNS:
        if name in row:
            row[name] = parse_instant(row[name])
    return row


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str], out: IO[str]) -> int:
    """CSV with a header row, RFC 4180 quoting, UTF-8; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(name, row.get(name)) for name in columns])
        count += 1
    return count


def _csv_cell(name: str, value: Any) -> Any:
    if name in BOOLEAN_COLUMNS and value is not None:
        return "true" if value else "false"
    return value


def write_jsonl(rows: Iterable[dict[str, Any]], columns: list[str], out: IO[str]) -> int:
    """One JSON object per line (UTF-8, not ASCII-escaped, no spaces between items);
    returns the number of rows.

    Encoded by msgspec, which writes JSON 6-7 times as fast as the standard library's
    encoder (20,000 articles of 4.7 KB: 0.87 s with ``json``, 0.13 s with msgspec);
    with ``json`` it was half of an export's time. A float that is not a number
    (never stored by arsip) becomes null, where ``json`` wrote invalid JSON."""
    import msgspec  # here: 25-45 ms of import that no other command needs

    encode = msgspec.json.Encoder().encode
    count = 0
    for row in rows:
        out.write(encode(decoded(row)).decode() + "\n")
        count += 1
    return count


def parquet_schema(columns: list[tuple[str, str]]) -> Any:
    """The Arrow schema for ``articles`` columns given as ``(name, declared SQL type)``."""
    pa = _pyarrow()
    arrow = {
        "list": pa.list_(pa.string()),
        "instant": pa.timestamp("ms", tz="UTC"),  # Parquet's coarsest unit
        "boolean": pa.bool_(),
        "integer": pa.int64(),
        "real": pa.float64(),
        "text": pa.string(),
    }
    fields = [
        pa.field(name, arrow[column_kind(name, declared)], nullable=name not in NOT_NULL_BOOLEANS)
        for name, declared in columns
    ]
    return pa.schema(fields, metadata={b"pandas": json.dumps(_pandas_metadata(columns))})


def _pandas_metadata(columns: list[tuple[str, str]]) -> dict[str, Any]:
    """What pandas writes into a Parquet file about a DataFrame's columns, for these
    columns as ``Archive.dataframe`` types them: ``read_parquet`` then gives nullable
    ``Int64`` and ``boolean`` columns instead of float64 and object."""
    described = []
    for name, declared in columns:
        kind, dtype = column_kind(name, declared), pandas_dtype(name, declared)
        pandas_type, numpy_type, metadata = {
            "instant": ("datetimetz", "datetime64[ms]", {"timezone": "UTC"}),
            "list": ("list[unicode]", "object", None),
            "text": ("unicode", "object", None),
            "real": ("float64", "float64", None),
        }.get(kind) or (dtype, dtype, None)
        described.append({"name": name, "field_name": name, "pandas_type": pandas_type,
                          "numpy_type": numpy_type, "metadata": metadata})  # fmt: skip
    return {"index_columns": [], "column_indexes": [], "columns": described,
            "creator": {"library": "arsip"}, "pandas_version": "2.1.0"}  # fmt: skip


def write_parquet(rows: Iterable[dict[str, Any]], columns: list[tuple[str, str]], path: str) -> int:
    """A Parquet file written one record batch of ``BATCH_ROWS`` rows at a time
    (zstd-compressed, plain-encoded); returns the number of rows.

    Each batch is encoded and compressed by a second thread while the next one is read
    and built: Arrow lets go of the interpreter while it writes, so the two overlap on
    two cores (a month of a million-article archive, 16,517 rows: 880 -> 600 ms). At
    most one batch waits to be written, so memory stays that of two batches."""
    _pyarrow()
    from concurrent.futures import ThreadPoolExecutor  # (not at import: every command's)

    import pyarrow.parquet as pq

    schema = parquet_schema(columns)
    count = 0
    # No dictionary encoding: most columns are nearly unique text (bodies, titles,
    # URLs), where building a dictionary is wasted, and zstd shrinks the few repeated
    # ones (portal, section) as well (half a year of 100,000 articles: 33,065 -> 47,805
    # rows/s written, 12,336 -> 12,428 KiB).
    with (
        pq.ParquetWriter(path, schema, compression="zstd", use_dictionary=False) as writer,
        ThreadPoolExecutor(1, thread_name_prefix="parquet") as compressor,
    ):
        writing: Future[None] | None = None
        for batch in _record_batches(rows, columns, schema):
            if writing is not None:
                writing.result()  # the one before, in order; its error is raised here
            writing = compressor.submit(writer.write_batch, batch)
            count += batch.num_rows
        assert writing is not None  # (one batch at least)
        writing.result()
    return count


def _record_batches(
    rows: Iterable[dict[str, Any]], columns: list[tuple[str, str]], schema: Any
) -> Iterator[Any]:
    """``record_batch`` of each ``BATCH_ROWS`` rows; one empty batch for no rows (an empty
    export still gets a valid file with its schema)."""
    batch: list[dict[str, Any]] = []
    built = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield record_batch(batch, columns, schema)
            built += 1
            batch = []
    if batch or not built:
        yield record_batch(batch, columns, schema)


def record_batch(rows: list[dict[str, Any]], columns: list[tuple[str, str]], schema: Any) -> Any:
    """Stored rows as an Arrow record batch of ``schema``, built a column at a time
    (what ``typed`` does a value at a time, three times faster): lists decoded from
    their JSON, booleans from 0/1, instants parsed by Arrow in their stored form
    (``2025-09-15T09:40:00Z``) and by ``parse_instant`` in any other."""
    pa = _pyarrow()
    arrays = []
    for (name, declared), field in zip(columns, schema, strict=True):
        values = [row.get(name) for row in rows]
        kind = column_kind(name, declared)
        if kind == "list":
            arrays.append(pa.array([string_list(v) for v in values], field.type))
        elif kind == "boolean":
            arrays.append(pa.array(values, pa.int64()).cast(pa.bool_()))
        elif kind == "instant":
            arrays.append(_instants(values, field.type))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _instants(values: list[Any], arrow_type: Any) -> Any:
    pa = _pyarrow()
    import pyarrow.compute as pc

    parsed = pc.strptime(
        pa.array(values, pa.string()), format="%Y-%m-%dT%H:%M:%SZ", unit="ms", error_is_null=True
    ).cast(arrow_type)
    if parsed.null_count == sum(v is None for v in values):
        return parsed
    # Some are in another ISO 8601 form (an offset, a fraction, a naive time): each
    # of those as parse_instant reads it, None for text that is no instant at all.
    return pa.array(
        [
            parse_instant(v) if p is None else p
            for v, p in zip(values, parsed.to_pylist(), strict=True)
        ],
        arrow_type,
    )


def arrow_without_pandas() -> None:
    """Tell Arrow, for the rest of this process, that pandas is not installed: for a
    process that never hands Arrow data to pandas (``arsip export``'s). Arrow imports
    pandas, when installed, at its first array built from a list, only to ask whether the
    list is a pandas object: 250 ms of a command that exports a month of a million
    articles in under a second. The files are the same: their pandas metadata is
    arsip's own (``parquet_schema``). Nothing when pandas is imported already."""
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _NoPandas)
    try:
        _pyarrow().array([0])  # Arrow looks for pandas once per process, here
    finally:
        sys.meta_path.remove(_NoPandas)


class _NoPandas:
    """An import finder for which pandas is not installed."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not used by this process", name=name)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise MissingExtra("Parquet export needs pyarrow: pip install 'arsip[parquet]'") from None
    return pyarrow
