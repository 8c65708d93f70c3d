"""Build and open one index generation: Chroma vectors, BM25, chunks and sentence vectors."""

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import BaseNode, TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.bm25 import KeywordIndex, tokenize
from rag.errors import IndexNotReadyError
from rag.models import Chunk
from rag.spelling import Corrector
from rag.store import COLLECTION, read_chunks, read_json, write_chunks, write_json, write_matrix
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
        self.naming_terms = _naming_terms(self.state)
        self.corrector = Corrector(
            w.lower() for chunk in self.chunks for w in re.findall(r"[^\W\d_]+", chunk.text)
        )

    def sentence_text(self, row: SentenceRow) -> str:
        position, start, end = row
        return self.chunks[position].text[start:end]


def _naming_terms(state: dict[str, Any]) -> set[str]:
    """Stems of the words that name a loaded document or organisation ("Metalektro", "OOM").

    They say where to look, not what to find: the answer step ignores them."""
    names = " ".join(
        f"{info.get('title', '')} {' '.join(info.get('organisations', []))}"
        for info in state.get("documents", {}).values()
    )
    return set(tokenize(names))


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
    """Write a complete generation into `path` (state.json last: it marks completeness)."""
    store = _open_vectors(path, create=True)
    nodes: list[BaseNode] = [
        TextNode(
            id_=c.id, text=c.text, embedding=v.tolist(), metadata={"document_id": c.document_id}
        )
        for c, v in zip(chunks, chunk_vectors, strict=True)
    ]
    if nodes:
        store.add(nodes)
    KeywordIndex.build([keyword_text(c) for c in chunks]).save(path / "bm25")
    write_chunks(path / "chunks.jsonl", chunks)
    write_matrix(path / "sentences.npy", sentence_vectors)
    write_json(path / "state.json", state)


def open_index(path: Path) -> Index:
    """Load a generation; any missing or unreadable part is reported as a damaged index."""
    try:
        chunks = read_chunks(path / "chunks.jsonl")
        vectors = np.load(path / "sentences.npy")
        index = Index(
            path,
            chunks,
            _open_vectors(path, create=False),
            KeywordIndex.load(path / "bm25"),
            sentence_rows(chunks),
            vectors,
            read_json(path / "state.json"),
        )
    except (OSError, ValueError, KeyError) as exc:
        raise IndexNotReadyError(
            f"the index in {path} is damaged ({exc}); run `sectorwijzer ingest --rebuild`"
        ) from exc
    if len(index.sentence_rows) != len(vectors) or index.keywords.size != len(chunks):
        raise IndexNotReadyError(f"the index in {path} is inconsistent; run `ingest --rebuild`")
    return index


def _open_vectors(path: Path, create: bool) -> ChromaVectorStore:
    client = chromadb.PersistentClient(
        path=str(path / "chroma"),
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )
    if create:
        collection = client.create_collection(
            COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
    else:
        collection = client.get_collection(COLLECTION, embedding_function=None)
    return ChromaVectorStore(chroma_collection=collection)
