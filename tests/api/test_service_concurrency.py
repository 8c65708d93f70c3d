"""Readers and writers in one server: writers are not starved, reads go on while an ingest
builds, and /readyz says 503 (never 500) when the index cannot be used (hashing embedder)."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromadb.errors import InternalError
from fastapi.testclient import TestClient

import rag.writer
from api.service import ReadWriteLock, Service
from rag.index import Index
from rag.store import DataDir
from rag.writelock import writer_lock

NOTE = b"# Ploegendienst\n\nDe ploegendienst in de fabriek begint om zes uur en eindigt om twee."


def test_a_waiting_writer_goes_before_new_readers() -> None:
    lock, order = ReadWriteLock(), []
    first_reader = lock.read()
    first_reader.__enter__()

    def writer() -> None:
        with lock.write():
            order.append("writer")

    def late_reader() -> None:
        with lock.read():
            order.append("late reader")

    threads = [threading.Thread(target=writer)]
    threads[0].start()
    time.sleep(0.2)  # the writer now waits for the first reader
    threads.append(threading.Thread(target=late_reader))
    threads[1].start()
    time.sleep(0.2)
    assert order == []  # the late reader queues behind the waiting writer
    first_reader.__exit__(None, None, None)
    for thread in threads:
        thread.join(5)
    assert order == ["writer", "late reader"]


@pytest.fixture
def readers(service: Service) -> Iterator[list[int]]:
    """Four threads asking questions without pause until the test ends; yields their count."""
    stop, answered = threading.Event(), [0]

    def ask() -> None:
        while not stop.is_set():
            service.ask("Wat is een skillspaspoort?")
            answered[0] += 1

    threads = [threading.Thread(target=ask, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    yield answered
    stop.set()
    for thread in threads:
        thread.join(30)


def test_a_stream_of_readers_does_not_starve_an_upload(
    service: Service, readers: list[int]
) -> None:
    time.sleep(0.5)
    upload = threading.Thread(target=service.add_document, args=("notitie.md", NOTE))
    upload.start()
    upload.join(30)  # readers that overtake a waiting writer kept it out for minutes
    assert not upload.is_alive() and "notitie" in service.assistant.documents()
    before = readers[0]
    time.sleep(0.5)
    assert readers[0] > before  # and the readers go on afterwards


def test_reads_go_on_while_an_upload_builds_the_next_generation(
    service: Service, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    building, release = threading.Event(), threading.Event()
    real_stage = rag.writer.stage

    def slow_stage(*args: object, **kwargs: object) -> object:
        building.set()
        assert release.wait(60)
        return real_stage(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rag.writer, "stage", slow_stage)
    upload = threading.Thread(target=service.add_document, args=("notitie.md", NOTE))
    upload.start()
    assert building.wait(30)
    started = time.monotonic()
    assert client.post("/api/ask", json={"question": "Wat is een skillspaspoort?"}).is_success
    assert len(client.get("/api/documents").json()) == 5  # the old generation answers
    assert client.get("/readyz").status_code == 200
    assert time.monotonic() - started < 10
    release.set()
    upload.join(60)
    assert len(client.get("/api/documents").json()) == 6


def test_a_second_writer_gets_a_clear_503_while_another_holds_the_data_dir(
    service: Service, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service.settings, "writer_wait_seconds", 0.3)
    with writer_lock(service.settings.data_dir, 1):  # e.g. `sectorwijzer ingest` in a shell
        response = client.post(
            "/api/documents",
            files={"file": ("notitie.md", NOTE, "text/markdown")},
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 503
    assert "Another change of the documents is in progress" in response.json()["message"]
    assert not (service.settings.data_dir / "uploads" / "notitie.md").exists()
    assert client.post("/api/documents", files={"file": ("notitie.md", NOTE)}).status_code == 201


def test_readyz_is_503_when_the_index_cannot_be_used(
    service: Service, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/readyz").status_code == 200
    store = service.assistant.index().vectors.client

    def broken(*args: object) -> int:
        raise InternalError("database disk image is malformed")

    monkeypatch.setattr(type(store), "count", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["message"]

    def no_files(self: DataDir) -> Path | None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(DataDir, "current", no_files)
    for path in ("/readyz", "/api/documents"):
        assert client.get(path).status_code == 503, path
    assert client.post("/api/ask", json={"question": "Wat is scholing?"}).status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_switch_closes_the_previous_index(service: Service) -> None:
    old: Index = service.assistant.index()
    service.add_document("notitie.md", NOTE)
    assert old.closed and not service.assistant.index().closed
