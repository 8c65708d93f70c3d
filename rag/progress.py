"""`BuildProgress`: how far a running index build is, for /readyz and the UI's status line."""

import threading
from typing import Any

PHASES = ("starting", "reading", "embedding", "writing", "loading", "done")


class BuildProgress:
    """Documents read and passages embedded by a build, their totals, and its phase.

    The build thread updates it; any other thread may read a consistent `snapshot`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {
            "phase": "starting",
            "documents_done": 0,
            "documents_total": 0,
            "passages_done": 0,
            "passages_total": 0,
        }

    def enter(
        self, phase: str, documents_total: int | None = None, passages_total: int | None = None
    ) -> None:
        """Enter `phase` (one of `PHASES`); a total given starts its count at zero."""
        if phase not in PHASES:
            raise ValueError(f"unknown build phase {phase!r}")
        with self._lock:
            self._values["phase"] = phase
            if documents_total is not None:
                self._values.update(documents_total=documents_total, documents_done=0)
            if passages_total is not None:
                self._values.update(passages_total=passages_total, passages_done=0)

    def documents_read(self, count: int = 1) -> None:
        with self._lock:
            self._values["documents_done"] += count

    def passages_embedded(self, count: int) -> None:
        with self._lock:
            self._values["passages_done"] += count

    def snapshot(self) -> dict[str, Any]:
        """phase, documents_done, documents_total, passages_done, passages_total."""
        with self._lock:
            return dict(self._values)
