"""Judge-free metrics: gold passages are matched by text overlap, never by chunk ids.

Per item, `score_item` turns an `Answer` into a flat row; `aggregate` turns rows into the
headline metrics, `breakdown` does so per question type or persona.
Pooled gold quotes (``"pooled": true``) are extra acceptable evidence: they count as relevant
passages and correct citations, but never in a recall denominator.
"""

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from evals.validate import authored_gold, normalise
from rag.models import Answer, Citation
from rag.units import starts_with_reference

_OVERLAP = 0.7
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MARKERS = re.compile(r"((?:\[\d+\])(?:\s*\[\d+\])*)")
_BULLET = re.compile(r"^\s*[-•*]\s+")
RECALL_K = 5
NDCG_K = 10
STAGES = ("retrieve", "answer", "total")
Gold = list[dict[str, Any]]


def contains_quote(passage: str, quote: str) -> bool:
    """The passage holds the quote verbatim, or most of its words (a chunk boundary may cut it)."""
    p, q = normalise(passage), normalise(quote)
    if q in p:
        return True
    quote_words = re.findall(r"\w+", q)
    passage_words = set(re.findall(r"\w+", p))
    return (
        bool(quote_words)
        and sum(w in passage_words for w in quote_words) / len(quote_words) >= _OVERLAP
        and _longest_run(quote_words, passage) >= 0.5
    )


def _longest_run(quote_words: list[str], passage: str) -> float:
    """Share of the quote covered by its longest run of consecutive words found in the passage."""
    text = " ".join(re.findall(r"\w+", normalise(passage)))
    best = 0
    for i in range(len(quote_words)):
        for j in range(len(quote_words), i + best, -1):
            if " ".join(quote_words[i:j]) in text:
                best = j - i
                break
    return best / len(quote_words)


def first_hit_rank(passages: Sequence[Citation], gold: Gold) -> int | None:
    """1-based rank of the first passage holding any gold quote (None: not retrieved)."""
    for rank, passage in enumerate(passages, start=1):
        if any(contains_quote(passage.text, g["quote"]) for g in gold):
            return rank
    return None


def recall_at_k(passages: Sequence[Citation], gold: Gold, k: int = RECALL_K) -> float:
    """Share of the authored gold quotes found in the top-k passages."""
    authored = [g for g in gold if not g.get("pooled")]
    found = [g for g in authored if any(contains_quote(p.text, g["quote"]) for p in passages[:k])]
    return len(found) / len(authored) if authored else 0.0


def ndcg_at_k(passages: Sequence[Citation], gold: Gold, k: int = NDCG_K) -> float:
    """nDCG@k with binary relevance: a passage is relevant when it holds a gold quote that no
    higher-ranked passage already holds. Pooled quotes earn gain but never lengthen the ideal
    ranking beyond what was found, so the score stays within [0, 1]."""
    credited: set[int] = set()
    dcg, relevant = 0.0, 0
    for rank, passage in enumerate(passages[:k]):
        new = {i for i, g in enumerate(gold) if i not in credited}
        new = {i for i in new if contains_quote(passage.text, gold[i]["quote"])}
        if new:
            credited |= new
            dcg, relevant = dcg + 1.0 / math.log2(rank + 2), relevant + 1
    ideal_count = min(k, max(len(authored_gold({"gold": gold})), relevant))
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(ideal_count))
    return dcg / ideal if ideal else 0.0


def answer_segments(answer: Answer) -> list[tuple[str, list[int]]]:
    """The answer's segments that end in [n] markers, with their citation numbers.
    Text without a marker (the framing templates of `rag.prompts`) is no claim: skipped."""
    segments: list[tuple[str, list[int]]] = []
    for line in answer.answer.split("\n"):
        parts = _MARKERS.split(line)
        for text, markers in zip(parts[0::2], parts[1::2], strict=False):
            text = _BULLET.sub("", text).strip()
            if text:
                segments.append((text, [int(n) for n in re.findall(r"\d+", markers)]))
    return segments


def faithfulness(answer: Answer) -> tuple[int, int]:
    """(supported, total) segments: a segment is supported when it is a substring of one of
    the passages its markers cite (after `normalise`)."""
    passages = {c.n: normalise(c.text) for c in answer.citations}
    segments = answer_segments(answer)
    supported = sum(
        any(normalise(text) in passages.get(n, "") for n in numbers) for text, numbers in segments
    )
    return supported, len(segments)


def citations_valid(answer: Answer) -> bool:
    """Every [n] in the answer has a citation, and every quote is a substring of its passage."""
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    known = {c.n for c in answer.citations}
    return numbers <= known and all(c.quote in c.text for c in answer.citations)


