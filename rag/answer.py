"""The extractive generator: quote the sentences that answer best, each with its citation.

Every word of a quoted sentence comes from a source passage, so this generator cannot
hallucinate; the only other words are the templates in `rag.prompts`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from rag import prompts
from rag.bm25 import tokenize
from rag.errors import ConfigurationError
from rag.index import Index
from rag.models import Citation
from rag.retrieve import Hit

_LIST_QUESTION = re.compile(
    r"\b(welke|noem|opsomming|wat zijn de|which|list|what are the)\b", re.IGNORECASE)
_MIN_WORDS = 5


@dataclass
class GenerationRequest:
    """The question, its language, the ranked passages and the query's embedding."""

    question: str
    language: str
    hits: list[Hit]
    index: Index
    query_vector: np.ndarray | None
    cao_scope: bool = False
    threshold: float = 0.80


@dataclass
class Generated:
    answer: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)


class Generator(Protocol):
    """Turns retrieved passages into an answer with citations."""

    def generate(self, request: GenerationRequest) -> Generated: ...


@dataclass
class _Sentence:
    hit_rank: int
    start: int
    end: int
    score: float
    text: str


class ExtractiveGenerator:
    """Scores every sentence of the retrieved passages and quotes the best ones."""

    def __init__(self, max_sentences: int = 3, max_list_items: int = 5, margin: float = 0.04):
        self.max_sentences, self.max_list_items, self.margin = (
            max_sentences, max_list_items, margin)

    def generate(self, request: GenerationRequest) -> Generated:
        sentences = score_sentences(request)
        if not sentences or sentences[0].score < request.threshold:
            return Generated(_refusal(request), False, [])
        wants_list = bool(_LIST_QUESTION.search(request.question))
        chosen = self._select(sentences, self.max_list_items if wants_list else self.max_sentences)
        citations, markers = _cite(chosen, request.hits)
        return Generated(_compose(request, chosen, markers, wants_list), True, citations)

    def _select(self, sentences: list["_Sentence"], limit: int) -> list["_Sentence"]:
        best = sentences[0].score
        chosen: list[_Sentence] = []
        for sentence in sentences:
            if len(chosen) >= limit or sentence.score < best - self.margin:
                break
            if not any(_similar(sentence.text, c.text) for c in chosen):
                chosen.append(sentence)
        return chosen


def score_sentences(request: GenerationRequest) -> list[_Sentence]:
    """Sentences of the hits, best first: embedding similarity plus query-term overlap."""
    terms = set(tokenize(request.question))
    ranks = {request.index.position(hit.chunk.id): rank for rank, hit in enumerate(request.hits)}
    scored: list[_Sentence] = []
    for row, (position, start, end) in enumerate(request.index.sentence_rows):
        if position not in ranks:
            continue
        text = request.index.chunks[position].text[start:end]
        if len(text.split()) < _MIN_WORDS:
            continue
        dense = 0.0
        if request.query_vector is not None:
            dense = float(request.index.sentence_vectors[row] @ request.query_vector)
        overlap = len(terms & set(tokenize(text))) / len(terms) if terms else 0.0
        prior = 0.01 / (1 + ranks[position])
        scored.append(_Sentence(ranks[position], start, end, dense + 0.1 * overlap + prior, text))
    return sorted(scored, key=lambda s: -s.score)


def _similar(a: str, b: str) -> bool:
    ta, tb = set(tokenize(a)), set(tokenize(b))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) > 0.6


def _cite(chosen: list[_Sentence], hits: list[Hit]) -> tuple[list[Citation], list[int]]:
    """One citation per passage and quote; sentences of the same passage share it if adjacent."""
    citations: list[Citation] = []
    markers: list[int] = []
    for sentence in chosen:
        hit = hits[sentence.hit_rank]
        citations.append(citation_for(hit, len(citations) + 1, sentence.text))
        markers.append(len(citations))
    return citations, markers


def citation_for(hit: Hit, n: int, quote: str) -> Citation:
    """The citation object of a hit, quoting `quote` (a substring of the passage)."""
    chunk = hit.chunk
    return Citation(
        n=n, document_id=chunk.document_id, title=chunk.title, organisations=chunk.organisations,
        year=chunk.year, kind=chunk.kind, page=chunk.page, section=chunk.section, quote=quote,
        text=chunk.text, score=round(hit.score, 6),
    )


def _compose(
    request: GenerationRequest, chosen: list[_Sentence], markers: list[int], as_list: bool
) -> str:
    lang = request.language
    parts = [prompts.render("cao_scope", lang)] if request.cao_scope else []
    if as_list and len(chosen) > 1:
        parts.append(prompts.render("list_intro", lang))
        parts.append("\n".join(f"- {s.text} [{n}]" for s, n in zip(chosen, markers, strict=True)))
    else:
        intro = prompts.render("answer_intro", lang)
        body = " ".join(f"{s.text} [{n}]" for s, n in zip(chosen, markers, strict=True))
        parts.append(f"{intro}\n{body}" if intro else body)
    return "\n\n".join(parts)


def _refusal(request: GenerationRequest) -> str:
    text = prompts.render("refusal", request.language)
    titles = list(dict.fromkeys(hit.chunk.title for hit in request.hits[:3]))
    if titles:
        text += " " + prompts.render("closest", request.language, titles="; ".join(titles))
    return text


GENERATORS: dict[str, Callable[[], Generator]] = {"extractive": ExtractiveGenerator}


def make_generator(name: str) -> Generator:
    """The generator registered under `name` (`extractive` is the embedded default)."""
    if name not in GENERATORS:
        raise ConfigurationError(f"unknown generator '{name}' (known: {', '.join(GENERATORS)})")
    return GENERATORS[name]()
