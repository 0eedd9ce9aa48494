"""`arsip import`: other tools' articles through the same store rules."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from arsip.importer import BATCH
from crawler.mirror.tangselpos import load_articles
from tests.conftest import ALL_BANDS, run_cli
from tests.test_crash import check_whole

HPV = {a["id"]: a for a in load_articles()}


def news_please(article: dict, **changes) -> dict:
    """A line of news-please's JSON output for a mirror article (paragraphs one per line,
    its naive local date format)."""
    line = {
        "authors": [article["author"]] if article["author"] else [],
        "date_download": "2025-09-21 10:00:00",
        "date_modify": None,
        "date_publish": article["published"][:19].replace("T", " "),
        "description": article["paragraphs"][0][:150],
        "filename": "x.json",
        "image_url": None,
        "language": "id",
        "localpath": None,
        "maintext": "\n".join(article["paragraphs"]),
        "source_domain": "www.tangselpos.id",
        "title": article["title"],
        "title_page": None,
        "title_rss": None,
        "url": f"https://www.tangselpos.id/detail/{article['id']}/{article['slug']}",
    }
    line.update(changes)
    return line


def write_lines(path: Path, lines: list) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_import_news_please_and_article_lines(tmp_path, db_path):
    one, other = HPV[51311], HPV[51337]
    arsip_line = {
        "url": "https://kabar6.com/vaksin-hpv/",
        "portal": "kabar6",
        "title": "Vaksin HPV untuk Siswi SD",
        "body": "\n\n".join(one["paragraphs"]),
        "published_at": "2025-09-19T03:00:00Z",
        "authors": ["Tim K6"],
    }
    source = write_lines(
        tmp_path / "in.jsonl",
        [
            news_please(one),
            news_please(other),
            arsip_line,  # the same text as 51311 on another portal
            news_please(one),  # seen again, unchanged
            news_please(one, title="Judul yang diperbarui"),  # a new revision
            "",
            "{not json",
            {"title": "tanpa url", "maintext": "isi"},
            news_please(one, url="https://www.tangselpos.id/detail/1/x", maintext=""),
            news_please(one, url="https://www.tangselpos.id/detail/2/x", date_publish="2031-01-01 08:00:00"),
            news_please(one, url="ftp://example.id/x"),
        ],
    )  # fmt: skip
    result = run_cli("import", str(source), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "import in.jsonl: 2 new, 1 updated, 1 unchanged, 1 duplicate, 5 rejected"
        " (not JSON: 1, no url: 1, no body: 1, publication date in the future: 1,"
        " not an http(s) URL: 1)"
    )
    assert "in.jsonl:7: rejected: not JSON" in result.stderr
    assert "Traceback" not in result.stderr
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM articles ORDER BY id")]
    conn.close()
    assert len(rows) == 3
    first, second, copy = rows
    assert first["body"] == "\n\n".join(one["paragraphs"])  # paragraphs, sign-off-free
    assert first["published_at"] == "2025-09-19T01:30:00Z"  # news-please's local time, WIB
    assert first["published_local"] == "2025-09-19T08:30:00+07:00"
    assert first["dateline"] is None and first["press_release"] == 1
    assert first["revision"] == 2 and first["title"] == "Judul yang diperbarui"
    assert second["published_at"] == "2025-09-20T04:45:00Z"
    assert copy["duplicate_of"] == first["id"] and copy["portal"] == "kabar6"
    assert copy["published_at"] == "2025-09-19T03:00:00Z"
    assert json.loads(copy["authors"]) == ["Tim K6"]
    # The two write-ups and the copy are one cluster, headed by the earliest.
    assert {r["cluster_id"] for r in rows} == {first["id"]}


def test_import_missing_file_is_a_clear_error(tmp_path, db_path):
    result = run_cli("import", str(tmp_path / "nope.jsonl"), "--db", str(db_path))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not db_path.exists()


def test_killed_import_keeps_whole_batches_and_a_rerun_completes_it(tmp_path, db_path):
    """An import killed half-way keeps the batches it finished (whole: no half article,
    search index consistent); the same command again imports the rest, and the lines
    already stored come out unchanged."""
    rng = random.Random(12)
    vocab = [f"kata{i}" for i in range(5000)]
    total = 4 * BATCH
    lines = [
        {
            "url": f"https://www.tangselpos.id/detail/{n}/berita",
            "title": f"Berita {n}",
            "body": "\n\n".join(" ".join(rng.choices(vocab, k=70)) for _ in range(5)),
            "published_at": "2025-09-16T02:12:00Z",
        }  # fmt: skip
        for n in range(total)
    ]
    source = write_lines(tmp_path / "many.jsonl", lines)
    arsip = Path(sys.executable).with_name("arsip")
    child = subprocess.Popen([str(arsip), "import", str(source), "--db", str(db_path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        stored = 0
        deadline = time.monotonic() + 60
        while stored < BATCH and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            if db_path.exists():
                try:
                    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
                        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:  # the schema is still being created
                    pass
        assert child.poll() is None, "the import ended before it could be killed"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(10)
    kept = check_whole(db_path)
    assert 0 < kept < total and kept % BATCH == 0  # whole batches only

    again = run_cli("import", str(source), "--db", str(db_path))
    assert again.returncode == 0, again.stderr
    assert (
        f"{total - kept} new, 0 updated, {kept} unchanged, 0 duplicate, 0 rejected"
        in again.stdout + again.stderr
    )
    assert check_whole(db_path) == total


def test_import_of_an_archived_text_leaves_its_fields_alone(tmp_path, db_path):
    """Another tool's reading of a text arsip already holds changes none of its fields."""
    line = {"url": "https://www.tangselpos.id/detail/1/berita", "title": "Berita satu",
            "body": "Isi berita yang cukup panjang untuk diarsipkan. " * 5,
            "section": "Banten", "authors": ["Nur Aisyah"],
            "published_at": "2025-09-16T02:12:00Z"}  # fmt: skip
    first = run_cli("import", str(write_lines(tmp_path / "a.jsonl", [line])), "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    other = {**line, "section": "Nasional", "authors": ["Redaksi"],
             "published_at": "2025-09-16T05:00:00Z"}  # fmt: skip
    again = run_cli("import", str(write_lines(tmp_path / "b.jsonl", [other])), "--db", str(db_path))
    assert "0 updated, 1 unchanged" in again.stdout + again.stderr
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT section, authors, published_at FROM articles").fetchall()
    assert stored == [("Banten", '["Nur Aisyah"]', "2025-09-16T02:12:00Z")]


