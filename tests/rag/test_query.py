"""Reading a question: follow-ups keep their own subject; the cao note only for cao provisions."""

from pathlib import Path

import numpy as np

from rag.index import Index, sentence_rows
from rag.models import Chunk, Turn
from rag.query import asks_about_cao, retrieval_text


def _index() -> Index:
    text = "De technieksectoren willen een oranje kaart. Kennismigranten zijn nodig."
    chunk = Chunk(
        id="c",
        document_id="pp",
        title="Position Paper Technieksectoren",
        start=0,
        end=len(text),
        text=text,
        organisations=["FME"],
    )
    state = {"documents": {"pp": {"title": chunk.title, "organisations": ["FME"]}}}
    rows = sentence_rows([chunk])
    return Index(Path("."), [chunk], None, None, rows, np.zeros((len(rows), 4)), state)  # type: ignore[arg-type]


def _history(question: str) -> list[Turn]:
    return [Turn(role="user", content=question), Turn(role="assistant", content="...")]


def test_a_follow_up_with_its_own_subject_searches_for_that_subject() -> None:
    history = _history("Wat is de oranje kaart volgens de technieksectoren?")
    text = retrieval_text("En wat willen ze met de kennismigrantenregeling?", history, _index())
    assert "kennismigrantenregeling" in text
    assert "oranje" not in text, "the earlier subject must not steer the search"
    assert "technieksectoren" in text, "the names of the earlier question resolve 'ze'"


def test_a_follow_up_without_a_subject_reads_the_last_question() -> None:
    history = _history("Wat is de oranje kaart?")
    for question in ("En waarom?", "Hoeveel kost dat?", "Wat bedoelen ze met die regeling?"):
        assert "oranje kaart" in retrieval_text(question, history, _index())


def test_a_standalone_question_ignores_the_history() -> None:
    history = _history("Wat is de oranje kaart?")
    question = "Welke voorstellen doen de technieksectoren voor het beroepsonderwijs?"
    assert retrieval_text(question, history, _index()) == question


def test_a_huge_earlier_turn_is_bounded() -> None:
    history = _history("arbeidsmigratie " * 13000)
    assert len(retrieval_text("En dat?", history, _index())) < 1000


def test_cao_note_only_for_what_the_cao_itself_provides() -> None:
    assert asks_about_cao("Wat zegt de cao over het loopbaanbudget?")
    assert asks_about_cao("Wat staat er in de cao over scholing?")
    assert not asks_about_cao("Wat schrijven de cao-partijen over scholing?")
    assert not asks_about_cao("Welke ambities hebben de cao-partijen voor het LLO-platform?")
