"""API fixtures: a real index (hashing embedder) in a temporary data dir, behind TestClient."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fpdf import FPDF

from api.app import create_app
from api.service import Service
from rag.config import Settings

LOOPBACK = ("127.0.0.1", 50000)
REMOTE = ("203.0.113.7", 50000)


@pytest.fixture
def settings(fake_settings: Settings) -> Settings:
    """Hashing embedder with a low refusal threshold, so questions get answers."""
    return fake_settings.model_copy(update={"refusal_threshold": 0.0, "answer_threshold": 0.0})


@pytest.fixture
def service(settings: Settings) -> Service:
    service = Service(settings)
    service.assistant.ingest()
    return service


@pytest.fixture
def app(service: Service) -> FastAPI:
    return create_app(service=service, with_ui=False)


@pytest.fixture
def make_client(app: FastAPI) -> Iterator[Callable[..., TestClient]]:
    """TestClients from a chosen client address (loopback unless told otherwise)."""
    clients: list[TestClient] = []

    def make(client: tuple[str, int] = LOOPBACK, **kwargs: object) -> TestClient:
        test_client = TestClient(app, client=client, **kwargs)  # type: ignore[arg-type]
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.close()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def make_pdf(path: Path, pages: list[list[str]]) -> bytes:
    """A small text PDF with one page per entry; returns its bytes."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for i, line in enumerate(lines):
            pdf.text(20, 30 + 6 * i, line)
    pdf.output(str(path))
    return path.read_bytes()
