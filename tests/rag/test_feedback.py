"""The SQLite feedback store: records survive reopening, export as JSON Lines, many threads."""

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.feedback import FEEDBACK_FILE, FeedbackRecord, FeedbackStore
from rag.models import Answer, Citation


def answer() -> Answer:
    citation = Citation(
        n=1,
        document_id="doc",
        title="Titel",
        organisations=["FME"],
        year=2022,
        kind="agenda",
        page=3,
        section="Scholing",
        quote="Leren loont.",
        text="Iets ervoor. Leren loont. Iets erna.",
        score=0.9,
    )
    return Answer(
        answer="Leren loont. [1]",
        answerable=True,
        language="nl",
        citations=[citation],
        retrieved=[citation],
        timings_ms={"total": 1.0},
        backend="extractive+hybrid+hashing-64",
    )


def test_records_survive_reopening(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    assert store.records() == [] and store.count() == 0
    first = store.add(FeedbackRecord.for_answer("up", "Loont leren?", answer(), source="ui"))
    second = store.add(FeedbackRecord.for_answer("down", "En nu?", answer(), comment="vaag"))
    assert (first, second) == (1, 2)
    again = FeedbackStore(tmp_path)
    assert (tmp_path / FEEDBACK_FILE).exists() and again.count() == 2
    records = again.records()
    assert [r.rating for r in records] == ["up", "down"]
    assert records[0].citations[0]["quote"] == "Leren loont." and records[0].source == "ui"
    assert records[1].comment == "vaag" and records[1].answerable is True


def test_export_is_json_lines(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    for rating in ("up", "down", "up"):
        store.add(FeedbackRecord.for_answer(rating, "Vraag", answer()))  # type: ignore[arg-type]
    lines = store.export_jsonl().splitlines()
    assert len(lines) == 3
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert set(rows[0]) >= {"created_at", "rating", "question", "answer", "citations", "backend"}
    target = tmp_path / "export.jsonl"
    assert store.export_to(target) == 3
    assert target.read_text(encoding="utf-8") == store.export_jsonl()


def test_invalid_rating_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        FeedbackRecord(rating="meh", question="q", answer="a", answerable=True)  # type: ignore[arg-type]
    FeedbackStore(tmp_path).add(FeedbackRecord.for_answer("up", "q", answer()))
    with pytest.raises(sqlite3.IntegrityError), sqlite3.connect(tmp_path / FEEDBACK_FILE) as db:
        db.execute(
            "INSERT INTO feedback (created_at, rating, question, answer, answerable, "
            "language, citations, backend, comment, source) "
            "VALUES ('', 'meh', '', '', 1, '', '[]', '', '', '')"
        )


def test_concurrent_writers(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)

    def write(n: int) -> None:
        for i in range(10):
            store.add(FeedbackRecord.for_answer("up", f"vraag {n}-{i}", answer()))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = store.records()
    assert len(records) == 40 and len({r.id for r in records}) == 40
