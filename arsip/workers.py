"""Worker processes for the pure part of a bulk job (reading lines or pages into
articles), while one process keeps the work that depends on order (storage, dedup).

Workers are forked where the system can, so they know the same portals (declared and
from the operator's portals file); on Linux they end with the process that started
them, even when it is killed.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Self, TypeVar

from crawler.lifetime import end_with_parent

T = TypeVar("T")


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Workers:
    """``jobs`` worker processes, forked where the system can, each ending with this
    process (``pool``); with ``jobs`` 1, none (``pool`` None: the work is done in this
    process). Closed, the pool's waiting work is dropped and its workers end."""

    def __init__(self, jobs: int):
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = ProcessPoolExecutor(
                jobs, mp_context=context, initializer=end_with_parent, initargs=(os.getpid(),)
            )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ahead(items: Iterator[T], count: int) -> Iterator[T]:
    """``items`` in their order, each taken from ``items`` up to ``count`` items early
    (work handed to the workers as it is taken keeps them that far ahead)."""
    waiting: deque[T] = deque()
    for item in items:
        waiting.append(item)
        if len(waiting) > count:
            yield waiting.popleft()
    yield from waiting
