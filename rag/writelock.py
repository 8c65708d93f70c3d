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


class Patience:
    """A writer waiting for a lock another writer holds (this file's, or the Chroma server's
    in `rag.server_lock`): `on_wait` hears once who holds it; after `wait_seconds` the wait
    ends in `IndexBusyError`."""

    def __init__(
        self, wait_seconds: float, on_wait: Callable[[str], None] | None, poll_seconds: float
    ) -> None:
        self.wait_seconds, self.on_wait, self.poll = wait_seconds, on_wait, poll_seconds
        self.deadline = time.monotonic() + wait_seconds
        self.told = False

    def wait(self, who: str, held: str) -> None:
        """Sleep one poll interval, or give up: `who` holds `held` (for the message)."""
        if self.on_wait is not None and not self.told:
            self.on_wait(who)
            self.told = True
        if time.monotonic() >= self.deadline:
            raise IndexBusyError(
                f"another change of the documents is in progress ({who} holds {held}); "
                f"waited {self.wait_seconds:g} s. Try again when it is done."
            )
        time.sleep(self.poll)


def _acquire(
    descriptor: int, path: Path, wait_seconds: float, on_wait: Callable[[str], None] | None
) -> None:
    patience = Patience(wait_seconds, on_wait, _POLL_SECONDS)
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        patience.wait(holder(path.parent), str(path))


def _write_holder(descriptor: int) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, str(os.getpid()).encode(), 0)
