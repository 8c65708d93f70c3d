"""`Assistant`: the one entry point every edge (CLI, API, UI, evals) uses."""

import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.answer import Generated, GenerationRequest, UnitGenerator, citation_for, make_generator
from rag.backend import make_backend
from rag.bm25 import tokenize
from rag.cao_scope import CaoScope, cao_scope
from rag.cao_tables import row_hits, table_answer, with_rows
from rag.compare import CompareLimits, TopicEvidence, compare_topic, gather
from rag.condense import condense
from rag.config import Settings
from rag.embeddings import make_embedder
from rag.errors import (
    EmbedderMismatchError,
    IndexNotReadyError,
)
from rag.glossary import dutch_terms
from rag.index import Index
from rag.ingest import IngestReport
from rag.input_checks import checked_history, checked_text
from rag.kinds import question_kind
from rag.language import detect_language
from rag.library import Reconciliation
from rag.llm_client import ChatClient, OpenAIChatClient
from rag.models import Answer, Filters, Turn
from rag.positions import Comparison
from rag.progress import BuildProgress
from rag.query import focus, retrieval_text
from rag.query_cache import QueryEmbeddings, QueryEncoder
from rag.retrieve import Hit, Query, allowed_documents, make_retriever, needs_embedding
from rag.store import DataDir
from rag.topics import own_words, related_stems, search_text, topic_language
from rag.verify import Verifier, embedding_function
from rag.writer import Exclusive


