"""The comparison eval: its topics (gold checked against the corpus) and its metrics."""

import re
from pathlib import Path

import pytest

from evals.compare_metrics import calibrate, mean_scores, score_comparison, silent_accuracy_at
from evals.comparisons import load_topics
from rag.models import Citation
from rag.positions import Comparison, Position
from tests.conftest import CORPUS


def _corpus_texts() -> dict[str, str]:
    ids = dict(re.findall(r'\[documents\."([^"]+)"\]\s*\nid = "([^"]+)"', _manifest()))
    return {
        ids[path.name]: " ".join(path.read_text(encoding="utf-8").split())
        for path in CORPUS.iterdir()
        if path.name in ids
    }


def _manifest() -> str:
    return (CORPUS / "manifest.toml").read_text(encoding="utf-8")


def test_every_gold_document_has_evidence_read_in_it() -> None:
    texts = _corpus_texts()
    items = load_topics(split="all")
    assert len(items) >= 10 and {i["split"] for i in items} == {"dev", "test"}
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert set(item["evidence"]) == set(item["gold_documents"]), item["id"]
        for doc, phrase in item["evidence"].items():
            assert " ".join(phrase.split()) in texts[doc], (item["id"], doc)


def test_the_issue_topics_are_reported_not_tuned_on() -> None:
    test_topics = {i["topic"] for i in load_topics(split="test")}
    assert {"arbeidsmigratie", "leven lang ontwikkelen", "technisch onderwijs"} <= test_topics


def _citation(doc: str, quote: str) -> Citation:
    return Citation(
        n=1,
        document_id=doc,
        title=doc,
        organisations=[],
        year=None,
        kind="",
        page=None,
        section="",
        quote=quote,
        text=quote,
        score=0.0,
    )


def test_scores_of_one_topic() -> None:
    item = {"gold_documents": ["a", "b"], "language": "nl"}
    comparison = Comparison(
        topic="t",
        positions=[
            Position(
                document_id="a", title="A", units=[_citation("a", "wij willen x")], position_units=1
            ),
            Position(document_id="c", title="C", units=[_citation("c", "niet in c")]),
        ],
        silent=["b"],
    )
    texts = {"a": "... wij willen x ...", "b": "", "c": "iets anders"}
    scores = score_comparison(item, comparison, texts)
    assert scores["document_precision"] == 0.5 and scores["document_recall"] == 0.5
    assert scores["silent_accuracy"] == pytest.approx(1 / 3)  # a right; b and c wrong
    assert scores["position_unit_rate"] == 0.5 and scores["verbatim_rate"] == 0.5
    assert scores["language_ok"] == 1.0
    assert mean_scores([scores, scores])["document_recall"] == 0.5


def test_calibration_takes_the_middle_of_the_gap() -> None:
    topics = [({"a": 0.9, "b": 0.1, "c": 0.3}, ["a"]), ({"a": 0.5, "b": 0.2}, ["a", "b"])]
    assert silent_accuracy_at(0.25, *topics[0]) == pytest.approx(2 / 3)
    threshold, accuracy = calibrate(topics)
    # t = 0.2 misplaces only c of the first topic (0.833); 0.3 silences the second's b (0.75),
    # 0.1 lets b and c of the first speak (0.667). The middle between 0.2 and 0.1 is taken.
    assert threshold == 0.15 and accuracy == pytest.approx(round((2 / 3 + 1.0) / 2, 3))


def test_the_default_set_is_found() -> None:
    assert Path(load_topics.__defaults__[0]).name == "compare_set.jsonl"  # type: ignore[index]
