"""arsip export --format warc: the raw pages of a crawl of the mirror as WARC files that
warcio validates (every digest checked), a CDXJ index equal to the one pywb's own
indexer writes, and pywb, started on 127.0.0.1, replaying an archived article with the
bytes the crawler received."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import open as open_archive
from archive.pages import deflate_body, page_body, spliceable
from archive.sizes import parse_size
from archive.warc import WarcFiles, new_record_id, sha1_label
from archive.writer import ArchiveWriter
from crawler.mirror.faults import FaultPlan
from crawler.mirror.server import MirrorServer, default_sites
from tests.conftest import rows, run_cli

GZIPPED = "/detail/51566/libur-akhir-pekan-pantai-anyer-dipadati-wisatawan"
GZIPPED_URL = "https://www.tangselpos.id" + GZIPPED
GONE_URL = "https://www.tangselpos.id/detail/40000/halaman-hilang"
ODD_URL = "https://www.tangselpos.id/detail/40001/status-aneh?x=1"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A crawl of the tangselpos mirror, one article served gzip-compressed (its stored
    headers keep the compressed Content-Length), plus two pages in shapes a crawl keeps
    more rarely: a 404 answered chunked and gzipped, a status no standard names."""
    path = tmp_path_factory.mktemp("warc") / "news.db"
    plan = FaultPlan.from_specs([f"{GZIPPED}=gzip"])
    with MirrorServer(default_sites(), log=None, faults=plan) as server:
        result = run_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(path),
                         "--warc", str(path.parent / "crawl-warc"), "--warc-size", "32KB")  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = b"<html><body><p>Halaman tidak ditemukan</p></body></html>"
    with ArchiveWriter(path) as writer:
        writer.store_page({
            "url": GONE_URL, "status": 404, "body": html, "fetched_at": "2025-09-20T01:02:03Z",
            "headers": {"Content-Type": "text/html", "Content-Encoding": "gzip",
                        "Transfer-Encoding": "chunked", "Set-Cookie": "a=1, b=2"},
        })  # fmt: skip
        writer.store_page({
            "url": ODD_URL, "status": 299, "body": b"ok", "fetched_at": "2025-09-20T01:02:04Z",
            "headers": {"Content-Length": "999", "Content-Type": "text/plain"},
        })  # fmt: skip
        # The 404 as arsip kept pages before schema 16: a zlib stream, no CRC-32 or SHA-1.
        writer.db.execute(
            "UPDATE pages SET body = ?, body_crc32 = NULL, body_sha1 = NULL WHERE url = ?",
            [zlib.compress(html, 6), GONE_URL],
        )
    return path


