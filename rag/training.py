"""Train the unit ranker and the answerability model from the training questions.

`sectorwijzer train-ranker` reads `evals/data/train_set.jsonl` (never the eval set): every
question is retrieved like a real one, its candidate units are labelled by the gold quotes,
and two logistic models are fitted (`rag.ranker`). The answer threshold is calibrated on
out-of-fold (5-fold) predictions of the training questions, so it is not fitted to the
very questions it is judged on. Same file, same corpus, same embedder: same model bytes.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.answer import GenerationRequest, evidence_of, unit_text
from rag.answerability import QUESTION_FEATURES
from rag.answerability import question_vector as build_question_vector
from rag.features import UNIT_FEATURES, Candidate, candidates, unit_matrix
from rag.kinds import has_number
from rag.models import Turn
from rag.ranker import LogisticModel, RankerModel
from rag.textmatch import normalise

if TYPE_CHECKING:
    from rag.assistant import Assistant

UNIT_L2 = 1.0
QUESTION_L2 = 10.0
FOLDS = 5
# The answer rate and refusal accuracy the threshold balances (issue targets).
ANSWER_TARGET, REFUSAL_TARGET = 0.93, 0.90
# Grid steps (of 0.005) either side over which the threshold's Youden J is averaged.
SMOOTHING = 5


@dataclass
class Example:
    """One training question: its candidate units, their features and labels."""

    id: str
    documents: set[str]
    answerable: bool
    request: GenerationRequest
    cands: list[Candidate]
    matrix: np.ndarray
    labels: np.ndarray


def load_questions(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def build_examples(assistant: "Assistant", items: Iterable[dict[str, Any]]) -> list[Example]:
    """Retrieve every item like a real question and label its candidate units."""
    examples = []
    for item in items:
        history = [Turn(**t) for t in item.get("history", [])]
        request = assistant.prepare(item["question"], history)
        cands = candidates(evidence_of(request))
        matrix = unit_matrix(evidence_of(request), cands)
        labels = np.asarray([is_gold(unit_text(request, c), item) for c in cands], dtype=float)
        answerable = item["type"] != "unanswerable"
        docs = {g["document_id"] for g in item.get("gold", [])}
        if not docs and request.hits:
            docs = {request.hits[0].chunk.document_id}
        examples.append(Example(item["id"], docs, answerable, request, cands, matrix, labels))
    return examples


def is_gold(text: str, item: dict[str, Any]) -> bool:
    """The unit holds a gold quote or list item, or is itself part of a longer gold quote."""
    unit = normalise(text)
    quotes = [normalise(g["quote"]) for g in item.get("gold", [])]
    quotes += [normalise(i) for i in item.get("list_items", [])]
    return any(q in unit or (len(unit) > 40 and unit in q) for q in quotes)


def fit(examples: list[Example], threshold: float | None = None) -> RankerModel:
    """Both models on `examples`; the threshold is calibrated out of fold unless given.

    The answerability model learns from question features computed with unit rankers that
    did not see the question (stacking), as it will meet new questions at answer time."""
    units = fit_units(examples)
    rows = stacked_rows(examples)
    labels = np.asarray([e.answerable for e in examples], dtype=float)
    answerable = LogisticModel.fit(list(QUESTION_FEATURES), rows, labels, QUESTION_L2)
    if threshold is None:
        threshold = calibrate(rows, labels)
    trained_on = {"questions": len(examples), "answerable": int(labels.sum())}
    return RankerModel(units, answerable, round(threshold, 4), {}, trained_on)


def _folds(count: int, folds: int = FOLDS) -> list[np.ndarray]:
    """Held-out masks by position in the file: the same file always gives the same folds."""
    return [np.arange(count) % folds == fold for fold in range(folds)]


def stacked_rows(examples: list[Example]) -> np.ndarray:
    """`QUESTION_FEATURES` of every example under a unit ranker trained without it."""
    rows = np.zeros((len(examples), len(QUESTION_FEATURES)))
    for held in _folds(len(examples)):
        units = fit_units([e for e, h in zip(examples, held, strict=True) if not h])
        chosen = [e for e, h in zip(examples, held, strict=True) if h]
        rows[held] = question_rows(chosen, units)
    return rows


def fit_units(examples: list[Example]) -> LogisticModel:
    rows = [e for e in examples if len(e.matrix)]
    x = np.vstack([e.matrix for e in rows])
    y = np.concatenate([e.labels for e in rows])
    return LogisticModel.fit(list(UNIT_FEATURES), x, y, UNIT_L2)


def question_rows(examples: list[Example], units: LogisticModel) -> np.ndarray:
    """`QUESTION_FEATURES` of every example under the unit model `units`."""
    rows = []
    for e in examples:
        logits = units.logits(e.matrix) if len(e.matrix) else np.zeros(0)
        best = int(np.argmax(logits)) if len(logits) else -1
        numbered = best >= 0 and has_number(unit_text(e.request, e.cands[best]))
        rows.append(build_question_vector(evidence_of(e.request), e.matrix, logits, numbered))
    return np.vstack(rows)


def calibrate(rows: np.ndarray, labels: np.ndarray) -> float:
    """The answer threshold, from out-of-fold answerability predictions of the training set."""
    scores = np.zeros(len(labels))
    for held in _folds(len(labels)):
        model = LogisticModel.fit(list(QUESTION_FEATURES), rows[~held], labels[~held], QUESTION_L2)
        scores[held] = model.predict(rows[held])
    return threshold_for(scores, labels > 0)


def threshold_for(scores: np.ndarray, positive: np.ndarray) -> float:
    """The threshold that meets both targets on the training questions if one does, else
    the one with the largest answer rate + refusal rate (Youden's J), so neither side is
    sacrificed for the other.

    J is averaged over a window of +-SMOOTHING first: on a few hundred questions it is a
    step function with a broad, ragged top, and its raw argmax jumps with one question."""
    if positive.all() or not positive.any():
        return 0.5
    grid = np.linspace(0.05, 0.95, 181)
    answered = scores[None, :] >= grid[:, None]
    answer_rate = answered[:, positive].mean(axis=1)
    refusal = (~answered[:, ~positive]).mean(axis=1)
    meets = (answer_rate >= ANSWER_TARGET) & (refusal >= REFUSAL_TARGET)
    balance = _smoothed(answer_rate + refusal)
    if meets.any():
        balance = np.where(meets, balance, -np.inf)
    return float(grid[int(np.argmax(balance))])


def _smoothed(values: np.ndarray) -> np.ndarray:
    """A centred moving average over SMOOTHING grid steps either side (shorter at the ends)."""
    window = np.ones(2 * SMOOTHING + 1)
    return np.convolve(values, window, "same") / np.convolve(np.ones_like(values), window, "same")


def precision_at_1(examples: list[Example], units: LogisticModel) -> float:
    """Share of answerable examples with a gold unit whose top-ranked unit is gold."""
    scored = [e for e in examples if e.answerable and e.labels.any()]
    hits = [e.labels[int(np.argmax(units.logits(e.matrix)))] > 0 for e in scored]
    return float(np.mean(hits)) if hits else float("nan")


def lodo_precision_at_1(examples: list[Example]) -> float:
    """`precision_at_1` of each document's questions under a model trained on the others."""
    hits: list[bool] = []
    for document in sorted({d for e in examples for d in e.documents}):
        held = [e for e in examples if document in e.documents and e.answerable and e.labels.any()]
        rest = [e for e in examples if document not in e.documents and len(e.matrix)]
        if not held or not rest:
            continue
        units = fit_units(rest)
        hits += [e.labels[int(np.argmax(units.logits(e.matrix)))] > 0 for e in held]
    return float(np.mean(hits)) if hits else float("nan")
