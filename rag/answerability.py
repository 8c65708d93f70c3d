"""Features of a whole question: do the documents hold an answer at all?

Read from the ranked units (their logits under the unit ranker) and from what the question
asks that the best passages leave out: rare terms, names, years, a number, a name or a date.
"""

import math
import re

import numpy as np

from rag.features import COLUMN, Evidence, coverage, focus_weight
from rag.index import Index

QUESTION_FEATURES = (
    "best_logit",
    "second_logit",
    "best_dense",
    "best_coverage",
    "unseen_terms",
    "top_keyword",
    "entitlement",
    "english",
    "quantity_best_number",
    "missing_top3",
    "max_missing",
    "best_passage_coverage",
    "quantity_match",
    "missing_name",
    "missing_year",
    "answer_type_top",
)


def question_vector(
    evidence: Evidence, matrix: np.ndarray, logits: np.ndarray, numbered: bool
) -> np.ndarray:
    """`QUESTION_FEATURES` of the question, from its ranked units (`logits`, best first)."""
    index = evidence.index
    weight = focus_weight(index, evidence.focus_terms)
    unseen = (
        sum(index.unseen_idf for t in sorted(evidence.focus_terms) if t not in index.idf) / weight
    )
    ordered = np.sort(logits)[::-1] if len(logits) else np.array([-10.0])
    best = int(np.argmax(logits)) if len(logits) else -1
    return np.asarray(
        [
            float(ordered[0]),
            float(ordered[1]) if len(ordered) > 1 else float(ordered[0]),
            float(matrix[best, COLUMN["dense_max"]]) if best >= 0 else 0.0,
            float(matrix[best, COLUMN["coverage_unit"]]) if best >= 0 else 0.0,
            unseen,
            math.log1p(max([h.keyword or 0.0 for h in evidence.hits] + [0.0])),
            float(evidence.entitlement),
            float(evidence.english),
            float(evidence.kind == "quantity" and numbered),
            *_missing(evidence, weight),
            float(matrix[:, COLUMN["quantity_number_coverage"]].max())
            if len(matrix) and evidence.kind == "quantity"
            else 1.0,
            *_missing_specifics(evidence),
            _answer_type_top(matrix, logits),
        ]
    )


def _answer_type_top(matrix: np.ndarray, logits: np.ndarray) -> float:
    """Whether one of the three best units holds the name, date or reason asked for."""
    if not len(logits):
        return 0.0
    top = np.argsort(-logits, kind="stable")[:3]
    return float(matrix[top, COLUMN["answer_type"]].max())


_QUESTION_NAME = re.compile(
    r"(?<=\w )([A-Z][\w&'-]*[A-Z0-9][\w&'-]*|[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}\w*)"
)
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _missing_specifics(evidence: Evidence) -> list[float]:
    """A name (acronym, organisation) or a year the question asks about that none of the top
    three passages mentions: the typical question just next to what the documents say."""
    question = evidence.question_text
    text = " ".join(h.chunk.text for h in evidence.hits[:3]).lower()
    names = [n for n in _QUESTION_NAME.findall(question) if n.lower() not in text]
    years = [y.group(0) for y in _YEAR.finditer(question) if y.group(0) not in text]
    return [float(bool(names)), float(bool(years))]


def _missing(evidence: Evidence, weight: float) -> list[float]:
    """How much of the question the best passages leave out: the idf-weighted share of focus
    terms in none of the top three, the rarest such term, and the top passage's coverage."""
    index = evidence.index
    passages = [_passage_tokens(index, index.position(h.chunk.id)) for h in evidence.hits[:3]]
    present = set().union(*passages) if passages else set()
    absent = [index.idf.get(t, index.unseen_idf) for t in sorted(evidence.focus_terms - present)]
    top = passages[0] if passages else set()
    return [
        sum(absent) / weight,
        max(absent, default=0.0) / index.unseen_idf,
        coverage(index, evidence.focus_terms, top, weight),
    ]


def _passage_tokens(index: Index, position: int) -> set[str]:
    return set().union(*(index.sentence_tokens[r] for r in index.rows_by_chunk.get(position, [])))
