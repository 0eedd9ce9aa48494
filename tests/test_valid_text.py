"""Every text is valid before it reaches SQLite: a lone surrogate (half an emoji, from a
JSON escape cut in half) or a NUL is replaced by U+FFFD at one place, the archive
writer, whoever wrote the article (the store's API, a crawl, an import, a
re-extraction), and counted; the article is never lost over it."""

from __future__ import annotations

import json
import sqlite3

import pytest

from archive.text import valid_record, valid_text
from archive.writer import ArchiveWriter, Outcome
from crawler.mirror.server import MirrorServer
from crawler.mirror.tangselpos import BASE, article_path, build_site, load_articles
from tests.conftest import rows, run_cli

BODY = "Warga Pamulang mengungsi setelah hujan deras semalam. Air setinggi lutut."


def test_valid_text_replaces_what_utf8_cannot_encode():
    assert valid_text("Banjir di Pamulang") == ("Banjir di Pamulang", 0)
    assert valid_text("Banjir \ud83d di Pamulang") == ("Banjir \ufffd di Pamulang", 1)
    assert valid_text("akhir \ude00") == ("akhir \ufffd", 1)  # a low half alone
    assert valid_text("a\x00b") == ("a\ufffdb", 1)
    # A pair held as two code points is the character it encodes: nothing lost.
    assert valid_text("senyum \ud83d\ude00") == ("senyum \U0001f600", 0)
    assert valid_text("\ud83d\ud83d\ude00\x00") == ("\ufffd\U0001f600\ufffd", 2)
    # Text beyond ASCII is checked as closely: typographic quotes and dashes stay, the
    # very same string; a surrogate or a NUL among them is replaced.
    quoted = "Wali kota: \u201cBanjir surut\u201d \u2014 warga kembali ke rumah"
    assert valid_text(quoted)[0] is quoted and valid_text(quoted)[1] == 0
    assert valid_text(quoted + " \ud83d") == (quoted + " \ufffd", 1)
    assert valid_text("\u201c\x00\u201d") == ("\u201c\ufffd\u201d", 1)
    record = {"title": "ok", "authors": ["Rizki \ud83d"], "word_count": 3, "tags": []}
    fixed, count = valid_record(record)
    assert fixed == {**record, "authors": ["Rizki \ufffd"]} and count == 1
    assert valid_record({"title": "ok", "tags": ["a"]})[1] == 0


def test_the_sqlite_boundary_itself_refuses_a_lone_surrogate(db_path):
    """What the writer guards against: SQLite cannot take the string at all."""
    conn = sqlite3.connect(db_path)
    with pytest.raises(UnicodeEncodeError):
        conn.execute("SELECT ?", ["\ud83d"])
    conn.close()


