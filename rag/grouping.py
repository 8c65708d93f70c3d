"""Units grouped per document: one implementation for chat answers and comparisons.

Position questions and answers drawn from several documents (`rag.compose`) and the
comparison mode (`rag.compare`) both show, per document, its units with the ones that state a
position first, and the documents newest first; so both views agree on who says what.
"""

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from rag.bm25 import tokenize
from rag.positions import states_position
from rag.units import Unit


class Ranked(Protocol):
    """A ranked unit: its span, quoted text, document and probability."""

    @property
    def unit(self) -> Unit: ...
    @property
    def text(self) -> str: ...
    @property
    def document_id(self) -> str: ...
    @property
    def probability(self) -> float: ...


T = TypeVar("T", bound=Ranked)


def distinct(units: Sequence[T]) -> list[T]:
    """Drop units that repeat a chosen one (overlapping spans, or chunk-overlap duplicates)."""
    chosen: list[T] = []
    for unit in units:
        if not any(overlaps(unit, c) for c in chosen):
            chosen.append(unit)
    return chosen


def overlaps(a: Ranked, b: Ranked) -> bool:
    """Same span of the same chunk, or more than 80% of the shorter one's words repeated."""
    ua, ub = a.unit, b.unit
    if ua.position == ub.position and ua.start < ub.end and ub.start < ua.end:
        return True
    ta, tb = set(tokenize(a.text)), set(tokenize(b.text))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.8


def by_document(
    units: Sequence[T], year_of: Callable[[T], int | None], per_document: int
) -> list[list[T]]:
    """Units (best first) grouped per document: position units first, then background,
    at most `per_document` each; documents newest first (same year or none: best unit first)."""
    groups: dict[str, list[T]] = {}
    for unit in distinct(units):
        groups.setdefault(unit.document_id, []).append(unit)
    ordered = [_positions_first(group)[:per_document] for group in groups.values()]
    return sorted(ordered, key=lambda group: -(year_of(group[0]) or 0))


def _positions_first(group: list[T]) -> list[T]:
    return sorted(group, key=lambda unit: not states_position(unit.text))


def position_count(group: Sequence[Ranked]) -> int:
    """How many units of a group (as `by_document` orders it) state a position."""
    return sum(states_position(unit.text) for unit in group)
