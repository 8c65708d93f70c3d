"""The embedder's domain errors as the API shows them: 503 with a clear Dutch or English
message, through a real app whose embedding server is down."""

from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import status_of
from api.messages import describe
from rag.assistant import Assistant
from rag.config import Settings
from rag.embeddings import HashingEmbedding
from rag.errors import EmbedderMismatchError, EmbedderUnavailableError
from rag.served_embeddings import cache_key
from tests.rag.embed_server import free_port


def test_an_unusable_embedding_server_is_a_503_in_dutch_and_english() -> None:
    error = EmbedderUnavailableError("http://10.0.0.9:8090/v1", "unreachable")
    assert status_of(error) == (503, "embedder_unavailable")
    assert describe(error, "nl").startswith("De embeddingserver (http://10.0.0.9:8090/v1)")
    assert "not usable: unreachable" in describe(error, "en")


def test_an_index_of_another_embedder_is_a_503_that_says_so() -> None:
    error = EmbedderMismatchError("built with 'a', this process embeds with 'b'")
    assert status_of(error) == (503, "index_not_ready")
    assert "ander embeddingmodel" in describe(error, "nl")


def test_asking_while_the_embedding_server_is_down(fake_settings: Settings) -> None:
    down = fake_settings.model_copy(
        update={"embedder": "openai", "embed_url": f"http://127.0.0.1:{free_port()}/v1"}
    )
    # The index as the served model would have built it (the hashing model under its name).
    named = HashingEmbedding(model_name=cache_key(down.embed_model, down.embed_prefix))
    Assistant(fake_settings, embedder=named).ingest()
    client = TestClient(create_app(assistant=Assistant(down), with_ui=False))
    reply = client.post(
        "/api/ask",
        json={"question": "Wat staat er over scholing?"},
        headers={"Accept-Language": "en"},
    )
    assert reply.status_code == 503
    assert reply.json()["error"] == "embedder_unavailable"
    assert "unreachable" in reply.json()["message"]
