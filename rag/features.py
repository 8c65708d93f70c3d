"""Features of evidence units, shared by training and answering.

Unit features say how well one unit answers the question (dense similarity, idf-weighted
term coverage, its passage's rank and keyword score, numbers for number questions, lists
for list questions). Question features say whether the documents hold an answer at all.
"""

import math
import re
from dataclasses import dataclass

import numpy as np

from rag.bm25 import tokenize
from rag.index import Index
from rag.kinds import has_number, takes_stance
from rag.retrieve import Hit
from rag.units import Unit, unit_text, units_of_chunk

UNIT_FEATURES = (
    "dense_anchor",
    "dense_max",
    "dense_gap",
    "coverage_anchor",
    "coverage_unit",
    "coverage_gap",
    "passage_rank",
    "passage_fused",
    "passage_keyword",
    "log_words",
    "is_list",
    "list_question_list",
    "quantity_number",
    "quantity_no_number",
    "incomplete",
    "context",
    "english",
    "document_named",
    "dense_rank",
    "coverage_rank",
    "quantity_number_coverage",
    "lead_only",
    "footnote",
    "position_stance",
    "bigram_overlap",
    "passage_dense",
    "neighbour_dense",
    "dense_mean",
    "answer_type",
)
_FOOTNOTE = re.compile(r"^\s*(\d{1,2}\)|\[\d+\]|bron:)", re.IGNORECASE)


COLUMN = {name: i for i, name in enumerate(UNIT_FEATURES)}


@dataclass
class Candidate:
    """A unit of one retrieved passage (`hit_rank` into the request's hits)."""

    unit: Unit
    hit_rank: int


@dataclass
class Evidence:
    """What the features read: the ranked passages and the question's focus."""

    index: Index
    hits: list[Hit]
    focus_vector: np.ndarray | None
    focus_terms: set[str]
    question_terms: set[str]
    kind: str
    english: bool
    entitlement: bool
    question_text: str = ""


def candidates(evidence: Evidence) -> list[Candidate]:
    """The distinct units of the retrieved passages, in passage order."""
    found: list[Candidate] = []
    for rank, hit in enumerate(evidence.hits):
        position = evidence.index.position(hit.chunk.id)
        seen: set[tuple[int, int]] = set()
        for unit in units_of_chunk(evidence.index, position):
            if (unit.start, unit.end) not in seen:
                seen.add((unit.start, unit.end))
                found.append(Candidate(unit, rank))
    return found


def unit_matrix(evidence: Evidence, cands: list[Candidate]) -> np.ndarray:
    """One row of `UNIT_FEATURES` per candidate."""
    if not cands:
        return np.zeros((0, len(UNIT_FEATURES)))
    index = evidence.index
    sims = _sentence_similarities(evidence)
    weight = focus_weight(index, evidence.focus_terms)
    top_fused = max(h.score for h in evidence.hits) or 1.0
    top_keyword = max([h.keyword or 0.0 for h in evidence.hits] + [1e-9])
    named = _named_documents(index, frozenset(evidence.question_terms))
    bigrams = _bigrams(evidence.question_text)
    top_dense = max([h.dense or 0.0 for h in evidence.hits] + [1e-9])
    rows = []
    for cand in cands:
        unit, hit = cand.unit, evidence.hits[cand.hit_rank]
        tokens = set().union(*(index.sentence_tokens[r] for r in unit.rows))
        text = unit_text(index, unit)
        numbered = has_number(text)
        quantity = evidence.kind == "quantity"
        rows.append(
            [
                float(sims[unit.anchor]),
                float(max(sims[r] for r in unit.rows)),
                0.0,  # dense_gap, filled in below
                coverage(index, evidence.focus_terms, index.sentence_tokens[unit.anchor], weight),
                coverage(index, evidence.focus_terms, tokens, weight),
                0.0,  # coverage_gap
                1.0 / (1 + cand.hit_rank),
                hit.score / top_fused,
                (hit.keyword or 0.0) / top_keyword,
                math.log1p(unit.end - unit.start) / 5,
                float(unit.kind == "list"),
                float(unit.kind == "list" and evidence.kind == "list"),
                float(quantity and numbered),
                float(quantity and not numbered),
                float(not unit.complete),
                float(unit.kind == "context"),
                float(evidence.english),
                float(hit.chunk.document_id in named),
                0.0,  # dense_rank
                0.0,  # coverage_rank
                0.0,  # quantity_number_coverage
                float(unit.kind != "list" and text.rstrip().endswith(":")),
                float(bool(_FOOTNOTE.match(text))),
                float(evidence.kind == "position" and takes_stance(text)),
                _bigram_overlap(bigrams, text),
                (hit.dense or 0.0) / top_dense,
                _neighbour(index, unit, sims),
                float(np.mean([sims[r] for r in unit.rows])),
                _answer_type(evidence.question_text, text),
            ]
        )
    matrix = np.asarray(rows, dtype=np.float64)
    # Features relative to the other candidates of the same question.
    dense, cover = matrix[:, COLUMN["dense_max"]], matrix[:, COLUMN["coverage_unit"]]
    matrix[:, COLUMN["dense_gap"]] = dense - dense.max()
    matrix[:, COLUMN["coverage_gap"]] = cover - cover.max()
    matrix[:, COLUMN["dense_rank"]] = 1.0 / (1.0 + _ranks(dense))
    matrix[:, COLUMN["coverage_rank"]] = 1.0 / (1.0 + _ranks(cover))
    matrix[:, COLUMN["quantity_number_coverage"]] = matrix[:, COLUMN["quantity_number"]] * cover
    return matrix


