"""A crawl's storing stage (``crawler.storing``) in a process of its own, so that
cleaning, dates, deduplication and SQLite's writes run beside Scrapy's downloading and
parsing instead of between them (on 2 cores, a crawl of the generated mirror reads about
1.4 times as many pages a second).

The crawl's process (``StoreProcess``, in its asyncio loop) sends each article down
the child's standard input and awaits what became of it; the child (``python -m
crawler.store_worker``) stores the articles one at a time, in the order sent, through
its own connection and writer, under the crawl's writer lock (``archive.lock``), and
answers in that order. The child's log records come back with its answers and are
logged by the crawl's process, where the crawl's log settings apply. The child is a
fresh interpreter, not a forked pool like a bulk job's (``arsip.workers``): the crawl's
process has the archive open, and an SQLite connection must not cross a fork.

One child serves every crawl of a process on the same archive (``arsip crawl`` with
several portals); it ends when the last of them closes, or with the crawl's process
(on Linux even killed: the article being stored is rolled back; elsewhere when its
standard input ends). The child ignores Ctrl-C: the crawl decides when to stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import sys
from collections import deque
from pathlib import Path
from typing import Any

from crawler.store_worker import LENGTH, PARENT, frame

logger = logging.getLogger(__name__)


class StoreProcessEnded(RuntimeError):
    """The store process ended before answering (killed, out of memory, a crash)."""


class StoreProcess:
    """The crawl's side of a store process on the archive at ``path``."""

    _running: dict[Path, StoreProcess] = {}

    def __init__(self, path: Path):
        self.path = path
        self.proc: asyncio.subprocess.Process | None = None
        self.reader: asyncio.Future | None = None
        self.started: asyncio.Future | None = None
        self.opened: asyncio.Future | None = None
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
        paths = [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")]
        env = {**os.environ, PARENT: str(os.getpid())}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "crawler.store_worker",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
            )  # fmt: skip
        except OSError as error:
            self._end(StoreProcessEnded(f"the store process did not start: {error}"))
            raise self.ended from None
        self.reader = asyncio.ensure_future(self._read())
        # Not waited for: the crawl's first requests go out while the child starts (a
        # quarter of a second); the first article is answered after it.
        level = logging.getLogger().getEffectiveLevel()
        self.opened = asyncio.ensure_future(
            self.call("open", str(self.path), shingle_cache_bytes, level)
        )
        # Its failure (the child ended) is told to the article waiting after it.
        self.opened.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def call(self, *request: Any) -> Any:
        """Send ``request``; its answer, once the requests sent before are answered."""
        if self.ended is not None:
            raise StoreProcessEnded(str(self.ended))
        message = frame(request)  # a request that cannot be sent raises here, unsent
        answer = asyncio.get_running_loop().create_future()
        self.waiting.append(answer)  # answers come in the order requests were written
        try:
            self.proc.stdin.write(message)
            await self.proc.stdin.drain()  # at most 64 KiB waits unsent
        except (ConnectionError, RuntimeError):  # it ended: the reader finds out how
            await self._gone()
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
            if self.opened is not None:
                await self.opened
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

    async def _gone(self) -> None:
        """The process ended (its pipes closed): every waiting request fails, saying
        how it ended."""
        status = await self.proc.wait()
        self._end(StoreProcessEnded(f"the store process ended (exit status {status})"))

    async def _read(self) -> None:
        stdout = self.proc.stdout
        try:
            while True:
                (length,) = LENGTH.unpack(await stdout.readexactly(LENGTH.size))
                answer = pickle.loads(await stdout.readexactly(length))
                if self.waiting:
                    waiter = self.waiting.popleft()
                    if not waiter.done():
                        waiter.set_result(answer)
        except asyncio.IncompleteReadError:
            await self._gone()
        except Exception as error:  # noqa: BLE001  (whatever it is, nothing more is read)
            self._end(StoreProcessEnded(f"the store process's answer is unreadable: {error}"))


def answer_logs(records: list[tuple[str, int, str]]) -> None:
    """Log, in this process, what the store process logged."""
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)