def test_the_writer_stores_every_article_of_a_batch_with_bad_characters(db_path):
    good = {"url": "https://www.tangselpos.id/detail/1/a", "portal": "tangselpos",
            "title": "Banjir di Pamulang", "body": BODY}  # fmt: skip
    bad = {
        "url": "https://www.tangselpos.id/detail/2/b",
        "portal": "tangselpos",
        "title": "Gubernur \ud83d Meninjau",
        "body": "Gubernur meninjau \ude4f lokasi.\x00 Warga lega.",
        "authors": ["Rizki \ud83d Maulana"],
        "tags": ["banjir", "\ud83c"],
        "description": "Ringkasan \ud83d",
    }
    other = {**good, "url": "https://www.tangselpos.id/detail/3/c", "title": "Lain",
             "body": "Pasar murah dibuka di Serpong pekan ini untuk warga."}  # fmt: skip
    with ArchiveWriter(db_path) as writer:
        run = writer.start_run("tangselpos")
        outcomes = [o for o, _ in writer.store_many([good, bad, other])]
        assert outcomes == [Outcome.NEW] * 3
        # The same record again, through ``store``: the same reading, so unchanged.
        assert writer.store(bad)[0] == Outcome.UNCHANGED
        assert writer.repaired == 2
        writer.finish_run(run, {"new": 3}, "finished", {})
    (row,) = rows(db_path, "SELECT * FROM articles WHERE url LIKE '%/2/b'")
    assert row["title"] == "Gubernur \ufffd Meninjau"
    assert row["body"] == "Gubernur meninjau \ufffd lokasi.\ufffd Warga lega."
    assert json.loads(row["authors"]) == ["Rizki \ufffd Maulana"]
    assert json.loads(row["tags"]) == ["banjir", "\ufffd"]
    assert row["description"] == "Ringkasan \ufffd"
    # Searchable past the replaced NUL (the full-text index read the whole text).
    hits = rows(db_path, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'lega'")
    assert [h["rowid"] for h in hits] == [row["id"]]
    (run_row,) = rows(db_path, "SELECT stats FROM crawl_runs")
    assert json.loads(run_row["stats"])["arsip/text_repaired"] == 2


def test_an_import_line_with_half_an_emoji_is_stored_with_the_rest(tmp_path, db_path):
    lines = [
        {"url": "https://www.tangselpos.id/detail/1/a", "title": "Banjir di Pamulang",
         "body": BODY, "published_at": "2025-09-15T10:00:00+07:00"},
        {"url": "https://www.tangselpos.id/detail/2/b", "title": "Senyum \ud83d Warga",
         "body": "Warga tersenyum \ud83d lega setelah air surut di Pamulang.",
         "published_at": "2025-09-15T11:00:00+07:00"},
    ]  # fmt: skip
    source = tmp_path / "articles.jsonl"
    # json.dumps writes the lone surrogate as the escape "\ud83d", as other tools do.
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert "\\ud83d" in source.read_text()
    done = run_cli("import", str(source), "--db", str(db_path))
    assert done.returncode == 0, done.stderr
    assert "2 new" in done.stdout and "1 repaired" in done.stdout, done.stdout
    titles = [r["title"] for r in rows(db_path, "SELECT title FROM articles ORDER BY id")]
    assert titles == ["Banjir di Pamulang", "Senyum \ufffd Warga"]
    again = run_cli("import", str(source), "--db", str(db_path))
    assert again.returncode == 0 and "2 unchanged" in again.stdout, again.stdout


def test_a_page_with_half_an_emoji_in_its_json_ld_is_archived_run_after_run(tmp_path):
    """The JSON-LD of a page names its author and a tag with a ``\\ud83d`` escape whose
    other half is missing: the crawl stores the article (the characters replaced,
    counted in the run log), the next run finds it unchanged and exits 0, and
    re-extraction of the kept page reads it the same."""
    articles = load_articles()[:3]
    site = build_site(articles)
    path = article_path(articles[0])
    author = articles[0]["author"].encode()
    page = site.pages[path]
    page.body = page.body.replace(
        b'"name": "' + author + b'"', b'"name": "' + author + b' \\ud83d"'
    ).replace(b'"keywords": "', b'"keywords": "\\ud83c, ')
    assert page.body.count(b"\\ud83") == 2
    db_path = tmp_path / "news.db"
    with MirrorServer([site], log=None) as server:
        first = run_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path))
        second = run_cli("crawl", "tangselpos", "--mirror", server.url, "--db", str(db_path))
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in first.stderr + second.stderr
    (row,) = rows(db_path, "SELECT * FROM articles WHERE url = ?", BASE + path)
    assert json.loads(row["authors"]) == [articles[0]["author"] + " \ufffd"]
    assert json.loads(row["tags"])[0] == "\ufffd"
    assert len(rows(db_path, "SELECT id FROM articles")) == len(articles)
    runs = rows(db_path, "SELECT new, unchanged, stats FROM crawl_runs ORDER BY id")
    assert runs[0]["new"] == len(articles)
    assert json.loads(runs[0]["stats"])["arsip/text_repaired"] == 1
    assert runs[1]["new"] == 0
    reread = run_cli("reextract", "--db", str(db_path))
    assert reread.returncode == 0, reread.stderr
    assert f"{len(articles)} unchanged" in reread.stdout, reread.stdout
    assert "1 repaired" in reread.stdout, reread.stdout


def test_a_signature_given_for_a_body_the_writer_repairs_is_computed_again(db_path):
    """An entry may come signed (an import's workers sign bodies); when the writer
    repairs the body, the signature of the text as given is not the stored text's."""
    from archive.dedup import content_hash, text_signature
    from archive.writer import Entry

    body = "Gubernur meninjau \ude4f lokasi banjir di Pamulang bersama warga setempat."
    record = {"url": "https://www.tangselpos.id/detail/9/g", "portal": "tangselpos",
              "title": "Gubernur meninjau", "body": body}  # fmt: skip
    clean = {**record, "url": "https://www.tangselpos.id/detail/8/h", "body": BODY}
    with ArchiveWriter(db_path) as writer:
        given = text_signature("Teks lain sama sekali, bukan isi berita ini.")
        stored = list(
            writer.store_many([Entry(record, signature=given), Entry(clean, signature=given)])
        )
    hashes = {
        r["url"]: r["content_hash"] for r in rows(db_path, "SELECT url, content_hash FROM articles")
    }
    assert hashes[record["url"]] == content_hash(body.replace("\ude4f", "\ufffd"))
    assert hashes[clean["url"]] == given.content_hash  # a body left as it was: taken as given
    assert [o for o, _ in stored] == [Outcome.NEW, Outcome.NEW]
