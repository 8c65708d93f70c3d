"""Per-client rate limit of questions (real FastAPI): a burst, then 429 with Retry-After, per
address; other routes and other addresses are not limited."""

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.rate_limit import MAX_CLIENTS, TokenBuckets
from rag.config import Settings
from tests.api.conftest import LOOPBACK, REMOTE

QUESTION = {"question": "Wat is een skillspaspoort?"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One question a minute after a burst of two."""
    return settings.model_copy(update={"rate_limit_per_minute": 1, "rate_limit_burst": 2})


def test_past_the_burst_a_client_gets_429_with_retry_after(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(LOOPBACK)
    assert [client.post("/api/ask", json=QUESTION).status_code for _ in range(2)] == [200, 200]
    refused = client.post("/api/ask/stream", json=QUESTION)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"  # one question a minute, none left
    assert refused.json() == {
        "error": "rate_limited",
        "message": "Je stelt te veel vragen kort na elkaar. Probeer het over 60 seconden opnieuw.",
        "detail": None,
    }
    english = client.post("/api/ask", json=QUESTION, headers={"Accept-Language": "en-GB"})
    assert english.json()["message"] == (
        "You are asking too many questions in a short time. Try again in 60 seconds."
    )
    assert client.get("/api/documents").status_code == 200  # only questions are limited
    assert make_client(REMOTE).post("/api/ask", json=QUESTION).status_code == 200


def test_a_rate_of_zero_means_no_limit(app: FastAPI, settings: Settings) -> None:
    app.state.service.settings = settings.model_copy(update={"rate_limit_per_minute": 0})
    with TestClient(app) as client:
        statuses = {client.post("/api/ask", json=QUESTION).status_code for _ in range(5)}
    assert statuses == {200}


def test_buckets_refill_at_the_rate_and_forget_the_oldest_clients() -> None:
    now = [0.0]
    buckets = TokenBuckets(clock=lambda: now[0])
    assert [buckets.take("a", 60, 2) for _ in range(3)] == [0.0, 0.0, 1.0]
    now[0] = 0.5
    assert buckets.take("a", 60, 2) == pytest.approx(0.5)
    now[0] = 1.0
    assert buckets.take("a", 60, 2) == 0.0  # refilled one token in a second
    assert buckets.take("a", 60, 2) == pytest.approx(1.0)
    for n in range(MAX_CLIENTS):
        buckets.take(f"client-{n}", 60, 2)
    assert buckets.take("a", 60, 2) == 0.0  # forgotten: a full bucket again
