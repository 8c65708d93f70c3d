"""Per-client rate limiting of questions: a token bucket per client address.

Each address may ask `rate_limit_burst` questions at once and `rate_limit_per_minute` a
minute over time; past that it gets 429 with `Retry-After` (the seconds until its next
question is allowed), before the body is read. Behind a reverse proxy every client has the
proxy's address: limit there instead, or set the rate to 0 (no limit).
"""

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import error_response
from rag.config import Settings

_ASK = re.compile(r"/api/ask(/stream)?/?")
MAX_CLIENTS = 10_000  # buckets kept; the least recently seen address is forgotten first


class TokenBuckets:
    """Allowances by client address; thread-safe, bounded in memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, at
        self._lock = threading.Lock()

    def take(self, client: str, per_minute: int, burst: int) -> float:
        """Take one token for `client`: 0.0 when allowed, else the seconds until one is free."""
        now, rate = self._clock(), per_minute / 60.0
        with self._lock:
            tokens, at = self._buckets.pop(client, (float(burst), now))
            tokens = min(float(burst), tokens + (now - at) * rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate
            self._buckets[client] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


class RateLimit:
    """ASGI middleware that applies `TokenBuckets` to `POST /api/ask` and its stream."""

    def __init__(self, app: ASGIApp, settings_of: Callable[[], Settings]) -> None:
        self.app = app
        self.settings_of = settings_of
        self.buckets = TokenBuckets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = self.settings_of()
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or not settings.rate_limit_per_minute
            or not _ASK.fullmatch(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.buckets.take(client, settings.rate_limit_per_minute, settings.rate_limit_burst)
        if wait == 0.0:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        response = error_response(scope, 429, "rate_limited", "rate_limited", seconds=seconds)
        response.headers["Retry-After"] = str(seconds)
        await response(scope, receive, send)
