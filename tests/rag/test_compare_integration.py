"""Comparisons with the real model over the shipped corpus (the issue's acceptance topics)."""

import pytest

from rag.assistant import Assistant
from rag.positions import states_position

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "topic", ["arbeidsmigratie", "leven lang ontwikkelen", "technisch onderwijs"]
)
def test_at_least_two_documents_state_a_position_and_the_silent_ones_are_listed(
    real_assistant: Assistant, topic: str
) -> None:
    comparison = real_assistant.compare(topic)
    documents = real_assistant.documents()
    with_positions = [p for p in comparison.positions if p.position_units > 0]
    assert len(with_positions) >= 2, comparison
    shown = [p.document_id for p in comparison.positions]
    # Every loaded document is either shown or listed as silent, never both.
    assert sorted(shown + comparison.silent) == sorted(documents)
    assert comparison.silent_titles == [documents[d]["title"] for d in comparison.silent]
    chunks = {c.document_id: [] for c in real_assistant.index().chunks}
    for chunk in real_assistant.index().chunks:
        chunks[chunk.document_id].append(chunk.text)
    for position in comparison.positions:
        for i, unit in enumerate(position.units):
            # A verbatim quote of its own document, with its citation.
            assert unit.document_id == position.document_id
            assert any(unit.quote in text for text in chunks[position.document_id])
            assert unit.quote in unit.text and unit.title == position.title
            assert states_position(unit.quote) == (i < position.position_units)


def test_arbeidsmigratie_is_found_in_the_position_paper_and_the_agenda(
    real_assistant: Assistant,
) -> None:
    comparison = real_assistant.compare("arbeidsmigratie")
    shown = [p.document_id for p in comparison.positions]
    assert shown[:2] == ["position-paper-arbeidsmarktkrapte-2025", "strategische-agenda-metalektro"]
    assert "oom-op-jacht-naar-de-8" in comparison.silent
    quotes = " ".join(u.quote for u in comparison.positions[1].units)
    assert "Arbeidsmigranten zijn niet alleen nodig" in quotes


def test_an_english_topic_finds_the_dutch_positions(real_assistant: Assistant) -> None:
    comparison = real_assistant.compare("lifelong learning")
    assert comparison.language == "en"
    assert len([p for p in comparison.positions if p.position_units]) >= 2