_WHO = re.compile(
    r"^\s*(wie|who)\b|\b(welke|which) (organisatie|partij|partijen|organisation)", re.I
)
_WHEN = re.compile(r"\b(wanneer|welk jaar|in welk jaar|when|which year|sinds wanneer)\b", re.I)
_WHY = re.compile(r"^\s*(waarom|why)\b", re.I)
_NAME = re.compile(r"(?<=\w )[A-Z][\w&-]+")
_DATE = re.compile(
    r"\b(19|20)\d\d\b|\b(januari|februari|maart|april|mei|juni|juli|augustus|"
    r"september|oktober|november|december)\b",
    re.I,
)
_CAUSE = re.compile(
    r"\b(omdat|doordat|daardoor|daarom|want|vanwege|zodat|oorzaak|reden|leidt)\b", re.I
)


def _answer_type(question: str, text: str) -> float:
    """1 when the unit holds what a wie/wanneer/waarom question asks for (a name, a date, a
    reason), -1 when it does not, 0 for other questions."""
    for asks, holds in ((_WHO, _NAME), (_WHEN, _DATE), (_WHY, _CAUSE)):
        if asks.search(question):
            return 1.0 if holds.search(text) else -1.0
    return 0.0


def _bigrams(text: str) -> set[tuple[str, str]]:
    stems = tokenize(text)
    return set(zip(stems, stems[1:], strict=False))


def _bigram_overlap(question: set[tuple[str, str]], text: str) -> float:
    """Share of the question's adjacent content-word pairs that the unit repeats."""
    return len(question & _bigrams(text)) / len(question) if question else 0.0


def _neighbour(index: Index, unit: Unit, sims: np.ndarray) -> float:
    """The best similarity of the sentences right around the unit: answers come in clusters."""
    rows = index.rows_by_chunk.get(unit.position, [])
    first, last = rows.index(unit.rows[0]), rows.index(unit.rows[-1])
    around = [rows[i] for i in (first - 1, last + 1) if 0 <= i < len(rows)]
    return float(max((sims[r] for r in around), default=0.0))


def _ranks(values: np.ndarray) -> np.ndarray:
    """0 for the highest value, 1 for the next, ... (ties share the better rank)."""
    return np.asarray([(values > v).sum() for v in values], dtype=np.float64)


def _sentence_similarities(evidence: Evidence) -> np.ndarray:
    index = evidence.index
    if evidence.focus_vector is None or not len(index.sentence_rows):
        return np.zeros(len(index.sentence_rows))
    return np.asarray(index.sentence_vectors @ evidence.focus_vector, dtype=np.float64)


def focus_weight(index: Index, terms: set[str]) -> float:
    """The idf weight of the question's focus terms (unseen terms weigh most).

    Sums run over sorted terms: set order follows the per-process hash seed, and a float sum
    in another order can break a tie another way."""
    return sum(index.idf.get(t, index.unseen_idf) for t in sorted(terms)) or 1.0


def coverage(index: Index, focus: set[str], tokens: set[str], weight: float) -> float:
    return sum(index.idf.get(t, 0.0) for t in sorted(focus & tokens)) / weight


def _named_documents(index: Index, terms: frozenset[str]) -> set[str]:
    """Documents whose title or organisations the question names ("volgens OOM")."""
    return {doc for doc, stems in index.document_terms.items() if terms & (stems - _COMMON)}


# Title words shared by many documents say nothing about which one is named.
_COMMON = frozenset(tokenize("nederland nationaal akkoord position paper plan agenda sector"))
