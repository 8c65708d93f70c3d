"""`Service`: the one `Assistant` of a running server, shared by the HTTP API and the UI.

It adds only what a long-running, multi-threaded process needs around the core: questions
are answered one at a time (they take well under a second), an upload or removal waits for
them and runs alone (an ingest replaces the index generation that questions read), and the
first index is built in the background.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import IndexBuildingError, IndexNotReadyError, UnknownDocumentError
from rag.feedback import FeedbackStore
from rag.models import Answer, Filters, Turn

log = logging.getLogger("sectorwijzer.api")


class ReadWriteLock:
    """Many readers or one writer."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and self._readers == 0)
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class Service:
    """Thread-safe access to the assistant, its documents and the feedback store."""

    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self.assistant = assistant or Assistant(settings)
        self.feedback = FeedbackStore(settings.data_dir)
        self.build_error: str | None = None
        self._lock = ReadWriteLock()
        self._asking = threading.Lock()
        self._builder: threading.Thread | None = None

    @property
    def building(self) -> bool:
        return self._builder is not None and self._builder.is_alive()

    def start_index_build(self) -> threading.Thread | None:
        """Build the index in a background thread when there is none yet."""
        try:
            self.assistant.index()
            return None
        except IndexNotReadyError:
            pass  # none yet, or damaged: the ingest (re)builds it
        self._builder = threading.Thread(target=self._build, name="index-build", daemon=True)
        self._builder.start()
        return self._builder

    def _build(self) -> None:
        try:
            report = self.assistant.ingest()
            log.info(
                "index built: %d documents, %d chunks in %.1f s",
                report.documents,
                report.chunks,
                report.seconds,
            )
        except Exception as exc:  # the thread must record any failure for /readyz
            log.exception("building the index failed")
            self.build_error = str(exc)

    def ask(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Answer:
        """Answer a question (see `Assistant.ask`); one at a time, as the embedder is shared."""
        with self._reading(), self._asking:
            return self.assistant.ask(question, history, filters)

    def documents(self) -> list[dict[str, Any]]:
        """Loaded documents, sorted by title."""
        with self._reading():
            docs = self.assistant.documents()
        return sorted(docs.values(), key=lambda info: str(info.get("title", "")).lower())

    def document(self, doc_id: str) -> dict[str, Any]:
        """One loaded document; `UnknownDocumentError` when there is none with this id."""
        with self._reading():
            info = self.assistant.documents().get(doc_id)
        if info is None:
            raise UnknownDocumentError(doc_id)
        return dict(info)

    def add_document(
        self, filename: str, data: bytes, meta: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Store and ingest an upload; returns the new document's record."""
        with self._lock.write():
            return self.assistant.add_document(filename, data, meta)

    def remove_document(self, doc_id: str) -> None:
        """Remove a loaded document from the index."""
        self.document(doc_id)
        with self._lock.write():
            self.assistant.remove_document(doc_id)

    def readiness(self) -> dict[str, Any]:
        """Index status and counts; raises `IndexNotReadyError` when there is no usable index."""
        with self._reading():
            index = self.assistant.index()
        documents = index.state.get("documents", {})
        return {
            "status": "ready",
            "documents": len(documents),
            "chunks": len(index.chunks),
            "generation": index.path.name,
            "backend": self.assistant.backend,
        }

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._lock.read():
            try:
                yield
            except IndexBuildingError:
                raise
            except IndexNotReadyError as exc:
                if self.building:
                    raise IndexBuildingError(exc.message) from exc
                raise
