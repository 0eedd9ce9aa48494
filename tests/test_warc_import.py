"""`arsip import --warc`: web archives' response records archived as a crawl archives
its pages. The WARC files are written here with warcio from the offline mirror's
sample sites, under the portals' real URLs."""

from __future__ import annotations

import gzip
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import archive
from archive.times import to_utc_iso
from arsip.warc_import import BATCH, _records, _starts_record, import_warc
from crawler.extract import extract_article
from crawler.mirror.server import default_sites
from tests.conftest import ALL_BANDS, rows, run_cli
from tests.test_crash import check_whole
from tests.warc_files import Fetch, generated_fetches, mirror_fetches, write_warc

NOW = datetime.now(UTC).replace(microsecond=0)
FETCHED = to_utc_iso(NOW - timedelta(days=1))
REVISITED = to_utc_iso(NOW)
TANGSELPOS = "https://www.tangselpos.id"
CAFE = "/detail/50871/hujan-deras-semalaman-perumahan-di-pamulang-terendam-banjir-50-sentimeter"
CHUNKED = "/detail/50902/harga-cabai-rawit-di-pasar-ciputat-tembus-rp-80-ribu-per-kilogram"
FOREIGN = "https://www.example.org/2025/10/01/berita-lain/"


def _mirror() -> list[Fetch]:
    fetches = []
    for fetch in mirror_fetches():
        fetch.date = FETCHED
        if fetch.url == TANGSELPOS + CAFE:
            # An older CMS: windows-1252 bytes, and no charset declared anywhere.
            text = fetch.body.decode("utf-8").replace('<meta charset="utf-8">\n', "")
            fetch.body = text.replace("Hujan Deras", "Kafé Hujan Deras").encode("cp1252")
            fetch.content_type = "text/html"
        if fetch.url == TANGSELPOS + CHUNKED:
            fetch.chunked = True
        fetches.append(fetch)
    return fetches


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The whole mirror as a gzip WARC, plus a foreign page, an error answer, an image at
    an article URL and revisits; a plain WARC whose revisit names a payload of the
    first file. Imported once by the real command, then once again."""
    tmp = tmp_path_factory.mktemp("warc")
    fetches = _mirror()
    chunked = next(f for f in fetches if f.url == TANGSELPOS + CHUNKED)
    extra = [
        Fetch(FOREIGN, b"<html><head><title>Lain</title></head><body><p>x</p></body></html>",
              date=FETCHED),
        Fetch(TANGSELPOS + "/detail/59999/hilang", b"<html>not found</html>", status=404,
              date=FETCHED),
        Fetch(TANGSELPOS + "/detail/59998/foto-banjir", b"\x89PNG\r\n\x1a\n" + bytes(300),
              content_type="image/png", date=FETCHED),
        ("revisit", Fetch(TANGSELPOS + "/detail/59997/tidak-ada", b"never archived",
                          date=REVISITED)),
    ]  # fmt: skip
    first = write_warc(tmp / "mirror.warc.gz", [*fetches, *extra])
    again = Fetch(chunked.url, chunked.body, date=REVISITED)
    second = write_warc(tmp / "later.warc", [("revisit", again)], gzip=False)
    db = tmp / "warc.db"
    result = run_cli("import", "--warc", str(first), str(second), "--db", str(db))
    rerun = run_cli("import", "--warc", str(first), str(second), "--db", str(db))
    return {"db": db, "result": result, "rerun": rerun, "fetches": fetches, "first": first}


def test_response_records_become_the_articles_a_crawl_reads(imported):
    result = imported["result"]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # 177 mirror pages and 4 extra records; the page 2 of a tribunbanten article is part of it.
    assert lines[0].startswith(
        "import mirror.warc.gz: 181 records: 65 new, 0 updated, "
        "0 unchanged, 1 duplicate, 114 skipped (not an article URL: 110,"
    )
    for reason in ("no declared portal: 1", "HTTP 404: 1", "not HTML (image/png): 1",
                   "revisit of a payload not imported: 1"):  # fmt: skip
        assert reason in lines[0]
    assert lines[1] == ("import later.warc: 1 records: 0 new, 0 updated, 1 unchanged, "
                        "0 duplicate, 0 skipped")  # fmt: skip
    db = imported["db"]
    stored = {r["url"]: r for r in rows(db, "SELECT * FROM articles")}
    assert FOREIGN not in stored
    by_url = {f.url: f for f in imported["fetches"]}
    # Each single-page article is exactly what extraction reads from its page.
    for url, row in stored.items():
        if "gubernur-banten-andra-soni" in url:
            continue
        article = extract_article(by_url[url].body, url, fetched_at=FETCHED)
        assert (row["title"], row["body"], row["published_at"]) == (
            article.title, article.body, article.published_at)  # fmt: skip
        assert row["first_seen_at"] == FETCHED


def test_undeclared_charset_and_chunked_payloads_are_read_right(imported):
    db = imported["db"]
    (cafe,) = rows(db, "SELECT title, body FROM articles WHERE url = ?", TANGSELPOS + CAFE)
    assert cafe["title"].startswith("Kafé Hujan Deras")
    assert "Ã" not in cafe["title"] + cafe["body"]
    # The chunked page is kept decoded, without the transfer's headers.
    (page,) = rows(db, "SELECT body, headers, size, fetched_at FROM pages WHERE url = ?",
                   TANGSELPOS + CHUNKED)  # fmt: skip
    chunked = next(f for f in imported["fetches"] if f.url == TANGSELPOS + CHUNKED)
    assert archive.pages.page_body(page["body"]) == chunked.body
    assert "Transfer-Encoding" not in page["headers"]
    # The revisit in the second file is a fetch of the same page at its own date.
    assert page["fetched_at"] == REVISITED
    (seen,) = rows(db, "SELECT first_seen_at, last_seen_at FROM articles WHERE url = ?",
                   TANGSELPOS + CHUNKED)  # fmt: skip
    assert (seen["first_seen_at"], seen["last_seen_at"]) == (FETCHED, REVISITED)


def test_a_second_import_of_the_same_files_adds_nothing(imported):
    rerun = imported["rerun"]
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.splitlines() == [
        "import mirror.warc.gz: imported already, nothing to do",
        "import later.warc: imported already, nothing to do",
    ]
    # And read anew from scratch (the files' offsets forgotten), it stores nothing new.
    db = imported["db"]
    before = rows(db, "SELECT count(*) AS n FROM pages")[0]["n"], check_whole(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM warc_imports")
    with archive.open(db) as arch:
        again = import_warc(arch, imported["first"])
    assert "0 new, 0 updated, 66 unchanged, 0 duplicate" in again.summary_line("mirror")
    assert (rows(db, "SELECT count(*) AS n FROM pages")[0]["n"], check_whole(db)) == before


def test_a_multi_page_article_is_joined_as_the_crawl_joins_it(imported, mirror, tmp_path):
    """tribunbanten's sample site has an article in two pages: the import of its pages
    (``--portal tribunbanten``: the other portals' pages are skipped) stores what a
    crawl of the mirror stores, pages included."""
    crawled = tmp_path / "crawl.db"
    crawl = run_cli("crawl", "tribunbanten", "--mirror", mirror.url, "--db", str(crawled))
    assert crawl.returncode == 0, crawl.stderr
    warc = write_warc(tmp_path / "tribun.warc.gz", [
        Fetch(f.url, f.body, date=to_utc_iso(datetime.now(UTC)), content_type=f.content_type)
        for f in mirror_fetches(s for s in default_sites() if "banten.tribunnews.com" in s.hosts)
    ] + [Fetch(TANGSELPOS + CAFE, b"<html></html>")])  # fmt: skip
    imported_db = tmp_path / "import.db"
    result = run_cli("import", "--warc", str(warc), "--portal", "tribunbanten",
                     "--db", str(imported_db))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "another portal: 1" in result.stdout
    query = ("SELECT url, title, body, published_at, content_hash, section, authors, tags"
             " FROM articles ORDER BY url")  # fmt: skip
    assert rows(imported_db, query) == rows(crawled, query)
    pages = "SELECT url, page_number, body_sha256 FROM pages ORDER BY url, page_number"
    assert rows(imported_db, pages) == rows(crawled, pages)
    assert any(r["page_number"] == 2 for r in rows(imported_db, pages))


def _members(path: Path) -> list[bytes]:
    """The gzip members of a WARC file written by warcio, one per record."""
    data = path.read_bytes()
    members, start = [], 0
    while start < len(data):  # each member ends where its deflate stream says it does
        inflate = zlib.decompressobj(wbits=31)
        inflate.decompress(data[start:])
        assert inflate.eof, "a truncated member"
        end = len(data) - len(inflate.unused_data)
        members.append(data[start:end])
        start = end
    assert all(gzip.decompress(m).startswith(b"WARC/1.") for m in members)
    return members


def test_after_a_corrupt_stretch_reading_resumes_only_at_a_real_record(tmp_path):
    """Past garbage, reading resumes at the next gzip member that inflates to a WARC
    record. Magic bytes in the garbage (or inside compressed data) are no record start:
    warcio reads a member it cannot inflate as plain text, and once took the records
    after such a start for part of a bogus one, losing a good record (seen about one
    run in ten of the test below, whose record ids, and so compressed bytes, vary)."""
    members = _members(write_warc(tmp_path / "good.warc.gz", list(generated_fetches(3))))
    garbage = b"\x1f\x8b\x08garbage" * 50
    not_warc = gzip.compress(b"not a WARC record\r\n")
    data = b"".join([*members[:3], garbage, not_warc, *members[3:]])
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data)
    starts = [sum(map(len, members[:i])) for i in range(3)]
    after = len(b"".join(members[:3])) + len(garbage) + len(not_warc)
    starts += [after + sum(map(len, members[3:i])) for i in range(3, len(members))]
    with broken.open("rb") as stream:
        assert all(_starts_record(stream, start) for start in starts)
        magics = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08", i)]
        assert not [i for i in magics if i not in starts and _starts_record(stream, i)]
        read = [(offset, type(r).__name__) for offset, r in _records(stream, 0, len(data))]
    corrupt = [offset for offset, kind in read if kind == "_Corrupt"]
    assert corrupt == [starts[3] - len(garbage) - len(not_warc)]
    assert [offset for offset, kind in read if kind == "ArcWarcRecord"] == starts


def test_corrupt_and_truncated_records_are_reported_and_skipped(tmp_path, db_path):
    fetches = list(generated_fetches(6))
    members = _members(write_warc(tmp_path / "good.warc.gz", fetches))
    # warcinfo, then a request and a response per fetch: garbage over the 2nd response,
    # and the file cut in the middle of the last one.
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"".join([*members[:3], b"\x1f\x8b\x08garbage" * 50, *members[5:-1],
                                 members[-1][: len(members[-1]) // 2]]))  # fmt: skip
    result = run_cli("import", "--warc", str(broken), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "4 new" in result.stdout and "2 corrupt" in result.stdout, result.stdout
    reported = [line for line in result.stderr.splitlines() if "record at offset" in line]
    assert len(reported) == 2 and all(str(broken) in line for line in reported)
    stored = {r["url"] for r in rows(db_path, "SELECT url FROM articles")}
    assert stored == {f.url for f in fetches[:1] + fetches[2:5]}
    # Once the file is whole, a new run imports the record it ended in.
    broken.write_bytes(broken.read_bytes()[: -(len(members[-1]) // 2)] + members[-1])
    again = run_cli("import", "--warc", str(broken), "--db", str(db_path))
    assert "1 new" in again.stdout, again.stdout + again.stderr
    assert len(rows(db_path, "SELECT url FROM articles")) == 5


def test_what_is_not_a_warc_file_is_refused(tmp_path, db_path):
    readme = tmp_path / "README.md"
    readme.write_text("# not a web archive\n")
    refused = run_cli("import", "--warc", str(readme), "--db", str(db_path))
    assert refused.returncode == 1
    assert "is not a WARC file" in refused.stderr and "nothing imported" in refused.stderr
    assert not db_path.exists()
    warc = write_warc(tmp_path / "a.warc.gz", generated_fetches(1))
    unknown = run_cli("import", "--warc", str(warc), "--portal", "nosuch", "--db", str(db_path))
    assert unknown.returncode == 2 and "unknown portal 'nosuch'" in unknown.stderr


def test_a_killed_import_goes_on_to_the_same_archive(tmp_path):
    """SIGKILL after the first batch: the next run goes on from the batch it stopped at,
    and the archive equals an import that was never interrupted."""
    total = BATCH + 100
    warc = write_warc(tmp_path / "many.warc.gz", generated_fetches(total))
    killed = tmp_path / "killed.db"
    arsip = Path(sys.executable).with_name("arsip")
    child = subprocess.Popen([str(arsip), "import", "--warc", str(warc), "--db", str(killed)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        stored = 0
        deadline = time.monotonic() + 120
        while stored < BATCH and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
            try:
                with sqlite3.connect(f"file:{killed}?mode=ro", uri=True) as conn:
                    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:  # not created yet
                pass
        assert child.poll() is None, "the import ended before it could be killed"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(10)
    kept = check_whole(killed)
    assert 0 < kept < total and kept % BATCH == 0
    again = run_cli("import", "--warc", str(warc), "--db", str(killed))
    assert again.returncode == 0, again.stderr
    assert f"{total - kept} new, 0 updated, 0 unchanged" in again.stdout
    assert f"resumed after {kept} records" in again.stdout
    whole = tmp_path / "whole.db"
    with archive.open(whole) as arch:
        import_warc(arch, warc)
    query = ("SELECT id, url, title, body, content_hash, published_at, first_seen_at, cluster_id"
             " FROM articles ORDER BY id")  # fmt: skip
    assert rows(killed, query) == rows(whole, query)
    pages = "SELECT id, url, body_sha256, article_id, fetched_at FROM pages ORDER BY id"
    assert rows(killed, pages) == rows(whole, pages)
    assert check_whole(killed) == total


def test_portal_auto_takes_articles_of_undeclared_hosts_too(tmp_path):
    """``--portal auto``: a WordPress portal no declaration names is read by its markup
    and stored under its host; its home page is not an article. Without it, the same
    records are skipped."""
    kabar6 = next(s for s in default_sites() if "kabar6.com" in s.hosts)
    path = next(p for p in kabar6.pages if p.count("/") == 2 and p.endswith("-sekolah/"))
    host = "www.beritaserang.example"
    moved = [
        Fetch(f"https://{host}{target}", kabar6.pages[target].body.replace(b"kabar6.com", host.encode()))
        for target in ("/", path)
    ]  # fmt: skip
    warc = write_warc(tmp_path / "other.warc.gz", moved)
    with archive.open(tmp_path / "declared.db") as arch:
        declared = import_warc(arch, warc)
    assert declared.counts["skipped: no declared portal"] == 2
    with archive.open(tmp_path / "auto.db") as arch:
        auto = import_warc(arch, warc, portal="auto")
    assert (auto.counts["new"], auto.counts["skipped: not an article URL"]) == (1, 1)
    (row,) = rows(tmp_path / "auto.db", "SELECT url, portal, title, body FROM articles")
    assert row["url"] == f"https://{host}{path}" and row["portal"] == "beritaserang.example"
    assert row["title"] and len(row["body"]) > 200


def test_the_archive_is_the_same_whatever_the_jobs(imported, tmp_path):
    """Pages read into articles (and their texts signed) by worker processes (``--jobs
    3``) give the archive one process gives (``--jobs 1``): the same outcomes in the
    same order, ids, clusters and LSH buckets included, multi-page articles, revisits
    and a corrupt record among them."""
    members = _members(imported["first"])
    warc = tmp_path / "mixed.warc.gz"
    warc.write_bytes(b"".join([*members[:9], b"\x1f\x8b\x08garbage" * 50, *members[9:]]))
    outputs = {}
    for jobs in ("1", "3"):
        db = tmp_path / f"jobs{jobs}.db"
        result = run_cli("import", "--warc", str(warc), "--jobs", jobs, "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert "1 corrupt" in result.stdout and " new," in result.stdout
        outputs[jobs] = (result.stdout, result.stderr.replace(str(warc), "FILE"))
    assert outputs["1"] == outputs["3"]
    query = ("SELECT id, url, title, body, content_hash, published_at, first_seen_at,"
             " cluster_id, portal FROM articles ORDER BY id")  # fmt: skip
    assert rows(tmp_path / "jobs1.db", query) == rows(tmp_path / "jobs3.db", query)
    pages = "SELECT id, url, page_number, body_sha256, article_id, fetched_at FROM pages"
    assert rows(tmp_path / "jobs1.db", pages + " ORDER BY id") == rows(
        tmp_path / "jobs3.db", pages + " ORDER BY id"
    )
    assert any(r["page_number"] == 2 for r in rows(tmp_path / "jobs3.db", pages))
    # The workers also sign the texts (content hash, LSH buckets) the writer stores.
    bands = f"SELECT band, bucket, article_id FROM {ALL_BANDS} ORDER BY 1, 2, 3"
    assert rows(tmp_path / "jobs1.db", bands) == rows(tmp_path / "jobs3.db", bands)
    assert rows(tmp_path / "jobs3.db", bands)
