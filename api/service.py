"""`Service`: the one `Assistant` of a running server, shared by the HTTP API and the UI.

It adds only what a long-running, multi-threaded process needs around the core: questions
are answered concurrently (they only read the live generation, which never changes once
published; with `embed_workers` set their embeddings are computed in worker processes, see
`rag.query_pool`); an upload, removal or ingest
builds the new index generation while questions are still answered from the old one, and
only the switch to the new generation waits for the questions in flight and runs alone; a
waiting switch goes before new questions (writer preference). On start the uploads folder is
reconciled with the index and a missing or damaged index is (re)built in the background.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import (
    IndexBuildingError,
    IndexDamagedError,
    IndexNotReadyError,
    UnknownDocumentError,
)
from rag.feedback import FeedbackStore
from rag.models import Answer, Filters, Turn
from rag.positions import Comparison
from rag.progress import BuildProgress
from rag.query_pool import make_query_encoder

log = logging.getLogger("sectorwijzer.api")
BUILDING = "the documents are still being indexed"
_LLM_PROBE_SECONDS = 10.0


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before readers that arrive after it,
    so a steady stream of questions never starves an upload."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
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
            self._writers_waiting += 1
            try:
                self._cond.wait_for(lambda: not self._writing and self._readers == 0)
            finally:
                self._writers_waiting -= 1
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
        self.query_encoder = None if assistant else make_query_encoder(settings)
        self.assistant = assistant or Assistant(settings, query_encoder=self.query_encoder)
        self.feedback = FeedbackStore(settings.data_dir)
        self.build_error: str | None = None
        self.progress = BuildProgress()  # of the background build (see `build_progress`)
        self._lock = ReadWriteLock()
        self._builder: threading.Thread | None = None
        self.reconciler: threading.Thread | None = None
        self._llm_state: tuple[float, dict[str, Any]] | None = None

    @property
    def building(self) -> bool:
        return self._builder is not None and self._builder.is_alive()

    def start_index_build(self) -> threading.Thread | None:
        """Start a background thread that builds the index when there is none or it is
        damaged, or else reconciles the uploads folder with it (after a kill -9)."""
        try:
            self.assistant.index()
        except IndexNotReadyError as exc:  # none yet, or damaged: the ingest (re)builds it
            if isinstance(exc, IndexDamagedError):
                log.error("%s; rebuilding it from the corpus", exc.message)
            self._builder = threading.Thread(target=self._build, name="index-build", daemon=True)
            self._builder.start()
            return self._builder
        self.reconciler = threading.Thread(target=self._reconcile, name="reconcile", daemon=True)
        self.reconciler.start()
        return None

    def _build(self) -> None:
        try:
            report = self.assistant.ingest(exclusive=self._lock.write, tracker=self.progress)
            log.info(
                "index built: %d documents, %d chunks in %.1f s",
                report.documents,
                report.chunks,
                report.seconds,
            )
            self.build_error = None
        except Exception as exc:  # the thread must record any failure for /readyz
            log.exception("building the index failed")
            self.build_error = str(exc)

    def _reconcile(self) -> None:
        try:
            self.assistant.reconcile()
        except Exception:  # the server serves on; the next write reconciles again
            log.exception("reconciling the uploads folder failed")

    def ask(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Answer:
        """Answer a question (see `Assistant.ask`); many may run at once."""
        with self._reading():
            return self.assistant.ask(question, history, filters)

    def compare(self, topic: str, filters: Filters | None = None) -> Comparison:
        """Compare the documents on a topic (see `Assistant.compare`); many may run at once."""
        with self._reading():
            return self.assistant.compare(topic, filters)

    def close(self) -> None:
        """Stop the embedding worker processes, if any."""
        if self.query_encoder is not None:
            self.query_encoder.close()

    def ask_stream(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """`Assistant.ask_stream` under the same read lock as `ask`. Bad input raises here,
        before any event; the lock is taken again while the stream runs, so a stream that is
        never read holds nothing."""
        with self._reading():
            events = self.assistant.ask_stream(question, history, filters)
        return self._locked(events)

    def _locked(self, events: Iterator[str | Answer]) -> Iterator[str | Answer]:
        with self._reading():
            yield from events

    def llm_state(self) -> dict[str, Any] | None:
        """The language model's state for /readyz (None without one), probed at most every
        `_LLM_PROBE_SECONDS`; the probe is bounded by a short timeout, so it never hangs."""
        llm = self.assistant.llm
        if llm is None:
            return None
        now = time.monotonic()
        if self._llm_state is None or now - self._llm_state[0] > _LLM_PROBE_SECONDS:
            self._llm_state = (now, llm.state())
        return self._llm_state[1]

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
        """Store and ingest an upload; returns the new document's record.

        Questions are answered meanwhile; only the switch to the new index waits for them."""
        return self.assistant.add_document(filename, data, meta, exclusive=self._lock.write)

    def remove_document(self, doc_id: str) -> None:
        """Remove a loaded document from the index."""
        self.document(doc_id)
        self.assistant.remove_document(doc_id, exclusive=self._lock.write)

    def build_progress(self) -> dict[str, Any] | None:
        """Phase, documents read and passages embedded of the background build, while it runs."""
        return self.progress.snapshot() if self.building else None

    def readiness(self) -> dict[str, Any]:
        """Index status and counts; raises `IndexNotReadyError` when there is no usable index."""
        with self._reading():
            index = self.assistant.index()
            index.check()
        documents = index.state.get("documents", {})
        return {
            "status": "ready",
            "documents": len(documents),
            "chunks": len(index.chunks),
            "generation": index.path.name,
            "backend": self.assistant.backend,
            "llm": self.llm_state(),
        }

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._lock.read():
            try:
                yield
            except IndexBuildingError:
                raise
            except IndexNotReadyError as exc:
                if self.building:  # one message for every request until the build is done
                    raise IndexBuildingError(BUILDING) from exc
                raise
            except OSError as exc:  # e.g. too many open files: not ready, never a 500
                log.error("the index cannot be used: %s", exc)
                raise IndexNotReadyError(f"the index cannot be used ({exc})") from exc