# -- the owning portal's cleaning rules ------------------------------------------------

LEAD = (
    "Badan Pendapatan Daerah membuka loket tambahan di kantor kecamatan selama program "
    "pemutihan denda pajak berlangsung, Senin (22/9/2025)."
)
REST = (
    "Petugas melayani wajib pajak sejak pagi, dan antrean mulai berkurang menjelang siang "
    "setelah loket tambahan dibuka di dua kecamatan."
)


def imported_body(url: str, maintext: str) -> str:
    """The body arsip stores for a news-please line at ``url`` (what ``arsip import``
    stores per line, ``record_from_line``)."""
    from datetime import UTC, datetime

    from arsip.importer import record_from_line

    line = news_please(HPV[51311], url=url, maintext=maintext, title="Loket Pajak Ditambah")
    record = record_from_line(json.dumps(line), now=datetime(2025, 10, 1, tzinfo=UTC))
    return record["body"]


def test_import_cleans_with_the_owning_portals_rules():
    """A line whose URL a declared portal owns is cleaned with that portal's rules
    (``Portal.cleaning``) besides the general ones, as a crawl cleans it: kabar6's
    misspelt lead outlet ``Kaba6-``, tangerangnews' site name alone on a line. The same
    text at a URL no portal owns keeps both: they are those portals' own forms."""
    kabar6 = imported_body("https://kabar6.com/loket-pajak-ditambah/", f"Kaba6-{LEAD}\n{REST}")
    assert kabar6 == f"{LEAD}\n\n{REST}"
    tangerangnews = imported_body(
        "https://www.tangerangnews.com/banten/read/90001/Loket-Pajak-Ditambah",
        f"{LEAD}\nTangerang News\n{REST}",
    )
    assert tangerangnews == f"{LEAD}\n\n{REST}"
    nobody = imported_body(
        "https://kabarlain.example/loket", f"Kaba6-{LEAD}\nTangerang News\n{REST}"
    )
    assert nobody == f"Kaba6-{LEAD}\n\nTangerang News\n\n{REST}"


def test_the_archive_is_the_same_whatever_the_jobs(tmp_path):
    """Lines read into records by worker processes (``--jobs 2``, the bodies signed there)
    give the archive one process gives (``--jobs 1``): the same outcomes, the same
    rejected lines with their numbers and details, ids, copies, clusters and LSH buckets,
    over several batches."""
    rng = random.Random(5)
    vocab = [f"kata{i}" for i in range(3000)]
    shared = [" ".join(rng.choices(vocab, k=60)) for _ in range(6)]
    lines: list = []
    for n in range(2 * BATCH + 40):
        body = "\n\n".join(" ".join(rng.choices(vocab, k=60)) for _ in range(5))
        if n % 50 == 7:  # a release, run again with a new lead further on
            body = "\n\n".join([" ".join(rng.choices(vocab, k=30)), *shared])
        lines.append({"url": f"https://www.tangselpos.id/detail/{n}/berita", "title": f"Berita {n}",
                      "body": body, "published_at": "2025-09-16T02:12:00Z"})  # fmt: skip
        if n % 97 == 3:  # a copy on another portal
            lines.append(
                {**lines[-1], "url": f"https://kabar6.com/salinan-{n}/", "portal": "kabar6"}
            )
        if n % 131 == 5:
            lines += ["", "{not json", {"url": f"https://kabar6.com/x{n}/", "title": "t",
                                         "body": "isi", "authors": [1]}]  # fmt: skip
        if n == BATCH + 9:  # the first article again, with a new title: a revision
            lines.append({**lines[0], "title": "Judul yang diperbarui"})
    source = write_lines(tmp_path / "many.jsonl", lines)
    outputs = {}
    for jobs in ("1", "2"):
        result = run_cli(
            "import", str(source), "--jobs", jobs, "--db", str(tmp_path / f"{jobs}.db")
        )
        assert result.returncode == 0, result.stderr
        outputs[jobs] = (result.stdout, result.stderr)
    assert outputs["1"] == outputs["2"]
    stdout, stderr = outputs["2"]
    assert " 1 updated," in stdout and " duplicate," in stdout and " 0 duplicate" not in stdout
    assert "rejected: authors" in stderr and "authors[0]" in stderr  # a reason and its detail
    queries = [
        "SELECT id, url, title, body, content_hash, duplicate_of, cluster_id, revision"
        " FROM articles ORDER BY id",
        f"SELECT band, bucket, article_id FROM {ALL_BANDS} ORDER BY 1, 2, 3",
    ]
    for query in queries:
        found = [
            sqlite3.connect(tmp_path / f"{jobs}.db").execute(query).fetchall() for jobs in "12"
        ]
        assert found[0] == found[1] and found[0]
    clusters = sqlite3.connect(tmp_path / "2.db").execute(
        "SELECT count(*) FROM articles WHERE cluster_id IS NOT NULL").fetchone()[0]  # fmt: skip
    assert clusters > 2 * BATCH // 50
