"""Changes of the documents in client/server mode: each builds the next generation in the
Chroma server from the live one plus the change, under the server's writer lock.

No replica keeps uploads on its disk. The live generation holds every document's passages,
vectors and record, so a change needs only the previous generation and what changed:

- an upload is read from a scratch folder and added to the previous generation's documents;
- a removal drops a document; a removed corpus file is also listed in the state's
  "excluded", so a later ingest of the corpus folder does not bring it back;
- an ingest reads the corpus folder of the process that runs it (unchanged files are reused,
  as in the embedded mode) and keeps every upload of the previous generation as it is.

Vectors already in the previous generation are reused by text, so a replica that never saw a
document does not embed it again.
"""

import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Settings
from rag.errors import DocumentError, DocumentNotFoundError, DuplicateDocumentError
from rag.ingest import IngestReport, Sources, collect, embed, supported_files, uploads_dir
from rag.library import Reconciliation, store_upload, upload_name
from rag.manifest import load_manifest
from rag.models import Chunk
from rag.progress import BuildProgress
from rag.server_live import ServerLive, reachable
from rag.server_lock import Lease
from rag.server_records import Snapshot
from rag.server_store import ServerStore
from rag.writer import Exclusive, upload_error

log = logging.getLogger("sectorwijzer.ingest")
_CLASH = "an uploaded document has the same file name; rename the corpus file"


@dataclass
class _Change:
    """One change: what to read, which previous documents to reuse, what to exclude."""

    sources: Sources
    base: Snapshot | None
    excluded: set[str] = field(default_factory=set)
    reuse: dict[str, Any] | None = None  # previous documents to reuse (default: all)
    always: bool = False  # write a generation even when nothing changed
    refused: dict[str, str] = field(default_factory=dict)  # files not read, and why


