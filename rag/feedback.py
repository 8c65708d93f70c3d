"""Thumbs up/down on answers, kept in a SQLite file in the data directory.

Each record keeps the question, the answer text and its citations as they were shown, so
evaluators can replay it; `export_jsonl` writes the records as JSON Lines.
"""

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from rag.models import Answer

FEEDBACK_FILE = "feedback.sqlite"
Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answerable INTEGER NOT NULL,
    language TEXT NOT NULL,
    citations TEXT NOT NULL,
    backend TEXT NOT NULL,
    comment TEXT NOT NULL,
    source TEXT NOT NULL
)
"""
_COLUMNS = (
    "created_at",
    "rating",
    "question",
    "answer",
    "answerable",
    "language",
    "citations",
    "backend",
    "comment",
    "source",
)


class FeedbackRecord(BaseModel):
    """One rating of one answer, as stored and exported."""

    id: int | None = None
    created_at: str = Field(
        default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    )
    rating: Rating
    question: str
    answer: str
    answerable: bool
    language: str = ""
    citations: list[dict[str, Any]] = Field(default_factory=list)
    backend: str = ""
    comment: str = ""
    source: str = "api"

    @classmethod
    def for_answer(
        cls, rating: Rating, question: str, answer: Answer, comment: str = "", source: str = "api"
    ) -> "FeedbackRecord":
        """A record for an `Answer` as the assistant returned it."""
        return cls(
            rating=rating,
            question=question,
            answer=answer.answer,
            answerable=answer.answerable,
            language=answer.language,
            citations=[c.model_dump() for c in answer.citations],
            backend=answer.backend,
            comment=comment,
            source=source,
        )


class FeedbackStore:
    """File-backed feedback store; safe to use from several threads (one connection per call)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FEEDBACK_FILE

    def add(self, record: FeedbackRecord) -> int:
        """Store a record and return its id."""
        row = record.model_dump()
        values = [
            json.dumps(row[c], ensure_ascii=False) if c == "citations" else row[c] for c in _COLUMNS
        ]
        with self._connect() as db:
            cursor = db.execute(
                f"INSERT INTO feedback ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
                values,
            )
            return int(cursor.lastrowid or 0)

    def records(self) -> list[FeedbackRecord]:
        """Every record, oldest first."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            rows = db.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM feedback ORDER BY id")
            return [_record(row) for row in rows.fetchall()]

    def count(self) -> int:
        """How many records are stored."""
        if not self.path.exists():
            return 0
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def export_jsonl(self) -> str:
        """All records as JSON Lines (one JSON object per line)."""
        return "".join(r.model_dump_json() + "\n" for r in self.records())

    def export_to(self, target: Path) -> int:
        """Write the JSON Lines export to `target`; returns the number of records."""
        records = self.records()
        target.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
        return len(records)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            db.execute(_SCHEMA)
            yield db


def _record(row: tuple[Any, ...]) -> FeedbackRecord:
    fields = dict(zip(("id", *_COLUMNS), row, strict=True))
    fields["citations"] = json.loads(fields["citations"])
    fields["answerable"] = bool(fields["answerable"])
    return FeedbackRecord(**fields)
