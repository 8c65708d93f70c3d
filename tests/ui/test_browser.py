"""End to end in headless Chromium: ask a Dutch question, open the cited source, check the quote.

Runs a real uvicorn server (hashing embedder, low refusal threshold) on a free loopback port
and drives Debian's /usr/bin/chromium with Playwright. Screenshots go to test-artifacts/.
Every request the page makes must stay on the server: no CDN, no fonts from elsewhere.
"""

import importlib.util
import json
import os
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import uvicorn

from api.app import create_app
from api.service import Service
from rag.config import load_settings
from tests.conftest import CORPUS

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "Wat is een skillspaspoort en waarom willen ze dat invoeren?"
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 90_000  # generous: a loaded 2-core machine renders Gradio slowly


def _require_browser() -> None:
    """Skip without Chromium or Playwright, except in CI (CI=true), where both must be there."""
    missing = [] if CHROMIUM.exists() else [f"{CHROMIUM} (apt-get install chromium)"]
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser test, but {' and '.join(missing)} is missing")
    pytest.skip(f"{' and '.join(missing)} is missing (not in CI)")


def serve_app(app: Any) -> tuple[str, uvicorn.Server, threading.Thread, socket.socket]:
    """Run `app` with uvicorn on a free loopback port in a background thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "the test server did not start"
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread, sock


def launch_context(playwright: Any, profile: Path, **options: Any) -> Any:
    """Debian's Chromium, headless, in a fresh profile, Dutch, with the test's timeout."""
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        locale="nl-NL",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Service]]:
    """A real server on a free loopback port, in a background thread."""
    _require_browser()
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    settings = load_settings(
        data_dir=root / "data",
        corpus_dir=root / "corpus",
        embedder="hashing",
        refusal_threshold=0.0,
        answer_threshold=0.0,
        compare_silent_threshold=0.0,
    )
    service = Service(settings)
    service.assistant.ingest()
    base, uv, thread, sock = serve_app(create_app(service=service))
    yield base, service
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def page(server: tuple[str, Service], tmp_path: Path) -> Iterator["Page"]:
    """A page in a fresh Chromium profile; fails the test if it requests any other host."""
    from playwright import sync_api

    requested: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = launch_context(playwright, tmp_path / "profile", viewport=VIEWPORT)
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        yield page
        context.close()
    base = urlsplit(server[0]).netloc
    foreign = {
        url
        for url in requested
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != base
    }
    assert not foreign, f"the page requested other hosts: {sorted(foreign)}"


def test_ask_open_source_and_check_highlighted_quote(
    page: "Page", server: tuple[str, Service]
) -> None:
    base, service = server
    expected = _api_answer(base, QUESTION)
    first = expected["citations"][0]
    page.goto(base + "/")
    page.fill("#question textarea", QUESTION)
    page.click("#send")
    marker = page.locator("#chat a[href='#bron-0-1']").first
    marker.wait_for()
    assert marker.inner_text() == "[1]"
    source = page.locator("#bron-0-1")
    assert source.get_attribute("open") is None
    marker.click()  # one click on the marker opens the cited passage
    quote = source.locator("mark.sw-quote")
    quote.wait_for(state="visible")
    assert source.evaluate("el => el.open") is True
    assert quote.inner_text() == first["quote"]
    assert first["quote"] in source.locator(".sw-passage").inner_text()
    summary = source.locator("summary").inner_text()
    assert first["title"] in summary and str(first["year"]) in summary
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer-with-source.png"), full_page=True)
    page.get_by_role("button", name="Vind ik leuk").first.click()
    _wait_until(lambda: service.feedback.count() == 1)
    assert service.feedback.records()[0].question == QUESTION


def test_upload_in_the_documents_tab(
    page: "Page", server: tuple[str, Service], tmp_path: Path
) -> None:
    base, service = server
    note = tmp_path / "lasfonds-zeeland.md"
    note.write_text(
        "# Lasfonds Zeeland\n\nHet Lasfonds Zeeland betaalt elke lasser 2.500 euro "
        "opleidingsbudget per jaar.\n",
        encoding="utf-8",
    )
    page.goto(base + "/")
    page.get_by_role("tab", name="Documenten").click()
    page.locator("#documents table").wait_for()
    page.set_input_files("#upload-file input[type=file]", str(note))
    # Wait for the finished upload: its preview links the stored file. The bare name is shown
    # only while the file is still being sent (the preview splits it into stem and extension),
    # so waiting for the name passed only when the poll caught that moment, and a click then
    # could send the form before the file was there.
    page.locator("#upload-file a[download='lasfonds-zeeland.md']").wait_for()
    page.click("#upload-button")
    status = page.locator("#upload-status :text('is geladen')")
    status.wait_for()
    assert "1 passage" in status.inner_text()
    assert "Lasfonds Zeeland" in page.locator("#documents").inner_text()
    page.screenshot(path=str(ARTIFACTS / "ui-upload.png"), full_page=True)
    service.remove_document("lasfonds-zeeland")


def test_compare_tab_shows_positions_and_offers_downloads(
    page: "Page", server: tuple[str, Service]
) -> None:
    base, _ = server
    expected = _api_post(base, "/api/compare", {"topic": "arbeidsmigratie"})
    assert expected["positions"]
    page.goto(base + "/")
    page.get_by_role("tab", name="Standpunten").click()
    page.fill("#compare-topic textarea, #compare-topic input", "arbeidsmigratie")
    page.click("#compare-button")
    sections = page.locator("#compare-result .sw-position")
    sections.first.wait_for()
    shown = [sections.nth(i).get_attribute("data-document") for i in range(sections.count())]
    assert shown == [p["document_id"] for p in expected["positions"]]
    first = expected["positions"][0]
    quotes = sections.first.locator("blockquote")
    assert [quotes.nth(i).inner_text() for i in range(quotes.count())] == [
        u["quote"] for u in first["units"]
    ]
    downloads = page.locator("#compare-download :text('standpunten-arbeidsmigratie')")
    downloads.first.wait_for()
    assert downloads.count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-standpunten.png"), full_page=True)


def _api_post(base: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        result: dict = json.loads(response.read())
    return result


def _api_answer(base: str, question: str) -> dict:
    request = urllib.request.Request(
        base + "/api/ask",
        data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict = json.loads(response.read())
    assert answer["answerable"] and answer["citations"]
    return answer


def _wait_until(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_api_docs_render_without_a_cdn(page: "Page", server: tuple[str, Service]) -> None:
    page.goto(server[0] + "/docs")
    page.locator(".swagger-ui .opblock-summary-path[data-path='/api/ask']").wait_for()
    assert page.locator(".swagger-ui .opblock").count() >= 8
