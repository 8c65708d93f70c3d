"""Retrievers: dense (Chroma), keyword (BM25) and their reciprocal rank fusion."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)

from rag.errors import ConfigurationError
from rag.index import Index
from rag.models import Chunk, Filters


@dataclass
class Hit:
    """A retrieved chunk with its fused score and the evidence behind it."""

    chunk: Chunk
    score: float
    dense: float | None = None
    keyword: float | None = None


@dataclass
class Query:
    """What a retriever needs: the text, its embedding (if any) and the allowed documents."""

    text: str
    embedding: list[float] | None
    allowed: set[str] | None
    limit: int
    focus_embedding: list[float] | None = None  # the question without document names


class Retriever(Protocol):
    """Ranks chunks of an index for a query."""

    def retrieve(self, index: Index, query: Query) -> list[Hit]: ...


def allowed_documents(index: Index, filters: Filters | None) -> set[str] | None:
    """Resolve document-level filters to the set of document ids they allow (None: all)."""
    if filters is None or filters == Filters():
        return None
    allowed = set()
    for doc_id, info in index.state.get("documents", {}).items():
        year = info.get("year")
        orgs = {o.lower() for o in info.get("organisations", [])}
        if (
            (not filters.documents or doc_id in filters.documents)
            and (not filters.kind or info.get("kind") in filters.kind)
            and (not filters.organisations or orgs & {o.lower() for o in filters.organisations})
            and (filters.year_from is None or (year is not None and year >= filters.year_from))
            and (filters.year_to is None or (year is not None and year <= filters.year_to))
        ):
            allowed.add(doc_id)
    return allowed


class DenseRetriever:
    """Nearest chunks by embedding: the chunk's own vector (Chroma) plus its best sentence.

    A fact stated in one sentence drowns in a 200-word chunk vector; adding the best
    sentence similarity (weight `sentence_weight`) lifts such chunks.
    """

    def __init__(self, sentence_weight: float = 0.5) -> None:
        self.sentence_weight = sentence_weight

    def retrieve(self, index: Index, query: Query) -> list[Hit]:
        if query.embedding is None or (query.allowed is not None and not query.allowed):
            return []
        chunk_sims = self._chunk_similarities(index, query)
        focus = query.focus_embedding or query.embedding
        sentence_sims = best_sentence_similarity(index, np.asarray(focus))
        ranked = np.where(_allowed_mask(index, query.allowed), sentence_sims, -np.inf)
        by_sentence = [int(p) for p in np.argsort(-ranked)[: query.limit] if ranked[p] > -np.inf]
        floor = min(chunk_sims.values(), default=0.0)
        hits = []
        for position in set(chunk_sims) | set(by_sentence):
            score = chunk_sims.get(position, floor) + self.sentence_weight * sentence_sims[position]
            hits.append(Hit(index.chunks[position], float(score), dense=float(score)))
        return sorted(hits, key=lambda h: -h.score)[: query.limit]

    @staticmethod
    def _chunk_similarities(index: Index, query: Query) -> dict[int, float]:
        filters = None
        if query.allowed is not None:
            filters = MetadataFilters(
                filters=[
                    MetadataFilter(
                        key="document_id", value=sorted(query.allowed), operator=FilterOperator.IN
                    )
                ]
            )
        limit = min(query.limit, len(index.chunks))
        if limit == 0:
            return {}
        result = index.vectors.query(
            VectorStoreQuery(
                query_embedding=query.embedding, similarity_top_k=limit, filters=filters
            )
        )
        ids, sims = result.ids or [], result.similarities or []
        return {index.position(i): float(s) for i, s in zip(ids, sims, strict=False)}


def best_sentence_similarity(index: Index, vector: np.ndarray) -> np.ndarray:
    """Per chunk, the highest similarity between the query and one of its sentences."""
    best = np.full(len(index.chunks), -1.0, dtype=np.float32)
    if len(index.sentence_rows):
        np.maximum.at(best, index.sentence_chunk, index.sentence_vectors @ vector)
    return best


def _allowed_mask(index: Index, allowed: set[str] | None) -> np.ndarray:
    if allowed is None:
        return np.ones(len(index.chunks), dtype=bool)
    return np.array([c.document_id in allowed for c in index.chunks], dtype=bool)


class KeywordRetriever:
    """BM25 over Dutch stems; passages without a single query term (score <= 0) are dropped."""

    def retrieve(self, index: Index, query: Query) -> list[Hit]:
        scores = index.keywords.scores(query.text)
        order = np.argsort(-scores, kind="stable")
        hits: list[Hit] = []
        for position in order:
            chunk, score = index.chunks[int(position)], float(scores[position])
            if score <= 0 or len(hits) >= query.limit:
                break
            if query.allowed is None or chunk.document_id in query.allowed:
                hits.append(Hit(chunk, score, keyword=score))
        return hits


class HybridRetriever:
    """Reciprocal rank fusion of dense and keyword rankings."""

    def __init__(self, rrf_k: int = 10) -> None:
        self.rrf_k = rrf_k

    def retrieve(self, index: Index, query: Query) -> list[Hit]:
        fused: dict[str, Hit] = {}
        for ranking in (
            DenseRetriever().retrieve(index, query),
            KeywordRetriever().retrieve(index, query),
        ):
            for rank, hit in enumerate(ranking):
                entry = fused.setdefault(hit.chunk.id, Hit(hit.chunk, 0.0))
                entry.score += 1.0 / (self.rrf_k + rank + 1)
                entry.dense = hit.dense if hit.dense is not None else entry.dense
                entry.keyword = hit.keyword if hit.keyword is not None else entry.keyword
        return sorted(fused.values(), key=lambda h: -h.score)


RETRIEVERS: dict[str, Callable[[int], Retriever]] = {
    "hybrid": lambda rrf_k: HybridRetriever(rrf_k),
    "dense": lambda rrf_k: DenseRetriever(),
    "bm25": lambda rrf_k: KeywordRetriever(),
}


def make_retriever(name: str, rrf_k: int = 10) -> Retriever:
    """The retriever registered under `name`: `hybrid` (default), `dense` or `bm25`."""
    if name not in RETRIEVERS:
        raise ConfigurationError(f"unknown retriever '{name}' (known: {', '.join(RETRIEVERS)})")
    return RETRIEVERS[name](rrf_k)


def needs_embedding(name: str) -> bool:
    return name != "bm25"
