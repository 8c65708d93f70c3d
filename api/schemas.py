"""Request and response bodies of the HTTP API (the answer itself is `rag.models.Answer`)."""

from typing import Any, Self

from pydantic import BaseModel, Field

from rag.feedback import Rating
from rag.models import Answer, Filters, Turn

EXAMPLE_QUESTION = "Wat is een skillspaspoort en waarom willen ze dat invoeren?"


class AskRequest(BaseModel):
    """A question, optionally with the conversation so far and document filters."""

    question: str = Field(
        description="The question, in Dutch or English", examples=[EXAMPLE_QUESTION]
    )
    history: list[Turn] = Field(
        default_factory=list,
        max_length=100,
        description="Earlier turns, oldest first, for follow-ups",
    )
    filters: Filters | None = Field(default=None, description="Only search these documents")


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


class FeedbackIn(BaseModel):
    """A thumbs up or down on an answer the API returned."""

    rating: Rating
    question: str = Field(max_length=20_000)
    answer: Answer
    comment: str = Field(default="", max_length=5_000)


class FeedbackSaved(BaseModel):
    id: int


class Health(BaseModel):
    status: str = "ok"


class Readiness(BaseModel):
    status: str
    documents: int = 0
    chunks: int = 0
    generation: str = ""
    backend: str = ""
    message: str = ""


class ErrorBody(BaseModel):
    """The shape of every error response."""

    error: str
    message: str
    detail: Any = None
