"""A replica's view of the live generation in a Chroma server: loaded, and reloaded when the
pointer moves (checked at most every `chroma_poll_seconds`, never per request).

While one thread loads a new generation, the others keep answering from the one they have;
only a replica with none yet waits. Errors reaching the server are `IndexNotReadyError`s.
"""

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from rag import prompts
from rag.errors import IndexNotReadyError
from rag.index import Index
from rag.server_store import ServerStore

T = TypeVar("T")


class ServerLive:
    """The loaded live generation of one Chroma server."""

    def __init__(self, store: ServerStore, poll_seconds: float) -> None:
        self.store = store
        self._poll = poll_seconds
        self._index: Index | None = None
        self._next_check = 0.0
        self._checking = threading.Lock()

    def exists(self) -> bool:
        """Whether the server has a live generation."""
        return reachable(self.store.current) is not None

    def get(self) -> Index:
        index = self._index
        if index is not None and time.monotonic() < self._next_check:
            return index
        if index is not None and not self._checking.acquire(blocking=False):
            return index  # another thread checks (and maybe loads) meanwhile
        if index is None:
            self._checking.acquire()
        try:
            return self._refresh()
        finally:
            self._checking.release()

    def replace(self, fresh: Index) -> Index | None:
        """Make `fresh` (just published by this process) the loaded generation."""
        old, self._index = self._index, fresh
        self._next_check = time.monotonic() + self._poll
        return old

    def _refresh(self) -> Index:
        index = self._index
        if index is not None and time.monotonic() < self._next_check:
            return index
        current = reachable(self.store.current)
        if current is None:
            raise IndexNotReadyError(prompts.render("no_index", "en"))
        if index is None or index.path.name != current:
            loaded = reachable(lambda: self.store.index(self.store.load(current)))
            if self._index is not index:  # this process published meanwhile: that is newer
                return self._index or loaded
            self._index = index = loaded
        self._next_check = time.monotonic() + self._poll
        return index


def reachable(call: Callable[[], T]) -> T:
    """`call()`, with a failure to reach the server reported as `IndexNotReadyError`."""
    try:
        return call()
    except IndexNotReadyError:
        raise
    except Exception as exc:  # noqa: BLE001 - connection, HTTP and server errors alike
        raise IndexNotReadyError(
            f"the Chroma server cannot be used ({type(exc).__name__}: {exc})"
        ) from exc
