"""A crawl's storing stage (``crawler.storing``) in a process of its own, so that
cleaning, dates, deduplication and SQLite's writes run beside Scrapy's downloading and
parsing instead of between them (on 2 cores, a crawl of the generated mirror reads about
1.4 times as many pages a second).

The crawl's process (``StoreProcess``, in its asyncio loop) sends each article down
the child's standard input and awaits what became of it; the child (``python -m
crawler.store_process``) stores the articles one at a time, in the order sent, through
its own connection and writer, under the crawl's writer lock (``archive.lock``), and
answers in that order. Messages are pickles, each after its length (4 bytes, big
endian). The child's log records come back with its answers and are logged by the
crawl's process, where the crawl's log settings apply.

One child serves every crawl of a process on the same archive (``arsip crawl`` with
several portals); it ends when the last of them closes, or when its standard input
does (the crawl's process ended, even killed): an article being stored is finished,
the next is not begun. The child ignores Ctrl-C: the crawl decides when to stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
import traceback
from collections import deque
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct(">I")
PARENT = "ARSIP_STORE_PROCESS_PARENT"
"""The environment variable that tells the store process its crawl's process id."""


class StoreProcessEnded(RuntimeError):
    """The store process ended before answering (killed, out of memory, a crash)."""


class StoreFailed(RuntimeError):
    """Storing an article raised an error that is no archive error (a defect): its
    traceback, from the store process."""


def _frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


class StoreProcess:
    """The crawl's side of a store process on the archive at ``path``."""

    _running: dict[Path, StoreProcess] = {}

    def __init__(self, path: Path):
        self.path = path
        self.proc: asyncio.subprocess.Process | None = None
        self.reader: asyncio.Future | None = None
        self.started: asyncio.Future | None = None
        self.users = 0
        self.waiting: deque[asyncio.Future] = deque()
        self.ended: StoreProcessEnded | None = None
        self.peak_rss_mb: float | None = None

    @classmethod
    async def shared(cls, path: str | Path, *, shingle_cache_bytes: int | None) -> StoreProcess:
        """The store process of this process's crawls on ``path``, started at the first
        call (``close`` once for each call). Raises ``StoreProcessEnded`` when it does
        not start."""
        path = Path(path).resolve()
        running = cls._running.get(path)
        if running is None or running.ended is not None:
            running = cls._running[path] = cls(path)
            running.started = asyncio.ensure_future(running._start(shingle_cache_bytes))
        running.users += 1
        await asyncio.shield(running.started)
        return running

    async def _start(self, shingle_cache_bytes: int | None) -> None:
        # The packages this process runs from, first: a scrapyd job runs arsip from
        # an egg that is on no path the child would see otherwise.
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, PARENT: str(os.getpid()), "PYTHONPATH": os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])])}  # fmt: skip
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "crawler.store_process",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
            )  # fmt: skip
        except OSError as error:
            self._end(StoreProcessEnded(f"the store process did not start: {error}"))
            raise self.ended from None
        self.reader = asyncio.ensure_future(self._read())
        level = logging.getLogger().getEffectiveLevel()
        await self.call("open", str(self.path), shingle_cache_bytes, level)

    async def call(self, *request: Any) -> Any:
        """Send ``request``; its answer, once the requests sent before are answered."""
        if self.ended is not None:
            raise StoreProcessEnded(str(self.ended))
        answer = asyncio.get_running_loop().create_future()
        self.waiting.append(answer)
        try:
            self.proc.stdin.write(_frame(request))
            await self.proc.stdin.drain()  # at most 64 KiB waits unsent
        except (ConnectionError, RuntimeError) as error:
            self._end(StoreProcessEnded(f"the store process is gone ({error})"))
        return await answer

    async def close(self) -> None:
        """One crawl is done with the process; the last one ends it, having waited for
        its answers."""
        self.users -= 1
        if self.users > 0 or self.ended is not None:
            return
        if self._running.get(self.path) is self:
            del self._running[self.path]
        if self.proc is None:
            return
        with contextlib.suppress(StoreProcessEnded):
            self.peak_rss_mb = await self.call("close")
        self.proc.stdin.close()
        await self.proc.wait()
        if self.reader is not None:
            await self.reader

    def _end(self, error: BaseException) -> None:
        if self.ended is None:
            self.ended = error
        while self.waiting:
            answer = self.waiting.popleft()
            if not answer.done():
                answer.set_exception(StoreProcessEnded(str(self.ended)))

    async def _read(self) -> None:
        stdout = self.proc.stdout
        try:
            while True:
                (length,) = _LENGTH.unpack(await stdout.readexactly(_LENGTH.size))
                answer = pickle.loads(await stdout.readexactly(length))
                if self.waiting:
                    waiter = self.waiting.popleft()
                    if not waiter.done():
                        waiter.set_result(answer)
        except asyncio.IncompleteReadError:
            status = await self.proc.wait()
            self._end(StoreProcessEnded(f"the store process ended (exit status {status})"))
        except Exception as error:  # noqa: BLE001  (whatever it is, nothing more is read)
            self._end(StoreProcessEnded(f"the store process's answer is unreadable: {error}"))


def answer_logs(records: list[tuple[str, int, str]]) -> None:
    """Log, in this process, what the store process logged."""
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)


class _Collected(logging.Handler):
    """The store process's log records, sent back with its next answer."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    def take(self) -> list[tuple[str, int, str]]:
        records, self.records = self.records, []
        return records


def _read_message(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        return None
    return pickle.loads(data)


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not Unix
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _end_with(parent: int) -> None:
    """End when the crawl's process ``parent`` does, even killed (Linux): then the
    article being stored is rolled back, and no write comes after the crawl's writer
    lock is gone. Elsewhere, the end of standard input ends the child."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before that took hold
        os._exit(1)


def main() -> None:
    """The child: answers requests from standard input on standard output until either
    ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with(int(os.environ.get(PARENT, "0")) or os.getppid())
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to standard error, not among the answers
    requests = sys.stdin.buffer
    collected = _Collected()
    root = logging.getLogger()
    root.addHandler(collected)
    store = None
    while (request := _read_message(requests)) is not None:
        kind, *args = request
        if kind == "open":
            from archive.writer import ArchiveWriter
            from crawler.storing import ArticleStore

            path, shingle_cache_bytes, level = args
            root.setLevel(level)
            store = ArticleStore(ArchiveWriter(path, shingle_cache_bytes=shingle_cache_bytes))
            answer: Any = None
        elif kind == "article":
            try:
                answer = store.article(*args)
            except Exception:  # noqa: BLE001  (a defect: told to the crawl, which logs it)
                answer = StoreFailed(traceback.format_exc())
            answer = (answer, collected.take())
        elif kind == "close":
            if store is not None:
                store.writer.close()
            answer = _peak_rss_mb()
        else:
            answer = StoreFailed(f"unknown request {kind!r}")
        try:
            answers.write(_frame(answer))
            answers.flush()
        except BrokenPipeError:  # the crawl's process is gone
            break
        if kind == "close":
            return
    if store is not None:  # the crawl's process is gone
        store.writer.close()


if __name__ == "__main__":
    main()
