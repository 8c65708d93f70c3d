"""`AskQueue`: questions run in their own bounded set of threads behind a bounded queue.

Answering runs in worker threads. Were it to share the default thread pool (40 threads) with
everything else, 64 waiting questions would leave none for `/readyz` or the document list;
so questions get their own limiter (`ask_threads`) and the other endpoints keep the default.
At most `max_queue` questions are answered or waiting at once: past that the client gets 503
with `Retry-After` at once, so waiting time (and p99) stays bounded under any load.
"""

import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar

from rag.config import Settings

T = TypeVar("T")
_SMOOTHING = 0.2  # weight of the newest answer time in the running estimate


class QueueFullError(Exception):
    """More questions are answered or waiting than `max_queue` allows."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the question queue is full; retry after {retry_after} s")
        self.retry_after = retry_after


class AskQueue:
    """Admission and threads for questions (one per app)."""

    def __init__(self, settings: Settings) -> None:
        self.threads = settings.ask_threads
        self.limit = settings.max_queue
        self.admitted = 0  # answered or waiting right now
        # A limiter belongs to one event loop (a test client may run several, one by one).
        self._limiter: RunVar[CapacityLimiter] = RunVar(f"ask-limiter-{id(self)}")
        self._seconds = 0.5  # running estimate of one answer's time
        self._lock = threading.Lock()

    async def run(self, answer: Callable[..., T], *args: object) -> T:
        """`answer(*args)` in a question thread; `QueueFullError` when the queue is full."""
        self._admit()
        try:
            limiter = self._limiter_here()
            return await anyio.to_thread.run_sync(self._timed, answer, *args, limiter=limiter)
        finally:
            with self._lock:
                self.admitted -= 1

    def _limiter_here(self) -> CapacityLimiter:
        try:
            return self._limiter.get()
        except LookupError:
            limiter = CapacityLimiter(self.threads)
            self._limiter.set(limiter)
            return limiter

    def _admit(self) -> None:
        with self._lock:
            if self.admitted >= self.limit:
                raise QueueFullError(self.retry_after())
            self.admitted += 1

    def retry_after(self) -> int:
        """Whole seconds until the questions now queued are likely answered (at least 1)."""
        return max(1, math.ceil(self.admitted * self._seconds / self.threads))

    def _timed(self, answer: Callable[..., T], *args: object) -> T:
        started = time.monotonic()
        try:
            return answer(*args)
        finally:
            elapsed = time.monotonic() - started
            with self._lock:
                self._seconds += _SMOOTHING * (elapsed - self._seconds)
