"""UI fixtures: a service over a real (hashing) index, and a stand-in for `gr.Request`."""

from dataclasses import dataclass

import pytest

from api.service import Service
from rag.config import Settings


@pytest.fixture
def service(fake_settings: Settings) -> Service:
    """A service whose index is built, answering every question (low refusal threshold)."""
    service = Service(
        fake_settings.model_copy(update={"refusal_threshold": 0.0, "answer_threshold": 0.0})
    )
    service.assistant.ingest()
    return service


@dataclass
class Client:
    host: str


@dataclass
class FakeRequest:
    """What the callbacks read of `gr.Request`: the client's address."""

    client: Client


def request_from(host: str) -> FakeRequest:
    return FakeRequest(Client(host))
