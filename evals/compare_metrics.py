"""Metrics of the comparison mode ("Standpunten") against the gold documents of a topic.

- document precision / recall: of the documents shown with a position, how many hold one by
  the gold (precision), and of the gold documents, how many are shown (recall);
- silent accuracy: of all loaded documents, the share put on the right side (shown vs silent);
- position-unit rate: of the documents shown, the share whose first unit states a position;
- verbatim rate: the share of quotes that occur letter for letter in their document;
- language: whether the comparison's language (for the lead-ins) is the topic's.
"""

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rag.positions import Comparison

METRICS = (
    "document_precision",
    "document_recall",
    "silent_accuracy",
    "position_unit_rate",
    "verbatim_rate",
    "language_ok",
)


def score_comparison(
    item: Mapping[str, Any], comparison: Comparison, document_texts: Mapping[str, str]
) -> dict[str, float]:
    """The metrics of one topic. `document_texts`: every loaded document's indexed text."""
    gold = set(item["gold_documents"])
    shown = {p.document_id for p in comparison.positions}
    loaded = set(document_texts)
    quotes = [(p.document_id, u.quote) for p in comparison.positions for u in p.units]
    return {
        "document_precision": len(shown & gold) / len(shown) if shown else float(not gold),
        "document_recall": len(shown & gold) / len(gold) if gold else 1.0,
        "silent_accuracy": sum((d in shown) == (d in gold) for d in loaded) / len(loaded),
        "position_unit_rate": (
            sum(p.position_units > 0 for p in comparison.positions) / len(shown) if shown else 1.0
        ),
        "verbatim_rate": (
            sum(quote in document_texts.get(doc, "") for doc, quote in quotes) / len(quotes)
            if quotes
            else 1.0
        ),
        "language_ok": float(comparison.language == item.get("language", "nl")),
    }


def mean_scores(rows: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """The mean of every metric over the topics."""
    rows = list(rows)
    return {m: round(statistics.fmean(r[m] for r in rows), 3) if rows else 0.0 for m in METRICS}


def silent_accuracy_at(threshold: float, best: Mapping[str, float], gold: Iterable[str]) -> float:
    """Silent accuracy of one topic if documents whose best unit scores under `threshold`
    were silent (`best`: per loaded document, its best unit's probability)."""
    wanted = set(gold)
    return sum((score >= threshold) == (doc in wanted) for doc, score in best.items()) / len(best)


def calibrate(topics: Sequence[tuple[Mapping[str, float], list[str]]]) -> tuple[float, float]:
    """The threshold with the best mean silent accuracy over (best, gold) of the dev topics,
    the middle of the best run of candidate thresholds; and that accuracy."""
    candidates = sorted({round(s, 4) for best, _ in topics for s in best.values()} | {1.0})
    scored = [
        (statistics.fmean(silent_accuracy_at(t, b, g) for b, g in topics), t) for t in candidates
    ]
    top = max(acc for acc, _ in scored)
    winners = [t for acc, t in scored if acc == top]
    # Between the lowest winning score and the score just under it: a margin on both sides.
    low = winners[0]
    below = max((t for t in candidates if t < low), default=0.0)
    return round((low + below) / 2, 4), round(top, 3)
