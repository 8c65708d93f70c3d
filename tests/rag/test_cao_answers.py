"""The fictional cao with the real model: each employee question answered from its article.

The cao is uploaded (kind `cao`) beside the shipped corpus, so every answer has to come from
the cao although the cao parties' agendas speak of the same subjects. The questions and the
article each must cite are the `test` items of `evals/data/cao_set.jsonl`."""

from collections.abc import Iterator
from typing import Any

import pytest

from evals.cao import cao_assistant, load_cao_set, score_cao_item
from rag.assistant import Assistant
from rag.cao_layout import is_toc_entry
from tests.fixtures.cao.make_cao import DOCUMENT_ID, PDF_PATH

pytestmark = pytest.mark.integration
ANSWERABLE = [i for i in load_cao_set("test") if i["type"] != "unanswerable"]


@pytest.fixture(scope="session")
def with_cao(
    real_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Assistant]:
    """The real model over the corpus plus the fictional cao (the corpus's embeddings are
    taken from the session's index, so only the cao is embedded)."""
    yield cao_assistant(real_assistant.settings, PDF_PATH, tmp_path_factory.mktemp("cao-data"))


@pytest.mark.parametrize("item", ANSWERABLE, ids=[i["id"] for i in ANSWERABLE])
def test_answered_from_the_right_article_which_the_answer_names(
    with_cao: Assistant, item: dict[str, Any]
) -> None:
    answer = with_cao.ask(item["question"])
    row = score_cao_item(item, answer)
    assert row["correct"], answer.answer
    assert {c.document_id for c in answer.citations} == {DOCUMENT_ID}
    assert row["toc_cited"] == 0
    for citation in answer.citations:  # the table of contents is never cited
        assert not any(is_toc_entry(line) for line in citation.text.split("\n"))


def test_ten_questions_at_least() -> None:
    assert len([i for i in ANSWERABLE if "table_cell" not in i]) >= 10


def test_salary_question_is_answered_with_the_row_and_its_header(with_cao: Assistant) -> None:
    answer = with_cao.ask("Wat verdien ik in schaal 5 trede 3?")
    assert "Schaal 5, Trede 3: € 3.055." in answer.answer
    assert "Schaal 5: Trede 0 € 2.860; Trede 1 € 2.925;" in answer.answer
    assert answer.citations[0].article == "bijlage 1"


def test_the_contents_are_never_retrieved(with_cao: Assistant) -> None:
    answer = with_cao.ask("Inhoudsopgave: op welke pagina staat artikel 5.3 Studieverlof?")
    for passage in [*answer.retrieved, *answer.citations]:
        assert "Inhoudsopgave" not in passage.text
        assert not any(is_toc_entry(line) for line in passage.text.split("\n"))
