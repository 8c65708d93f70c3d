"""Build and open one index generation: Chroma vectors, BM25, chunks and sentence vectors."""

import math
import re
import shutil
import sqlite3
import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import chromadb
import numpy as np
from chromadb.api.client import Client
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError
from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.bm25 import KeywordIndex, tokenize
from rag.errors import IndexDamagedError, IndexNotReadyError
from rag.integrity import REBUILD_HINT, verify_generation, write_checksums
from rag.models import Chunk
from rag.spelling import Corrector
from rag.store import (
    COLLECTION,
    DataDir,
    Workspace,
    read_chunks,
    read_json,
    write_chunks,
    write_json,
    write_matrix,
)
from rag.structure import split_sentences

SentenceRow = tuple[int, int, int]  # chunk position, start, end within the chunk text


@dataclass
class Index:
    """Everything a query needs, loaded from one generation."""

    path: Path
    chunks: list[Chunk]
    vectors: ChromaVectorStore
    keywords: KeywordIndex
    sentence_rows: list[SentenceRow]
    sentence_vectors: np.ndarray
    state: dict[str, Any]

    def position(self, chunk_id: str) -> int:
        return self._positions[chunk_id]

    def __post_init__(self) -> None:
        self._positions = {chunk.id: i for i, chunk in enumerate(self.chunks)}
        self.sentence_chunk = np.array([row[0] for row in self.sentence_rows], dtype=np.int64)
        self.rows_by_chunk: dict[int, list[int]] = {}
        for number, row in enumerate(self.sentence_rows):
            self.rows_by_chunk.setdefault(row[0], []).append(number)
        self.sentence_tokens = [set(tokenize(self.sentence_text(r))) for r in self.sentence_rows]
        counts = Counter(t for tokens in self.sentence_tokens for t in tokens)
        total = len(self.sentence_tokens) + 1
        self.idf = {t: math.log(total / (n + 0.5)) for t, n in counts.items()}
        self.unseen_idf = math.log(total / 0.5)
        self.document_terms = _document_terms(self.state)
        self.naming_terms = set().union(*self.document_terms.values())
        self.corrector = Corrector(
            w.lower() for chunk in self.chunks for w in re.findall(r"[^\W\d_]+", chunk.text)
        )

    def sentence_text(self, row: SentenceRow) -> str:
        position, start, end = row
        return self.chunks[position].text[start:end]

    def own(self, client: Client, workspace: Workspace) -> None:
        """Take charge of the Chroma client and its private copy of the files: both are
        released by `close`, or when the index is garbage collected, whichever comes first."""
        self._release = weakref.finalize(self, _release, client, workspace)

    def close(self) -> None:
        """Release the Chroma client (its threads, files and memory maps) and its file copy.

        Idempotent. Only call it when no reader can still use this index; an index that is
        merely dropped is released once the last reader lets go of it."""
        release = getattr(self, "_release", None)
        if release is not None:
            release()

    @property
    def closed(self) -> bool:
        release = getattr(self, "_release", None)
        return release is not None and not release.alive

    def check(self) -> None:
        """Raise `IndexNotReadyError` unless the index can answer (its vector store responds
        and holds every passage); cheap enough for a readiness probe."""
        if self.closed:
            raise IndexNotReadyError(f"the index in {self.path} was closed")
        try:
            count = self.vectors.client.count()
        except Exception as exc:  # noqa: BLE001 - any failure of the store means not ready
            raise IndexNotReadyError(
                f"the index in {self.path} cannot be used ({type(exc).__name__}: {exc})"
            ) from exc
        if count != len(self.chunks):
            raise IndexDamagedError(
                f"the index in {self.path} is inconsistent ({count} vectors for "
                f"{len(self.chunks)} passages); {REBUILD_HINT}"
            )


def _document_terms(state: dict[str, Any]) -> dict[str, set[str]]:
    """Per loaded document, the stems of the words that name it or its organisations
    ("Metalektro", "OOM"). They say where to look, not what to find: the answer step ignores
    them, and uses them to see which document a question names."""
    return {
        doc: set(tokenize(f"{info.get('title', '')} {' '.join(info.get('organisations', []))}"))
        for doc, info in state.get("documents", {}).items()
    }


