"""Incremental, crash-safe ingestion of a corpus folder into a new index generation.

`stage` builds the next generation beside the live one (readers keep using the live one) and
`DataDir.switch` makes it live; the caller holds the data directory's writer lock around both
(`rag.writelock`). A file that cannot be read, for whatever reason, is that file's failure:
reported in `IngestReport.failed`, never the ingest's.
"""

import hashlib
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pypdf.errors import LimitReachedError

from rag.chunking import ChunkingOptions
from rag.config import Settings
from rag.embedding_cache import EmbeddingCache, FirstOf, VectorSource
from rag.embedding_step import embed_chunks
from rag.errors import DocumentError, IndexNotReadyError
from rag.index import write_index
from rag.integrity import verify_generation
from rag.manifest import MANIFEST_NAME, load_manifest
from rag.models import Chunk, DocumentMeta
from rag.prepare import prepare_document
from rag.progress import BuildProgress
from rag.readers import SUPPORTED_SUFFIXES
from rag.shipped_embeddings import ShippedEmbeddings, shipped_path
from rag.store import DataDir, read_chunks, read_json
from rag.writelock import writer_lock


@dataclass
class IngestReport:
    """What an ingest did, per file name."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    set_aside: list[str] = field(default_factory=list)  # uploads moved to <data>/rejected/
    kept_previous: list[str] = field(default_factory=list)  # failed, old version still indexed
    documents: int = 0
    chunks: int = 0
    seconds: float = 0.0
    generation: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def source_files(settings: Settings) -> list[Path]:
    """Supported files of the corpus folder and of the uploads folder, sorted by name."""
    return supported_files([settings.corpus_dir, uploads_dir(settings)], excluded_files(settings))


def supported_files(folders: list[Path], excluded: set[str]) -> list[Path]:
    """The files of `folders` ingest reads (sorted by name per folder), without `excluded`."""
    files = [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir())]
    return [
        p
        for p in files
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and p.name != MANIFEST_NAME
        and not p.name.startswith(".")
        and p.name not in excluded
    ]


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def excluded_files(settings: Settings) -> set[str]:
    """Corpus files a user removed through the API: the shipped files themselves stay intact."""
    path = settings.data_dir / "excluded.json"
    return set(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else set()


@dataclass
class StagedIngest:
    """A built generation that is not live yet (`generation` is None when nothing changed)."""

    report: IngestReport
    generation: Path | None


@dataclass(frozen=True)
class Limits:
    """Per-document caps (settings), handed to the reader: it stops at the first page or
    character over them with a clear reason."""

    pages: int
    chars: int


def ingest(
    settings: Settings,
    embedder: BaseEmbedding,
    rebuild: bool = False,
    progress: bool = False,
    tracker: BuildProgress | None = None,
) -> IngestReport:
    """Bring the index in line with the corpus: skip unchanged files, replace changed ones.

    Takes the writer lock (waiting up to `settings.writer_wait_seconds`), builds and publishes.
    """
    data = DataDir(settings.data_dir)
    with writer_lock(data.root, settings.writer_wait_seconds):
        staged = stage(settings, embedder, rebuild=rebuild, progress=progress, tracker=tracker)
        if staged.generation is not None:
            data.switch(staged.generation)
    return staged.report


def stage(
    settings: Settings,
    embedder: BaseEmbedding,
    rebuild: bool = False,
    progress: bool = False,
    tracker: BuildProgress | None = None,
) -> StagedIngest:
    """Build the next generation beside the live one, without making it live.

    The caller holds the writer lock and either switches to the result or discards it.
    `progress` shows a terminal bar; `tracker` counts documents read and passages embedded."""
    started = time.perf_counter()
    data = DataDir(settings.data_dir)
    live = None if rebuild else _usable(data)
    previous_state, previous_chunks = _previous(live)
    report = IngestReport()
    documents, chunks = _collect(settings, previous_state, previous_chunks, report, tracker)
    report.removed = sorted(
        info["file"] for doc_id, info in previous_state.items() if doc_id not in documents
    )
    generation = None
    if report.changed or live is None:
        generation = _build(settings, embedder, documents, chunks, progress, tracker)
        report.generation = generation.name
    else:
        report.generation = live.name
    report.documents, report.chunks = len(documents), len(chunks)
    report.seconds = time.perf_counter() - started
    return StagedIngest(report, generation)


def corpus_chunks(settings: Settings) -> tuple[list[Chunk], dict[str, str]]:
    """The passages of the corpus folder alone (no uploads, nothing excluded), as ingest
    chunks them now, and the files that failed with why: what the shipped embeddings cover."""
    report = IngestReport()
    with tempfile.TemporaryDirectory(prefix="sectorwijzer-corpus-") as empty:
        bare = settings.model_copy(update={"data_dir": Path(empty)})
        _, chunks = _collect(bare, {}, {}, report)
    return chunks, report.failed


def _usable(data: DataDir) -> Path | None:
    """The live generation, or None when there is none or it is damaged (then it is rebuilt)."""
    try:
        current = data.current()
        if current is not None:
            verify_generation(current)
        return current
    except (IndexNotReadyError, OSError):
        return None


def _previous(generation: Path | None) -> tuple[dict[str, Any], dict[str, list[Chunk]]]:
    """Documents and chunks of the live generation, read without opening its vector store."""
    if generation is None:
        return {}, {}
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in read_chunks(generation / "chunks.jsonl"):
        by_doc.setdefault(chunk.document_id, []).append(chunk)
    return dict(read_json(generation / "state.json").get("documents", {})), by_doc


@dataclass
class _Collection:
    """Documents and chunks of the next generation, built file by file."""

    previous: dict[str, Any]
    previous_chunks: dict[str, list[Chunk]]
    report: IngestReport
    limits: Limits
    documents: dict[str, Any] = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)

    def keep_previous(self, doc_id: str) -> None:
        self.documents[doc_id] = self.previous[doc_id]
        self.chunks.extend(self.previous_chunks.get(doc_id, []))

    def carry(self, doc_id: str) -> None:
        """Keep a previous document without reading a file (its content is its hash's)."""
        self.keep_previous(doc_id)
        self.hashes[self.previous[doc_id]["sha256"]] = self.previous[doc_id]["file"]
        self.report.unchanged.append(self.previous[doc_id]["file"])

    def is_duplicate(self, path: Path, digest: str) -> bool:
        if digest in self.hashes:
            self.report.failed[path.name] = f"duplicate of {self.hashes[digest]}"
            return True
        self.hashes[digest] = path.name
        return False


@dataclass
class Sources:
    """What the next generation is built from: the files to read with their manifest entries,
    and documents of the previous generation kept as they are without a file (`carried`: a
    Chroma server's generations hold uploads that no local folder has, see `rag.server_writer`)."""

    files: list[Path]
    manifest: dict[str, DocumentMeta]
    carried: list[str] = field(default_factory=list)


def folder_sources(settings: Settings) -> Sources:
    """The corpus folder and the uploads folder, as the embedded mode builds from them."""
    manifest = {**load_manifest(settings.corpus_dir), **load_manifest(uploads_dir(settings))}
    return Sources(source_files(settings), manifest)


def _collect(
    settings: Settings,
    previous: dict[str, Any],
    previous_chunks: dict[str, list[Chunk]],
    report: IngestReport,
    tracker: BuildProgress | None = None,
) -> tuple[dict[str, Any], list[Chunk]]:
    sources = folder_sources(settings)
    return collect(settings, sources, previous, previous_chunks, report, tracker)


def collect(
    settings: Settings,
    sources: Sources,
    previous: dict[str, Any],
    previous_chunks: dict[str, list[Chunk]],
    report: IngestReport,
    tracker: BuildProgress | None = None,
) -> tuple[dict[str, Any], list[Chunk]]:
    """Documents and chunks of the next generation: carried documents as they were, each file
    reused when unchanged, (re)read when new or changed, or reported in `report.failed`."""
    manifest = sources.manifest
    options = ChunkingOptions(
        settings.chunk_target_words, settings.chunk_max_words, settings.chunk_overlap_sentences
    )
    by_file = {info["file"]: doc_id for doc_id, info in previous.items()}
    limits = Limits(settings.max_document_pages, settings.max_document_chars)
    collection = _Collection(previous, previous_chunks, report, limits)
    for doc_id in sources.carried:
        collection.carry(doc_id)
    # Known files first, so a duplicate upload never displaces the original.
    files = sorted(
        sources.files,
        key=lambda p: (p.name not in manifest and p.name not in by_file, p.name),
    )
    tracker = tracker or BuildProgress()
    tracker.enter("reading", documents_total=len(files))
    for path in files:
        _add_file(collection, path, manifest.get(path.name), by_file.get(path.name), options)
        tracker.documents_read()
    return collection.documents, collection.chunks


def _add_file(
    collection: _Collection,
    path: Path,
    meta: DocumentMeta | None,
    old_id: str | None,
    options: ChunkingOptions,
) -> None:
    """Reuse an unchanged document, (re)process a new or changed one, or record why not."""
    report = collection.report
    old = collection.previous.get(old_id) if old_id else None
    try:
        digest = _digest(path)
        if collection.is_duplicate(path, digest):
            return
        if old_id and old and old["sha256"] == digest and _same_meta(old, meta):
            report.unchanged.append(path.name)
            collection.keep_previous(old_id)
            return
        limits, taken = collection.limits, set(collection.documents)
        doc_meta, chunks, pages = prepare_document(
            path, meta, options, taken, max_pages=limits.pages, max_chars=limits.chars
        )
    except Exception as exc:  # noqa: BLE001 - any reader failure is this document's failure
        report.failed[path.name] = failure_reason(path, exc)
        if old_id and old:
            collection.keep_previous(old_id)  # a broken new version never loses the old one
            report.kept_previous.append(path.name)
        return
    (report.updated if old else report.added).append(path.name)
    info = _document_info(path, digest, doc_meta, chunks, pages)
    collection.documents[doc_meta.id] = {**info, "manifest": meta is not None}
    collection.chunks.extend(chunks)


def failure_reason(path: Path, exc: BaseException) -> str:
    """Why a file could not be read, for the report and the user (English, see api.messages)."""
    if isinstance(exc, DocumentError):
        return exc.reason
    kind = "broken PDF" if path.suffix.lower() == ".pdf" else "cannot read file"
    if isinstance(exc, RecursionError):
        return f"{kind} (its structure is nested too deeply to read)"
    if isinstance(exc, LimitReachedError):
        return f"{kind} (a compressed part inflates beyond the reader's limit)"
    if isinstance(exc, MemoryError):
        return f"{kind} (too large to read in memory)"
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{kind} ({type(exc).__name__}{': ' + detail if detail else ''})"


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise DocumentError(path.name, f"cannot read file ({exc.strerror or exc})") from exc


def _same_meta(old: dict[str, Any], meta: DocumentMeta | None) -> bool:
    """An edited, added or removed manifest entry counts as a change of the document."""
    if old.get("manifest", False) != (meta is not None):
        return False
    if meta is None:
        return True
    return all(old.get(k) == v for k, v in meta.model_dump().items() if v not in ("", None, []))


def _document_info(
    path: Path, digest: str, meta: DocumentMeta, chunks: list[Chunk], pages: int | None
) -> dict[str, Any]:
    return {
        **meta.model_dump(),
        "file": path.name,
        "folder": path.parent.name,
        "sha256": digest,
        "pages": pages,
        "chunks": len(chunks),
        "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _build(
    settings: Settings,
    embedder: BaseEmbedding,
    documents: dict[str, Any],
    chunks: list[Chunk],
    progress: bool,
    tracker: BuildProgress | None,
) -> Path:
    """Embed (through the caches) and write a generation; returns it finalized, not live."""
    data = DataDir(settings.data_dir)
    chunk_vectors, sentence_vectors = embed(settings, embedder, chunks, progress, tracker)
    if tracker is not None:
        tracker.enter("writing")
    partial = data.new_generation()
    try:
        state = {"documents": documents, "embedder": embedder.model_name}
        write_index(partial, chunks, chunk_vectors, sentence_vectors, state)
        return data.finalize(partial)
    except BaseException:
        data.discard(partial)
        raise


def embed(
    settings: Settings,
    embedder: BaseEmbedding,
    chunks: list[Chunk],
    progress: bool,
    tracker: BuildProgress | None,
    known: VectorSource | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Passage and sentence vectors through the data directory's cache; what neither the
    cache nor `known` (e.g. the previous generation's vectors) nor the shipped embeddings
    hold is computed."""
    data = DataDir(settings.data_dir)
    shipped = ShippedEmbeddings.load(
        shipped_path(settings.corpus_dir, embedder.model_name), embedder.model_name
    )
    fallback: VectorSource = shipped if known is None else FirstOf([known, shipped])
    cache = EmbeddingCache(data.cache_file, embedder.model_name, fallback)
    try:
        return embed_chunks(cache, embedder, chunks, progress, tracker)
    finally:
        cache.close()
