"""The embedding step of ingest: a vector for every passage and every sentence of it.

Through the caches (`rag.embedding_cache`, with the shipped vectors beneath it), a group of
passages at a time, so a running build can say how many passages are done.
"""

from collections.abc import Iterator

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from tqdm import tqdm

from rag.embedding_cache import EmbeddingCache
from rag.index import SentenceRow, sentence_rows
from rag.models import Chunk
from rag.progress import BuildProgress

_BATCH = 16  # texts per call of the model
_GROUP = 32  # passages per progress step


def embedded_texts(chunks: list[Chunk]) -> tuple[list[str], list[str]]:
    """What ingest embeds for `chunks`: each passage's text, and each sentence of it, in order."""
    sentences = [chunks[i].text[s:e] for i, s, e in sentence_rows(chunks)]
    return [c.text for c in chunks], sentences


def embed_chunks(
    cache: EmbeddingCache,
    embedder: BaseEmbedding,
    chunks: list[Chunk],
    progress: bool = False,
    tracker: BuildProgress | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Passage vectors and sentence vectors (rows as `rag.index.sentence_rows`); `progress`
    shows a terminal bar, `tracker` counts the passages done."""
    tracker = tracker or BuildProgress()
    tracker.enter("embedding", passages_total=len(chunks))
    passage_parts, sentence_parts = [], []
    rows = sentence_rows(chunks)
    total = len(chunks) + len(rows)
    with tqdm(total=total, desc="embedding", unit="text", disable=not progress) as bar:

        def compute(texts: list[str]) -> list[list[float]]:
            out: list[list[float]] = []
            for start in range(0, len(texts), _BATCH):
                out.extend(embedder.get_text_embedding_batch(texts[start : start + _BATCH]))
            return out

        for group, sentences in _groups(chunks, rows):
            passage_parts.append(cache.embed(group, compute))
            sentence_parts.append(cache.embed(sentences, compute))
            bar.update(len(group) + len(sentences))
            tracker.passages_embedded(len(group))
    return _stack(passage_parts), _stack(sentence_parts)


def _groups(chunks: list[Chunk], rows: list[SentenceRow]) -> Iterator[tuple[list[str], list[str]]]:
    """Passage texts and their sentences, `_GROUP` passages at a time, in order."""
    row = 0
    for start in range(0, len(chunks), _GROUP):
        end = min(start + _GROUP, len(chunks))
        first = row
        while row < len(rows) and rows[row][0] < end:
            row += 1
        sentences = [chunks[i].text[s:e] for i, s, e in rows[first:row]]
        yield [c.text for c in chunks[start:end]], sentences


def _stack(parts: list[np.ndarray]) -> np.ndarray:
    filled = [p for p in parts if len(p)]
    return np.vstack(filled) if filled else np.zeros((0, 0), dtype=np.float32)
