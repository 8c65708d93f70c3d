"""The shipped evaluation set is valid, and the validator reports the faults it should."""

import copy
from pathlib import Path
from typing import Any

import pytest

from evals.validate import load_eval_set, normalise, validate

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
AGENDA = "strategische-agenda-metalektro"
QUOTE = "Met 1.350 bedrijven, 159.710 werknemers is zij goed voor meer dan € 155 miljard aan omzet."


def _item(item_id: str = "t001", **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id,
        "question": f"Hoeveel werknemers telt de Metalektro? ({item_id})",
        "language": "nl",
        "persona": "evaluator",
        "type": "fact",
        "difficulty": "easy",
        "topics": ["sector-cijfers"],
        "history": [],
        "reference_answer": "De Metalektro telt 159.710 werknemers.",
        "key_facts": ["159.710"],
        "gold": [{"document_id": AGENDA, "quote": QUOTE}],
    }
    item.update(changes)
    return item


def _problems_for(items: list[dict[str, Any]], item_id: str) -> list[str]:
    return [p for p in validate(items, CORPUS) if p.startswith(f"{item_id}:")]


def test_shipped_eval_set_is_valid() -> None:
    items = load_eval_set()
    assert validate(items, CORPUS) == []


def test_valid_item_has_no_item_level_problems() -> None:
    assert _problems_for([_item()], "t001") == []


def test_quote_not_in_document_is_reported() -> None:
    gold = [{"document_id": AGENDA, "quote": "De Metalektro telt precies twee miljoen werknemers."}]
    problems = _problems_for([_item(gold=gold)], "t001")
    assert any("quote not found" in p for p in problems)


def test_quote_matches_after_normalising_numbers_and_quotes() -> None:
    gold = [{"document_id": AGENDA, "quote": QUOTE.replace("159.710", "159710")}]
    assert _problems_for([_item(gold=gold)], "t001") == []


def test_unknown_document_id_is_reported() -> None:
    gold = [{"document_id": "cao-metalektro-2024", "quote": QUOTE}]
    problems = _problems_for([_item(gold=gold)], "t001")
    assert any("unknown document_id 'cao-metalektro-2024'" in p for p in problems)


def test_key_fact_found_nowhere_is_reported() -> None:
    problems = _problems_for([_item(key_facts=["€ 60.550"])], "t001")
    assert any("key fact" in p and "60.550" in p for p in problems)


def test_duplicate_id_is_reported() -> None:
    first, second = _item("t001"), _item("t001", question="Een andere vraag?")
    problems = validate([first, second], CORPUS)
    assert "duplicate id: 't001'" in problems


def test_unanswerable_item_with_gold_is_reported() -> None:
    item = _item(type="unanswerable", key_facts=[])
    problems = _problems_for([item], "t001")
    assert any("unanswerable item must have no gold" in p for p in problems)


def test_follow_up_without_history_is_reported() -> None:
    problems = _problems_for([_item(type="follow-up")], "t001")
    assert any("history" in p for p in problems)


def test_cross_document_item_with_one_document_is_reported() -> None:
    problems = _problems_for([_item(type="cross-document")], "t001")
    assert any("at least two documents" in p for p in problems)


def test_pooled_quotes_are_accepted_beyond_the_authored_maximum() -> None:
    pooled = {"document_id": AGENDA, "quote": QUOTE, "pooled": True}
    gold = [{"document_id": AGENDA, "quote": QUOTE}] * 3 + [pooled, pooled]
    assert _problems_for([_item(gold=gold)], "t001") == []


def test_pooled_quote_not_in_document_is_reported() -> None:
    quote = "De Metalektro telt twee miljoen werknemers."
    pooled = {"document_id": AGENDA, "quote": quote, "pooled": True}
    problems = _problems_for([_item(gold=[*_item()["gold"], pooled])], "t001")
    assert any("quote not found" in p for p in problems)


def test_non_bool_pooled_is_reported() -> None:
    gold = [{"document_id": AGENDA, "quote": QUOTE, "pooled": "yes"}]
    problems = _problems_for([_item(gold=gold)], "t001")
    assert "t001: gold key 'pooled' must be a bool" in problems


def test_pooled_quotes_alone_do_not_count_as_authored_gold() -> None:
    gold = [{"document_id": AGENDA, "quote": QUOTE, "pooled": True}]
    problems = _problems_for([_item(gold=gold)], "t001")
    assert any("authored (not pooled) gold" in p for p in problems)


@pytest.mark.parametrize(
    ("field", "value"),
    [("language", "de"), ("persona", "manager"), ("type", "opinion"), ("difficulty", "trivial")],
)
def test_invalid_enum_value_is_reported(field: str, value: str) -> None:
    problems = _problems_for([_item(**{field: value})], "t001")
    assert f"t001: invalid {field} '{value}'" in problems


def test_missing_field_is_reported() -> None:
    item = _item()
    del item["reference_answer"]
    assert "t001: missing field 'reference_answer'" in validate([item], CORPUS)


def test_minimum_counts_are_reported_for_a_small_set() -> None:
    problems = validate([_item()], CORPUS)
    assert any("need at least 100" in p for p in problems)
    assert any("'unanswerable'" in p for p in problems)
    assert any("English share" in p for p in problems)


def test_shipped_set_fails_when_english_share_is_too_high() -> None:
    items = copy.deepcopy(load_eval_set())
    for item in items[:40]:
        item["language"] = "en"
    assert any("English share" in p for p in validate(items, CORPUS))


def test_normalise_equates_number_formats() -> None:
    assert normalise("159.710") == normalise("159,710") == normalise("159710")
    assert normalise("1.464.000 technici") == normalise("1464000 technici")


def test_normalise_keeps_decimals_apart_from_integers() -> None:
    assert normalise("1,3") != normalise("13")
    assert normalise("1,3") == normalise("1.3")


def test_normalise_folds_case_whitespace_and_curly_quotes() -> None:
    assert normalise("Een  ‘Skillspaspoort’\n stimuleert") == "een 'skillspaspoort' stimuleert"
    assert normalise("“Visie zonder grenzen”") == '"visie zonder grenzen"'
