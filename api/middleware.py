"""The app's middleware, in one place because the order matters.

From the outside in: security headers on every response; the last-resort 500; CORS (closed
unless `SECTORWIJZER_ALLOWED_ORIGINS` lists origins); 404/405 for requests no route takes;
access (keys, loopback, origin) before any body is read; the per-client rate limit of
questions; body size limits while it streams.
"""

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from api.access import API_KEY_HEADER, AccessGuard, allowed_origins
from api.errors import CatchAllMiddleware
from api.headers import SecurityHeaders
from api.limits import BodyLimit
from api.rate_limit import RateLimit
from api.routing import RouteGuard
from rag.config import Settings


def install_middleware(app: FastAPI) -> None:
    """Add the middleware to `app` (whose `state.service` holds the settings)."""

    def settings_of() -> Settings:
        settings: Settings = app.state.service.settings
        return settings

    app.add_middleware(BodyLimit, settings_of=settings_of)
    app.add_middleware(RateLimit, settings_of=settings_of)
    app.add_middleware(AccessGuard, settings_of=settings_of)
    app.add_middleware(RouteGuard, router=app.router)
    # Gradio's own CORS handling (which echoes any localhost origin with credentials) steps
    # aside when the parent app configures CORSMiddleware.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=sorted(allowed_origins(settings_of())),
        allow_credentials=False,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Accept-Language", API_KEY_HEADER],
    )
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(SecurityHeaders)
