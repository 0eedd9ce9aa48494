"""Speed at scale: the analyst's commands and pages on a large generated archive.

Usage: ``python bench/scale.py [--articles N] [--repeat R]`` from the repository root;
N defaults to ``$BENCH_SCALE`` or 100,000 (``BENCH_SCALE=1000000`` for the million).

The archive is generated, seeded, in the shape of ``bench/archive.py``'s generator:
bodies of 300-600 words (5-9 paragraphs) from a Zipf-weighted made-up vocabulary,
twelve portals, seven sections, publication times spread over five years
(2021-2025, WIB), 10% exact copies of an article on another portal a few hours
later, 10% press-release variants (groups of 2-4 on different portals over three
days, each with its own lead and title over the shared paragraphs, half of them
flagged as press releases), two in five articles with a Banten place in their
dateline and lead (tagged as they are stored), and a raw page kept for one article
in ten. It is stored through the archive's bulk path (``store_many``, batches of
1,000, every deduplication level and the place tagger as in a crawl) and cached in
``bench/cache/`` (ignored by git) under its size and the generator's version, so a
second run starts timing at once; an archive of an older schema is upgraded in place
as arsip would upgrade it. A build of more than 100,000 articles reports its time
against that of its own first 100,000 (the generator does not depend on the size).
Publication times are drawn at random over the five years, so that the archive's
indexes on them grow at random places (a mixed import); ``--arrival chronological``
builds another archive, cached apart, whose articles come in the order of
publication, as scheduled crawls store them: what growth costs an archive grown that
way.

Timed, each ``--repeat`` times (p50 and p95), against the targets of issue 16 (every
interactive command and page at most 300 ms p95; exports at least 20,000 articles/s):

- through the Python API (``archive.open_archive``, read-only, opened once): what the
  command does once its process is running;
- as whole commands (``arsip ... --db``, a process each): what a user waits for;
- the web UI: ``arsip serve`` started once, HTTP requests to it.

For every API case over its target, the statements it ran are timed one by one and
the slowest are printed with their ``EXPLAIN QUERY PLAN``. Then the archive's size on
disk per article, with and without its raw pages (the pages of the articles that
have none are counted at the mean size of those kept).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, without installing

from archive.opening import open_archive  # noqa: E402
from archive.writer import Entry  # noqa: E402

GENERATOR_VERSION = 1
"""Bump when the generated archive changes: the cached file is keyed by it."""
CACHE = ROOT / "bench" / "cache"
BATCH = 1000
TARGET_MS = 300.0
TARGET_EXPORT = 20_000

PORTALS = ["tangselpos", "kabar6", "bantennews", "radarbanten", "tangerangnews", "biem",
           "satelitnews", "bantenhits", "bantenraya", "serangnews", "lebakinfo",
           "cilegonpost"]  # fmt: skip
SECTIONS = ["Berita", "Politik", "Ekonomi", "Olahraga", "Pendidikan", "Kesehatan", "Hukum"]
SYLLABLES = ["ba", "be", "bi", "bo", "bu", "ca", "ci", "da", "de", "di", "du", "ga", "gi", "gu", "ha", "ja", "ka", "ke", "ki", "ko", "ku", "la", "le", "li", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "nu", "nya", "pa", "pe", "pi", "pu", "ra", "re", "ri", "ru", "sa", "se", "si", "su", "ta", "te", "ti", "tu", "wa", "wi", "ya"]  # fmt: skip
# (dateline, the lead's mention): places of the gazetteer, as portals write them.
PLACES = [("TANGERANG SELATAN", "di Pamulang, Tangerang Selatan"),
          ("SERANG", "di Kota Serang"), ("PANDEGLANG", "di Kabupaten Pandeglang"),
          ("LEBAK", "di Rangkasbitung, Lebak"), ("CILEGON", "di Kota Cilegon"),
          ("TANGERANG", "di Kota Tangerang")]  # fmt: skip
PHRASE = "gubernur banten"
"""Planted in the lead of one article in fifty: the phrase searched for."""
FIRST_DAY = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 5 * 365 * 86400
WIB = timedelta(hours=7)


class Corpus:
    """The seeded generator: ``batches(n)`` yields lists of ``Entry`` of ``BATCH``."""

    def __init__(self, seed: int = 7, *, arrival: str = "shuffled"):
        """``arrival``: ``shuffled``, publication times drawn at random over the five
        years (a mixed import); ``chronological``, each article published a random
        while after the one before (a mean of ``SPAN_SECONDS`` / 1,000,000), as an
        archive grown by scheduled crawls receives them, copies and release variants
        hours or days after their first."""
        self.rng = np.random.default_rng(seed)
        self.arrival = arrival
        self.clock = FIRST_DAY
        words: set[str] = set()
        while len(words) < 30_000:
            k = int(self.rng.integers(2, 5))
            words.add("".join(SYLLABLES[i] for i in self.rng.integers(0, len(SYLLABLES), k)))
        vocab = sorted(words)
        self.rng.shuffle(vocab)
        self.vocab = np.array(vocab, dtype=object)
        weights = 1 / np.arange(1, len(vocab) + 1)  # Zipf-like, as in real text
        self.cum = np.cumsum(weights) / weights.sum()
        self.boilerplate = {p: self.words(2500) for p in PORTALS}  # a page's furniture
        self.index = 0

    @property
    def common_word(self) -> str:
        return str(self.vocab[0])

    @property
    def rare_word(self) -> str:
        return str(self.vocab[20_000])

    @property
    def tenth_word(self) -> str:
        """A word in about one article in ten (Zipf rank 400 of 30,000)."""
        return str(self.vocab[399])

    def words(self, n: int) -> str:
        picks = np.searchsorted(self.cum, self.rng.random(n))
        return " ".join(self.vocab[np.minimum(picks, len(self.vocab) - 1)].tolist())

    def paragraphs(self, total: int) -> list[str]:
        count = int(self.rng.integers(5, 10))
        return [self.words(total // count).capitalize() + "." for _ in range(count)]

    def lead(self, place: tuple[str, str] | None) -> str:
        text = self.words(int(self.rng.integers(15, 60)))
        if self.rng.random() < 0.02:
            text = f"{PHRASE} {text}"
        if place is not None:
            text = f"{text} {place[1]}"
        return text.capitalize() + "."

    def record(self, body: str, lead: str, place, when: datetime, portal: str) -> dict:
        self.index += 1
        title = self.words(9).title()
        section = SECTIONS[int(self.rng.integers(0, len(SECTIONS)))]
        local = when + WIB
        slug = title[:40].lower().replace(" ", "-")
        return {
            "url": f"https://www.{portal}.example.id/{section.lower()}/{local:%Y/%m}/"
                   f"{self.index}/{slug}",
            "portal": portal, "section": section, "title": title,
            "authors": ["Redaksi"], "tags": self.words(3).split(),
            "published_at": f"{when:%Y-%m-%dT%H:%M:%SZ}",
            "published_local": f"{local:%Y-%m-%dT%H:%M:%S}+07:00",
            "published_raw": f"{local:%d/%m/%Y %H:%M} WIB", "published_source": "jsonld",
            "published_has_time": True,
            "dateline": place[0] if place else None,
            "body": f"{lead}\n\n{body}" if lead else body,
            "word_count": len(body.split()) + len(lead.split()), "language": "id",
            "fetched_at": f"{when + timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}",
        }  # fmt: skip

    def when(self) -> datetime:
        if self.arrival == "chronological":
            self.clock += timedelta(seconds=float(self.rng.exponential(SPAN_SECONDS / 1e6)))
            return self.clock.replace(microsecond=0)
        return FIRST_DAY + timedelta(seconds=int(self.rng.integers(0, SPAN_SECONDS)))

    def place(self) -> tuple[str, str] | None:
        if self.rng.random() < 0.4:
            return PLACES[int(self.rng.integers(0, len(PLACES)))]
        return None

    def portal(self, but: set[str] = frozenset()) -> str:
        while (portal := PORTALS[int(self.rng.integers(0, len(PORTALS)))]) in but:
            pass
        return portal

    def page(self, record: dict) -> dict:
        """A raw page in a portal's shape: its furniture around the article."""
        paragraphs = "".join(f"<p>{p}</p>" for p in record["body"].split("\n\n"))
        furniture = self.boilerplate[record["portal"]]
        html = (
            f"<!doctype html><html><head><title>{record['title']}</title></head><body>"
            f"<nav>{furniture[:6000]}</nav><article><h1>{record['title']}</h1>"
            f"<time>{record['published_raw']}</time>{paragraphs}</article>"
            f"<aside>{furniture[6000:]}</aside></body></html>"
        )
        return {"url": record["url"], "body": html.encode(), "status": 200,
                "fetched_at": record["fetched_at"],
                "headers": {"content-type": "text/html; charset=utf-8"}}  # fmt: skip

    def entries(self) -> Iterator[Entry]:
        """Articles without end: originals, their copies and release groups mixed."""
        while True:
            roll = self.rng.random()
            if roll < 0.1 / 0.9 * 0.5:  # a release group: 10% of all articles
                size = int(self.rng.integers(2, 5))
                shared = "\n\n".join(self.paragraphs(int(self.rng.integers(300, 600))))
                first = self.when()
                flagged = bool(self.rng.random() < 0.5)
                portals: set[str] = set()
                for _ in range(size):
                    portal = self.portal(portals)
                    portals.add(portal)
                    place = self.place()
                    when = first + timedelta(seconds=int(self.rng.integers(0, 3 * 86400)))
                    record = self.record(shared, self.lead(place), place, when, portal)
                    record["press_release"] = flagged
                    yield self.entry(record)
                continue
            place = self.place()
            body = "\n\n".join(self.paragraphs(int(self.rng.integers(300, 600))))
            record = self.record(body, self.lead(place), place, self.when(), self.portal())
            yield self.entry(record)
            if self.rng.random() < 0.12:  # an exact copy elsewhere, hours later
                when = datetime.fromisoformat(record["published_at"]) + timedelta(
                    seconds=int(self.rng.integers(3600, 2 * 86400))
                )
                copy = self.record(record["body"], "", place, when, self.portal({record["portal"]}))
                yield self.entry(copy)

    def entry(self, record: dict) -> Entry:
        page = self.page(record) if self.rng.random() < 0.1 else None
        return Entry(record, page=page)


