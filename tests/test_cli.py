"""The commands a user meets first: demo, mirror, search, extract."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from crawler.mirror.render import sample_portals
from tests.conftest import SAMPLE_DATA, run_cli
from tests.mirror_data import mirror_articles


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_archives_and_searches_offline(tmp_path):
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo.db").exists()
    # Every article of every sample portal (tangselpos's 26 and four for each other).
    total = sum(len(mirror_articles(portal)) for portal in sample_portals())
    assert f"holds {total} articles" in result.stdout
    assert "Andra Soni Ajak Influencer" in result.stdout
    assert "[Andra] [Soni]" in result.stdout  # the highlighted search snippet
    # The portals' own time with the zone's name, as in every command's output.
    assert "  2025-09-15 16:40 WIB   kabar6         Gubernur Andra Soni" in result.stdout
    assert "+07:00" not in result.stdout and "Z " not in result.stdout
    again = run_cli("demo", cwd=tmp_path)
    assert "0 new" in again.stdout and f"holds {total} articles" in again.stdout
    assert all(" 0 new," in line for line in again.stdout.splitlines() if " new," in line)


def test_mirror_serves_and_logs_one_line_per_request():
    port = free_port()
    arsip = Path(sys.executable).with_name("arsip")
    with subprocess.Popen(
        [str(arsip), "mirror", "--port", str(port)], stdout=subprocess.PIPE, text=True
    ) as server:
        try:
            assert "serving" in server.stdout.readline()
            for _ in range(50):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/sitemap.xml") as answer:
                        page = answer.read()
                    break
                except OSError:
                    time.sleep(0.1)
            assert b"<sitemapindex" in page
            line = server.stdout.readline()
            assert "GET www.tangselpos.id/sitemap.xml 200" in line
        finally:
            server.terminate()


def test_extract_one_saved_page():
    case = SAMPLE_DATA / "tangselpos/seed"
    url = json.loads((case / "inputs/HttpResponse-info.json").read_text())["url"]
    result = run_cli(
        "extract", str(case / "inputs/HttpResponse-body.html"), "--url", url,
        "--fetched-at", "2025-09-16T03:00:00Z",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["dateline"] == "SERANG"
    assert article["published_local"] == "2025-09-16T09:12:00+07:00"


def test_search_without_archive_is_a_clear_error(tmp_path):
    result = run_cli("search", "banjir", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1
    assert "no archive at" in result.stderr


def test_commands_do_not_load_pandas_yet_it_stays_importable():
    """sqlite-utils would import pandas (when installed, as here) on every command, for
    nothing arsip uses: a quarter of a second per command. It must stay importable for
    whoever wants it afterwards, and sqlite-utils must not see it."""
    fresh_python(
        "import sys, arsip.cli, archive.writer, arsip.crawl\n"
        "assert 'pandas' not in sys.modules, 'pandas was imported'\n"
        "import pandas, sqlite_utils.db\n"
        "assert sqlite_utils.db.pd is None and pandas.DataFrame\n"
    )


def test_sqlite_utils_parts_arsip_does_not_use_wait_for_their_first_use():
    """dateutil's parser and sqlite-utils' own regular expressions are not loaded or
    compiled by a command's start (``archive.sqlite_utils_import``), yet work when used:
    sqlite-utils' FTS detection and quoting, the crawler's date parsing, and every
    other module's ``re.compile``."""
    fresh_python(
        "import sys, re, arsip.cli\n"
        "import sqlite_utils.db as su\n"
        "from archive.sqlite_utils_import import LazyPattern\n"
        "assert type(su._virtual_table_using_re) is LazyPattern\n"
        "assert su._virtual_table_using_re._compiled is None, 'compiled at start'\n"
        "assert type(sys.modules['dateutil.parser']).__name__ == '_LazyModule'\n"
        "assert 'dateutil.parser._parser' not in sys.modules, 'dateutil parser loaded'\n"
        "assert isinstance(re.compile('x'), re.Pattern)  # re.compile given back\n"
        "db = su.Database(memory=True)\n"
        "db.execute('CREATE VIRTUAL TABLE t USING fts5(body)')\n"
        "assert db['t'].virtual_table_using == 'FTS5'\n"
        'assert db.quote_fts(\'banjir "lebak"\') == \'"banjir" "lebak"\'\n'
        "from crawler.extract.dates import parse_date\n"
        "assert parse_date('Senin, 15 September 2025 16:40 WIB').value.hour == 16\n"
        "import dateutil.parser\n"
        "assert dateutil.parser.isoparse('2025-09-15T16:40').hour == 16\n"
    )


def fresh_python(code: str) -> str:
    """What ``code`` prints when run by a new Python process (imports are per process:
    the test's own would hide what a command's start loads)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_command_imports_no_other_commands_module():
    """Commands kept in modules of their own are imported when run (``LazyGroup``): a
    crawl does not pay for the analyst's, portal and memory commands (0.3 s of CPU a
    crawl on a 2-core machine, 1.9 s before, 1.6 s after)."""
    loaded = fresh_python(
        "import sys, arsip.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('arsip.cli_')))\n"
    )
    assert loaded == "['arsip.cli_options']"


def test_reading_commands_do_not_load_the_extraction_rules():
    """The portal declarations (``arsip show`` needs a portal's zone, ``arsip health``
    its politeness) import no extraction stage: compiling the cleaning and date rules
    and loading parsel cost those commands a third of their CPU (show: 342 -> 244 ms)."""
    loaded = fresh_python(
        "import sys, arsip.cli, crawler.portals, crawler.portals.base\n"
        "from crawler.portals import all_portals\n"
        "all_portals()\n"
        "print(sorted(m for m in ('crawler.extract.clean', 'crawler.extract.dates',"
        " 'crawler.extract.page', 'parsel') if m in sys.modules))\n"
    )
    assert loaded == "[]"


def test_reading_commands_do_not_load_the_url_rules():
    """Only a lookup by URL canonicalises one (w3lib's URL module, which imports
    urllib.request, http.client and ssl: 20-25 ms of every search, show and releases
    before)."""
    loaded = fresh_python(
        "import sys, arsip.cli, arsip.cli_analyst, archive.search, archive.export,"
        " archive.releases, archive.wordiff\n"
        "print(sorted(m for m in ('w3lib.url', 'urllib.request') if m in sys.modules))\n"
    )
    assert loaded == "[]"


def test_every_command_loads_by_its_name():
    """The table of lazily loaded commands names each command's module and attribute
    right: each name gives the command of that name, and ``--help`` lists them all."""
    import click
    from click.testing import CliRunner

    from arsip.cli import LAZY_COMMANDS, cli

    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert set(LAZY_COMMANDS) <= set(names) and names == sorted(names)
    for name in names:
        assert cli.get_command(ctx, name).name == name
    listed = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {name} " in listed for name in names)


def test_db_help_says_what_each_command_does_with_the_file():
    """Only the commands that create an archive say so; readers say they need one."""
    from click.testing import CliRunner

    from arsip.cli import cli

    for command in ("duplicates", "health", "search", "show", "export", "stats", "serve"):
        text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
        assert "only read; it must exist" in text, command
        assert "created when missing" not in text, command
    for command in ("crawl", "import", "demo"):
        text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
        assert "created when missing" in text, command