def sentence_rows(chunks: list[Chunk]) -> list[SentenceRow]:
    """Every sentence of every chunk, in chunk order."""
    return [(i, s, e) for i, chunk in enumerate(chunks) for s, e in split_sentences(chunk.text)]


def keyword_text(chunk: Chunk) -> str:
    """What BM25 indexes: the passage with its title, organisations and section, so questions
    that name a document or organisation ("volgens OOM") find its passages."""
    return f"{chunk.title} {' '.join(chunk.organisations)}\n{chunk.section}\n{chunk.text}"


def write_index(
    path: Path,
    chunks: list[Chunk],
    chunk_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    state: dict[str, Any],
) -> None:
    """Write a complete generation into `path`: the parts, state.json, then checksums.json.

    The Chroma client is closed before the checksums are taken, so every byte is on disk."""
    client, store = _open_vectors(path, create=True)
    try:
        nodes: list[BaseNode] = [
            TextNode(
                id_=c.id,
                text=c.text,
                embedding=v.tolist(),
                metadata={"document_id": c.document_id},
                # llama-index writes the source node's id over `document_id` in Chroma's
                # metadata ("None" without one), and the document filter reads that field.
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=c.document_id)},
            )
            for c, v in zip(chunks, chunk_vectors, strict=True)
        ]
        # Chroma refuses one add of more records than its batch limit (5,461 here).
        batch = client.get_max_batch_size()
        for start in range(0, len(nodes), batch):
            store.add(nodes[start : start + batch])
    finally:
        client.close()
    KeywordIndex.build([keyword_text(c) for c in chunks]).save(path / "bm25")
    write_chunks(path / "chunks.jsonl", chunks)
    write_matrix(path / "sentences.npy", sentence_vectors)
    write_json(path / "state.json", state)
    write_checksums(path)


def open_index(path: Path) -> Index:
    """Verify a generation's checksums and load it; Chroma opens a private copy of its files
    (Chroma rewrites files it opens, and the generation itself must stay as written).

    Any missing, altered or unreadable part is reported as a damaged index (with the rebuild
    hint), never as a raw error."""
    verify_generation(path)
    try:
        workspace = DataDir(path.parent.parent).workspace()
    except OSError as exc:  # e.g. too many open files, disk full
        raise IndexNotReadyError(f"the index in {path} cannot be opened ({exc})") from exc
    client: Client | None = None
    try:
        chunks = read_chunks(path / "chunks.jsonl")
        vectors = np.load(path / "sentences.npy")
        keywords = KeywordIndex.load(path / "bm25")
        state = read_json(path / "state.json")
        shutil.copytree(path / "chroma", workspace.path / "chroma")
        client, store = _open_vectors(workspace.path, create=False)
        index = Index(path, chunks, store, keywords, sentence_rows(chunks), vectors, state)
    except OSError as exc:  # e.g. too many open files: not damage, but not usable either
        _release(client, workspace)
        raise IndexNotReadyError(f"the index in {path} cannot be opened ({exc})") from exc
    except (ValueError, KeyError, sqlite3.Error, ChromaError, IndexNotReadyError) as exc:
        _release(client, workspace)
        if isinstance(exc, IndexNotReadyError):
            raise
        raise IndexDamagedError(
            f"the index in {path} is damaged ({type(exc).__name__}: {exc}); {REBUILD_HINT}"
        ) from exc
    except BaseException:
        _release(client, workspace)
        raise
    index.own(client, workspace)
    if len(index.sentence_rows) != len(vectors) or index.keywords.size != len(chunks):
        index.close()
        raise IndexDamagedError(f"the index in {path} is inconsistent; {REBUILD_HINT}")
    return index


def _open_vectors(path: Path, create: bool) -> tuple[Client, ChromaVectorStore]:
    client = cast(
        Client,
        chromadb.PersistentClient(
            path=str(path / "chroma"),
            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
        ),
    )
    try:
        if create:
            collection = client.create_collection(
                COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        else:
            collection = client.get_collection(COLLECTION, embedding_function=None)
    except BaseException:
        client.close()
        raise
    return client, ChromaVectorStore(chroma_collection=collection)


def _release(client: Client | None, workspace: Workspace) -> None:
    """Close a Chroma client and delete its private copy of the files."""
    try:
        if client is not None:
            client.close()
    finally:
        workspace.release()
