"""Cross-site writes, the read key, constant-time keys, security headers, closed CORS and the
answers for requests no route takes (issue 13, items 8 and 10, and the access list)."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api import access
from api.app import create_app
from api.headers import SECURITY_HEADERS
from api.service import Service

DOC = ("nieuw.txt", b"Een nieuw document over lassen in de scheepsbouw in Vlissingen.")
QUESTION = {"question": "Wat doet OOM?"}
FEEDBACK = {
    "rating": "down",
    "question": "Wat doet OOM?",
    "answer": {
        "answer": "OOM is het opleidingsfonds.",
        "answerable": True,
        "language": "nl",
        "citations": [],
        "retrieved": [],
        "timings_ms": {"total": 1.5},
        "backend": "test",
    },
}
EVIL = "http://evil.example"


def test_writes_from_another_site_are_refused_without_a_key(client: TestClient) -> None:
    for headers in (
        {"Origin": EVIL},
        {"Origin": "http://127.0.0.1:9999"},  # another loopback origin
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ):
        refused = client.post("/api/documents", files={"file": DOC}, headers=headers)
        assert refused.status_code == 403, headers
        assert refused.json()["error"] == "forbidden"
        assert "andere website" in refused.json()["message"]
        assert (
            client.delete("/api/documents/oom-op-jacht-naar-de-8", headers=headers).status_code
            == 403
        )
        assert client.post("/api/feedback", json={}, headers=headers).status_code == 403
    english = client.post(
        "/api/ask", json=QUESTION, headers={"Origin": EVIL, "Accept-Language": "en"}
    )
    assert english.status_code == 403 and "another website" in english.json()["message"]
    assert len(client.get("/api/documents", headers={"Origin": EVIL}).json()) == 5  # reads stay
    own = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/documents", files={"file": DOC}, headers=own).status_code == 201


def test_listed_origins_and_a_proxy_host_may_write(client: TestClient, service: Service) -> None:
    proxied = {"Origin": "https://sectorwijzer.intra", "X-Forwarded-Host": "sectorwijzer.intra"}
    assert client.post("/api/ask", json=QUESTION, headers=proxied).status_code == 200
    other = {"Origin": "https://portaal.intra", "Sec-Fetch-Site": "same-site"}
    assert client.post("/api/ask", json=QUESTION, headers=other).status_code == 403
    service.settings = service.settings.model_copy(
        update={"allowed_origins": "https://portaal.intra/, https://x.intra"}
    )
    assert client.post("/api/ask", json=QUESTION, headers=other).status_code == 200


def test_the_read_key_guards_asking_and_listing(
    make_client: Callable[..., TestClient], service: Service
) -> None:
    service.settings = service.settings.model_copy(
        update={"read_key": "lezen-1", "api_key": "schrijven-2"}
    )
    client = make_client()
    for method, path, body in (
        ("POST", "/api/ask", QUESTION),
        ("POST", "/api/ask/stream", QUESTION),
        ("POST", "/api/compare", {"topic": "arbeidsmigratie"}),
        ("GET", "/api/documents", None),
        ("GET", "/api/documents/oom-op-jacht-naar-de-8", None),
        ("POST", "/api/feedback", FEEDBACK),
    ):
        missing = client.request(method, path, json=body)
        assert missing.status_code == 401, path
        assert missing.json()["error"] == "unauthorized" and "lezen" in missing.json()["message"]
        assert (
            client.request(method, path, json=body, headers={"X-API-Key": "fout"}).status_code
            == 401
        )
        for key in ("lezen-1", "schrijven-2"):
            allowed = client.request(method, path, json=body, headers={"X-API-Key": key})
            assert allowed.status_code in (200, 201), (path, allowed.text)
    assert client.get("/healthz").status_code == 200
    upload = client.post("/api/documents", files={"file": DOC}, headers={"X-API-Key": "lezen-1"})
    assert upload.status_code == 401  # the read key does not write


def test_keys_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = access.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    assert access.key_matches("b", "a", "b") and not access.key_matches("c", "a", None)
    assert access.write_denial("10.0.0.1", "k", "k") is None
    assert len(compared) == 4  # every configured key, without stopping at the first match
    assert not access.key_matches(None, None) and not access.key_matches("\ud800", "k")


def test_undeclared_methods_are_405_and_unknown_api_paths_404(service: Service) -> None:
    with TestClient(create_app(service=service), client=("127.0.0.1", 1)) as client:
        for method, path in (
            ("TRACE", "/api/ask"),
            ("PUT", "/api/documents"),
            ("PATCH", "/api/documents/oom-op-jacht-naar-de-8"),
            ("DELETE", "/healthz"),
            ("POST", "/readyz"),
        ):
            response = client.request(method, path)
            assert response.status_code == 405, (method, path)
            assert response.json()["error"] == "method_not_allowed"
            assert response.headers["allow"]
        assert client.request("TRACE", "/api/ask").headers["allow"] == "POST"
        for path in ("/api/bestaat-niet", "/api/", "/api/documents/a/b"):
            missing = client.get(path)
            assert missing.status_code == 404, path
            assert missing.json() == {
                "error": "not_found",
                "message": "Deze pagina bestaat niet.",
                "detail": None,
            }
        assert client.get("/api/x", headers={"Accept-Language": "en"}).json()["message"] == (
            "This page does not exist."
        )
        assert client.get("/").status_code == 200  # the UI still answers everything else


def test_security_headers_and_closed_cors_on_api_and_ui(service: Service) -> None:
    with TestClient(create_app(service=service), client=("127.0.0.1", 1)) as client:
        for path in ("/", "/config", "/healthz", "/api/documents", "/api/nergens", "/docs"):
            response = client.get(path)
            for name, value in SECURITY_HEADERS.items():
                assert response.headers.get(name) == value, (path, name)
        csp = client.get("/").headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert "http:" not in csp and "https:" not in csp and "*" not in csp
        for origin in ("http://localhost:3000", "http://127.0.0.1:9999", EVIL, "null"):
            simple = client.get("/config", headers={"Origin": origin, "Host": "localhost:8000"})
            assert "access-control-allow-origin" not in simple.headers, origin
            assert "access-control-allow-credentials" not in simple.headers, origin
            preflight = client.options(
                "/gradio_api/upload",
                headers={
                    "Origin": origin,
                    "Host": "localhost:8000",
                    "Access-Control-Request-Method": "POST",
                },
            )
            assert "access-control-allow-origin" not in preflight.headers, origin
