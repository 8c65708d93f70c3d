"""Answers for requests no route takes, in the project's error shape.

A known path with an undeclared method (TRACE, PUT, ...) gets 405 with an `Allow` header, and
an unknown path under `/api` gets 404: without this both would fall through to the chat UI
mounted at `/`, which answers 404 in its own shape.
"""

from starlette.routing import Match, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import error_response

API_PREFIX = "/api"


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(router: Router, scope: Scope) -> set[str] | None:
    """None when a route (other than the catch-all UI mount) takes the request; else the
    methods the path does take (empty when no route knows the path)."""
    routes = [r for r in router.routes if not (isinstance(r, Mount) and r.path == "")]
    partial = False
    for route in routes:
        match, _ = route.matches(dict(scope))
        if match == Match.FULL:
            return None
        partial = partial or match == Match.PARTIAL
    if not partial:
        return set()
    # Included routers do not list their methods: ask every route with each method instead.
    return {
        method
        for method in METHODS
        if any(r.matches({**scope, "method": method})[0] == Match.FULL for r in routes)
    }


class RouteGuard:
    """ASGI middleware: 405 for undeclared methods on known paths, 404 for unknown `/api` paths."""

    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            methods = allowed_methods(self.router, scope)
            path = scope["path"]
            if methods:
                allow = ", ".join(sorted(methods))
                response = error_response(
                    scope,
                    405,
                    "method_not_allowed",
                    "method_not_allowed",
                    method=scope["method"],
                    allowed=allow,
                )
                response.headers["Allow"] = allow
                await response(scope, receive, send)
                return
            if methods is not None and (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
                await error_response(scope, 404, "not_found", "not_found")(scope, receive, send)
                return
        await self.app(scope, receive, send)
