"""Bounds on what one request may make the server do or store (issue 13, items 1 and 4)."""

import time
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.service import Service
from rag.errors import RequestTooLargeError
from rag.models import Turn
from tests.api import asgi
from tests.api.conftest import REMOTE

QUESTION = "Wat is een skillspaspoort en waarom willen ze dat invoeren?"
HUGE_TURN = "arbeidsmigrantx " * 13_000  # ~200 KB: took 468 s before the bounds


def test_a_200_kb_history_turn_is_a_fast_413_and_asking_goes_on(client: TestClient) -> None:
    started = time.perf_counter()
    response = client.post(
        "/api/ask",
        json={"question": "en dat?", "history": [{"role": "user", "content": HUGE_TURN}]},
    )
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "request_too_large" and "te groot" in body["message"]
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    english = client.post(
        "/api/ask/stream",
        json={"question": "and that?", "history": [{"role": "user", "content": HUGE_TURN}]},
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 413 and "too large" in english.json()["message"]


def test_too_many_or_too_long_turns_are_413_from_the_core(
    client: TestClient, service: Service
) -> None:
    limit = service.settings.max_history_turns
    turns = [{"role": "user", "content": "Wat doet OOM?"}] * (limit + 1)
    many = client.post("/api/ask", json={"question": "En dan?", "history": turns})
    assert many.status_code == 413
    assert many.json()["error"] == "request_too_large"
    assert f"{limit + 1} beurten" in many.json()["message"]
    long_turn = [{"role": "assistant", "content": "x" * (service.settings.max_turn_chars + 1)}]
    english = client.post(
        "/api/ask",
        json={"question": "And then?", "history": long_turn},
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 413
    assert str(service.settings.max_turn_chars) in english.json()["message"]
    assert "characters" in english.json()["message"]
    allowed = [{"role": "user", "content": "Wat doet OOM?"}] * limit
    assert client.post("/api/ask", json={"question": "En?", "history": allowed}).status_code == 200


def test_the_core_bounds_the_history_for_every_edge(service: Service) -> None:
    assistant = service.assistant
    with pytest.raises(RequestTooLargeError) as raised:
        assistant.ask("en dat?", [Turn(role="user", content=HUGE_TURN)])
    assert raised.value.template == "turn_too_long"
    too_many = [Turn(role="user", content="Wat doet OOM?")] * 21
    with pytest.raises(RequestTooLargeError):
        assistant.ask("En?", too_many)


def test_a_keyless_2_gb_upload_is_refused_before_its_body_is_read(
    app: FastAPI, service: Service
) -> None:
    headers, body = asgi.multipart("groot.txt", 2 * 1024**3)
    remote = asgi.call(app, "POST", "/api/documents", body, headers, client=REMOTE)
    assert remote.status == 403 and remote.pulled == 0
    service.settings = service.settings.model_copy(update={"api_key": "geheim"})
    headers, body = asgi.multipart("groot.txt", 2 * 1024**3)
    local = asgi.call(app, "POST", "/api/documents", body, headers)
    assert local.status == 401 and local.pulled == 0


def test_an_upload_body_is_cut_off_at_the_limit_while_it_streams(
    app: FastAPI, service: Service
) -> None:
    service.settings = service.settings.model_copy(update={"max_upload_bytes": 2 * 1024**2})
    headers, body = asgi.multipart("groot.txt", 200 * 1024**2)  # no Content-Length
    result = asgi.call(app, "POST", "/api/documents", body, headers)
    assert result.status == 413 and result.json()["error"] == "request_too_large"
    assert result.pulled < 4 * 1024**2  # the limit, its overhead and one chunk
    declared = {**headers, "content-length": str(200 * 1024**2)}
    headers, body = asgi.multipart("groot.txt", 200 * 1024**2)
    result = asgi.call(app, "POST", "/api/documents", body, declared)
    assert result.status == 413 and result.pulled == 0
    assert len(service.documents()) == 5


def test_feedback_records_are_bounded(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    huge = {**answer, "answer": "x" * (20 * 1024**2)}
    record = {"rating": "up", "question": QUESTION, "answer": huge}
    assert client.post("/api/feedback", json=record).status_code == 413
    citation = {
        "n": 1,
        "document_id": "oom-op-jacht-naar-de-8",
        "title": "OOM",
        "organisations": ["OOM"],
        "year": 2021,
        "kind": "plan",
        "page": None,
        "section": "",
        "quote": "OOM is het opleidingsfonds.",
        "text": "OOM is het opleidingsfonds van de metaal.",
        "score": 1.5,
    }
    many = {**answer, "citations": [citation] * 20_000}
    assert client.post("/api/feedback", json={**record, "answer": many}).status_code == 413
    some = {**answer, "citations": [{**citation, "text": "kort"}] * 51}
    refused = client.post("/api/feedback", json={**record, "answer": some})
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_request"
    long_answer = {**answer, "answer": "x" * 20_001}
    assert client.post("/api/feedback", json={**record, "answer": long_answer}).status_code == 422
    assert client.post("/api/feedback", json={**record, "answer": answer}).status_code == 201
    lines = client.get("/api/feedback/export").text.splitlines()
    assert len(lines) == 1
