"""Judge-free metrics: gold passages are matched by text overlap, never by chunk ids."""

import re
from collections.abc import Sequence
from typing import Any

from evals.validate import normalise
from rag.models import Answer, Citation

_OVERLAP = 0.7
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", normalise(text))


def contains_quote(passage: str, quote: str) -> bool:
    """The passage holds the quote verbatim, or most of its words (a chunk boundary may cut it)."""
    p, q = normalise(passage), normalise(quote)
    if q in p:
        return True
    quote_words = _words(quote)
    passage_words = set(_words(passage))
    return (
        bool(quote_words)
        and sum(w in passage_words for w in quote_words) / len(quote_words) >= _OVERLAP
        and _longest_run(quote_words, passage) >= 0.5
    )


def _longest_run(quote_words: list[str], passage: str) -> float:
    """Share of the quote covered by its longest run of consecutive words found in the passage."""
    text = " ".join(_words(passage))
    best = 0
    for i in range(len(quote_words)):
        for j in range(len(quote_words), i + best, -1):
            if " ".join(quote_words[i:j]) in text:
                best = j - i
                break
    return best / len(quote_words)


def first_hit_rank(passages: Sequence[Citation], gold: list[dict[str, str]]) -> int | None:
    """1-based rank of the first passage holding any gold quote (None: not retrieved)."""
    for rank, passage in enumerate(passages, start=1):
        if any(contains_quote(passage.text, g["quote"]) for g in gold):
            return rank
    return None


def score_item(item: dict[str, Any], answer: Answer) -> dict[str, Any]:
    """Every per-item figure the report aggregates."""
    gold = item.get("gold", [])
    answerable_item = item["type"] != "unanswerable"
    rank = first_hit_rank(answer.retrieved, gold) if gold else None
    cited = [c for c in answer.citations if any(contains_quote(c.text, g["quote"]) for g in gold)]
    covered = [g for g in gold if any(contains_quote(c.text, g["quote"]) for c in answer.citations)]
    facts = item.get("key_facts", [])
    found = [f for f in facts if normalise(f) in normalise(answer.answer)]
    return {
        "id": item["id"],
        "type": item["type"],
        "persona": item.get("persona", ""),
        "language": item.get("language", ""),
        "answerable_item": answerable_item,
        "answered": answer.answerable,
        "rank": rank,
        "hit@1": rank is not None and rank <= 1,
        "hit@5": rank is not None and rank <= 5,
        "rr": 1.0 / rank if rank else 0.0,
        "citations": len(answer.citations),
        "cited_gold": len(cited),
        "gold_covered": len(covered),
        "gold": len(gold),
        "facts": len(facts),
        "facts_found": len(found),
        "valid_citations": citations_valid(answer),
        "numbers_supported": numbers_supported(answer),
        "latency_ms": answer.timings_ms,
    }


def citations_valid(answer: Answer) -> bool:
    """Every [n] in the answer has a citation, and every quote is a substring of its passage."""
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    known = {c.n for c in answer.citations}
    return numbers <= known and all(c.quote in c.text for c in answer.citations)


def numbers_supported(answer: Answer) -> bool:
    """Every number in the answer occurs in a cited passage (markers aside)."""
    body = re.sub(r"\[\d+\]", "", answer.answer)
    cited = " ".join(normalise(c.text) for c in answer.citations)
    return all(normalise(n) in cited for n in _NUMBER.findall(body))


def aggregate(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The headline metrics over a list of scored items."""
    answerable = [r for r in rows if r["answerable_item"]]
    unanswerable = [r for r in rows if not r["answerable_item"]]
    answered = [r for r in answerable if r["answered"]]
    return {
        "items": float(len(rows)),
        "hit@1": _mean(r["hit@1"] for r in answerable),
        "hit@5": _mean(r["hit@5"] for r in answerable),
        "mrr": _mean(r["rr"] for r in answerable),
        "citation_precision": _ratio(
            sum(r["cited_gold"] for r in answered), sum(r["citations"] for r in answered)
        ),
        "citation_recall": _ratio(
            sum(r["gold_covered"] for r in answered), sum(r["gold"] for r in answered)
        ),
        "citation_validity": _mean(r["valid_citations"] for r in rows),
        "numbers_supported": _mean(r["numbers_supported"] for r in rows),
        "key_fact_recall": _ratio(
            sum(r["facts_found"] for r in answerable), sum(r["facts"] for r in answerable)
        ),
        "refusal_accuracy": _mean(not r["answered"] for r in unanswerable),
        "answer_rate": _mean(r["answered"] for r in answerable),
    }


def _mean(values: Any) -> float:
    values = list(values)
    return sum(float(v) for v in values) / len(values) if values else 0.0


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0
