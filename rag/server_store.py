"""Index generations in a Chroma server: written beside the live one, published by a pointer.

Collections (all names start with `SECTORWIJZER_CHROMA_PREFIX`, "sectorwijzer" by default)::

    <prefix>_meta           "pointer": the live generation and the previous one (metadata);
                            "generation:<name>": status (writing, complete), time, counts
    <prefix>_<name>         the passages: vectors, texts, metadata (see `rag.server_records`)
    <prefix>_<name>_data    the state (documents) and the sentence vectors
    <prefix>_lock           exists while a writer holds the lock (see `rag.server_lock`)

An ingest registers its generation as "writing", writes both collections, marks it
"complete" and then updates the pointer (one record, atomically): readers never see a
partial generation, and a writer killed half-way leaves the previous one serving (its
leftovers are dropped by the next publish). Publishing keeps the previous generation for
`sectorwijzer generations --rollback` and drops older ones once they have been replaced for
`chroma_retire_seconds`.
"""

import threading
import time
import uuid
from collections.abc import Callable
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
from rag.errors import IndexDamagedError, IndexNotReadyError
from rag.index import Index, keyword_text, sentence_rows
from rag.models import Chunk
from rag.server_lock import Lease, server_lock
from rag.server_records import Snapshot, read_data, read_passages, write_data, write_passages

POINTER = "pointer"
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
        write_passages(passages, chunks, chunk_vectors)
        data = self.client.create_collection(self._data_name(name), embedding_function=None)
        write_data(data, state, sentence_vectors)
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
        """Every registered generation, oldest first (by when it was written)."""
        current, previous = self.pointer()
        found = self.meta.get(where={"kind": "generation"}, include=["metadatas"])
        infos = []
        metas = sorted(found["metadatas"] or [], key=lambda meta: float(str(meta["at"])))
        for meta in metas:
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
        return infos

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
            get = self.client.get_collection
            state, sentences = read_data(get(self._data_name(name), embedding_function=None))
            passages = get(self._chunks_name(name), embedding_function=None)
            chunks, vectors = read_passages(passages, with_vectors)
        except (NotFoundError, ValueError, KeyError) as exc:
            raise IndexDamagedError(
                f"generation {name} is missing from the Chroma server or damaged "
                f"({type(exc).__name__}: {exc}); {ROLLBACK_HINT}"
            ) from exc
        if state is None or len(sentence_rows(chunks)) != len(sentences):
            raise IndexDamagedError(f"generation {name} is incomplete; {ROLLBACK_HINT}")
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
                    "at": time.time(),  # orders generations made within one second
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