class ServerWriter:
    """The document changes of one `Assistant` against a Chroma server."""

    def __init__(
        self, settings: Settings, embedder: BaseEmbedding, store: ServerStore, live: ServerLive
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.live = live

    def ingest(
        self,
        rebuild: bool = False,
        progress: bool = False,
        exclusive: Exclusive = nullcontext,
        tracker: BuildProgress | None = None,
    ) -> IngestReport:
        """Bring the server's documents in line with this process's corpus folder; the
        uploads in the server stay. `rebuild` re-reads every corpus file."""
        tracker = tracker or BuildProgress()
        with self._writing() as lease:
            base = self._base(rebuild)
            documents = base.state.get("documents", {}) if base else {}
            excluded = set(base.state.get("excluded", [])) if base else set()
            uploads = [d for d, info in documents.items() if _is_upload(info, self.settings)]
            # A corpus file named as an upload would be taken for a new version of it.
            taken = {documents[d]["file"] for d in uploads}
            files = supported_files([self.settings.corpus_dir], excluded)
            sources = Sources(
                [p for p in files if p.name not in taken],
                load_manifest(self.settings.corpus_dir),
                uploads,
            )
            reuse = {d: documents[d] for d in uploads} if rebuild else None
            change = _Change(sources, base, excluded, reuse, always=rebuild or base is None)
            change.refused = {p.name: _CLASH for p in files if p.name in taken}
            report, _ = self._apply(change, lease, progress, exclusive, tracker)
            tracker.enter("done")
            return report

    def add_document(
        self,
        filename: str,
        data: bytes,
        meta: dict[str, Any] | None = None,
        exclusive: Exclusive = nullcontext,
    ) -> dict[str, Any]:
        """Read an upload and publish the generation with it; returns its document record."""
        with self._writing() as lease:
            base = self._base()
            documents = base.state.get("documents", {}) if base else {}
            name = upload_name(filename, data)
            if any(info.get("file") == name for info in documents.values()):
                raise DuplicateDocumentError(
                    f"{name}: a document with this file name is already loaded"
                )
            with tempfile.TemporaryDirectory(prefix="sectorwijzer-upload-") as scratch:
                folder = Path(scratch)
                bare = self.settings.model_copy(
                    update={"data_dir": folder, "corpus_dir": folder / "corpus"}
                )
                path = store_upload(bare, filename, data, documents, meta)
                sources = Sources([path], load_manifest(path.parent), list(documents))
                excluded = set(base.state.get("excluded", [])) if base else set()
                change = _Change(sources, base, excluded)
                _, published = self._apply(change, lease, False, exclusive, None, path.name)
        found = [i for i in published.values() if i["file"] == path.name and _is_upload(i, bare)]
        if not found:
            raise DocumentError(path.name, "the document was stored but not indexed")
        return dict(found[0])

    def remove_document(self, doc_id: str, exclusive: Exclusive = nullcontext) -> None:
        """Publish the generation without the document."""
        with self._writing() as lease:
            base = self._base()
            documents = base.state.get("documents", {}) if base else {}
            info = documents.get(doc_id)
            if base is None or info is None:
                raise DocumentNotFoundError(f"unknown document '{doc_id}'")
            excluded = set(base.state.get("excluded", []))
            if not _is_upload(info, self.settings):
                excluded.add(info["file"])
            carried = [d for d in documents if d != doc_id]
            change = _Change(Sources([], {}, carried), base, excluded)
            self._apply(change, lease, False, exclusive, None)

    def reconcile(self) -> Reconciliation:
        """Nothing to repair: no replica keeps uploads on its disk."""
        return Reconciliation()

    @contextmanager
    def _writing(self) -> Iterator[Lease]:
        def waiting(holder: str) -> None:
            log.warning(
                "waiting for %s to finish changing the documents (up to %g s)",
                holder,
                self.settings.writer_wait_seconds,
            )

        lock = self.store.lock(self.settings.writer_wait_seconds, waiting)
        with ExitStack() as stack:
            yield reachable(lambda: stack.enter_context(lock))

    def _base(self, rebuild: bool = False) -> Snapshot | None:
        """The live generation with its vectors (a rebuild goes on without a damaged one)."""
        current = reachable(self.store.current)
        if current is None:
            return None
        try:
            return reachable(lambda: self.store.load(current, with_vectors=True))
        except Exception:
            if not rebuild:
                raise
            log.exception("the live generation %s cannot be read; rebuilding without it", current)
            return None

    def _apply(
        self,
        change: _Change,
        lease: Lease,
        progress: bool,
        exclusive: Exclusive,
        tracker: BuildProgress | None,
        upload: str | None = None,
    ) -> tuple[IngestReport, dict[str, Any]]:
        """Collect, embed, write and publish the next generation (unless nothing changed);
        returns the report and the published documents. A failed `upload` publishes nothing."""
        started = time.perf_counter()
        base = change.base
        previous = base.state.get("documents", {}) if base else {}
        reuse = previous if change.reuse is None else change.reuse
        report = IngestReport()
        documents, chunks = collect(
            self.settings, change.sources, reuse, _by_document(base), report, tracker
        )
        report.removed = sorted(i["file"] for d, i in previous.items() if d not in documents)
        report.failed.update(change.refused)
        if upload is not None and upload in report.failed:
            raise upload_error(upload, report.failed[upload])
        report.documents, report.chunks = len(documents), len(chunks)
        if not (report.changed or change.always) and base is not None:
            report.generation = base.name
        else:
            state = {
                "documents": documents,
                "embedder": self.embedder.model_name,
                "excluded": sorted(change.excluded),
            }
            parts = (lease, progress, exclusive, tracker)
            report.generation = self._publish(base, chunks, state, *parts)
        report.seconds = time.perf_counter() - started
        return report, documents

    def _publish(
        self,
        base: Snapshot | None,
        chunks: list[Chunk],
        state: dict[str, Any],
        lease: Lease,
        progress: bool,
        exclusive: Exclusive,
        tracker: BuildProgress | None,
    ) -> str:
        same_model = base is not None and base.state.get("embedder") == self.embedder.model_name
        known = base.known_vectors() if base is not None and same_model else None
        vectors = embed(self.settings, self.embedder, chunks, progress, tracker, known)
        if tracker is not None:
            tracker.enter("writing")
        name = reachable(lambda: self.store.write(chunks, *vectors, state))
        try:
            fresh = self.store.index(Snapshot(name, state, chunks, vectors[1]))
            if tracker is not None:
                tracker.enter("loading")
            lease.check()
            with exclusive():
                reachable(lambda: self.store.publish(name))
                self.live.replace(fresh)
        except BaseException:
            self._discard_unpublished(name)
            raise
        return name

    def _discard_unpublished(self, name: str) -> None:
        """Drop a generation that did not become live (if the server still answers; else the
        next publish drops it)."""
        try:
            if self.store.current() != name:
                self.store.discard(name)
        except Exception:  # noqa: BLE001 - the original failure is what the caller must see
            log.warning("could not drop the unpublished generation %s", name)


def _by_document(base: Snapshot | None) -> dict[str, list[Chunk]]:
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in base.chunks if base else []:
        by_doc.setdefault(chunk.document_id, []).append(chunk)
    return by_doc


def _is_upload(info: dict[str, Any], settings: Settings) -> bool:
    return bool(info.get("folder") == uploads_dir(settings).name)
