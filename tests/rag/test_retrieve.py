"""Hybrid retrieval on the real corpus with the real embedder, plus fusion plumbing."""

import numpy as np
import pytest

from rag.assistant import Assistant
from rag.config import Settings
from rag.models import Filters
from rag.retrieve import (
    DenseRetriever,
    HybridRetriever,
    KeywordRetriever,
    Query,
    allowed_documents,
)

pytestmark = pytest.mark.integration


def _docs(answer_retrieved: list) -> list[str]:
    return [c.document_id for c in answer_retrieved]


@pytest.mark.parametrize(
    ("question", "document", "phrase"),
    [
        ("Hoeveel bedrijven telt de Metalektro?", "strategische-agenda-metalektro", "1.350"),
        ("Wat is de oranje kaart?", "position-paper-arbeidsmarktkrapte-2025", "oranje kaart"),
        ("Wat is een skillspaspoort?", "strategische-agenda-metalektro", "skillspaspoort"),
        ("Wanneer is het Techniekpact gesloten?", "techniekpact-nationaal-akkoord", "2013"),
    ],
)
def test_hybrid_finds_the_passage(
    real_assistant: Assistant, question: str, document: str, phrase: str
) -> None:
    top = real_assistant.ask(question).retrieved[:5]
    assert any(c.document_id == document and phrase in c.text for c in top)


def test_hybrid_ranks_the_answer_no_worse_than_the_weaker_side(real_assistant: Assistant) -> None:
    index = real_assistant.index()

    def rank(hits: list, phrase: str) -> int:
        return next(i for i, h in enumerate(hits) if phrase in h.chunk.text)

    for text, phrase in [
        ("Wat is de oranje kaart?", "oranje kaart"),
        ("Wat is een skillspaspoort?", "skillspaspoort"),
    ]:
        query = Query(text, real_assistant.embedder.get_query_embedding(text), None, 30)
        fused = HybridRetriever().retrieve(index, query)
        dense = DenseRetriever().retrieve(index, query)
        keyword = KeywordRetriever().retrieve(index, query)
        assert fused[0].keyword is not None and fused[0].dense is not None
        assert rank(fused, phrase) <= max(rank(dense, phrase), rank(keyword, phrase))
        assert rank(fused, phrase) < 3


def test_keyword_hits_without_a_query_term_are_dropped(real_assistant: Assistant) -> None:
    index = real_assistant.index()
    hits = KeywordRetriever().retrieve(index, Query("zeppelinvloot", None, None, 30))
    assert hits == []
    scores = index.keywords.scores("arbeidsmigratie")
    hits = KeywordRetriever().retrieve(index, Query("arbeidsmigratie", None, None, 100))
    assert len(hits) == int(np.sum(scores > 0)) and all(h.score > 0 for h in hits)


@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        (Filters(documents=["oom-op-jacht-naar-de-8"]), {"oom-op-jacht-naar-de-8"}),
        (Filters(kind=["accord"]), {"techniekpact-nationaal-akkoord"}),
        (Filters(organisations=["oom"]), {"oom-op-jacht-naar-de-8"}),
        (
            Filters(year_from=2022),
            {"strategische-agenda-metalektro", "position-paper-arbeidsmarktkrapte-2025"},
        ),
        (
            Filters(year_to=2017, kind=["position_paper"]),
            {"industriecoalitie-modern-industriebeleid"},
        ),
    ],
)
def test_filters_restrict_both_retrievers(
    real_assistant: Assistant, filters: Filters, allowed: set[str]
) -> None:
    assert allowed_documents(real_assistant.index(), filters) == allowed
    answer = real_assistant.ask("scholing en arbeidsmigratie in de techniek", filters=filters)
    assert answer.retrieved and set(_docs(answer.retrieved)) <= allowed


def test_filter_that_matches_nothing_retrieves_nothing(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("scholing", filters=Filters(year_from=2030))
    assert answer.retrieved == [] and not answer.answerable


def test_bm25_configuration_works_without_embeddings(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"retriever": "bm25"})
    assistant = Assistant(settings)
    assistant.ingest()
    answer = assistant.ask("Wat is de oranje kaart voor vakkrachten?")
    assert answer.retrieved[0].document_id == "position-paper-arbeidsmarktkrapte-2025"
    assert answer.backend.startswith("extractive+bm25")


def test_the_vector_store_itself_narrows_to_the_allowed_documents(
    real_assistant: Assistant,
) -> None:
    # Chroma's `where` on document_id, not only the sentence scores, must see the filter.
    index = real_assistant.index()
    vector = real_assistant.embedder.get_query_embedding("scholing van werknemers")
    allowed = {"oom-op-jacht-naar-de-8"}
    query = Query("scholing van werknemers", vector, allowed, limit=5)
    similarities = DenseRetriever._chunk_similarities(index, query)
    assert len(similarities) == 5
    assert {index.chunks[p].document_id for p in similarities} == allowed
