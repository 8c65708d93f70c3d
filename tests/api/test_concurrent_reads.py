"""Questions run at the same time as uploads and removals (real Chroma, BM25 and files;
hashing embedder): none fails, and none asked after a removal finished cites the removed
document. Repeated and example questions are embedded once (the query cache)."""

import threading
import time
from dataclasses import dataclass, field

from api.service import Service
from rag.assistant import Assistant
from rag.config import Settings
from rag.embeddings import make_embedder
from ui.text import EXAMPLES

MARKER = "De kwartelregeling {n} geeft elke vakkracht in Zeeland een bonus van {n}00 euro."
QUESTION = "Hoeveel bonus geeft de kwartelregeling?"


@dataclass
class Log:
    answers: list[tuple[float, set[str]]] = field(default_factory=list)  # asked at, cited
    removed: dict[str, float] = field(default_factory=dict)  # id: removal done at
    failures: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _ask_until(service: Service, stop: threading.Event, log: Log) -> None:
    while not stop.is_set():
        asked = time.monotonic()
        try:
            answer = service.ask(QUESTION)
        except BaseException as exc:  # noqa: BLE001 - every failure is what the test counts
            with log.lock:
                log.failures.append(exc)
            return
        cited = {c.document_id for c in answer.citations + answer.retrieved}
        with log.lock:
            log.answers.append((asked, cited))


def _upload_and_remove(service: Service, rounds: int, log: Log) -> None:
    for n in range(1, rounds + 1):
        record = service.add_document(f"kwartel-{n}.md", MARKER.format(n=n).encode())
        time.sleep(0.2)  # let some questions find it
        service.remove_document(record["id"])
        with log.lock:
            log.removed[record["id"]] = time.monotonic()


def test_questions_during_uploads_and_removals_never_cite_a_removed_document(
    service: Service,
) -> None:
    log, stop = Log(), threading.Event()
    readers = [threading.Thread(target=_ask_until, args=(service, stop, log)) for _ in range(4)]
    for reader in readers:
        reader.start()
    _upload_and_remove(service, 3, log)
    stop.set()
    for reader in readers:
        reader.join(60)
    assert log.failures == []
    late = [
        (asked, doc)
        for asked, cited in log.answers
        for doc in cited
        if doc in log.removed and asked > log.removed[doc]
    ]
    assert late == []
    seen = set().union(*(cited for _, cited in log.answers))
    assert seen & set(log.removed)  # the uploads were found while they were there


class _Counting:
    def __init__(self) -> None:
        self.inner, self.texts = make_embedder("hashing"), list[str]()

    def get_query_embedding(self, query: str) -> list[float]:
        self.texts.append(query)
        return list(self.inner.get_query_embedding(query))


def test_repeated_and_example_questions_are_embedded_once(settings: Settings) -> None:
    counting = _Counting()
    assistant = Assistant(settings, query_encoder=counting)
    assistant.ingest()
    examples = [q for questions in EXAMPLES.values() for q in questions]
    for question in examples:
        assistant.ask(question)
    first = len(counting.texts)
    for question in examples + examples:
        assistant.ask(question)
    assert first >= len(examples) and len(counting.texts) == first
