"""Standpunten vergelijken: for a topic, who says what, in which document and year.

Each loaded (or filtered) document is searched on its own and keeps its best few passages,
and the learned unit ranker (`rag.ranker`) ranks their units as for a position question, so
a short document is not crowded out by a long one that says more. A document whose best unit
scores under `Settings.compare_silent_threshold` says nothing on the topic ("silent"); that
threshold is calibrated on the dev topics of `evals/data/compare_set.jsonl` only (`python -m
evals.comparisons --calibrate`). The units of the other documents are grouped per document
by `rag.grouping`, the same code as the chat's position answers: position units first,
newest document first. Every unit is a verbatim quote with the same `Citation` as an answer.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rag.answer import GenerationRequest, Scored, UnitGenerator, citation_for
from rag.grouping import by_document, distinct, position_count
from rag.models import Citation
from rag.positions import Comparison, Position
from rag.retrieve import Hit


@dataclass(frozen=True)
class CompareLimits:
    """How much a comparison looks at and shows (from the settings)."""

    silent_threshold: float
    passages_per_document: int = 4
    units_per_document: int = 3


@dataclass
class DocumentUnits:
    """One document's passages for the topic and their units, best first."""

    hits: list[Hit]
    ranked: list[Scored]


def gather(
    documents: Iterable[str],
    retrieve: Callable[[str], list[Hit]],
    request_for: Callable[[list[Hit]], GenerationRequest],
    ranker: UnitGenerator,
) -> dict[str, DocumentUnits]:
    """Per document: its own best passages and their units, ranked against each other only,
    so a short document is not crowded out by a long one that says more."""
    found: dict[str, DocumentUnits] = {}
    for doc in documents:
        hits = retrieve(doc)
        if hits:
            found[doc] = DocumentUnits(hits, ranker.rank(request_for(hits))[0])
    return found


@dataclass
class TopicEvidence:
    """A topic, its language, and per document its passages and ranked units."""

    topic: str
    language: str
    ranked: dict[str, DocumentUnits]
    documents: Mapping[str, Mapping[str, Any]]  # the loaded (or allowed) documents

    def best(self) -> dict[str, float]:
        """Per document, the probability of its best unit (0 without passages)."""
        return {
            doc: max((u.probability for u in self.ranked[doc].ranked), default=0.0)
            if doc in self.ranked
            else 0.0
            for doc in self.documents
        }


def compare_topic(evidence: TopicEvidence, limits: CompareLimits) -> Comparison:
    """The comparison: documents whose best unit reaches the threshold, newest first, their
    units grouped by `rag.grouping`; the other documents are silent."""
    ranked, documents = evidence.ranked, evidence.documents
    hits = {id(u): d.hits[u.candidate.hit_rank] for d in ranked.values() for u in d.ranked}
    units = _speaking_units(ranked.values(), limits)
    groups = by_document(units, lambda u: hits[id(u)].chunk.year, limits.units_per_document)
    positions: list[Position] = []
    for group in groups:
        first = 1 + sum(len(p.units) for p in positions)
        positions.append(_position([hits[id(u)] for u in group], group, first))
    speaking = {p.document_id for p in positions}
    silent = sorted(
        (doc for doc in documents if doc not in speaking),
        key=lambda doc: (-(documents[doc].get("year") or 0), str(documents[doc].get("title"))),
    )
    return Comparison(
        topic=evidence.topic,
        language=evidence.language,
        positions=positions,
        silent=silent,
        silent_titles=[str(documents[doc].get("title") or doc) for doc in silent],
    )


def _speaking_units(ranked: Iterable[DocumentUnits], limits: CompareLimits) -> list[Scored]:
    """The best few units (twice what is shown, the pool from which position units go first)
    of every document whose best unit reaches the threshold; best first."""
    pool = 2 * limits.units_per_document
    units = [
        u
        for d in ranked
        if d.ranked and d.ranked[0].probability >= limits.silent_threshold
        for u in distinct(d.ranked)[:pool]
    ]
    return sorted(units, key=lambda u: -u.probability)


def _position(hits: list[Hit], group: list[Scored], first: int) -> Position:
    pairs = enumerate(zip(hits, group, strict=True))
    citations: list[Citation] = [
        citation_for(hit, first + i, unit.text) for i, (hit, unit) in pairs
    ]
    chunk = hits[0].chunk
    return Position(
        document_id=chunk.document_id,
        title=chunk.title,
        organisations=chunk.organisations,
        year=chunk.year,
        units=citations,
        position_units=position_count(group),
    )
