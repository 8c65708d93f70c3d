"""Request body limits, enforced while the body streams in (413 in the project's error shape).

A declared `Content-Length` over the limit is refused before anything is read; a body that
turns out larger (chunked, or a lying header) is cut off as soon as it passes the limit, so no
more than the limit is ever read into memory or spooled to disk.
"""

import re
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from rag.config import Settings

# Multipart framing and the form fields beside the file.
UPLOAD_OVERHEAD = 1024 * 1024
# Any other request (the UI's own calls): generous for JSON, far below an upload.
DEFAULT_LIMIT = 1024 * 1024
_ASK = re.compile(r"/api/(ask(/stream)?|compare)/?")
_FEEDBACK = re.compile(r"/api/feedback/?")
_UPLOAD = re.compile(r"/api/documents/?|(/.*)?/gradio_api/upload/?")


class BodyTooLargeError(Exception):
    """Raised into the app when its body passes the limit (the middleware answers 413)."""


def limit_for(path: str, settings: Settings) -> int:
    """The most bytes a request body to `path` may have."""
    if _ASK.fullmatch(path):
        return settings.max_ask_bytes
    if _FEEDBACK.fullmatch(path):
        return settings.max_feedback_bytes
    if _UPLOAD.fullmatch(path):
        return settings.max_upload_bytes + UPLOAD_OVERHEAD
    return DEFAULT_LIMIT


def human(size: int) -> str:
    """1048576 -> '1 MB', 131072 -> '128 KB'."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB"


class BodyLimit:
    """ASGI middleware that bounds every request body by `limit_for`."""

    def __init__(self, app: ASGIApp, settings_of: Callable[[], Settings]) -> None:
        self.app = app
        self.settings_of = settings_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.settings_of())
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send, limit)
            return
        received, exceeded, started = 0, False, False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLargeError(f"request body over {limit} bytes")
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own answer to the cut-off body is replaced by the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _too_large(scope, receive, send, limit)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = error_response(
        scope, 413, "request_too_large", "request_too_large", limit=human(limit)
    )
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
