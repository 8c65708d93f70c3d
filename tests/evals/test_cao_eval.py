"""The cao eval set and its scoring."""

from typing import Any

from evals.cao import check_cao_set, load_cao_set, score_cao_item, summarise
from rag.models import Answer, Citation


def answer(text: str, article: str = "", quote: str = "Quote.", answerable: bool = True) -> Answer:
    citation = Citation(
        n=1,
        document_id="cao",
        title="Cao",
        organisations=[],
        year=2026,
        kind="cao",
        page=13,
        section="Artikel 5.3 Studieverlof",
        quote=quote,
        text=quote,
        score=1.0,
        article=article,
    )
    return Answer(
        answer=text,
        answerable=answerable,
        language="nl",
        citations=[citation] if answerable else [],
        retrieved=[citation],
        timings_ms={},
        backend="x",
    )


def item(**fields: Any) -> dict[str, Any]:
    base = {"id": "c1", "type": "fact", "split": "test", "article": "artikel 5.3"}
    return {**base, "key_facts": ["vijf dagen"], **fields}


def test_the_set_is_valid_and_covers_what_employees_ask() -> None:
    items = load_cao_set("all")
    assert check_cao_set(items) == []
    test = [i for i in items if i["split"] == "test" and i["type"] != "unanswerable"]
    assert len(test) >= 10 and all(i["article"] for i in test)
    topics = {t for i in test for t in i["topics"]}
    for topic in ("scholing", "studieverlof", "opleidingsbudget", "loopbaanscan", "uren", "verlof"):
        assert topic in topics
    assert any("table_cell" in i for i in test)
    assert {i["split"] for i in items} == {"dev", "test"}


def test_a_broken_item_is_reported() -> None:
    (first, *_) = load_cao_set("test")
    wrong_quote = {**first, "gold": [{"document_id": "x", "quote": "Dit staat er niet in."}]}
    wrong_article = {**first, "article": "artikel 12.9"}
    problems = check_cao_set([wrong_quote, wrong_article])
    assert len(problems) == 2 and "gold quote" in problems[0] and "12.9" in problems[1]


def test_right_article_means_cited_and_named() -> None:
    good = answer(
        "Volgens artikel 5.3, lid 1 (Studieverlof): vijf dagen. [1]", "artikel 5.3, lid 1"
    )
    row = score_cao_item(item(), good)
    assert row["correct"] and row["key_facts"] and row["toc_cited"] == 0
    unnamed = answer("Vijf dagen. [1]", "artikel 5.3, lid 1")
    assert not score_cao_item(item(), unnamed)["correct"]
    other = answer("Volgens artikel 5.31: vijf dagen. [1]", "artikel 5.31")
    assert not score_cao_item(item(), other)["from_article"]
    assert not score_cao_item(item(), other)["article_named"]


def test_contents_lines_and_unanswered_items_count_against() -> None:
    toc = answer("artikel 5.3 [1]", "artikel 5.3", quote="Artikel 5.3 Studieverlof ....... 13")
    assert score_cao_item(item(), toc)["toc_cited"] == 1
    refused = answer("Niet gevonden.", answerable=False)
    unanswerable = item(type="unanswerable", article="", key_facts=[])
    assert score_cao_item(unanswerable, refused)["correct"]
    rows = [score_cao_item(item(), refused), score_cao_item(unanswerable, refused)]
    summary = summarise(rows)
    assert summary["from_right_article"] == "0/1" and summary["refused_unanswerable"] == "1/1"
