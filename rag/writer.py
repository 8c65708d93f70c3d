"""Changes of the documents (ingest, upload, removal, reconcile) and the live index they swap.

Every change holds the data directory's writer lock (`rag.writelock`, across processes) from
reading the live generation to publishing the next one, and reconciles the uploads folder
first. The new generation is built and opened while readers keep using the live one; only
the switch runs inside the caller's `exclusive` (a server's write lock), and the replaced
index is closed right after it, so nothing (files, threads, memory) leaks per ingest.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag import prompts
from rag.config import Settings
from rag.errors import DocumentError, DuplicateDocumentError, IndexNotReadyError
from rag.index import Index, open_index
from rag.ingest import IngestReport, StagedIngest, stage, uploads_dir
from rag.library import (
    Reconciliation,
    begin_removal,
    discard_upload,
    reconcile,
    set_aside,
    store_upload,
)
from rag.progress import BuildProgress
from rag.store import DataDir
from rag.writelock import writer_lock

log = logging.getLogger("sectorwijzer.ingest")

# What a caller wraps around the switch to a new generation: a server passes its write lock.
Exclusive = Callable[[], AbstractContextManager[Any]]


class LiveIndex:
    """The open index of the data directory's live generation."""

    def __init__(self, data: DataDir) -> None:
        self._data = data
        self._index: Index | None = None
        self._opening = threading.Lock()  # questions run concurrently: open a generation once

    def get(self) -> Index:
        """The live index, reopened when an ingest (here or in another process) published a
        new generation; the replaced one is released once the last reader lets go of it."""
        current = self._data.current()
        if current is None:
            raise IndexNotReadyError(prompts.render("no_index", "en"))
        index = self._index
        if index is not None and index.path == current:
            return index
        with self._opening:
            index = self._index
            if index is None or index.path != current:
                index = open_index(current)
                self._index = index
            return index

    def exists(self) -> bool:
        """Whether an ingest has published an index (damaged or not)."""
        return self._data.current_file.exists()

    def replace(self, fresh: Index) -> Index | None:
        """Make `fresh` the live index; returns the one it replaces."""
        old, self._index = self._index, fresh
        return old


class Writer:
    """The document changes of one `Assistant`."""

    def __init__(self, settings: Settings, embedder: BaseEmbedding, live: LiveIndex) -> None:
        self.settings = settings
        self.embedder = embedder
        self.live = live
        self.data = DataDir(settings.data_dir)

    def ingest(
        self,
        rebuild: bool = False,
        progress: bool = False,
        exclusive: Exclusive = nullcontext,
        tracker: BuildProgress | None = None,
    ) -> IngestReport:
        """Bring the index in line with the corpus and the uploads folder; `tracker` follows
        the build through reading, embedding, writing and loading."""
        tracker = tracker or BuildProgress()
        with self._writing():
            staged = stage(self.settings, self.embedder, rebuild, progress, tracker)
            self._set_aside_failures(staged.report)
            tracker.enter("loading")
            self._switch(staged, exclusive)
            tracker.enter("done")
            return staged.report

    def add_document(
        self,
        filename: str,
        data: bytes,
        meta: dict[str, Any] | None = None,
        exclusive: Exclusive = nullcontext,
    ) -> dict[str, Any]:
        """Store an upload, ingest it and return its document record.

        A file that cannot be read is removed again and reported, as is any other failure of
        the write: the index and the uploads folder stay as they were."""
        with self._writing():
            path = store_upload(self.settings, filename, data, self._documents(), meta)
            try:
                staged = stage(self.settings, self.embedder)
                reason = staged.report.failed.get(path.name)
                if reason is not None:
                    if staged.generation is not None:
                        self.data.discard(staged.generation)
                    raise upload_error(path.name, reason)
                self._set_aside_failures(staged.report)
                self._switch(staged, exclusive)
            except BaseException:
                discard_upload(self.settings, path)
                raise
        found = [info for info in self._documents().values() if info["file"] == path.name]
        if not found:
            raise DocumentError(path.name, "the document was stored but not indexed")
        return found[0]

    def remove_document(self, doc_id: str, exclusive: Exclusive = nullcontext) -> None:
        """Remove a document, all or nothing: an upload's file goes only once the generation
        without it is live; on any failure the file (or `excluded.json`) is restored."""
        with self._writing():
            removal = begin_removal(self.settings, doc_id, self._documents())
            try:
                staged = stage(self.settings, self.embedder)
                self._set_aside_failures(staged.report)
                self._switch(staged, exclusive)
            except BaseException:
                removal.rollback()
                raise
            removal.commit()

    def reconcile(self) -> Reconciliation:
        """Repair the uploads folder after an interruption (see `rag.library.reconcile`)."""
        with self._writing() as result:
            return result

    @contextmanager
    def _writing(self) -> Iterator[Reconciliation]:
        """Hold the writer lock (waiting for another writer) and reconcile the uploads first."""

        def waiting(holder: str) -> None:
            log.warning(
                "waiting for %s to finish changing the documents (up to %g s)",
                holder,
                self.settings.writer_wait_seconds,
            )

        with writer_lock(self.data.root, self.settings.writer_wait_seconds, waiting):
            yield self._reconcile()

    def _reconcile(self) -> Reconciliation:
        try:
            documents = dict(self.live.get().state.get("documents", {}))
        except IndexNotReadyError:
            return Reconciliation()  # no usable index: the next build takes every upload
        result = reconcile(self.settings, documents)
        for name, reason in result.set_aside.items():
            log.warning("upload %s set aside in %s: %s", name, self.data.rejected, reason)
        if result.restored or result.removed:
            log.info("removals undone: %s; finished: %s", result.restored, result.removed)
        return result

    def _documents(self) -> dict[str, dict[str, Any]]:
        try:
            return dict(self.live.get().state.get("documents", {}))
        except IndexNotReadyError:
            return {}

    def _set_aside_failures(self, report: IngestReport) -> None:
        """Move new uploads that failed to `<data>/rejected/`: they never block a later write."""
        folder = uploads_dir(self.settings)
        for name, reason in report.failed.items():
            path = folder / name
            if path.is_file() and name not in report.kept_previous:
                set_aside(self.settings, path, reason)
                report.set_aside.append(name)
                log.warning("upload %s set aside in %s: %s", name, self.data.rejected, reason)

    def _switch(self, staged: StagedIngest, exclusive: Exclusive) -> None:
        """Open the new generation, then (inside `exclusive`) make it live and swap it in;
        the replaced index is closed at once (no reader can hold it after `exclusive`)."""
        if staged.generation is None:
            return
        try:
            fresh = open_index(staged.generation)
        except BaseException:
            self.data.discard(staged.generation)
            raise
        with exclusive():
            try:
                self.data.switch(staged.generation)
            except BaseException:
                fresh.close()
                raise
            old = self.live.replace(fresh)
        if old is not None:
            old.close()


def upload_error(name: str, reason: str) -> DocumentError | DuplicateDocumentError:
    """The error of an upload that could not be indexed, for the edges."""
    if reason.startswith("duplicate of"):
        return DuplicateDocumentError(f"{name}: {reason}")
    return DocumentError(name, reason)
