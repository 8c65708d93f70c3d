"""`POST /api/compare` on a real (hashing) index: JSON, Markdown and CSV, and clear 422s."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from api.service import Service
from rag.config import Settings
from tests.contract import CITATION_FIELDS

POSITION_FIELDS = {"document_id", "title", "organisations", "year", "units", "position_units"}


@pytest.fixture
def settings(fake_settings: Settings) -> Settings:
    """Every document speaks (threshold 0): this is about the API's plumbing."""
    return fake_settings.model_copy(update={"compare_silent_threshold": 0.0})


def test_compare_returns_positions_per_document(client: TestClient, service: Service) -> None:
    response = client.post("/api/compare", json={"topic": "arbeidsmigratie"})
    assert response.status_code == 200
    body = response.json()
    assert {"topic", "positions", "silent"} <= set(body)
    assert body["topic"] == "arbeidsmigratie" and body["silent"] == []
    assert len(body["positions"]) == len(service.documents())
    for position in body["positions"]:
        assert set(position) == POSITION_FIELDS
        for unit in position["units"]:
            assert set(unit) == CITATION_FIELDS and unit["quote"] in unit["text"]


def test_compare_filters_and_silent(client: TestClient, settings: Settings) -> None:
    filters = {"documents": ["oom-op-jacht-naar-de-8"]}
    body = client.post("/api/compare", json={"topic": "opleiding", "filters": filters}).json()
    assert [p["document_id"] for p in body["positions"]] == ["oom-op-jacht-naar-de-8"]


@pytest.mark.parametrize(
    ("fmt", "media", "suffix"), [("markdown", "text/markdown", ".md"), ("csv", "text/csv", ".csv")]
)
def test_compare_exports_a_download(client: TestClient, fmt: str, media: str, suffix: str) -> None:
    json_body = client.post("/api/compare", json={"topic": "technisch onderwijs"}).json()
    response = client.post(f"/api/compare?format={fmt}", json={"topic": "technisch onderwijs"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    disposition = response.headers["content-disposition"]
    assert f'filename="standpunten-technisch-onderwijs{suffix}"' in disposition
    quotes = [u["quote"] for p in json_body["positions"] for u in p["units"]]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["quote"] for row in rows] == quotes
    else:
        assert response.text.startswith("# Standpunten over: technisch onderwijs")
        assert all(q.splitlines()[0] in response.text for q in quotes)


@pytest.mark.parametrize(
    ("topic", "language", "message"),
    [
        ("", "nl", "het onderwerp is leeg"),
        ("  ", "en", "the topic is empty"),
        ("technisch onderwijs " * 30, "nl", "Het onderwerp is te lang (599 tekens)"),
        ("labour migration " * 20, "en", "The topic is too long"),
    ],
)
def test_an_empty_or_huge_topic_is_a_clear_422(
    client: TestClient, topic: str, language: str, message: str
) -> None:
    response = client.post(
        "/api/compare", json={"topic": topic}, headers={"Accept-Language": language}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_question" and message in body["message"]


def test_an_unknown_format_is_refused(client: TestClient) -> None:
    response = client.post("/api/compare?format=pdf", json={"topic": "arbeidsmigratie"})
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"
