"""Index generations in a Chroma server: written beside the live one, published by a pointer.

Collections (all names start with `SECTORWIJZER_CHROMA_PREFIX`, "sectorwijzer" by default)::

    <prefix>_meta           "pointer": the live generation and the previous one (metadata);
                            "generation:<name>": status (writing, complete), time, counts
    <prefix>_<name>         one record per passage: id, passage vector (cosine), text as the
                            document, metadata document_id, position and chunk (its JSON)
    <prefix>_<name>_data    "state": the documents' records (JSON); "sentences-<row>":
                            1,000 sentence vectors per record (float32, base64)
    <prefix>_lock           exists while a writer holds the lock (see `rag.server_lock`)

An ingest registers its generation as "writing", writes both collections, marks it
"complete" and then updates the pointer (one record, atomically): readers never see a
partial generation, and a writer killed half-way leaves the previous one serving (its
leftovers are dropped by the next publish). Publishing keeps the previous generation for
`sectorwijzer generations --rollback` and drops older ones.

Sentence vectors are stored as blocks, not as vectors of their own collection: replicas only
load them into a matrix, and an HNSW index over every sentence made each write several times
slower (10,000 vectors: 7 s over HTTP).
"""

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.client import Client
from chromadb.api.models.Collection import Collection
from chromadb.errors import NotFoundError
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.bm25 import KeywordIndex
from rag.chroma_client import connect
from rag.config import Settings
from rag.embedding_cache import text_digest
from rag.errors import IndexDamagedError, IndexNotReadyError
from rag.index import Index, keyword_text, sentence_rows
from rag.models import Chunk
from rag.server_lock import Lease, server_lock

POINTER = "pointer"
_BATCH = 1000  # records per request, under the server's batch limit
_BLOCK_ROWS = 1000  # sentence vectors per record
# Records of the meta and data collections are looked up by id only.
_NO_VECTOR = np.zeros((1, 1), dtype=np.float32)
ROLLBACK_HINT = "run `sectorwijzer generations --rollback` or `sectorwijzer ingest --rebuild`"


@dataclass
class GenerationInfo:
    """One generation as `sectorwijzer generations` lists it."""

    name: str
    status: str  # "complete", or "writing" (being written, or left by an interrupted writer)
    created: str
    documents: int
    chunks: int
    role: str = ""  # "live", "previous" or ""


@dataclass
class Snapshot:
    """A generation's contents: what a replica loads, and what the next one is built from."""

    name: str
    state: dict[str, Any]
    chunks: list[Chunk]
    sentence_vectors: np.ndarray
    chunk_vectors: np.ndarray | None = None  # loaded only for a writer

    def known_vectors(self) -> "SnapshotVectors":
        return SnapshotVectors(self)


