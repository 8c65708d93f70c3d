"""One writer per Chroma server: a lock collection that only one client can create.

Chroma offers no conditional write, but creating a collection whose name exists fails, on
the server, atomically; so the writer that creates `<prefix>_lock` holds the lock. Its
metadata says who holds it and until when: the holder renews the lease every third of
`chroma_lock_seconds`, so a holder killed with kill -9 frees the lock when the lease lapses.
A lapsed lock is broken by renaming that very collection (by its id, so a lock taken anew
meanwhile is never touched) and deleting it. Expiry compares wall clocks: keep the writers'
clocks in sync (NTP), or set the lease well above any skew.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import ChromaError, NotFoundError

from rag.errors import IndexBusyError
from rag.writelock import Patience

log = logging.getLogger("sectorwijzer.lock")
_POLL_SECONDS = 0.1


class Lease:
    """A held lock: renewed in the background until released."""

    def __init__(self, client: ClientAPI, collection: Collection, owner: str, seconds: float):
        self._client, self._collection, self.owner = client, collection, owner
        self._seconds = seconds
        self.lost = False
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew, name="lock-renewal", daemon=True)
        self._renewer.start()

    def check(self) -> None:
        """Raise `IndexBusyError` unless this lease still holds the lock (before publishing)."""
        try:
            current = self._client.get_collection(self._collection.name)
        except NotFoundError:
            current = None
        if self.lost or current is None or current.id != self._collection.id:
            raise IndexBusyError(
                "the writer lock in the Chroma server lapsed while this change was built "
                "(another writer took it); nothing was published, try again"
            )

    def release(self) -> None:
        self._stop.set()
        self._renewer.join()
        _break(self._client, self._collection, "released")

    def _renew(self) -> None:
        while not self._stop.wait(self._seconds / 3):
            try:
                self._collection.modify(metadata=_lease(self.owner, self._seconds))
            except NotFoundError:  # broken by another writer: this one must not publish
                self.lost = True
                return
            except Exception as exc:  # noqa: BLE001 - a hiccup; the next renewal may succeed
                log.warning("renewing the writer lock failed: %s", exc)


@contextmanager
def server_lock(
    client: ClientAPI,
    name: str,
    seconds: float,
    wait_seconds: float,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Lease]:
    """Hold the server's writer lock; waits up to `wait_seconds` for another writer, then
    raises `IndexBusyError` naming the holder."""
    owner = f"{socket.gethostname()} process {os.getpid()} ({uuid.uuid4().hex[:6]})"
    held = _acquire(client, name, owner, seconds, wait_seconds, on_wait)
    lease = Lease(client, held, owner, seconds)
    try:
        yield lease
    finally:
        lease.release()


def _acquire(
    client: ClientAPI,
    name: str,
    owner: str,
    seconds: float,
    wait_seconds: float,
    on_wait: Callable[[str], None] | None,
) -> Collection:
    patience = Patience(wait_seconds, on_wait, _POLL_SECONDS)
    while True:
        try:
            return client.create_collection(name, metadata=_lease(owner, seconds))
        except ChromaError as exc:
            if "already exists" not in str(exc):
                raise
        try:
            held = client.get_collection(name)
        except NotFoundError:
            continue  # released meanwhile
        metadata = held.metadata or {}
        if float(str(metadata.get("expires", 0))) < time.time():
            log.warning("breaking the lapsed writer lock of %s", metadata.get("owner"))
            _break(client, held, "lapsed")
            continue
        who = str(metadata.get("owner", "another writer"))
        patience.wait(who, "the writer lock in the Chroma server")


def _break(client: ClientAPI, collection: Collection, why: str) -> None:
    """Delete this lock collection (by id: renamed first, so a newer lock is never hit)."""
    aside = f"{collection.name}-{why}-{uuid.uuid4().hex[:8]}"
    try:
        collection.modify(name=aside)
        client.delete_collection(aside)
    except NotFoundError:
        pass  # already broken or released by another writer


def _lease(owner: str, seconds: float) -> dict[str, str | float]:
    return {"owner": owner, "expires": time.time() + seconds}