class Assistant:
    """Answers questions from the index in the settings' data directory."""

    def __init__(
        self,
        settings: Settings,
        embedder: BaseEmbedding | None = None,
        query_encoder: QueryEncoder | None = None,
    ) -> None:
        """`query_encoder` embeds questions (a server passes its worker processes); by
        default the embedder does, in this process."""
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder, settings)
        self.retriever = make_retriever(settings.retriever, settings.rrf_k)
        self.llm: ChatClient | None = None
        parts = None
        if settings.generator == "llm":
            self.llm = OpenAIChatClient(settings)
            verifier = Verifier(
                embedding_function(self.embedder),
                mark_unverified=settings.verify_mark_unverified,
                min_kept=settings.verify_min_kept,
            )
            parts = (self.llm, verifier)
        self.generator = make_generator(
            settings.generator, settings.ranker_path, settings.answer_threshold, parts
        )
        self._data = DataDir(settings.data_dir)
        backend = make_backend(settings, self.embedder)
        self._live, self._writer = backend.live, backend.writer
        self._queries = QueryEmbeddings(query_encoder or self.embedder)

    @property
    def backend(self) -> str:
        s = self.settings
        return f"{s.generator}+{s.retriever}+{self.embedder.model_name}"

    def index(self) -> Index:
        """The live index, reopened when an ingest (here or elsewhere) published a new one.

        Raises `EmbedderMismatchError` when another embedder built it: its passage vectors
        and this process's question vectors would not be comparable."""
        index = self._live.get()
        built_with = index.state.get("embedder")
        if built_with and built_with != self.embedder.model_name:
            raise EmbedderMismatchError(
                f"the index was built with the embedder '{built_with}', but this process "
                f"embeds with '{self.embedder.model_name}'; run `sectorwijzer ingest` to "
                "rebuild it"
            )
        return index

    def has_index(self) -> bool:
        """Whether an ingest has published an index (damaged or not)."""
        return self._live.exists()

    def ingest(
        self,
        rebuild: bool = False,
        progress: bool = False,
        exclusive: Exclusive = nullcontext,
        tracker: BuildProgress | None = None,
    ) -> IngestReport:
        """Bring the index in line with the corpus and the uploads folder (see `rag.writer`);
        `tracker` counts documents read and passages embedded as the build goes. An index of
        another embedder is rebuilt: ingest would otherwise keep its passages' vectors."""
        rebuild = rebuild or self._other_embedder()
        return self._writer.ingest(rebuild, progress, exclusive, tracker)

    def _other_embedder(self) -> bool:
        try:
            self.index()
        except EmbedderMismatchError:
            return True
        except IndexNotReadyError:
            pass  # none or damaged: the ingest builds it anyway
        return False

    def add_document(
        self,
        filename: str,
        data: bytes,
        meta: dict[str, Any] | None = None,
        exclusive: Exclusive = nullcontext,
    ) -> dict[str, Any]:
        """Store an upload, ingest it and return its document record; a failure of any kind
        leaves the index and the uploads folder as they were."""
        return self._writer.add_document(filename, data, meta, exclusive)

    def remove_document(self, doc_id: str, exclusive: Exclusive = nullcontext) -> None:
        """Remove a document from the index (an upload's file is deleted too), all or nothing."""
        self._writer.remove_document(doc_id, exclusive)

    def reconcile(self) -> Reconciliation:
        """Repair the uploads folder after an interruption (see `rag.library.reconcile`)."""
        return self._writer.reconcile()

    def documents(self) -> dict[str, dict[str, Any]]:
        """Loaded documents by id, as recorded at ingest."""
        return dict(self.index().state.get("documents", {}))

    def ask(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Answer:
        """Answer `question` from the documents, with citations, or say they don't hold it."""
        started = time.perf_counter()
        request = self.prepare(question, history or [], filters)
        retrieved_at = time.perf_counter()
        generated = table_answer(request) or self.generator.generate(request)
        return self._answer(request, generated, started, retrieved_at)

    def ask_stream(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Like `ask`, streamed: draft pieces while a language model writes, then the verified
        `Answer` (an extractive generator yields the `Answer` only). The question is checked
        and its passages retrieved before this returns, so bad input raises here."""
        started = time.perf_counter()
        request = self.prepare(question, history or [], filters)
        return self._stream(request, started, time.perf_counter())

    def _stream(
        self, request: GenerationRequest, started: float, retrieved_at: float
    ) -> Iterator[str | Answer]:
        table = table_answer(request)  # a cao's table cell: row and header, no generator
        stream = getattr(self.generator, "stream", None)
        if table is None and stream is not None:
            events: Iterator[str | Generated] = stream(request)
        else:
            events = iter([table or self.generator.generate(request)])
        for event in events:
            if isinstance(event, str):
                yield event
            else:
                yield self._answer(request, event, started, retrieved_at)

    def _answer(
        self, request: GenerationRequest, generated: Generated, started: float, retrieved_at: float
    ) -> Answer:
        done = time.perf_counter()
        s = self.settings
        backend = f"{generated.backend}+{s.retriever}+{self.embedder.model_name}"
        return Answer(
            answer=generated.answer,
            answerable=generated.answerable,
            language=request.language,
            citations=generated.citations,
            retrieved=[citation_for(h, i + 1, "") for i, h in enumerate(request.hits)],
            timings_ms={
                "retrieve": _ms(started, retrieved_at),
                "answer": _ms(retrieved_at, done),
                "total": _ms(started, done),
            },
            backend=backend if generated.backend else self.backend,
            verification=generated.verification,
        )

    def compare(self, topic: str, filters: Filters | None = None) -> Comparison:
        """Who says what on `topic`: per document its position units, newest first, and the
        loaded documents that say nothing on it (see `rag.compare`)."""
        evidence = self.topic_evidence(topic, filters)
        return compare_topic(evidence, self._compare_limits())

    def topic_evidence(self, topic: str, filters: Filters | None = None) -> TopicEvidence:
        """Every allowed document's best passages for `topic` and their ranked units (what
        `compare` groups; the eval calibrates the silent threshold on it)."""
        topic = self._check_topic(topic)
        language = topic_language(topic)
        index = self.index()
        scope = CaoScope(allowed_documents(index, filters), False, False)
        # An English topic is ranked on its Dutch glossary terms too, as in `_read`.
        words = f"{topic} {dutch_terms(topic)}" if language == "en" else topic
        related = related_stems(focus(words, index)[1], index)
        reading = self._read(f"{topic} {search_text(related)}".strip(), language, [], index)
        passages = self._compare_limits().passages_per_document
        documents = {
            doc: info
            for doc, info in self.documents().items()
            if scope.allowed is None or doc in scope.allowed
        }

        def retrieve(doc: str) -> list[Hit]:
            vector, focus_vector = _as_list(reading.vector), _as_list(reading.focus_vector)
            query = Query(reading.text, vector, {doc}, self.settings.candidates, focus_vector)
            return self.retriever.retrieve(index, query)[:passages]

        def request_for(hits: list[Hit]) -> GenerationRequest:
            request = self._request(topic, language, hits, index, reading, scope)
            request.kind = "position"
            # The ranker reads the topic in this document's own words (see `rag.topics`).
            request.focus_terms = own_words(related, _passage_terms(index, hits))
            return request

        ranked = gather(sorted(documents), retrieve, request_for, self._ranker())
        return TopicEvidence(topic, language, ranked, documents)

    def _compare_limits(self) -> CompareLimits:
        s = self.settings
        return CompareLimits(s.compare_silent_threshold, units_per_document=s.compare_units)

    def _ranker(self) -> UnitGenerator:
        """The learned unit ranker, also when answers use the old sentence generator."""
        if isinstance(self.generator, UnitGenerator):
            return self.generator
        return UnitGenerator(path=self.settings.ranker_path)

    def prepare(
        self, question: str, history: list[Turn], filters: Filters | None = None
    ) -> GenerationRequest:
        """Check and read the question and retrieve its passages: all the answer step needs."""
        question = self._check(question)
        language = detect_language(question)
        history = self._check_history(history, language)
        index = self.index()
        scope = self._scope(question, history, index, filters)
        reading = self._read(question, language, history, index)
        query = Query(
            reading.text,
            _as_list(reading.vector),
            scope.allowed,
            self.settings.candidates,
            _as_list(reading.focus_vector),
        )
        hits = self.retriever.retrieve(index, query)
        # A salary-table row the question names ("schaal 5") comes first (`rag.cao_tables`).
        hits = with_rows(row_hits(question, index, scope.allowed), hits)[: self.settings.top_k]
        return self._request(question, language, hits, index, reading, scope)

    def _scope(
        self, question: str, history: list[Turn], index: Index, filters: Filters | None
    ) -> CaoScope:
        """Allowed documents: a cao question goes to the cao, or without one to the cao
        parties' documents (`rag.cao_scope`)."""
        return cao_scope(question, history, index, allowed_documents(index, filters))

    def _read(self, question: str, language: str, history: list[Turn], index: Index) -> "_Reading":
        """The text to search for (follow-up context, typos fixed), its focus and embeddings.

        An English question also searches with the Dutch terms of the glossary, so keyword
        search finds what its Dutch twin finds."""
        standalone = condense(self.llm, question, history, language) if self.llm else None
        text = index.corrector.correct_text(standalone or retrieval_text(question, history, index))
        vector = self._embed(text)
        if language == "en":
            text = f"{text} {dutch_terms(text)}".strip()
        focus_text, focus_terms = focus(text, index)
        focus_vector = vector if focus_text == text else self._embed(focus_text)
        return _Reading(text, vector, focus_terms, focus_vector)

    def _request(
        self,
        question: str,
        language: str,
        hits: list[Hit],
        index: Index,
        reading: "_Reading",
        scope: CaoScope,
    ) -> GenerationRequest:
        s = self.settings
        return GenerationRequest(
            question,
            language,
            hits,
            index,
            reading.focus_vector,
            reading.focus_terms,
            scope.cao_scope,
            scope.entitlement,
            s.refusal_threshold,
            s.refusal_english_allowance,
            s.refusal_quantity_coverage,
            question_kind(question),
            set(tokenize(question)),
            scope.cao_text,
        )

    def _check(self, question: str) -> str:
        return checked_text(question, self.settings.max_question_chars, "question")

    def _check_topic(self, topic: str) -> str:
        return checked_text(topic, self.settings.max_topic_chars, "topic")

    def _check_history(self, history: list[Turn] | None, language: str) -> list[Turn]:
        s = self.settings
        return checked_history(history, s.max_history_turns, s.max_turn_chars, language)

    def _embed(self, text: str) -> np.ndarray | None:
        if not needs_embedding(self.settings.retriever):
            return None
        return self._queries.get(text)


@dataclass
class _Reading:
    text: str
    vector: np.ndarray | None
    focus_terms: set[str]
    focus_vector: np.ndarray | None


def _passage_terms(index: Index, hits: list[Hit]) -> set[str]:
    """Every stem of the passages `hits`."""
    rows = [r for hit in hits for r in index.rows_by_chunk.get(index.position(hit.chunk.id), [])]
    return set().union(*(index.sentence_tokens[r] for r in rows))


def _as_list(vector: np.ndarray | None) -> list[float] | None:
    return vector.tolist() if vector is not None else None


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 2)