class SnapshotVectors:
    """A snapshot's passage and sentence vectors by text digest (`rag.embedding_cache`), so
    a writer re-embeds only new text, whichever replica wrote the previous generation."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._by_digest: dict[str, np.ndarray] = {}
        if snapshot.chunk_vectors is not None:
            for chunk, vector in zip(snapshot.chunks, snapshot.chunk_vectors, strict=True):
                self._by_digest[text_digest(chunk.text)] = vector
        rows = sentence_rows(snapshot.chunks)
        for (position, start, end), vector in zip(rows, snapshot.sentence_vectors, strict=True):
            self._by_digest[text_digest(snapshot.chunks[position].text[start:end])] = vector

    def lookup(self, digests: Any) -> dict[str, np.ndarray]:
        return {d: self._by_digest[d] for d in digests if d in self._by_digest}


class ServerStore:
    """The generations of one Chroma server (and prefix)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prefix = settings.chroma_prefix
        self._client: Client | None = None
        self._connecting = threading.Lock()
        self._meta: Collection | None = None

    @property
    def client(self) -> Client:
        """The server's client, made on first use: `HttpClient` contacts the server at once,
        and a replica must start (and report itself not ready) while the server is down."""
        with self._connecting:
            if self._client is None:
                self._client = connect(self.settings)
            return self._client

    @property
    def meta(self) -> Collection:
        if self._meta is None:
            self._meta = self.client.get_or_create_collection(
                f"{self.prefix}_meta", embedding_function=None
            )
        return self._meta

    def pointer(self) -> tuple[str | None, str | None]:
        """The live generation and the previous one (None when there is none)."""
        found = self.meta.get(ids=[POINTER], include=["metadatas"])
        if not found["ids"] or not found["metadatas"]:
            return None, None
        meta = found["metadatas"][0]
        return str(meta.get("current") or "") or None, str(meta.get("previous") or "") or None

    def current(self) -> str | None:
        return self.pointer()[0]

    def lock(
        self, wait_seconds: float, on_wait: Callable[[str], None] | None = None
    ) -> AbstractContextManager[Lease]:
        """The server's writer lock (see `rag.server_lock`)."""
        seconds = self.settings.chroma_lock_seconds
        return server_lock(self.client, f"{self.prefix}_lock", seconds, wait_seconds, on_wait)

    def write(
        self,
        chunks: list[Chunk],
        chunk_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        state: dict[str, Any],
    ) -> str:
        """Write a complete generation, not live yet; returns its name."""
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        self._register(name, "writing", len(state.get("documents", {})), len(chunks))
        passages = self.client.create_collection(
            self._chunks_name(name), metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        for start in range(0, len(chunks), _BATCH):
            part = chunks[start : start + _BATCH]
            passages.add(
                ids=[c.id for c in part],
                embeddings=np.asarray(chunk_vectors[start : start + _BATCH], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[_chunk_metadata(c, start + i) for i, c in enumerate(part)],
            )
        data = self.client.create_collection(self._data_name(name), embedding_function=None)
        records: list[tuple[str, str, dict[str, int | str]]] = [
            ("state", json.dumps(state, ensure_ascii=False), {"kind": "state"})
        ]
        records.extend(_sentence_blocks(sentence_vectors))
        for start in range(0, len(records), _BATCH):
            ids, documents, metadatas = zip(*records[start : start + _BATCH], strict=True)
            data.add(
                ids=list(ids),
                embeddings=np.zeros((len(ids), 1), dtype=np.float32),
                documents=list(documents),
                metadatas=list(metadatas),  # type: ignore[arg-type]
            )
        self._register(name, "complete", len(state.get("documents", {})), len(chunks))
        return name

    def publish(self, name: str) -> None:
        """Make a complete generation the live one (one record) and drop all but the previous
        (and those replaced less than `chroma_retire_seconds` ago)."""
        current, previous = self.pointer()
        self._point(name, current)
        if previous:
            self.meta.update(ids=[f"generation:{previous}"], metadatas=[{"retired": time.time()}])
        self.prune(keep={name} | ({current} if current else set()))

    def rollback(self) -> str:
        """Make the previous generation live again (the replaced one becomes the previous)."""
        current, previous = self.pointer()
        if previous is None or self._status(previous) != "complete":
            raise IndexNotReadyError("there is no previous generation to roll back to")
        self._point(previous, current)
        return previous

    def generations(self) -> list[GenerationInfo]:
        """Every registered generation, oldest first."""
        current, previous = self.pointer()
        found = self.meta.get(where={"kind": "generation"}, include=["metadatas"])
        infos = []
        for meta in found["metadatas"] or []:
            name = str(meta["name"])
            role = "live" if name == current else "previous" if name == previous else ""
            infos.append(
                GenerationInfo(
                    name,
                    str(meta["status"]),
                    str(meta["created"]),
                    int(str(meta["documents"])),
                    int(str(meta["chunks"])),
                    role,
                )
            )
        return sorted(infos, key=lambda info: info.name)

    def prune(self, keep: set[str]) -> None:
        """Drop every generation not in `keep`, including leftovers of interrupted writers
        (the caller holds the writer lock, so no other writer is still writing one)."""
        found = self.meta.get(where={"kind": "generation"}, include=["metadatas"])
        since = time.time() - self.settings.chroma_retire_seconds
        for meta in found["metadatas"] or []:
            name, retired = str(meta["name"]), float(str(meta.get("retired", 0)))
            if name not in keep and (meta["status"] != "complete" or retired <= since):
                self.discard(name)

    def discard(self, name: str) -> None:
        for collection in (self._chunks_name(name), self._data_name(name)):
            with suppress(NotFoundError):
                self.client.delete_collection(collection)
        self.meta.delete(ids=[f"generation:{name}"])

    def load(self, name: str, with_vectors: bool = False) -> Snapshot:
        """A generation's state, passages and sentence vectors (and passage vectors)."""
        try:
            state, sentences = self._load_data(name)
            chunks, vectors = self._load_chunks(name, with_vectors)
        except NotFoundError as exc:
            raise IndexDamagedError(
                f"generation {name} is missing from the Chroma server ({exc}); {ROLLBACK_HINT}"
            ) from exc
        if len(sentence_rows(chunks)) != len(sentences):
            raise IndexDamagedError(f"generation {name} is inconsistent; {ROLLBACK_HINT}")
        return Snapshot(name, state, chunks, sentences, vectors)

    def index(self, snapshot: Snapshot) -> Index:
        """An `Index` over a loaded generation: BM25 and the sentence matrix in this process,
        passage vectors queried in the server."""
        collection = self.client.get_collection(
            self._chunks_name(snapshot.name), embedding_function=None
        )
        return Index(
            Path(snapshot.name),
            snapshot.chunks,
            ChromaVectorStore(chroma_collection=collection),
            KeywordIndex.build([keyword_text(c) for c in snapshot.chunks]),
            sentence_rows(snapshot.chunks),
            snapshot.sentence_vectors,
            snapshot.state,
        )

    def _load_data(self, name: str) -> tuple[dict[str, Any], np.ndarray]:
        data = self.client.get_collection(self._data_name(name), embedding_function=None)
        state: dict[str, Any] | None = None
        blocks: list[tuple[int, np.ndarray]] = []
        for _, document, meta in _records(data, ["documents", "metadatas"]):
            if meta.get("kind") == "state":
                state = json.loads(document or "{}")
            else:
                raw = base64.b64decode(document or "")
                shape = (int(str(meta["rows"])), int(str(meta["dim"])))
                block = np.frombuffer(raw, np.float32).reshape(shape)
                blocks.append((int(str(meta["first"])), block))
        if state is None:
            raise IndexDamagedError(f"generation {name} has no state record; {ROLLBACK_HINT}")
        blocks.sort(key=lambda block: block[0])
        matrix = np.vstack([b for _, b in blocks]) if blocks else np.zeros((0, 0), np.float32)
        return state, matrix

    def _load_chunks(self, name: str, with_vectors: bool) -> tuple[list[Chunk], np.ndarray | None]:
        passages = self.client.get_collection(self._chunks_name(name), embedding_function=None)
        include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        rows: list[tuple[int, Chunk, Any]] = []
        for _, document, meta, *vector in _records(passages, include):
            chunk = Chunk.model_validate({**json.loads(str(meta["chunk"])), "text": document})
            rows.append((int(str(meta["position"])), chunk, vector[0] if vector else None))
        rows.sort(key=lambda row: row[0])
        chunks = [chunk for _, chunk, _ in rows]
        if not with_vectors:
            return chunks, None
        vectors = np.asarray([v for _, _, v in rows], dtype=np.float32)
        return chunks, vectors

    def _point(self, current: str, previous: str | None) -> None:
        self.meta.upsert(
            ids=[POINTER],
            embeddings=_NO_VECTOR,
            documents=[""],
            metadatas=[
                {
                    "kind": "pointer",
                    "current": current,
                    "previous": previous or "",
                    "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                }
            ],
        )

    def _register(self, name: str, status: str, documents: int, chunks: int) -> None:
        self.meta.upsert(
            ids=[f"generation:{name}"],
            embeddings=_NO_VECTOR,
            documents=[""],
            metadatas=[
                {
                    "kind": "generation",
                    "name": name,
                    "status": status,
                    "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "documents": documents,
                    "chunks": chunks,
                }
            ],
        )

    def _status(self, name: str) -> str | None:
        found = self.meta.get(ids=[f"generation:{name}"], include=["metadatas"])
        metas = found["metadatas"] or []
        return str(metas[0]["status"]) if metas else None

    def _chunks_name(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def _data_name(self, name: str) -> str:
        return f"{self.prefix}_{name}_data"


def _chunk_metadata(chunk: Chunk, position: int) -> dict[str, str | int]:
    fields = chunk.model_dump_json(exclude={"text"})
    return {"document_id": chunk.document_id, "position": position, "chunk": fields}


def _sentence_blocks(matrix: np.ndarray) -> Iterator[tuple[str, str, dict[str, int | str]]]:
    for first in range(0, len(matrix), _BLOCK_ROWS):
        block = np.ascontiguousarray(matrix[first : first + _BLOCK_ROWS], dtype=np.float32)
        meta: dict[str, int | str] = {
            "kind": "sentences",
            "first": first,
            "rows": int(block.shape[0]),
            "dim": int(block.shape[1]),
        }
        yield f"sentences-{first:09d}", base64.b64encode(block.tobytes()).decode(), meta


def _records(collection: Collection, include: list[str]) -> Iterator[tuple[Any, ...]]:
    """Every record of a collection, `_BATCH` at a time: (id, *included fields)."""
    offset = 0
    while True:
        page = collection.get(limit=_BATCH, offset=offset, include=include)  # type: ignore[arg-type]
        ids = page["ids"]
        if not ids:
            return
        columns: list[Any] = [page[field] for field in include]  # type: ignore[literal-required]
        yield from zip(ids, *columns, strict=True)
        offset += len(ids)
