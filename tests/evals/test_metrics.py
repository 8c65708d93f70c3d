"""Judge-free metrics on hand-made answers: matching, ranking, faithfulness, refusals."""

import math
from typing import Any

import pytest

from evals.metrics import (
    aggregate,
    answer_segments,
    breakdown,
    citations_valid,
    contains_quote,
    faithfulness,
    ndcg_at_k,
    numbers_supported,
    recall_at_k,
    score_item,
)
from rag.models import Answer, Citation

QUOTE = "Met 1.350 bedrijven, 159.710 werknemers is zij goed voor meer dan € 155 miljard aan omzet."
PASSAGE = f"De Metalektro is een grote sector. {QUOTE} Zij exporteert veel."
OTHER = "Het Techniekpact is een nationaal akkoord over techniekonderwijs en scholing."
SECOND = "Er is een tekort van ruim 38.000 technici in de komende jaren."


def _citation(n: int, text: str, quote: str = "") -> Citation:
    return Citation(
        n=n,
        document_id="doc",
        title="Titel",
        organisations=[],
        year=2024,
        kind="",
        page=None,
        section="",
        quote=quote,
        text=text,
        score=1.0,
    )


def _answer(
    text: str, cited: list[Citation], retrieved: list[Citation] | None = None, answerable=True
) -> Answer:
    return Answer(
        answer=text,
        answerable=answerable,
        language="nl",
        citations=cited,
        retrieved=retrieved if retrieved is not None else cited,
        timings_ms={"retrieve": 1.0, "answer": 2.0, "total": 3.0},
        backend="test",
    )


def _item(item_type: str = "fact", gold: list[dict[str, Any]] | None = None, **extra) -> dict:
    gold = [{"document_id": "doc", "quote": QUOTE}] if gold is None else gold
    item = {"id": "t1", "type": item_type, "persona": "evaluator", "language": "nl", "gold": gold}
    item["key_facts"] = ["159.710"] if gold else []
    return {**item, **extra}


def test_contains_quote_verbatim_normalised_and_cut_by_a_chunk_boundary() -> None:
    assert contains_quote(PASSAGE, QUOTE)
    assert contains_quote(PASSAGE.replace("159.710", "159,710").upper(), QUOTE)
    assert contains_quote(QUOTE[: int(len(QUOTE) * 0.8)], QUOTE)
    assert not contains_quote(OTHER, QUOTE)


def test_number_normalisation_in_numbers_supported() -> None:
    cited = [_citation(1, PASSAGE, QUOTE)]
    assert numbers_supported(_answer("Er werken 159,710 mensen [1].", cited))
    assert numbers_supported(_answer("Er werken 159710 mensen [1].", cited))
    assert not numbers_supported(_answer("Er werken 160.000 mensen [1].", cited))


def test_recall_at_k_counts_authored_gold_in_the_top_k_only() -> None:
    gold = [
        {"document_id": "doc", "quote": QUOTE},
        {"document_id": "doc", "quote": SECOND},
        {"document_id": "doc", "quote": OTHER, "pooled": True},
    ]
    passages = [_citation(i, OTHER) for i in range(1, 6)] + [_citation(6, SECOND)]
    passages[1] = _citation(2, PASSAGE)
    assert recall_at_k(passages, gold, k=5) == 0.5
    assert recall_at_k(passages, gold, k=6) == 1.0
    assert recall_at_k([], gold) == 0.0


def test_ndcg_binary_relevance_by_text_overlap() -> None:
    gold = [{"document_id": "doc", "quote": QUOTE}]
    relevant, other = _citation(1, PASSAGE), _citation(2, OTHER)
    assert ndcg_at_k([relevant, other], gold) == 1.0
    assert ndcg_at_k([other, relevant], gold) == pytest.approx(1 / math.log2(3))
    # A second passage holding the same quote adds nothing: the score stays within [0, 1].
    assert ndcg_at_k([relevant, relevant], gold) == 1.0
    assert ndcg_at_k([other], gold) == 0.0
    # A pooled quote found earns gain without lengthening the ideal ranking past what was found.
    pooled = [*gold, {"document_id": "doc", "quote": OTHER, "pooled": True}]
    assert ndcg_at_k([relevant, other], pooled) == 1.0


