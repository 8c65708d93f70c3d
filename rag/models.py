"""Typed records shared by ingestion, retrieval, answering and the edges."""

from typing import Literal

from pydantic import BaseModel, Field


class DocumentMeta(BaseModel):
    """What the manifest (or the file itself) tells about one document."""

    id: str
    title: str
    organisations: list[str] = Field(default_factory=list)
    year: int | None = None
    kind: str = ""
    language: str = ""
    source: str = ""
    cao_parties: bool = False


class Page(BaseModel):
    """One page of a read document (page is None for text formats without pages)."""

    page: int | None
    text: str


class Chunk(BaseModel):
    """A passage of a cleaned document, the unit that is embedded and retrieved."""

    id: str
    document_id: str
    title: str
    organisations: list[str] = Field(default_factory=list)
    year: int | None = None
    kind: str = ""
    pages: list[int] = Field(default_factory=list)
    section: str = ""
    start: int
    end: int
    language: str = "nl"
    text: str

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None


class Citation(BaseModel):
    """A passage as shown to the user; `quote` is the exact text used, a substring of `text`."""

    n: int
    document_id: str
    title: str
    organisations: list[str]
    year: int | None
    kind: str
    page: int | None
    section: str
    quote: str
    text: str
    score: float
    # For a cao: the article (and lid) or bijlage quoted, "artikel 5.3, lid 2"; else "".
    article: str = ""


class Filters(BaseModel):
    """Document-level filters; empty fields do not restrict."""

    documents: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    organisations: list[str] = Field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None


class Turn(BaseModel):
    """One earlier message of a conversation."""

    role: Literal["user", "assistant"]
    content: str


class RemovedSentence(BaseModel):
    """A generated sentence the sources do not support, and why (a `rag.verify` reason code)."""

    sentence: str
    reason: str


class Verification(BaseModel):
    """What the citation check did to a generated answer (`rag.verify`).

    `kept`: the sentences shown, `removed`: those taken out (or, with marking on, shown as
    unverified), `fallback`: the extractive answer replaced it; `note` says why in one line."""

    kept: list[str] = Field(default_factory=list)
    removed: list[RemovedSentence] = Field(default_factory=list)
    fallback: bool = False
    note: str = ""


class Answer(BaseModel):
    """The reply to a question; the CLI's `--json` and the web API return exactly this."""

    answer: str
    answerable: bool
    language: str
    citations: list[Citation]
    retrieved: list[Citation]
    timings_ms: dict[str, float]
    backend: str
    verification: Verification | None = None  # None for extractive answers
