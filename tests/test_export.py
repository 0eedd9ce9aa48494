"""arsip export: CSV, JSON lines and Parquet that pandas reads, streamed, with a
progress bar only on a terminal."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from archive import open as open_archive
from tests.archives import build_analyst_archive, file_digest
from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def archive(tangselpos_first_crawl, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "news.db"
    return path, build_analyst_archive(path, tangselpos_first_crawl)


def test_csv_to_stdout_reads_in_pandas(archive):
    path, _ = archive
    result = run_cli("export", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert len(frame) == 31
    assert {"id", "url", "portal", "title", "body", "published_at", "authors"} <= set(frame.columns)
    assert list(frame["published_at"].dropna()) == sorted(frame["published_at"].dropna())
    assert (
        frame.loc[frame["title"].str.startswith("Andra Soni"), "authors"].item()
        == '["Rizki Maulana"]'
    )
    # true/false, which pandas, R and DuckDB read as booleans.
    assert str(frame["press_release"].dtype) == "bool" and frame["press_release"].any()
    assert set(result.stdout.splitlines()[1:2][0].split(",")) & {"true", "false"}


def test_jsonl_with_query_and_filters(archive, tmp_path):
    path, ids = archive
    out = tmp_path / "banjir.jsonl"
    result = run_cli("export", "banjir", "--portal", "bantennews", "--format", "jsonl",
                     "--output", str(out), "--db", str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"exported 2 articles to {out}" in result.stderr
    frame = pd.read_json(out, lines=True)
    assert sorted(frame["id"]) == sorted([ids["release"], ids["copy"]])
    assert frame.loc[frame["id"] == ids["release"], "tags"].item() == ["Banjir", "Lebak"]
    assert frame.loc[frame["id"] == ids["release"], "press_release"].item() is True
    assert not list(tmp_path.glob("*.part"))


def test_jsonl_lines_are_the_archive_s_rows_in_utf_8(archive):
    """Each line is one article's row as the API gives it (lists as lists, 0/1 columns
    as booleans, NULL as null), its accents written as UTF-8, not escaped."""
    from archive.export import decoded

    path, ids = archive
    out = io.StringIO()
    with open_archive(path, readonly=True) as arch:
        arch.export(out, "jsonl")
        rows = [decoded(dict(row)) for row in arch.articles()]
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == rows
    accented = next(line for line in lines if json.loads(line)["id"] == ids["accented"])
    assert "\\u00" not in accented and any(ord(c) > 127 for c in accented)


def test_parquet_reads_in_pandas_with_types(archive, tmp_path):
    path, ids = archive
    out = tmp_path / "september.parquet"
    result = run_cli("export", "--format", "parquet", "-o", str(out), "--since", "2025-09-17",
                     "--until", "2025-09-30", "--db", str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(out)
    assert frame["published_local"].str[:10].between("2025-09-17", "2025-09-30").all()
    assert ids["accented"] in set(frame["id"])  # 06:30 WIB on the 17th counts as the 17th
    # Typed for pandas, R and DuckDB: ids nullable integers (not float64), instants
    # tz-aware timestamps, 0/1 columns booleans, lists lists.
    dtypes = {name: str(frame[name].dtype) for name in frame.columns}
    for name in ("id", "revision", "duplicate_of", "cluster_id", "word_count", "crawl_run_id"):
        assert dtypes[name] == "Int64", name
    for name in ("published_at", "modified_at", "first_seen_at", "last_seen_at"):
        assert dtypes[name] == "datetime64[ms, UTC]", name
    assert dtypes["press_release"] == "bool" and dtypes["published_has_time"] == "boolean"
    release = frame.loc[frame["id"] == ids["release"]]
    assert list(release["authors"].item()) == ["Siti Rahma"]
    assert release["press_release"].item()  # a bool column, checked above
    assert release["published_at"].item() == pd.Timestamp("2025-09-20T03:00:00Z")
    copy = frame.loc[frame["id"] == ids["copy"]]
    assert (
        copy["duplicate_of"].item() == ids["release"]
        and copy["cluster_id"].item() == ids["release"]
    )
    assert frame["duplicate_of"].isna().sum() == len(frame) - 1
    vaksin = frame.loc[frame["title"].str.startswith("Vaksinasi HPV Serentak")]
    assert not vaksin["published_has_time"].item()  # a day-only date (boolean, not <NA>)
    assert vaksin["published_has_time"].notna().all()
    import pyarrow.parquet as pq

    schema = pq.read_schema(out)
    assert str(schema.field("published_at").type) == "timestamp[ms, tz=UTC]"
    assert str(schema.field("tags").type) in ("list<item: string>", "list<element: string>")
    assert str(schema.field("press_release").type) == "bool"
    # The Python API gives the same frame as reading the export back.
    with open_archive(path, readonly=True) as arch:
        same = arch.dataframe(since="2025-09-17", until="2025-09-30")
    typed = [n for n in frame.columns if dtypes[n] not in ("str", "object")]
    assert {n: str(same[n].dtype) for n in typed} == {n: dtypes[n] for n in typed}
    assert same["id"].tolist() == frame["id"].tolist()
    empty = tmp_path / "none.parquet"
    run_cli("export", "zzzzzz", "--format", "parquet", "-o", str(empty), "--db", str(path))
    assert len(pd.read_parquet(empty)) == 0 and "title" in pd.read_parquet(empty).columns


def test_parquet_needs_a_file_and_bad_filters_are_usage_errors(archive, tmp_path):
    path, _ = archive
    before = file_digest(path)
    to_stdout = run_cli("export", "--format", "parquet", "--db", str(path))
    assert to_stdout.returncode == 2 and "--format parquet needs --output FILE" in to_stdout.stderr
    for args, message in [
        (["'; DROP TABLE articles; --"], "Invalid value for 'QUERY'"),
        (["--since", "yesterdayish"], "Invalid value for '--since'"),
        (["--portal", "nope"], "unknown portal 'nope'"),
    ]:
        result = run_cli("export", *args, "--db", str(path), "-o", str(tmp_path / "x.csv"))
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.csv").exists()
    assert file_digest(path) == before


def test_progress_bar_on_a_terminal(archive, tmp_path):
    path, _ = archive
    out = tmp_path / "all.csv"
    leader, follower = pty.openpty()
    arsip = Path(sys.executable).with_name("arsip")
    with subprocess.Popen(
        [str(arsip), "export", "-o", str(out), "--db", str(path)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower,
    ) as process:  # fmt: skip
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            seen += chunk
        assert process.wait(timeout=60) == 0
    os.close(leader)
    assert b"Exporting 31 articles" in seen and b"100%" in seen
    assert len(pd.read_csv(out)) == 31


def test_parquet_batches_read_stored_values_as_typed_reads_them():
    """Columns built at a time give what ``typed`` gives a value at a time, whatever an
    older arsip or an import stored: instants with an offset, a fraction or no zone,
    text that is no instant, lists that are not JSON."""
    import pyarrow as pa

    from archive.export import parquet_schema, record_batch, typed

    columns = [("id", "INTEGER"), ("published_at", "TEXT"), ("press_release", "INTEGER"),
               ("published_has_time", "INTEGER"), ("tags", "TEXT"), ("title", "TEXT")]  # fmt: skip
    stored = [
        ("2025-09-15T09:40:00Z", 0, 1, '["Banjir", "Lebak"]'),
        ("2025-09-15T16:40:00+07:00", 1, None, "[]"),
        ("2025-09-15T09:40:00.250Z", 0, 0, None),
        ("2025-09-15T09:40:00", 0, 1, "Banjir"),
        ("kemarin", 0, 1, '[1, "x"]'),
        (None, 0, None, ""),
    ]
    rows = [{"id": i, "published_at": at, "press_release": pr, "published_has_time": ht,
             "tags": tags, "title": f"Judul {i}"}
            for i, (at, pr, ht, tags) in enumerate(stored)]  # fmt: skip
    schema = parquet_schema(columns)
    batch = record_batch([dict(r) for r in rows], columns, schema)
    expected = pa.RecordBatch.from_pylist([typed(dict(r)) for r in rows], schema=schema)
    assert batch.equals(expected)
    assert batch.column("published_at").null_count == 2  # "kemarin" and None
    only_canonical = record_batch([dict(rows[0])], columns, schema)
    assert only_canonical.equals(pa.RecordBatch.from_pylist([typed(dict(rows[0]))], schema=schema))


def test_parquet_written_while_read_keeps_every_batch_in_order(tmp_path):
    """Batches are compressed by a second thread while the next is built: the file holds
    every row once, in the order read, and a failure while reading leaves no writer
    behind and is the error raised."""
    import pyarrow.parquet as pq

    from archive.export import BATCH_ROWS, write_parquet

    columns = [("id", "INTEGER"), ("title", "TEXT"), ("tags", "TEXT")]
    total = 3 * BATCH_ROWS + 7  # three whole batches and a short one
    rows = ({"id": i, "title": f"Judul {i}", "tags": f'["t{i % 5}"]'} for i in range(total))
    out = tmp_path / "all.parquet"
    assert write_parquet(rows, columns, str(out)) == total
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == list(range(total))
    assert table.column("tags").to_pylist()[BATCH_ROWS + 2] == [f"t{(BATCH_ROWS + 2) % 5}"]

    def failing():
        for i in range(2 * BATCH_ROWS):
            if i == BATCH_ROWS + 10:
                raise OSError("the archive could not be read")
            yield {"id": i, "title": "x", "tags": "[]"}

    with pytest.raises(OSError, match="could not be read"):
        write_parquet(failing(), columns, str(tmp_path / "broken.parquet"))
    assert not [t for t in threading.enumerate() if t.name.startswith("parquet")]


def test_the_command_s_arrow_does_not_import_pandas_and_pandas_still_imports():
    """``arsip export --format parquet`` tells Arrow that pandas is absent (Arrow would
    import it, 250 ms, only to ask whether a list is a pandas object); pandas itself
    stays importable in that process."""
    script = (
        "import sys\n"
        "from archive.export import arrow_without_pandas, parquet_schema, record_batch\n"
        "arrow_without_pandas()\n"
        "cols = [('id', 'INTEGER'), ('tags', 'TEXT'), ('published_at', 'TEXT')]\n"
        "rows = [{'id': 1, 'tags': '[\"a\"]', 'published_at': '2025-09-15T09:40:00Z'}]\n"
        "batch = record_batch(rows, cols, parquet_schema(cols))\n"
        "assert batch.num_rows == 1 and 'pandas' not in sys.modules, sorted(sys.modules)\n"
        "import pandas\n"
        "print('ok', pandas.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok pandas"