def test_faithfulness_catches_a_sentence_not_in_its_cited_passage() -> None:
    cited = [_citation(1, PASSAGE, QUOTE), _citation(2, SECOND, SECOND)]
    intro = "According to the documents (quoted in Dutch):"
    good = _answer(f"{intro}\n{QUOTE} [1] {SECOND} [2]", cited)
    assert faithfulness(good) == (2, 2)
    assert [numbers for _, numbers in answer_segments(good)] == [[1], [2]]
    listed = _answer(f"Volgens de documenten gaat het om:\n- {QUOTE} [1]\n- {SECOND} [2]", cited)
    assert faithfulness(listed) == (2, 2)
    swapped = _answer(f"{QUOTE} [2]", cited)
    assert faithfulness(swapped) == (0, 1)
    invented = _answer(f"{QUOTE} [1] De sector groeit elk jaar met tien procent. [2]", cited)
    assert faithfulness(invented) == (1, 2)
    assert faithfulness(_answer("De geladen documenten bevatten geen antwoord.", [])) == (0, 0)


def test_citations_valid_needs_known_markers_and_substring_quotes() -> None:
    cited = [_citation(1, PASSAGE, QUOTE)]
    assert citations_valid(_answer(f"{QUOTE} [1]", cited))
    assert not citations_valid(_answer(f"{QUOTE} [2]", cited))
    assert not citations_valid(_answer("x [1]", [_citation(1, PASSAGE, "not in the passage")]))


def test_citation_recall_ignores_pooled_gold_and_precision_accepts_it() -> None:
    gold = [
        {"document_id": "doc", "quote": QUOTE},
        {"document_id": "doc", "quote": SECOND},
        {"document_id": "doc", "quote": OTHER, "pooled": True},
    ]
    cited = [_citation(1, PASSAGE, QUOTE), _citation(2, OTHER, OTHER)]
    row = score_item(_item(gold=gold), _answer(f"{QUOTE} [1] {OTHER} [2]", cited))
    metrics = aggregate([row])
    assert metrics["citation_precision"] == 1.0
    assert metrics["citation_recall"] == 0.5
    assert metrics["faithfulness"] == 1.0
    assert metrics["key_fact_recall"] == 1.0


def test_refusal_rates_and_per_type_breakdown() -> None:
    cited = [_citation(1, PASSAGE, QUOTE)]
    answered = _answer(f"{QUOTE} [1]", cited)
    refused = _answer("De geladen documenten bevatten geen antwoord.", [], cited, answerable=False)
    rows = [
        score_item(_item("fact"), answered),
        score_item(_item("fact", persona="employee"), refused),
        score_item(_item("unanswerable", gold=[]), refused),
        score_item(_item("unanswerable", gold=[]), answered),
    ]
    metrics = aggregate(rows)
    assert metrics["refusal_accuracy"] == 0.5
    assert metrics["false_refusal_rate"] == 0.5
    assert metrics["answer_rate"] == 0.5
    assert metrics["hit@1"] == 1.0
    by_type = breakdown(rows, "type")
    assert list(by_type) == ["fact", "unanswerable"]
    assert by_type["fact"]["items"] == 2 and by_type["fact"]["answer_rate"] == 0.5
    assert by_type["unanswerable"]["refusal_accuracy"] == 0.5
    assert math.isnan(by_type["unanswerable"]["hit@5"])
    assert math.isnan(by_type["fact"]["refusal_accuracy"])
    assert breakdown(rows, "persona")["employee"]["answer_rate"] == 0.0
