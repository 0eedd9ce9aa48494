"""The store process of a crawl (``crawler.store_process``), run as ``python -m
crawler.store_worker``: answers the crawl's requests from standard input on standard
output, in order, one at a time; the storing itself is ``crawler.storing``. Messages
are pickles, each after its length (4 bytes, big endian). Imports no more than storing
needs: it starts with every crawl.
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import sys
import traceback
from typing import IO, Any

from crawler.lifetime import end_with_parent

LENGTH = struct.Struct(">I")
PARENT = "ARSIP_STORE_PROCESS_PARENT"
"""The environment variable that tells the store process its crawl's process id."""


class StoreFailed(RuntimeError):
    """Storing an article raised an error that is no archive error (a defect): its
    traceback, from the store process."""


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return LENGTH.pack(len(data)) + data


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
    head = stream.read(LENGTH.size)
    if len(head) < LENGTH.size:
        return None
    (length,) = LENGTH.unpack(head)
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


def main() -> None:
    """The child: answers requests from standard input on standard output until either
    ends."""
    end_with_parent(int(os.environ.get(PARENT, "0")) or os.getppid())
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
            answers.write(frame(answer))
            answers.flush()
        except BrokenPipeError:  # the crawl's process is gone
            break
        if kind == "close":
            return
    if store is not None:  # the crawl's process is gone
        store.writer.close()


if __name__ == "__main__":
    main()
