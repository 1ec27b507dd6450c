"""Where charts are drawn: a bounded executor, created once with the services.

Drawing is CPU work that must not block the event loop.  `asyncio.to_thread` would give
every chart of a burst a thread of the default pool (CPUs + 4 of them), each holding a
figure's pixels at once; a `ChartPool` has a fixed number of workers, so a burst queues its
charts (a queued chart is only its arguments) instead of spawning memory.

On a machine with more than two cores the workers are processes (matplotlib holds the GIL
while it draws, so a drawing thread slows the event loop down); on two cores or fewer, one
thread.  Measured on 2 shared cores (bench/RESULTS.md): when a chart took 100–300 ms, a worker
process served more updates a second than one thread (21 against 16) but the bot and its
worker peaked at 417 MB against 290 MB — a second interpreter with matplotlib and its own kept
pieces, over the 300 MB a small server affords.  Since a chart is put together from kept
pieces (about 5 ms then, 1.5 ms since its PNG is deflated by ISA-L), a worker process takes
its 1–2 ms per update off the event loop but served no more updates (the second core is busy
with the rest of the machine: 161–169 against 153–166 updates/s, two runs each of the bench's
update load at 300 users).
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Literal, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

Kind = Literal["auto", "threads", "processes"]
#: Threads on a machine of two cores or fewer: the event loop keeps one core.
THREADS = 1
#: At most this many worker processes, leaving one core to the event loop.
MAX_PROCESSES = 4


def _warm() -> None:
    """Import matplotlib in a fresh worker process before its first chart."""
    import bot.documents.charts  # noqa: F401


class ChartPool:
    """A fixed number of workers drawing charts; `draw` awaits one without blocking the loop."""

    def __init__(self, kind: Kind = "auto", *, workers: int | None = None) -> None:
        cores = os.cpu_count() or 1
        processes = kind == "processes" or (kind == "auto" and cores > 2)
        self.kind: Literal["threads", "processes"] = "processes" if processes else "threads"
        self.workers = workers or (min(cores - 1, MAX_PROCESSES) if processes else THREADS)
        self._executor: Executor
        if processes:
            # spawn: forking a process that runs an event loop and threads is unsafe; spawned
            # workers are children of the bot, so their memory shows in its RUSAGE_CHILDREN
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm
            )
        else:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="chart")

    async def draw(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`function(*args, **kwargs)` on a worker (queued while all are busy)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args, **kwargs))

    def shutdown(self) -> None:
        """Stop the workers once the charts under way are drawn; queued ones are dropped."""
        self._executor.shutdown(wait=True, cancel_futures=True)
