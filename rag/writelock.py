"""One writer per data directory, across threads and processes (`fcntl.flock`).

Every change of the documents (an ingest, an upload, a removal, the start-up reconcile) holds
this lock from the moment it reads the live generation until the new one is published, so two
writers never build on the same base and one of them silently loses the other's change. The
lock belongs to an open file description: the kernel drops it when its holder dies (even by
kill -9), so a crashed writer never leaves the directory locked.
"""

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.errors import IndexBusyError

LOCK_NAME = "writer.lock"
_POLL_SECONDS = 0.05


@contextmanager
def writer_lock(
    root: Path, wait_seconds: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the data directory's writer lock; waits up to `wait_seconds` for another writer.

    `on_wait` is called once with a description of the holder when the lock is taken.
    Raises `IndexBusyError` when the other writer does not finish in time."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(descriptor, path, wait_seconds, on_wait)
        try:
            _write_holder(descriptor)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def holder(root: Path) -> str:
    """Who holds (or last held) the lock, e.g. 'process 1234', for messages."""
    try:
        text = (root / LOCK_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return "another writer"
    return f"process {text}" if text else "another writer"


def _acquire(
    descriptor: int, path: Path, wait_seconds: float, on_wait: Callable[[str], None] | None
) -> None:
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        who = holder(path.parent)
        if on_wait is not None and not told:
            on_wait(who)
            told = True
        if time.monotonic() >= deadline:
            raise IndexBusyError(
                f"another change of the documents is in progress ({who} holds {path}); "
                f"waited {wait_seconds:g} s. Try again when it is done."
            )
        time.sleep(_POLL_SECONDS)


def _write_holder(descriptor: int) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, str(os.getpid()).encode(), 0)
