"""Request and response bodies of the HTTP API (the answer itself is `rag.models.Answer`)."""

import json
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.errors import BAD_TEXT
from rag.feedback import Rating
from rag.models import Answer, Citation, Filters, RemovedSentence, Turn, Verification

EXAMPLE_QUESTION = "Wat is een skillspaspoort en waarom willen ze dat invoeren?"
MAX_FEEDBACK_QUESTION_CHARS = 4_000
MAX_FEEDBACK_ANSWER_CHARS = 20_000
MAX_FEEDBACK_CITATIONS = 50


class CleanText(BaseModel):
    """A request body whose text must be valid Unicode: a lone UTF-16 surrogate (`\\ud800`,
    legal in JSON) is refused with 422 instead of failing later."""

    @model_validator(mode="after")
    def _no_lone_surrogates(self) -> Self:
        try:
            json.dumps(self.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"the text holds a {BAD_TEXT}") from exc
        return self


class AskTurn(Turn):
    """One earlier message of the conversation (types checked strictly)."""

    model_config = ConfigDict(strict=True)


class AskFilters(Filters):
    """Document-level filters; empty fields do not restrict (types checked strictly)."""

    model_config = ConfigDict(strict=True)


class AskRequest(CleanText):
    """A question, optionally with the conversation so far and document filters.

    The server bounds the history (`SECTORWIJZER_MAX_HISTORY_TURNS`, default 20 turns, and
    `SECTORWIJZER_MAX_TURN_CHARS`, default 4000 characters each) and the whole body
    (`SECTORWIJZER_MAX_ASK_BYTES`, default 128 KB): more is refused with 413."""

    model_config = ConfigDict(strict=True)

    question: str = Field(
        min_length=1,
        pattern=r"\S",
        description="The question, in Dutch or English (not blank; the server refuses one "
        "longer than SECTORWIJZER_MAX_QUESTION_CHARS, default 2000, with 422)",
        examples=[EXAMPLE_QUESTION],
    )
    history: list[AskTurn] = Field(
        default_factory=list,
        description="Earlier turns, oldest first, for follow-ups",
    )
    filters: AskFilters | None = Field(default=None, description="Only search these documents")


class CompareRequest(CleanText):
    """A topic to compare the documents on, optionally within document filters."""

    model_config = ConfigDict(strict=True)

    topic: str = Field(
        min_length=1,
        pattern=r"\S",
        description="A few words, in Dutch or English (not blank; the server refuses one "
        "longer than SECTORWIJZER_MAX_TOPIC_CHARS, default 200, with 422)",
        examples=["arbeidsmigratie"],
    )
    filters: AskFilters | None = Field(default=None, description="Only compare these documents")


class DocumentSummary(BaseModel):
    """A loaded document as listed by `GET /api/documents`."""

    id: str
    title: str
    organisations: list[str] = Field(default_factory=list)
    year: int | None = None
    kind: str = ""
    pages: int | None = None
    chunks: int = 0
    language: str = ""
    ingested_at: str = ""

    @classmethod
    def of(cls, info: dict[str, Any]) -> Self:
        """The fields of a document record (as `Assistant.documents()` gives it)."""
        return cls(**{k: info[k] for k in cls.model_fields if k in info})


class DocumentDetail(DocumentSummary):
    """One document with where it came from."""

    source: str = ""
    file: str = ""
    folder: str = ""
    sha256: str = ""


class Deleted(BaseModel):
    id: str
    deleted: bool = True


class FeedbackCitation(Citation):
    """A citation of the rated answer (types checked strictly)."""

    model_config = ConfigDict(strict=True)


class FeedbackRemovedSentence(RemovedSentence):
    """A sentence the citation check removed from the rated answer (types checked strictly)."""

    model_config = ConfigDict(strict=True)


class FeedbackVerification(Verification):
    """The rated answer's citation check, as the API returned it (strict, bounded)."""

    model_config = ConfigDict(strict=True)

    kept: list[str] = Field(default_factory=list, max_length=MAX_FEEDBACK_CITATIONS)
    removed: list[FeedbackRemovedSentence] = Field(  # type: ignore[assignment]
        default_factory=list, max_length=MAX_FEEDBACK_CITATIONS
    )


class FeedbackAnswer(Answer):
    """The rated answer as the API returned it, within bounds (a record is stored as is)."""

    model_config = ConfigDict(strict=True)

    answer: str = Field(max_length=MAX_FEEDBACK_ANSWER_CHARS)
    # Narrower than `Answer`'s lists (strict citations), which mypy's invariance rejects.
    citations: list[FeedbackCitation] = Field(max_length=MAX_FEEDBACK_CITATIONS)  # type: ignore[assignment]
    retrieved: list[FeedbackCitation] = Field(max_length=MAX_FEEDBACK_CITATIONS)  # type: ignore[assignment]
    verification: FeedbackVerification | None = None  # type: ignore[assignment]


class FeedbackIn(CleanText):
    """A thumbs up or down on an answer the API returned (the whole body is bounded by
    `SECTORWIJZER_MAX_FEEDBACK_BYTES`, default 256 KB)."""

    model_config = ConfigDict(strict=True)

    rating: Rating
    question: str = Field(max_length=MAX_FEEDBACK_QUESTION_CHARS)
    answer: FeedbackAnswer
    comment: str = Field(default="", max_length=5_000)


class FeedbackSaved(BaseModel):
    id: int


class Health(BaseModel):
    status: str = "ok"


class BuildProgressBody(BaseModel):
    """How far the background build of the index is (`/readyz` while `status` is building)."""

    phase: str = Field(description="starting, reading, embedding, writing, loading or done")
    documents_done: int
    documents_total: int
    passages_done: int
    passages_total: int


class Readiness(BaseModel):
    status: str
    documents: int = 0
    chunks: int = 0
    generation: str = ""
    backend: str = ""
    message: str = ""
    progress: BuildProgressBody | None = None
    llm: dict[str, Any] | None = None  # the LLM generator's server: {"status": "ok", ...}


class ErrorBody(BaseModel):
    """The shape of every error response."""

    error: str
    message: str
    detail: Any = None
