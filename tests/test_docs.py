"""The documentation is true: every ``arsip`` command is documented (as in sqlite-utils),
docs/cli.md is what ``cog`` makes of the commands' ``--help`` (as in sqlite-utils and
Datasette), and every command shown in a ``sh`` block of README.md and docs/*.md runs as
a user runs it, against a demo archive and the offline mirror, never the internet."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from arsip.cli import cli
from tests.conftest import ROOT, SAMPLE_DATA, copy_archive

DOCS = ROOT / "docs"
CLI_REFERENCE = DOCS / "cli.md"
# Hand-written pages, in reading order: README first, then the index's order. The
# generated reference is checked by cog, not here.
PAGE_ORDER = [
    "index",
    "operating",
    "incremental",
    "portals",
    "adding-a-portal",
    "archive",
    "import",
    "analysis",
    "warc",
    "extraction",
    "reliability",
    "development",
]


COMMANDS = cli.list_commands(click.Context(cli))


def doc_pages() -> list[Path]:
    pages = [p for p in DOCS.glob("*.md") if p != CLI_REFERENCE]
    rank = {name: i for i, name in enumerate(PAGE_ORDER)}
    return [ROOT / "README.md", *sorted(pages, key=lambda p: (rank.get(p.stem, 99), p.name))]


def prose() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in doc_pages())


# -- every command is documented ----------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command):
    """In README.md or a hand-written page of docs/: the generated reference alone
    does not count."""
    assert re.search(rf"\barsip {re.escape(command)}\b", prose()), (
        f"`arsip {command}` is documented neither in README.md nor in docs/"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_its_help_in_the_cli_reference(command):
    text = CLI_REFERENCE.read_text(encoding="utf-8")
    assert f"## arsip {command}\n" in text, f"docs/cli.md has no section `## arsip {command}`"
    assert f'help_of("{command}")' in text, f"docs/cli.md does not print `arsip {command} --help`"


def test_the_cli_reference_is_current():
    """``cog --check``: docs/cli.md is what ``make docs`` writes from the commands."""
    from cogapp import Cog

    out, err = io.StringIO(), io.StringIO()
    cog = Cog()
    cog.set_output(stdout=out, stderr=err)
    status = cog.main(["cog", "--check", str(CLI_REFERENCE)])
    assert status == 0, (
        f"docs/cli.md is out of date: run `make docs` and commit it\n{out.getvalue()}"
        f"{err.getvalue()}"
    )


def test_every_page_is_linked_from_the_index():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        if page.name != "index.md":
            assert f"]({page.name})" in index, f"docs/index.md does not link {page.name}"
    assert "](python-api.md)" in index


def test_links_between_pages_lead_to_a_page_and_a_heading():
    """Relative links from README.md and docs/*.md name files that exist, and their
    #anchors name a heading of that file (GitHub's anchors). docs/python-api.md is
    written with the Python API and may not exist yet."""
    for page in [*doc_pages(), CLI_REFERENCE]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if linked.name == "python-api.md" and not linked.exists():
                continue
            assert linked.exists(), f"{page.name} links to {target}: no such file"
            if anchor:
                assert anchor in anchors(linked), f"{page.name} links to {target}: no heading"


def anchors(page: Path) -> set[str]:
    found, fence = set(), False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and (heading := re.match(r"#+ (.*)", line)):
            slug = re.sub(r"[^\w\- ]", "", heading[1].strip().lower()).replace(" ", "-")
            found.add(slug)
    return found


# -- every command shown runs ---------------------------------------------------------

# Commands of the docs that this test does not run, by how they start, and why. A shown
# command that is neither run nor listed here fails the test.
NOT_RUN = {
    ". .venv/bin/activate": "the test runs the venv's own executables",
    "make demo": "runs `arsip demo`, which this test runs to build its archive",
    "make test": "the whole suite, this test included",
    "make test-fast": "a part of the suite this test belongs to",
    "make bench": "the benchmarks take many minutes; bench/run_all.py writes bench/RESULTS.md",
    ".venv/bin/python bench/": "benchmarks of minutes, timing the machine, not the docs",
    "arsip crawl kabarserang": (
        "kabarserang.id is the example of a site nobody declared; the offline mirror does "
        "not serve it (`arsip add-portal` before it runs)"
    ),
    # docs/deployment.md: machines this test does not have.
    "python3 -m venv /srv/arsip": "a node's own environment (make demo makes this one)",
    "/srv/arsip/.venv/bin/": "a node's install and its scrapyd; tests/test_shards.py runs two",
    "cd /srv/arsip/node": "a node's scrapyd; tests/test_shards.py runs two on loopback",
    "arsip dispatch --node http://crawl1": (
        "needs scrapyd nodes; tests/test_shards.py dispatches to two on loopback"
    ),
    "sqlite3 shards/": "a node's shard; tests/test_shards.py copies and merges real ones",
    "arsip merge incoming/": "the nodes' shards; tests/test_shards.py merges real ones",
    "arsip import --warc": "WARC files of a web archive, which the repository does not hold",
    "arsip export --format warc": "a WARC collection of the whole archive; the WARC tests write one",
    "python3 -m venv pywb-venv": "pywb in a venv of its own; tests/test_warc.py replays with it",
    "pywb-venv/bin/": "pywb's install and server; tests/test_warc.py replays an export with it",
    "python bench/extract_quality.py": (
        "needs an evaluation set (ARSIP_EVAL_MANIFESTS) that is not in the repository"
    ),
}

# Exit statuses the docs give a command other than 0, by a part of the command line.
EXPECTED_STATUS = {
    # docs/operating.md, Politeness: a setting that is not a number is a usage error.
    "ARSIP_EMPTY_RETRY_DAYS=abc": 2,
}

# The ports the docs use, and the address a user's mirror and Datasette answer at.
DOC_MIRROR = "http://127.0.0.1:8642"
DOC_SERVE_PORT = "8001"
# Run in this process (click's CliRunner) when no environment is given on the line:
# they only read the archive or a file, and cost a Python start each as processes.
IN_PROCESS = {
    "search", "show", "export", "stats", "duplicates", "memory", "portals", "extract",
    "forget", "health", "explain", "clean",
}  # fmt: skip
# Archives the docs name, each a copy of the demo archive.
ARCHIVES = ("news.db", "demo.db", "test.db")
TIMEOUT = 180


@dataclass
class Shown:
    """One command line of a sh block, as the shell reads it."""

    page: str
    line: int
    text: str
    comment: str = ""
    env: dict[str, str] = field(default_factory=dict)
    argv: list[str] = field(default_factory=list)
    stdout_to: str | None = None
    background: bool = False


@dataclass
class Block:
    page: str
    line: int
    commands: list[Shown]
    # Comment lines after a command (a URL to open, the output to expect).
    notes: dict[int, list[str]]

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def sh_blocks() -> list[Block]:
    blocks = []
    for page in doc_pages():
        name = str(page.relative_to(ROOT))
        lines = page.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            if lines[i].strip() == "```sh":
                start, body = i + 1, []
                i += 1
                while lines[i].strip() != "```":
                    body.append(lines[i])
                    i += 1
                blocks.append(parse_block(name, start, body))
            i += 1
    return blocks


def parse_block(page: str, first_line: int, body: list[str]) -> Block:
    commands: list[Shown] = []
    notes: dict[int, list[str]] = {}
    pending, pending_line = "", 0
    for number, raw in enumerate(body, start=first_line + 1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            if commands and stripped:
                notes.setdefault(len(commands) - 1, []).append(stripped.lstrip("# "))
            continue
        if not pending:
            pending_line = number
        pending += raw.rstrip()
        if pending.endswith("\\"):  # continued on the next line
            pending = pending[:-1] + " "
            continue
        try:
            tokens = shlex.split(pending, comments=True)
        except ValueError:  # a quote spans lines (SQL over several lines)
            pending += "\n"
            continue
        commands.append(shown(page, pending_line, pending, tokens))
        pending = ""
    assert not pending, f"{page}:{pending_line}: unfinished command {pending!r}"
    return Block(page, first_line, commands, notes)


def shown(page: str, line: int, text: str, tokens: list[str]) -> Shown:
    command = Shown(page, line, " ".join(text.split()))
    command.comment = text.split(" #", 1)[1].strip() if " #" in text else ""
    while tokens and re.fullmatch(r"[A-Z_]+=.*", tokens[0]):
        name, _, value = tokens.pop(0).partition("=")
        command.env[name] = value
    if tokens and tokens[-1] == "&":
        command.background = True
        tokens.pop()
    if ">" in tokens:
        at = tokens.index(">")
        command.stdout_to = tokens[at + 1]
        del tokens[at : at + 2]
    command.argv = tokens
    return command


def not_run_reason(command: Shown) -> str | None:
    for start, reason in NOT_RUN.items():
        if command.text.startswith(start):
            return reason
    return None


BLOCKS = sh_blocks()


def test_the_docs_show_commands():
    """The collector finds what the docs show (guards the test below)."""
    shown_ = [c.text for b in BLOCKS for c in b.commands]
    assert len(shown_) > 60
    assert any(t.startswith("arsip crawl tangselpos --mirror") for t in shown_)
    assert any(t.startswith("sqlite3 news.db") for t in shown_)
    assert any(t.startswith("scrapy crawl") or " scrapy crawl " in t for t in shown_)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, mirror) -> Path:
    """A user's directory: the demo archive under every name the docs use, the files
    the docs' commands read, and the offline mirror standing in for the internet."""
    home = tmp_path_factory.mktemp("docs")
    result = subprocess.run(
        [str(executable("arsip")), "demo", "--db", "news.db"],
        cwd=home, env=base_env(home, mirror.url), capture_output=True, text=True,
        timeout=TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ARCHIVES[1:]:
        copy_archive(home / "news.db", home / name)
    shutil.copy(ROOT / "scrapy.cfg", home / "scrapy.cfg")  # `scrapy` from the project root
    seed = SAMPLE_DATA / "tangselpos" / "seed" / "inputs" / "HttpResponse-body.html"
    video = SAMPLE_DATA / "textless" / "tangselpos-video" / "inputs" / "HttpResponse-body.html"
    shutil.copy(seed, home / "saved.html")
    shutil.copy(video, home / "video.html")
    (home / "manifest.jsonl").write_text(
        '{"id": "seed", "path": "saved.html", "url": '
        '"https://www.tangselpos.id/detail/51234/andra-soni"}\n'
        '{"id": "video", "path": "video.html", "url": '
        '"https://www.tangselpos.id/detail/51990/video-warga-serpong"}\n'
    )
    # An article's paragraphs, one per line, as `arsip clean` reads them.
    (home / "paragraphs.txt").write_text(
        "Ilustrasi (bbs)\n"
        "Kabar6-Warga Pondok Aren mengeluhkan tumpukan sampah di pinggir jalan.\n"
        "**Baca juga: Sampah Menggunung, Warga Protes..!\n"
        "Petugas dijadwalkan mengangkut sampah itu dalam dua hari. (Tim K6)\n",
        encoding="utf-8",
    )
    (home / "articles.jsonl").write_text(
        '{"url": "https://www.kabarserang.id/2025/09/20/banjir-di-serang", "title": '
        '"Banjir di Serang", "maintext": "Hujan deras semalaman membuat banjir di Serang. '
        'Warga mengungsi ke masjid terdekat.", "date_publish": "2025-09-20 08:00:00", '
        '"source_domain": "www.kabarserang.id", "language": "id"}\n'
    )
    # The operator's private portals module of docs/operating.md, with no portal in it.
    (home / "private").mkdir()
    (home / "private" / "my_portals.py").write_text("PORTALS = []\n")
    return home


def executable(name: str) -> Path:
    return Path(sys.executable).with_name(name)


def base_env(home: Path, mirror_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARSIP_")}
    env.update(
        # No command reaches the internet: a crawl of the real site goes to the mirror.
        ARSIP_MIRROR=mirror_url,
        # `arsip add-portal` writes the operator's portals file: here, never in ~.
        XDG_CONFIG_HOME=str(home / "config"),
        # A stall of the random fault mirror is given up after 5 s instead of 30 s.
        ARSIP_DOWNLOAD_TIMEOUT="5",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


class Runner:
    """Runs one block's commands in ``home`` as a user would, and collects what went
    wrong."""

    def __init__(self, home: Path, mirror_url: str, block: Block):
        self.home = home
        self.block = block
        self.mirror_url = mirror_url
        self.env = base_env(home, mirror_url)
        # Each block declares its own portals: an example's portal stays in it.
        self.env["ARSIP_PORTALS_FILE"] = str(home / f"portals-{block.line}.toml")
        self.started: list[tuple[Shown, subprocess.Popen]] = []
        self.problems: list[str] = []
        self.ran = 0

    def text(self, token: str) -> str:
        token = token.replace(DOC_MIRROR, self.mirror_url)
        return token.replace("/srv/arsip/private", str(self.home / "private"))

    def run_all(self) -> None:
        try:
            for index, command in enumerate(self.block.commands):
                if not_run_reason(command):
                    continue
                if command.argv[0] not in ("arsip", "scrapy", "sqlite3"):
                    self.problems.append(f"{self.where(command)}: neither run nor listed")
                    continue
                times = 2 if command.comment == "twice" else 1
                for _ in range(times):
                    self.run(command, self.block.notes.get(index, []))
                    self.ran += 1
        finally:
            for command, process in self.started:
                self.stop(command, process)

    def where(self, command: Shown) -> str:
        return f"{command.page}:{command.line}: {command.text}"

    def expected(self, command: Shown) -> int:
        for part, status in EXPECTED_STATUS.items():
            if part in command.text:
                return status
        return 0

    def check(self, command: Shown, status: int, output: str) -> None:
        if status != self.expected(command):
            self.problems.append(
                f"{self.where(command)}: exit status {status}, "
                f"not {self.expected(command)}\n{output[-3000:]}"
            )
        elif "Traceback" in output:
            self.problems.append(f"{self.where(command)}: a traceback\n{output[-3000:]}")

    def run(self, command: Shown, notes: list[str]) -> None:
        argv = [self.text(a) for a in command.argv]
        env = {k: self.text(v) for k, v in command.env.items()}
        if argv[:2] == ["arsip", "mirror"]:
            self.start_mirror(command, argv, env)
        elif argv[:2] == ["arsip", "serve"]:
            self.serve(command, argv, env, notes)
        elif argv[0] == "sqlite3" and not shutil.which("sqlite3"):
            self.sql(command, argv)
        elif argv[0] == "arsip" and argv[1] in IN_PROCESS and not env and not command.background:
            self.in_process(command, argv)
        else:
            self.subprocess(command, argv, env)

    def in_process(self, command: Shown, argv: list[str]) -> None:
        runner = CliRunner()
        with contextlib.chdir(self.home):
            result = runner.invoke(
                cli, argv[1:], env={"ARSIP_DB": None, **self.env}, catch_exceptions=True
            )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            self.problems.append(f"{self.where(command)}: raised {result.exception!r}")
            return
        if command.stdout_to:
            (self.home / command.stdout_to).write_text(result.stdout)
        self.check(command, result.exit_code, result.output)

    def subprocess(self, command: Shown, argv: list[str], env: dict[str, str]) -> None:
        program = str(executable(argv[0])) if argv[0] != "sqlite3" else "sqlite3"
        stdout = open(self.home / command.stdout_to, "w") if command.stdout_to else None  # noqa: SIM115
        try:
            result = subprocess.run(
                [program, *argv[1:]], cwd=self.home, env={**self.env, **env},
                stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                timeout=TIMEOUT,
            )  # fmt: skip
        finally:
            if stdout:
                stdout.close()
        self.check(command, result.returncode, (result.stdout or "") + result.stderr)

    def sql(self, command: Shown, argv: list[str]) -> None:
        """No sqlite3 program on this machine: the same SQL through Python's sqlite3."""
        conn = sqlite3.connect(self.home / argv[1])
        try:
            conn.execute(argv[2]).fetchall()
        except sqlite3.Error as error:
            self.problems.append(f"{self.where(command)}: {error}")
        finally:
            conn.close()

    def start_mirror(self, command: Shown, argv: list[str], env: dict[str, str]) -> None:
        """`arsip mirror` serves until Ctrl-C: started on a free port, it stands for the
        docs' 127.0.0.1:8642 for the rest of the block, then is stopped."""
        argv = [a if a != "8642" else "0" for a in argv]
        process = subprocess.Popen(
            [str(executable("arsip")), *argv[1:]], cwd=self.home, env={**self.env, **env},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            # Ctrl-C reaches it as in a terminal, though a test worker may ignore SIGINT.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        self.started.append((command, process))
        banner = process.stdout.readline()
        found = re.search(r" at (http://\S+)", banner)
        if not found:
            self.problems.append(f"{self.where(command)}: no mirror started: {banner!r}")
            return
        self.mirror_url = found[1]
        # Serving: the user's next command (or Ctrl-C) comes once the mirror answers.
        with urllib.request.urlopen(f"{self.mirror_url}/robots.txt", timeout=30) as answer:
            if answer.status != 200:
                self.problems.append(f"{self.where(command)}: the mirror answers {answer.status}")

    def stop(self, command: Shown, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
            self.problems.append(f"{self.where(command)}: did not stop on Ctrl-C")
            return
        if process.returncode not in (0, -signal.SIGINT) or "Traceback" in err:
            self.problems.append(
                f"{self.where(command)}: stopped with status {process.returncode}\n{err[-3000:]}"
            )

    def serve(self, command: Shown, argv: list[str], env: dict[str, str], notes) -> None:
        """`arsip serve` runs until stopped: started on a free port, asked for its pages
        and for the URLs the docs give under it, then stopped."""
        port = str(free_port())
        argv = [a if a != DOC_SERVE_PORT else port for a in argv]
        if "--port" not in argv:
            argv += ["--port", port]
        process = subprocess.Popen(
            [str(executable("arsip")), *argv[1:]], cwd=self.home, env={**self.env, **env},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        urls = [base + "/"] + [
            n.replace(f"http://127.0.0.1:{DOC_SERVE_PORT}", base)
            for n in notes
            if n.startswith(f"http://127.0.0.1:{DOC_SERVE_PORT}/")
        ]
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(urls[0], timeout=5):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        self.problems.append(f"{self.where(command)}: Datasette did not answer")
                        return
                    time.sleep(0.3)
            for url in urls[1:]:
                with urllib.request.urlopen(url, timeout=30) as answer:
                    if answer.status != 200:
                        self.problems.append(f"{self.where(command)}: {url}: {answer.status}")
        finally:
            process.terminate()
            try:
                _, err = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                _, err = process.communicate()
            if "Traceback" in err:
                self.problems.append(f"{self.where(command)}: a traceback\n{err[-3000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.crawl
@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_the_commands_shown_run(block, workdir, mirror):
    """Each sh block of the docs, run in one user's directory (blocks in the order of
    the docs: a later example continues an earlier one's archive)."""
    runner = Runner(workdir, mirror.url, block)
    runner.run_all()
    assert not runner.problems, "\n\n".join(runner.problems)
