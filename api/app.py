"""`create_app`: the FastAPI application with the API routes, offline docs and the chat UI."""

from importlib.metadata import PackageNotFoundError, version

from rag.offline import apply_offline_env

apply_offline_env()

from fastapi import FastAPI  # noqa: E402 - the offline environment must be set first

from api.ask_queue import AskQueue  # noqa: E402
from api.docs import install_docs  # noqa: E402
from api.errors import install_error_handlers  # noqa: E402
from api.middleware import install_middleware  # noqa: E402
from api.openapi import install_openapi  # noqa: E402
from api.routes import ask, compare, documents, feedback, health  # noqa: E402
from api.service import Service  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import Settings, load_settings  # noqa: E402

DESCRIPTION = """
Offline questions and answers with citations over Dutch sector policy documents.

Writes (`POST`/`DELETE /api/documents`) and the feedback export need the API key as header
`X-API-Key` when `SECTORWIJZER_API_KEY` is set; with no key set they are allowed only from
loopback (this machine). With `SECTORWIJZER_READ_KEY` set, asking and listing need the read
key (or the API key) too. Requests that change something, sent by a web page of another site,
are refused (403). Bodies are bounded (413): questions with history 128 KB, feedback 256 KB,
uploads 50 MB (settings `SECTORWIJZER_MAX_*`). Questions are limited per client (429 with
`Retry-After`, `SECTORWIJZER_RATE_LIMIT_*`) and at most `SECTORWIJZER_MAX_QUEUE` are answered or
waiting at once (503 with `Retry-After` past it). Error bodies are `{"error", "message",
"detail"}`; messages are Dutch unless the request prefers English (`Accept-Language: en`).
"""


def create_app(
    settings: Settings | None = None,
    *,
    assistant: Assistant | None = None,
    service: Service | None = None,
    with_ui: bool = True,
) -> FastAPI:
    """The whole web application; the chat UI is mounted at `/` unless `with_ui` is False."""
    if service is None:
        service = Service(settings or load_settings(), assistant)
    app = FastAPI(
        title="Sectorwijzer",
        version=_version(),
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    app.state.service = service
    app.state.ask_queue = AskQueue(service.settings)
    install_error_handlers(app)
    install_middleware(app)
    install_docs(app)
    install_openapi(app, lambda: bool(service.settings.read_key))
    for module in (health, ask, compare, documents, feedback):
        app.include_router(module.router)
    if with_ui:
        from ui.app import mount_ui

        mount_ui(app, service)
    return app


def _version() -> str:
    try:
        return version("sectorwijzer")
    except PackageNotFoundError:
        return "0"