@pytest.fixture(scope="module")
def exported(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("warc-out") / "collection"
    result = run_cli("export", "--format", "warc", "-o", str(out), "--warc-size", "32KB",
                     "--db", str(archive))  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def records(files: list[Path]) -> list[tuple[str, object]]:
    """(file name, record) of every record, payloads read (digests checked by warcio)."""
    found = []
    for path in files:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                record.payload = record.content_stream().read()
                assert record.digest_checker.passed is not False, record.digest_checker.problems
                found.append((path.name, record))
    return found


def test_every_page_is_a_response_and_a_request(archive, exported):
    out, message = exported
    files = sorted(out.glob("*.warc.gz"))
    assert len(files) >= 3  # split at 32 KB: a file ends with the page that passes it
    for path in files[:-1]:
        assert 32 * 1024 <= path.stat().st_size < 40 * 1024
    assert re.fullmatch(r"exported \d+ pages to \d+ WARC files in .*, index .*\.cdxj\n", message)
    for path in files:
        assert re.fullmatch(r"news-\d{14}-\d{5}\.warc\.gz", path.name)
    stamps = {path.name.split("-")[1] for path in files}
    assert len(stamps) == 1 and (out / f"news-{stamps.pop()}.cdxj").is_file()
    assert not list(out.glob("*.part")) and not list(out.glob(".cdxj-run-*"))
    # warcio's own check: every record's block and payload digests.
    check = subprocess.run([str(BIN / "warcio"), "check", *map(str, files)],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr

    found = records(files)
    pages = rows(archive, "SELECT url, fetched_at, status, body FROM pages")
    responses = [r for _, r in found if r.rec_type == "response"]
    requests = {r.rec_headers["WARC-Concurrent-To"]: r for _, r in found if r.rec_type == "request"}
    assert len(responses) == len(pages) == len(requests) > 20
    kept = {(p["url"], p["fetched_at"]): p for p in pages}
    for response in responses:
        url, date = response.rec_headers["WARC-Target-URI"], response.rec_headers["WARC-Date"]
        page = kept[(url, date)]  # WARC-Date: the fetch time
        assert response.payload == page_body(page["body"])
        assert response.http_headers.get_statuscode() == str(page["status"])
        assert response.rec_headers["WARC-Payload-Digest"].startswith("sha1:")
        request = requests[response.rec_headers["WARC-Record-ID"]]
        assert request.rec_headers["WARC-Target-URI"] == url
        assert request.rec_headers["WARC-Date"] == date
        assert request.http_headers.protocol == "GET"
    # Each file opens with a warcinfo record naming arsip and the archive.
    opening = {}
    for name, record in found:
        opening.setdefault(name, record)
    for name, record in opening.items():
        assert record.rec_type == "warcinfo"
        assert record.rec_headers["WARC-Filename"] == name
        info = record.payload.decode()
        assert re.search(r"^software: arsip/\d", info, re.M)
        assert "isPartOf: news.db" in info


def test_kept_bodies_are_spliced_into_their_records_as_they_are(archive, exported):
    """A page kept as raw DEFLATE goes into its response record's gzip member byte for
    byte, neither inflated nor compressed again (so the export runs at the speed of
    reading the archive); a page kept by an older arsip (zlib) is compressed anew. Both
    read back whole, with their digests checked (``records``)."""
    out, _ = exported
    files = {path.name: path.read_bytes() for path in out.glob("*.warc.gz")}
    kept = {p["url"]: p for p in rows(archive, "SELECT url, body FROM pages")}
    lines = next(out.glob("*.cdxj")).read_text().splitlines()
    index = [json.loads(line.split(" ", 2)[2]) for line in lines]
    spliced = 0
    for entry in index:
        offset, length = int(entry["offset"]), int(entry["length"])
        member = files[entry["filename"]][offset : offset + length]
        blocks = spliceable(kept[entry["url"]]["body"])
        if entry["url"] == GONE_URL:
            assert blocks is None
            continue
        assert blocks is not None and blocks in member, entry["url"]
        spliced += 1
    assert spliced == len(index) - 1 > 20
    by_url = {r.rec_headers["WARC-Target-URI"]: r for _, r in records(sorted(files_of(out)))
              if r.rec_type == "response"}  # fmt: skip
    assert by_url[GONE_URL].rec_headers["WARC-Block-Digest"]
    assert by_url[GONE_URL].payload == b"<html><body><p>Halaman tidak ditemukan</p></body></html>"
    assert by_url[ODD_URL].rec_headers["WARC-Block-Digest"] is None  # optional: spliced


@pytest.mark.parametrize("url", [
    "https://www.tangselpos.id/detail/1/a?b=1",
    "https://www.tangselpos.id/detail/2/pantai-anyér",  # non-ASCII, percent-encoded in GET
])  # fmt: skip
def test_a_spliced_record_is_the_record_of_the_whole_body(tmp_path, url):
    """The same page written from its body (a crawl's ``--warc``) and spliced from its
    kept DEFLATE blocks (an export) gives the same records, byte for byte once
    decompressed, but for the record ids and the response's optional block digest."""
    body = b"<html><body><p>Pantai Anyer dipadati wisatawan.</p></body></html>" * 500
    page = {"url": url, "fetched_at": "2025-09-20T01:02:03Z", "status": 200,
            "headers": {"Content-Type": "text/html", "Content-Encoding": "gzip",
                        "Content-Disposition": "inline; filename=pantai-anyér.html"}}  # fmt: skip
    kept = deflate_body(body)
    spliced = {**page, "deflated": spliceable(kept), "crc32": zlib.crc32(body),
               "sha1": hashlib.sha1(body).hexdigest(), "size": len(body)}  # fmt: skip
    written = {}
    for name, given in (("whole", {**page, "body": body}), ("spliced", spliced)):
        with WarcFiles(tmp_path / name, prefix="p", is_part_of="x",
                       started=datetime(2025, 1, 1, tzinfo=UTC)) as files:  # fmt: skip
            files.write_page(given)
        (path,) = (tmp_path / name).glob("*.warc.gz")
        check = subprocess.run([str(BIN / "warcio"), "check", str(path)],
                               capture_output=True, text=True)  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        text = gzip.decompress(path.read_bytes())  # every member's CRC-32 and size checked
        text = text[text.index(b"WARC/1.0\r\n", 1) :]  # after the warcinfo (dated now)
        text = re.sub(rb"urn:uuid:[0-9a-f-]+", b"ID", text)
        written[name] = re.sub(rb"WARC-Block-Digest: \S+\r\n(?=WARC-Type: response)", b"", text)
    assert written["spliced"] == written["whole"]
    assert body in written["spliced"] and b"WARC-Type: request" in written["spliced"]
    assert b"filename*=UTF-8''pantai-any%C3%A9r.html" in written["spliced"]  # warcio's RFC 8187


def test_digests_and_record_ids_are_spelled_as_warcio_spells_them():
    rng = random.Random(4648)
    for _ in range(500):
        data = rng.randbytes(rng.randint(0, 64))
        assert sha1_label(hashlib.sha1(data).digest()) == "sha1:" + base64.b32encode(
            hashlib.sha1(data).digest()
        ).decode("ascii")
    ids = {new_record_id() for _ in range(500)}
    assert len(ids) == 500
    for record_id in ids:
        assert record_id.startswith("<urn:uuid:") and record_id.endswith(">")
        parsed = uuid.UUID(record_id[len("<urn:uuid:") : -1])
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == record_id[len("<urn:uuid:") : -1]


def files_of(out: Path) -> list[Path]:
    return list(out.glob("*.warc.gz"))


def test_headers_describe_the_stored_body(archive, exported):
    out, _ = exported
    by_url = {r.rec_headers["WARC-Target-URI"]: r for _, r in records(sorted(out.glob("*.warc.gz")))
              if r.rec_type == "response"}  # fmt: skip
    stored = json.loads(
        rows(archive, "SELECT headers FROM pages WHERE url = ?", GZIPPED_URL)[0]["headers"]
    )
    gzipped = by_url[GZIPPED_URL]
    # Scrapy inflated the body and dropped Content-Encoding, but kept the length on the wire.
    assert int(stored["Content-Length"]) < len(gzipped.payload)
    assert gzipped.http_headers.get_header("Content-Length") == str(len(gzipped.payload))
    assert gzipped.http_headers.statusline == "200 OK"
    gone = by_url[GONE_URL]
    assert gone.http_headers.statusline == "404 Not Found"
    assert gone.http_headers.get_header("Content-Encoding") is None
    assert gone.http_headers.get_header("Transfer-Encoding") is None
    assert gone.http_headers.get_header("Set-Cookie") == "a=1, b=2"
    assert gone.payload == b"<html><body><p>Halaman tidak ditemukan</p></body></html>"
    odd = by_url[ODD_URL]
    assert odd.http_headers.statusline == "299"
    assert odd.http_headers.get_header("Content-Length") == "2"


def test_index_is_what_cdxj_indexer_writes(exported, tmp_path):
    from cdxj_indexer.main import CDXJIndexer

    out, _ = exported
    index = next(out.glob("*.cdxj"))
    theirs = tmp_path / "theirs.cdxj"
    CDXJIndexer(output=str(theirs), inputs=[str(p) for p in sorted(out.glob("*.warc.gz"))],
                sort=True).process_all()  # fmt: skip
    assert index.read_text() == theirs.read_text()
    assert index.read_text().count("\n") > 20


def test_a_crawl_writes_the_pages_it_reads(archive):
    """``arsip crawl --warc DIR``: the same records, written as the pages are read."""
    files = sorted((archive.parent / "crawl-warc").glob("*.warc.gz"))
    assert len(files) >= 3 and all(p.name.startswith("tangselpos-") for p in files)
    found = records(files)
    pages = {(p["url"], p["fetched_at"]): page_body(p["body"])
             for p in rows(archive, "SELECT url, fetched_at, body FROM pages")}  # fmt: skip
    responses = [r for _, r in found if r.rec_type == "response"]
    crawled = {(r.rec_headers["WARC-Target-URI"], r.rec_headers["WARC-Date"]): r.payload
               for r in responses}  # fmt: skip
    # Every page the crawl kept (the two added by hand afterwards aside), with its bytes.
    kept = {key: body for key, body in pages.items() if key[0] not in (GONE_URL, ODD_URL)}
    assert crawled == kept
    gzipped = next(r for r in responses if r.rec_headers["WARC-Target-URI"] == GZIPPED_URL)
    assert gzipped.http_headers.get_header("Content-Length") == str(len(gzipped.payload))
    assert sum(r.rec_type == "request" for _, r in found) == len(responses)
    index = (archive.parent / "crawl-warc").glob("tangselpos-*.cdxj")
    assert next(index).read_text().count("\n") == len(responses)


def test_filters_select_the_articles_pages(archive, tmp_path):
    with open_archive(archive, readonly=True) as arch:
        files = arch.export_warc(tmp_path / "banjir", where=arch.filter("banjir"))
    urls = {r.rec_headers["WARC-Target-URI"] for _, r in records(files.files)
            if r.rec_type == "response"}  # fmt: skip
    expected = rows(
        archive,
        "SELECT p.url FROM pages p JOIN articles a ON a.id = p.article_id"
        " JOIN articles_fts ON articles_fts.rowid = a.id WHERE articles_fts MATCH 'banjir'",
    )
    assert urls == {r["url"] for r in expected} and urls
    assert files.pages == len(urls) and files.index_path.is_file()
    assert GONE_URL not in urls  # a page without an article belongs to no selection


def test_output_must_be_a_directory(archive, tmp_path):
    afile = tmp_path / "a-file"
    afile.write_text("x")
    result = run_cli("export", "--format", "warc", "-o", str(afile), "--db", str(archive))
    assert result.returncode == 2 and "is not a directory" in result.stderr, result.stderr
    assert afile.read_text() == "x"


@pytest.mark.parametrize(
    ("text", "size"),
    [("1GB", 1024**3), ("500mb", 500 * 1024**2), ("64 KiB", 65536), ("4096", 4096)],
)
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "12", "1TB", "-5MB", ""])
def test_not_sizes(text):
    with pytest.raises(ValueError):
        parse_size(text)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pywb_replays_an_article_with_its_original_bytes(archive, exported, tmp_path):
    out, _ = exported
    wayback = Path(sys.prefix) / "pywb" / "bin" / "wayback"
    assert wayback.exists(), f"pywb is installed by `make .venv/.test-installed` ({wayback})"
    (tmp_path / "config.yaml").write_text(
        f"collections:\n  news:\n    index_paths: {out}/\n    archive_paths: {out}/\n"
    )
    port = _free_port()
    log = (tmp_path / "pywb.log").open("w")
    server = subprocess.Popen([str(wayback), "-p", str(port), "-b", "127.0.0.1"], cwd=tmp_path,
                              stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        pages = rows(archive, "SELECT url, body FROM pages WHERE url IN (?, ?)",
                     GZIPPED_URL, GONE_URL)  # fmt: skip
        for page in pages:
            # id_: the archived bytes as they were, without pywb's rewriting.
            replay = f"http://127.0.0.1:{port}/news/2030id_/{page['url']}"
            status, body = _get(replay, server, tmp_path / "pywb.log")
            assert status == (404 if page["url"] == GONE_URL else 200)
            assert body == page_body(page["body"])
        assert len(pages) == 2
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _get(url: str, server: subprocess.Popen, log: Path, wait: float = 20.0) -> tuple[int, bytes]:
    """GET ``url``, retried while the server starts."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read()
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"pywb did not answer: {log.read_text()}") from None
            time.sleep(0.2)


def test_a_page_without_a_status_is_a_resource(tmp_path):
    """A kept page with no HTTP status (none is written so today) is no response to
    rebuild: its bytes go out as a resource record, indexed all the same."""
    from archive.warc import WarcFiles

    with WarcFiles(tmp_path / "out", prefix="x", is_part_of="x.db") as files:
        files.write_page({"url": ODD_URL, "fetched_at": "2025-09-20T01:02:04Z", "status": None,
                          "headers": {"Content-Type": "text/html"}, "body": b"<p>hai</p>"})  # fmt: skip
    (_, info), (_, resource) = records(files.files)
    assert info.rec_type == "warcinfo" and resource.rec_type == "resource"
    assert resource.payload == b"<p>hai</p>"
    assert resource.rec_headers["Content-Type"] == "text/html"
    index = files.index_path.read_text()
    assert index.startswith("id,tangselpos)/detail/40001/status-aneh?x=1 20250920010204 ")
    from cdxj_indexer.main import CDXJIndexer

    CDXJIndexer(output=str(tmp_path / "theirs.cdxj"), inputs=[str(files.files[0])],
                sort=True).process_all()  # fmt: skip
    assert index == (tmp_path / "theirs.cdxj").read_text()


def test_runs_in_the_same_second_never_share_a_name(tmp_path):
    """A second run into the same directory that starts in the first run's second (a
    pages move run again right after a kill, two exports in a row) takes the next second's
    names: no file of the first run is refused or overwritten."""
    from archive.warc import WarcFiles

    page = {"url": ODD_URL, "fetched_at": "2025-09-20T01:02:04Z", "status": None,
            "headers": {"Content-Type": "text/html"}, "body": b"<p>hai</p>"}  # fmt: skip
    started = datetime.now(UTC)
    runs = []
    for _ in range(2):
        files = WarcFiles(tmp_path / "out", prefix="x", is_part_of="x.db")
        files.stamp = started.strftime("%Y%m%d%H%M%S")  # as if both began together
        with files:
            files.write_page(page)
        runs.append(files)
    first, second = runs
    assert first.stamp < second.stamp
    assert set(first.files).isdisjoint(second.files) and first.index_path != second.index_path
    assert len(list((tmp_path / "out").glob("*.warc.gz"))) == 2
    for files in runs:
        (_, info), (_, resource) = records(files.files)
        assert resource.payload == b"<p>hai</p>"


def test_a_round_trip_through_warc_gives_the_same_articles(archive, exported, tmp_path):
    """Export, then `arsip import --warc` into an empty archive: the same articles (count,
    titles, bodies, publication times, portals) come back, read again from the bytes
    the crawler received; the pages no article came from are skipped, not archived."""
    out, _ = exported
    again = tmp_path / "again.db"
    files = sorted(str(p) for p in out.glob("*.warc.gz"))
    result = run_cli("import", "--warc", *files, "--db", str(again))
    assert result.returncode == 0, result.stderr
    sql = "SELECT portal, url, title, body, published_at FROM articles ORDER BY url"
    before, after = rows(archive, sql), rows(again, sql)
    assert len(before) > 5
    assert after == before
