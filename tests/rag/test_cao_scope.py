"""Cao questions with and without a loaded cao: plumbing over a real index (fake embedder).

The answers of the real model are in `test_cao_answers.py`; here the fake embedder and an
answer threshold of 0 keep the test about which documents are asked and what is said."""

from pathlib import Path

import pytest

from evals.cao import CAO_META
from rag.assistant import Assistant
from rag.cao_scope import notes_missing_cao, prefers_cao
from rag.config import load_settings
from rag.models import Turn
from tests.fixtures.cao.make_cao import DOCUMENT_ID, PDF_PATH

AGENDA = """# Agenda van de cao-partijen

De cao-partijen willen dat iedere werknemer blijft leren. Scholing is daarom een vast
onderwerp van het overleg, en partijen stimuleren het gebruik van het opleidingsbudget.
Partijen willen studieverlof en een loopbaanscan voor meer werknemers bereikbaar maken.
"""
MANIFEST = """[documents."agenda.md"]
id = "agenda"
title = "Agenda van de cao-partijen"
organisations = ["Fictieve Partijen"]
year = 2025
kind = "agenda"
cao_parties = true
"""


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "agenda.md").write_text(AGENDA, encoding="utf-8")
    (corpus / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    settings = load_settings(
        data_dir=tmp_path / "data", corpus_dir=corpus, embedder="hashing", answer_threshold=0.0
    )
    assistant = Assistant(settings)
    assistant.ingest()
    return assistant


def add_cao(assistant: Assistant) -> None:
    assistant.add_document(PDF_PATH.name, PDF_PATH.read_bytes(), CAO_META)


def test_without_a_cao_the_answer_says_so_once_and_quotes_the_cao_parties(
    assistant: Assistant,
) -> None:
    first = assistant.ask("Wat zegt de cao over scholing?")
    assert first.answer.startswith("Er is geen cao-tekst geladen")
    assert notes_missing_cao(first.answer)
    assert {c.document_id for c in first.citations} == {"agenda"}
    history = [Turn(role="user", content="Wat zegt de cao over scholing?")]
    history.append(Turn(role="assistant", content=first.answer))
    again = assistant.ask("En wat zegt de cao over de loopbaanscan?", history)
    assert not notes_missing_cao(again.answer)  # said once in this conversation
    assert again.answerable and {c.document_id for c in again.citations} == {"agenda"}


def test_with_a_cao_its_articles_answer_and_are_named(assistant: Assistant) -> None:
    add_cao(assistant)
    answer = assistant.ask("Wat zegt de cao over scholing?")
    assert answer.answerable and not notes_missing_cao(answer.answer)
    assert {c.document_id for c in answer.citations} == {DOCUMENT_ID}
    for citation in answer.citations:
        assert citation.article.startswith("artikel ")
        assert f"Volgens {citation.article} (" in answer.answer
    # A question about the cao parties' own plans still reads their agenda.
    parties = assistant.ask("Wat willen de cao-partijen met de loopbaanscan?")
    assert "agenda" in {c.document_id for c in parties.retrieved}


def test_a_named_salary_cell_is_answered_with_its_row_and_header(assistant: Assistant) -> None:
    add_cao(assistant)
    answer = assistant.ask("Wat verdien ik in schaal 5 trede 3?")
    assert answer.answerable
    assert "Schaal 5, Trede 3: € 3.055." in answer.answer
    (citation,) = answer.citations
    assert citation.article == "bijlage 1"
    assert (
        citation.quote.startswith("Schaal 5: Trede 0 € 2.860;")
        and "Trede 3 € 3.055" in citation.quote
    )
    english = assistant.ask("What do I earn in scale 2, step 6?")
    assert "Schaal 2, Trede 6: € 2.680." in english.answer


def test_filters_that_exclude_the_cao_are_kept(assistant: Assistant) -> None:
    from rag.models import Filters

    add_cao(assistant)
    answer = assistant.ask("Wat zegt de cao over scholing?", filters=Filters(documents=["agenda"]))
    assert {c.document_id for c in answer.retrieved} == {"agenda"}


def test_first_person_questions_about_terms_of_employment_prefer_the_cao() -> None:
    assert prefers_cao("Hoeveel uur werk ik per week?")
    assert prefers_cao("Hoe groot is mijn opleidingsbudget?")
    assert not prefers_cao("Wat doet OOM aan scholing?")
    assert not prefers_cao("Hoeveel werknemers telt de Metalektro?")
