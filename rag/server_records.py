"""How one generation is laid out in its two Chroma collections, written and read back.

`<prefix>_<name>` holds one record per passage: its id, vector (cosine space), text as the
document, and metadata `document_id` (what filters use), `position` (its order) and `chunk`
(the passage's other fields, JSON). `<prefix>_<name>_data` holds the "state" record (the
documents, JSON) and the sentence vectors, `_BLOCK_ROWS` per record (float32, base64): a
replica only loads them into a matrix, and an HNSW index over every sentence made each write
several times slower (10,000 vectors took 7 s over HTTP).
"""

import base64
import json
from collections.abc import Collection as Digests
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from chromadb.api.models.Collection import Collection

from rag.embedding_cache import text_digest
from rag.index import sentence_rows
from rag.models import Chunk

_BATCH = 1000  # records per request, under the server's batch limit
# Bytes per request, under the server's payload limit (x100 the shipped corpus in one add of
# sentence blocks was refused: "Payload too large").
_MAX_REQUEST_BYTES = 4 * 1024 * 1024
_BLOCK_ROWS = 1000  # sentence vectors per record (~2 MB as base64 at 384 dimensions)
Record = tuple[str, str, dict[str, int | str]]  # id, document, metadata


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

    def lookup(self, digests: Digests[str]) -> dict[str, np.ndarray]:
        return {d: self._by_digest[d] for d in digests if d in self._by_digest}


def write_passages(passages: Collection, chunks: list[Chunk], vectors: np.ndarray) -> None:
    # A vector travels as JSON numbers: about 20 bytes per dimension.
    costs = [len(c.text.encode()) + 512 + 20 * vectors.shape[1] for c in chunks]
    for start, end in request_spans(costs):
        part = chunks[start:end]
        passages.add(
            ids=[c.id for c in part],
            embeddings=np.asarray(vectors[start:end], dtype=np.float32),
            documents=[c.text for c in part],
            metadatas=[_chunk_metadata(c, start + i) for i, c in enumerate(part)],
        )


def request_spans(costs: list[int]) -> Iterator[tuple[int, int]]:
    """(start, end) ranges of records sent in one request: at most `_BATCH` records and
    `_MAX_REQUEST_BYTES` bytes (a record over the limit goes alone)."""
    start, size = 0, 0
    for i, cost in enumerate(costs):
        if i > start and (i - start == _BATCH or size + cost > _MAX_REQUEST_BYTES):
            yield start, i
            start, size = i, 0
        size += cost
    if start < len(costs):
        yield start, len(costs)


def write_data(data: Collection, state: dict[str, Any], sentence_vectors: np.ndarray) -> None:
    records: list[Record] = [("state", json.dumps(state, ensure_ascii=False), {"kind": "state"})]
    records.extend(_sentence_blocks(sentence_vectors))
    for start, end in request_spans([len(document) + 256 for _, document, _ in records]):
        ids, documents, metadatas = zip(*records[start:end], strict=True)
        data.add(
            ids=list(ids),
            embeddings=np.zeros((len(ids), 1), dtype=np.float32),  # looked up by id only
            documents=list(documents),
            metadatas=list(metadatas),  # type: ignore[arg-type]
        )


def read_data(data: Collection) -> tuple[dict[str, Any] | None, np.ndarray]:
    """The state (None when its record is missing) and the sentence matrix."""
    state: dict[str, Any] | None = None
    blocks: list[tuple[int, np.ndarray]] = []
    for _, document, meta in _records(data, ["documents", "metadatas"], page=2):
        if meta.get("kind") == "state":
            state = json.loads(document or "{}")
        else:
            raw = base64.b64decode(document or "")
            shape = (int(str(meta["rows"])), int(str(meta["dim"])))
            blocks.append((int(str(meta["first"])), np.frombuffer(raw, np.float32).reshape(shape)))
    blocks.sort(key=lambda block: block[0])
    matrix = np.vstack([b for _, b in blocks]) if blocks else np.zeros((0, 0), np.float32)
    return state, matrix


def read_passages(
    passages: Collection, with_vectors: bool
) -> tuple[list[Chunk], np.ndarray | None]:
    """The passages in order, and their vectors when asked."""
    include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
    rows: list[tuple[int, Chunk, Any]] = []
    for _, document, meta, *vector in _records(passages, include):
        chunk = Chunk.model_validate({**json.loads(str(meta["chunk"])), "text": document})
        rows.append((int(str(meta["position"])), chunk, vector[0] if vector else None))
    rows.sort(key=lambda row: row[0])
    chunks = [chunk for _, chunk, _ in rows]
    if not with_vectors:
        return chunks, None
    return chunks, np.asarray([v for _, _, v in rows], dtype=np.float32)


def _chunk_metadata(chunk: Chunk, position: int) -> dict[str, str | int]:
    fields = chunk.model_dump_json(exclude={"text"})
    return {"document_id": chunk.document_id, "position": position, "chunk": fields}


def _sentence_blocks(matrix: np.ndarray) -> Iterator[Record]:
    for first in range(0, len(matrix), _BLOCK_ROWS):
        block = np.ascontiguousarray(matrix[first : first + _BLOCK_ROWS], dtype=np.float32)
        meta: dict[str, int | str] = {
            "kind": "sentences",
            "first": first,
            "rows": int(block.shape[0]),
            "dim": int(block.shape[1]),
        }
        yield f"sentences-{first:09d}", base64.b64encode(block.tobytes()).decode(), meta


def _records(
    collection: Collection, include: list[str], page: int = _BATCH
) -> Iterator[tuple[Any, ...]]:
    """Every record of a collection, `page` at a time: (id, *included fields)."""
    offset = 0
    while True:
        found = collection.get(limit=page, offset=offset, include=include)  # type: ignore[arg-type]
        ids = found["ids"]
        if not ids:
            return
        columns: list[Any] = [found[field] for field in include]  # type: ignore[literal-required]
        yield from zip(ids, *columns, strict=True)
        offset += len(ids)
