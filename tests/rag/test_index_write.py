"""Writing a generation: every passage reaches Chroma, in batches under the server's limit."""

from pathlib import Path

import numpy as np

from rag.index import open_index, sentence_rows, write_index
from rag.models import Chunk


def _chunks(count: int) -> list[Chunk]:
    return [
        Chunk(
            id=f"doc-{i % 3}#{i:04d}",
            document_id=f"doc-{i % 3}",
            title=f"Document {i % 3}",
            start=0,
            end=10,
            text=f"Passage {i} over scholing. Tweede zin {i}.",
        )
        for i in range(count)
    ]


def test_more_passages_than_one_chroma_batch_are_all_written(tmp_path: Path) -> None:
    # One add of more records than Chroma's batch limit (5,461 here) is refused outright.
    count = 5_600
    chunks = _chunks(count)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(count, 8)).astype(np.float32)
    sentences = rng.normal(size=(len(sentence_rows(chunks)), 8)).astype(np.float32)
    generation = tmp_path / "generations" / "g1"
    generation.mkdir(parents=True)
    write_index(generation, chunks, vectors, sentences, {"documents": {}})
    index = open_index(generation)
    try:
        stored = index.vectors.client.get(include=["metadatas"])
        assert index.vectors.client.count() == count
        assert sorted(stored["ids"]) == sorted(c.id for c in chunks)
        assert {m["document_id"] for m in stored["metadatas"]} == {"doc-0", "doc-1", "doc-2"}
    finally:
        index.close()