# -- building ---------------------------------------------------------------------------


SCALE_STEP = 100_000
"""The size the ingest of a larger build is compared with (issue 16: 1,000,000 articles
in at most 10.5 times the time of 100,000)."""


def growth_target(n: int) -> float:
    """The most times the time of its first ``SCALE_STEP`` articles a build of ``n`` may
    take (the target: 1,000,000 in at most 10.5 times that of 100,000)."""
    return n / SCALE_STEP * 1.05


def cached_archive(n: int, misses: list[str] | None = None, arrival: str = "shuffled") -> Path:
    """The archive of ``n`` generated articles (``Corpus``'s ``arrival``), built once into
    ``bench/cache``; a build past the time target for its size is added to ``misses``."""
    CACHE.mkdir(parents=True, exist_ok=True)
    kind = "" if arrival == "shuffled" else f"-{arrival}"
    path = CACHE / f"scale-{n}-g{GENERATOR_VERSION}{kind}.db"
    if path.exists():
        started = time.perf_counter()
        with open_archive(path):  # upgrades an archive of an older schema, as arsip does
            pass
        print(f"archive: {path.name} (cached; opened for writing in "
              f"{time.perf_counter() - started:.1f}s)")  # fmt: skip
        return path
    building = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    corpus = Corpus(arrival=arrival)
    entries = corpus.entries()
    started = time.perf_counter()
    with open_archive(building) as archive:
        writer = archive.writer()
        done = 0
        first = None  # seconds to the 100,000th article: a 100,000-article build
        while done < n:
            batch = [next(entries) for _ in range(min(BATCH, n - done))]
            for _ in writer.store_many(batch):
                pass
            done += len(batch)
            if done == SCALE_STEP:
                first = time.perf_counter() - started
            if done % (n // 10 or 1) < BATCH:
                rate = done / (time.perf_counter() - started)
                print(f"  built {done:,} ({rate:,.0f} articles/s)", flush=True)
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - started
    building.rename(path)
    print(f"archive: built {n:,} articles in {seconds:.0f}s ({n / seconds:,.0f}/s): {path.name}")
    if first and n > SCALE_STEP:
        # The generator does not depend on n: the first 100,000 articles of this build
        # are those of a 100,000-article archive, stored the same way.
        ok = seconds / first <= growth_target(n)
        print(f"result: ingest time {n:,} / {SCALE_STEP:,} articles (same build) = "
              f"{seconds / first:.2f}x (target <= {growth_target(n):.1f}x"
              f"{'' if ok else ', MISSED'})")  # fmt: skip
        if not ok and misses is not None:
            misses.append(f"ingest time {n:,} / {SCALE_STEP:,}")
    return path


# -- timing -----------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank) of ``samples`` in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm: the first run reads the pages from disk, as any second query would
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


class Report:
    def __init__(self) -> None:
        self.misses: list[str] = []

    def latency(self, kind: str, name: str, samples: list[float]) -> bool:
        p50, p95 = percentiles(samples)
        ok = p95 <= TARGET_MS
        if not ok:
            self.misses.append(f"{kind} {name}")
        print(f"result: {kind} {name} p50 / p95 = {p50:,.0f} / {p95:,.0f} ms "
              f"(target p95 <= {TARGET_MS:.0f} ms{'' if ok else ', MISSED'})", flush=True)  # fmt: skip
        return ok

    def rate(self, kind: str, name: str, articles: int, samples: list[float]) -> None:
        best, median = min(samples), statistics.median(samples)
        rate = articles / median if median else float("inf")
        ok = rate >= TARGET_EXPORT
        if not ok:
            self.misses.append(f"{kind} {name}")
        print(f"result: {kind} {name} = {rate:,.0f} articles/s ({articles:,} articles, median "
              f"{median * 1000:,.0f} ms, best {best * 1000:,.0f} ms) (target >= "
              f"{TARGET_EXPORT:,}/s{'' if ok else ', MISSED'})", flush=True)  # fmt: skip


def explain_slowest(conn: sqlite3.Connection, run: Callable[[], object], top: int = 2) -> None:
    """Time each statement ``run`` executes, print the slowest with its query plan."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        run()
    finally:
        conn.set_trace_callback(None)
    costs = []
    for sql in dict.fromkeys(
        s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))
    ):
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        costs.append((time.perf_counter() - started, sql))
    for seconds, sql in sorted(costs, reverse=True)[:top]:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        print(f"    {seconds * 1000:,.0f} ms: {' '.join(sql.split())[:400]}")
        for _, parent, _, detail in plan:
            print(f"      plan: {'  ' * (parent > 0)}{detail}")


# -- the cases --------------------------------------------------------------------------


def month_bounds(path: Path) -> tuple[str, str]:
    """A month in the middle of the archive's five years (WIB days)."""
    return "2023-06-01", "2023-06-30"


def sample_ids(path: Path) -> tuple[int, int]:
    """An article of a release cluster, and an ordinary one."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    clustered = conn.execute(
        "SELECT id FROM articles WHERE cluster_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 100"
    ).fetchone()[0]
    plain = conn.execute("SELECT max(id) / 2 FROM articles").fetchone()[0]
    conn.close()
    return clustered, plain


def api_cases(corpus: Corpus, since: str, until: str, ids: tuple[int, int]) -> list:
    common, rare = corpus.common_word, corpus.rare_word
    month = {"since": since, "until": until}
    return [
        ("search common word", lambda a: a.search(common)),
        ("search rare word", lambda a: a.search(rare)),
        ("search phrase", lambda a: a.search(f'"{PHRASE}"')),
        ("search common word, portal and month",
         lambda a: a.search(common, portals=["kabar6"], **month)),
        ("search rare word, portal and month", lambda a: a.search(rare, portals=["kabar6"], **month)),
        ("search common word, place", lambda a: a.search(common, places=["Tangsel"])),
        ("show clustered article", lambda a: a.show(ids[0])),
        ("show article", lambda a: a.show(ids[1])),
        ("stats by month", lambda a: a.stats(by="month")),
        ("stats by month, one month", lambda a: a.stats(by="month", **month)),
        ("duplicates", lambda a: a.duplicates()),
        ("releases, one month", lambda a: a.releases(**month)),
    ]  # fmt: skip


def cli_cases(corpus: Corpus, since: str, until: str, ids: tuple[int, int]) -> list:
    common, rare = corpus.common_word, corpus.rare_word
    month = ["--since", since, "--until", until]
    return [
        ("search common word", ["search", common]),
        ("search rare word", ["search", rare]),
        ("search phrase", ["search", f'"{PHRASE}"']),
        ("search common word, portal and month", ["search", common, "--portal", "kabar6", *month]),
        ("search common word, place", ["search", common, "--place", "Tangsel"]),
        ("show clustered article", ["show", str(ids[0])]),
        ("stats by month", ["stats", "--by", "month"]),
        ("stats by month, one month", ["stats", "--by", "month", *month]),
        ("duplicates", ["duplicates"]),
        ("releases, one month", ["releases", *month]),
        ("--version (process start alone)", ["--version"]),
    ]


def web_cases(corpus: Corpus, ids: tuple[int, int], day: str) -> list:
    return [
        ("article page", f"/archive/articles/{ids[0]}"),
        ("table page, no facets", "/archive/articles?_nofacet=1"),
        ("table page with its facets", "/archive/articles"),
        ("facet portal and section", "/archive/articles?_facet=portal&_facet=section&_nocount=1"),
        # A value of each facet chosen: the list of its articles (archive.web.large_lists,
        # archive.web.facets), with the facets it shows.
        ("list of one portal", "/archive/articles?portal=kabar6"),
        ("list of one section", "/archive/articles?section=Politik"),
        ("list of one portal's section", "/archive/articles?portal=kabar6&section=Politik"),
        ("list of one local day", f"/archive/articles?published_local__startswith={day}"),
        ("list about a place", "/archive/articles?_place=36.74"),
        ("list of one tag", f"/archive/articles?tags__arraycontains={corpus.tenth_word}"),
        # The list's search box leads to arsip's search page (one redirect, followed).
        ("list search box, rare word", f"/archive/articles?_search={corpus.rare_word}"),
        ("list search box, common word", f"/archive/articles?_search={corpus.common_word}"),
        # The articles table itself searched (archive.web.large_lists): a rare word's
        # page counts and facets its matches, a commoner word's walks the list's order.
        (
            "table searched, rare word",
            f"/archive/articles?_search={corpus.rare_word}&_searchmode=escaped",
        ),
        (
            "table searched, word in 1 article in 10",
            f"/archive/articles?_search={corpus.tenth_word}&_searchmode=escaped",
        ),
        (
            "table searched, common word",
            f"/archive/articles?_search={corpus.common_word}&_searchmode=escaped",
        ),
        ("arsip search page, rare word", f"/search?q={corpus.rare_word}"),
        ("arsip search page, common word", f"/search?q={corpus.common_word}"),
    ]


def arsip_command() -> list[str]:
    arsip = Path(sys.executable).with_name("arsip")
    return [str(arsip)] if arsip.exists() else [sys.executable, "-m", "arsip.cli"]


def time_api(path: Path, corpus: Corpus, since: str, until: str, ids, repeat: int,
             report: Report) -> None:  # fmt: skip
    with open_archive(path, readonly=True) as archive:
        for name, case in api_cases(corpus, since, until, ids):
            ok = report.latency("api", name, timed(lambda c=case: c(archive), repeat))
            if not ok:
                explain_slowest(archive.conn, lambda c=case: c(archive))
        month = {"since": since, "until": until}
        count = archive.count(**month)
        with tempfile.TemporaryDirectory() as tmp:
            for fmt in ("jsonl", "parquet"):

                def export(fmt=fmt):
                    if fmt == "parquet":
                        return archive.export(Path(tmp) / "month.parquet", "parquet", **month)
                    return archive.export(io.StringIO(), fmt, **month)

                report.rate(
                    "api", f"export one month {fmt}", count, timed(export, max(3, repeat // 4))
                )


def time_cli(path: Path, corpus: Corpus, since: str, until: str, ids, repeat: int,
             report: Report) -> None:  # fmt: skip
    arsip = arsip_command()
    env = {**os.environ, "ARSIP_DB": str(path)}
    for name, args in cli_cases(corpus, since, until, ids):

        def run(args=args):
            subprocess.run([*arsip, *args], env=env, check=True, capture_output=True)

        report.latency("cli", name, timed(run, repeat))
    count = 0
    with open_archive(path, readonly=True) as archive:
        count = archive.count(since=since, until=until)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("jsonl", "parquet"):
            out = Path(tmp) / f"month.{fmt}"
            args = ["export", "--format", fmt, "--since", since, "--until", until, "-o", str(out)]

            def run(args=args):
                subprocess.run([*arsip, *args], env=env, check=True, capture_output=True)

            report.rate("cli", f"export one month {fmt}", count, timed(run, max(3, repeat // 4)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(path: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [*arsip_command(), "serve", "--db", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("arsip serve did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def time_web(path: Path, corpus: Corpus, ids, day: str, repeat: int, report: Report) -> None:
    with served(path) as base:
        for name, url in web_cases(corpus, ids, day):

            def get(url=url):
                with urllib.request.urlopen(base + url, timeout=120) as answer:
                    answer.read()

            try:
                report.latency("web", name, timed(get, repeat))
            except urllib.error.HTTPError as error:  # Datasette's time limit: HTTP 400
                detail = " ".join(error.read().decode(errors="replace").split())
                message = re.search(r"SQL query took too long[^<]*|<title>([^<]*)", detail)
                report.misses.append(f"web {name}")
                print(f"result: web {name} = HTTP {error.code}"
                      f" ({message[0] if message else detail[:120]}) (target p95 <= "
                      f"{TARGET_MS:.0f} ms, MISSED)", flush=True)  # fmt: skip
        # A facet slower than Datasette's facet_time_limit_ms is left off the page, which
        # then looks fast: say which were.
        with urllib.request.urlopen(f"{base}/archive/articles.json?_size=1", timeout=120) as answer:
            late = json.loads(answer.read()).get("facets_timed_out") or []
        if late:
            report.misses.append("web facets timed out")
        print(f"result: web facets timed out on the table page = {len(late)}"
              f"{' (' + ', '.join(late) + ')' if late else ''} (target 0)")  # fmt: skip


def sizes(path: Path, n: int) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    per_table = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    kept, page_bytes = conn.execute("SELECT count(*), sum(length(body)) FROM pages").fetchone()
    indexes = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE tbl_name = 'pages'")}  # fmt: skip
    conn.close()
    total = sum(per_table.values())
    pages = sum(size for name, size in per_table.items() if name in indexes)
    without = total - pages
    per_page = pages / kept if kept else 0
    print(f"size: {path.stat().st_size / 1e6:,.0f} MB on disk; {total / 1e6:,.0f} MB in pages of "
          f"which raw pages {pages / 1e6:,.0f} MB ({kept:,} kept, {page_bytes / max(kept, 1):,.0f}"
          f" compressed bytes each, {per_page:,.0f} bytes each with their rows and indexes)")  # fmt: skip
    print(f"result: size per article without raw pages = {without / n / 1024:,.1f} KiB")
    print(f"result: size per article with a raw page each = "
          f"{(without + per_page * n) / n / 1024:,.1f} KiB (pages of 1 in 10 kept and counted "
          f"at their mean size for all)")  # fmt: skip
    top = sorted(per_table.items(), key=lambda item: -item[1])[:6]
    print("  largest: " + ", ".join(f"{name} {size / n:,.0f} B/article" for name, size in top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int,
                        default=int(os.environ.get("BENCH_SCALE") or 100_000))  # fmt: skip
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each case.")
    parser.add_argument("--only", choices=["api", "cli", "web", "size"], action="append")
    parser.add_argument(
        "--arrival", choices=["shuffled", "chronological"], default="shuffled",
        help="The order the archive's articles are stored in (Corpus): shuffled, the"
        " default and the figures against the targets, or chronological, an archive"
        " grown by scheduled crawls (cached apart; for the build's time).",
    )  # fmt: skip
    args = parser.parse_args()
    n = args.articles
    only = set(args.only or ["api", "cli", "web", "size"])
    report = Report()
    path = cached_archive(n, report.misses, args.arrival)
    corpus = Corpus()
    since, until = month_bounds(path)
    ids = sample_ids(path)
    print(f"scale: {n:,} articles; {args.repeat} timed runs of each case after a warm-up; "
          f"one month = {since}..{until}; words: common {corpus.common_word!r}, one in ten "
          f"{corpus.tenth_word!r}, rare {corpus.rare_word!r}; phrase {PHRASE!r}",
          flush=True)  # fmt: skip
    if "api" in only:
        time_api(path, corpus, since, until, ids, args.repeat, report)
    if "cli" in only:
        time_cli(path, corpus, since, until, ids, args.repeat, report)
    if "web" in only:
        time_web(path, corpus, ids, since[:8] + "15", args.repeat, report)
    if "size" in only:
        sizes(path, n)
    print(f"result: scale {n:,} targets missed = {len(report.misses)}"
          f"{': ' + '; '.join(report.misses) if report.misses else ''}")  # fmt: skip


if __name__ == "__main__":
    main()