def numbers_supported(answer: Answer) -> bool:
    """Every number in the answer's claims occurs in a cited passage (159.710 = 159,710).

    Claims are the segments that end in [n] markers; framing lines without one (a source's
    organisations and year above its quotes) come from the document metadata."""
    body = " ".join(text for text, _ in answer_segments(answer))
    cited = " ".join(normalise(c.text) for c in answer.citations)
    return all(normalise(n) in cited for n in _NUMBER.findall(body))


def list_complete(item: dict[str, Any], answer: Answer) -> bool | None:
    """All items of the gold list are in the answer (None: the item has no gold list)."""
    items = item.get("list_items") or []
    if not items:
        return None
    text = normalise(answer.answer)
    return answer.answerable and all(normalise(i) in text for i in items)


def starts_mid_thought(answer: Answer) -> bool:
    """The first quoted line opens with a word that points at text the reader cannot see."""
    segments = answer_segments(answer)
    return bool(segments) and answer.answerable and starts_with_reference(segments[0][0])


def score_item(item: dict[str, Any], answer: Answer) -> dict[str, Any]:
    """Every per-item figure the report aggregates."""
    gold = item.get("gold", [])
    rank = first_hit_rank(answer.retrieved, gold) if gold else None
    authored = authored_gold(item)
    cited = [c for c in answer.citations if any(contains_quote(c.text, g["quote"]) for g in gold)]
    covered = [
        g for g in authored if any(contains_quote(c.text, g["quote"]) for c in answer.citations)
    ]
    facts = item.get("key_facts", [])
    supported, segments = faithfulness(answer)
    return {
        "id": item["id"],
        "type": item["type"],
        "persona": item.get("persona", ""),
        "language": item.get("language", ""),
        "answerable_item": item["type"] != "unanswerable",
        "answered": answer.answerable,
        "rank": rank,
        "hit@1": rank is not None and rank <= 1,
        "hit@5": rank is not None and rank <= 5,
        "rr": 1.0 / rank if rank else 0.0,
        f"recall@{RECALL_K}": recall_at_k(answer.retrieved, gold),
        f"ndcg@{NDCG_K}": ndcg_at_k(answer.retrieved, gold),
        "citations": len(answer.citations),
        "cited_gold": len(cited),
        "gold_covered": len(covered),
        "gold": len(authored),
        "facts": len(facts),
        "facts_found": sum(normalise(f) in normalise(answer.answer) for f in facts),
        "segments": segments,
        "supported_segments": supported,
        "valid_citations": citations_valid(answer),
        "numbers_supported": numbers_supported(answer),
        "list_complete": list_complete(item, answer),
        "mid_thought": starts_mid_thought(answer),
        "latency_ms": answer.timings_ms,
    }


def aggregate(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The headline metrics over scored items (NaN where no item defines a metric)."""
    answerable = [r for r in rows if r["answerable_item"]]
    answered = [r for r in answerable if r["answered"]]
    unanswerable = [r for r in rows if not r["answerable_item"]]
    return {
        "items": float(len(rows)),
        "hit@1": _mean(r["hit@1"] for r in answerable),
        "hit@5": _mean(r["hit@5"] for r in answerable),
        "mrr": _mean(r["rr"] for r in answerable),
        f"recall@{RECALL_K}": _mean(r[f"recall@{RECALL_K}"] for r in answerable),
        f"ndcg@{NDCG_K}": _mean(r[f"ndcg@{NDCG_K}"] for r in answerable),
        "citation_precision": _sum_ratio(answered, "cited_gold", "citations"),
        "citation_recall": _sum_ratio(answered, "gold_covered", "gold"),
        "citation_validity": _mean(r["valid_citations"] for r in rows),
        "faithfulness": _sum_ratio(rows, "supported_segments", "segments"),
        # Refusals name the closest documents (titles hold years), so only answers count.
        "numbers_supported": _mean(r["numbers_supported"] for r in rows if r["answered"]),
        "key_fact_recall": _sum_ratio(answerable, "facts_found", "facts"),
        "list_completeness": _mean(
            r["list_complete"] for r in rows if r.get("list_complete") is not None
        ),
        "mid_thought_rate": _mean(r.get("mid_thought", False) for r in rows if r["answered"]),
        "refusal_accuracy": _mean(not r["answered"] for r in unanswerable),
        "false_refusal_rate": _mean(not r["answered"] for r in answerable),
        "answer_rate": _mean(r["answered"] for r in answerable),
    }


def breakdown(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, float]]:
    """`aggregate` per value of `key` (e.g. "type" or "persona"), values sorted."""
    groups = sorted({str(r[key]) for r in rows})
    return {group: aggregate([r for r in rows if str(r[key]) == group]) for group in groups}


def _mean(values: Iterable[Any]) -> float:
    numbers = [float(v) for v in values]
    return sum(numbers) / len(numbers) if numbers else math.nan


def _sum_ratio(rows: list[dict[str, Any]], numerator: str, denominator: str) -> float:
    total = sum(r[denominator] for r in rows)
    return sum(r[numerator] for r in rows) / total if total else math.nan
