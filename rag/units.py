"""Evidence units: a sentence plus what it needs to stand alone, as one span of its passage.

A unit is what the extractive answer quotes. It never starts mid-thought:
- a sentence that opens with a reference word ("Hiervoor", "Daarom", "Deze") takes the
  sentence before it along;
- a lead-in that ends in a colon takes its list along, and a list item takes its lead-in and
  the whole list (up to `MAX_LIST_ITEMS` items), so a list is never quoted in part;
- a heading is never a unit of its own.
Units are contiguous spans of one chunk, so a citation's quote is always a substring of it.
"""

import re
from dataclasses import dataclass

from rag.index import Index
from rag.structure import BULLET, is_heading

MAX_LIST_ITEMS = 12
_MAX_CONTEXT = 2  # sentences taken along for a chain of reference words
_REFERENCE = re.compile(
    r"^(hier(voor|bij|mee|in|door|aan|op|uit|over|naast)?|daar(om|voor|bij|mee|door|in|op|aan|uit|"
    r"naast|over|toe|na)|deze|dit|die|dat|zij|ze|hun|hen|hij|dergelijke|zo'n|zulke|dezelfde|"
    r"bovendien|tevens|echter|ook dit|zodat|waardoor|waarmee|this|these|"
    r"those|they|their|therefore)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unit:
    """A quotable span of chunk `position`: sentence rows `rows`, anchored on `anchor`."""

    position: int
    rows: tuple[int, ...]
    anchor: int
    start: int
    end: int
    kind: str  # "sentence", "context" (reference word resolved), "list"
    complete: bool  # False: opens with a reference word whose antecedent is not in the chunk

    @property
    def items(self) -> int:
        """Number of list items in the unit (0 for plain sentences)."""
        return len(self.rows) - 1 if self.kind == "list" else 0


def unit_text(index: Index, unit: Unit) -> str:
    """The quoted text of a unit: its span of its chunk."""
    return index.chunks[unit.position].text[unit.start : unit.end]


def starts_with_reference(text: str) -> bool:
    """The sentence opens with a word that points at text before it."""
    return bool(_REFERENCE.match(text.strip()))


def chunk_rows(index: Index, position: int) -> list[int]:
    """Sentence row numbers of one chunk, in text order."""
    return index.rows_by_chunk.get(position, [])


def units_of_chunk(index: Index, position: int) -> list[Unit]:
    """Every unit of one chunk, one per anchor sentence (list units are shared by their items)."""
    text = index.chunks[position].text
    rows = chunk_rows(index, position)
    shapes = [_shape(text, index.sentence_rows[r][1], index.sentence_rows[r][2]) for r in rows]
    blocks = _list_blocks(shapes)
    units: list[Unit] = []
    for i, row in enumerate(rows):
        if shapes[i] == "heading":
            continue
        span = blocks.get(i) or _context_span(text, rows, index, i, shapes)
        first, last = span
        unit_rows = tuple(rows[first : last + 1])
        kind = "list" if i in blocks else ("context" if first < i else "sentence")
        opener = index.sentence_text(index.sentence_rows[rows[first]])
        complete = kind == "list" or not starts_with_reference(opener)
        start, end = index.sentence_rows[rows[first]][1], index.sentence_rows[rows[last]][2]
        units.append(Unit(position, unit_rows, row, start, end, kind, complete))
    return units


def _shape(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    if text.startswith(BULLET, line_start) and line_start + len(BULLET) == start:
        return "bullet"
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if start == line_start and end == line_start + len(line.rstrip()) and is_heading(line):
        return "heading"
    return "colon" if text[start:end].rstrip().endswith(":") else "sentence"


def _list_blocks(shapes: list[str]) -> dict[int, tuple[int, int]]:
    """For the lead-in and every item of a list: the span of the whole list.

    Items may carry a paragraph of explanation each (a bulleted title, then prose); the
    list then runs from its lead-in to its last item, and the prose between stays a unit
    of its own for questions that ask about one item."""
    blocks: dict[int, tuple[int, int]] = {}
    i = 0
    while i < len(shapes):
        if shapes[i] != "bullet" and not (shapes[i] == "colon" and _next_is_bullet(shapes, i)):
            i += 1
            continue
        first, last = i, i + 1 if shapes[i] == "colon" else i
        while (following := _next_bullet(shapes, last)) is not None:
            last = following
        members = [j for j in range(first, last + 1) if j == first or shapes[j] == "bullet"]
        if len(members) - 1 <= MAX_LIST_ITEMS:
            blocks.update({j: (first, last) for j in members})
        i = last + 1
    return blocks


def _next_bullet(shapes: list[str], last: int, gap: int = 4) -> int | None:
    """The next item of the list ending at `last`: a bullet within `gap` prose sentences."""
    for j in range(last + 1, min(len(shapes), last + 2 + gap)):
        if shapes[j] == "bullet":
            return j
        if shapes[j] in ("heading", "colon"):
            return None
    return None


def _next_is_bullet(shapes: list[str], i: int) -> bool:
    return i + 1 < len(shapes) and shapes[i + 1] == "bullet"


def _context_span(
    text: str, rows: list[int], index: Index, i: int, shapes: list[str]
) -> tuple[int, int]:
    """The anchor plus the sentences before it that its reference words point at."""
    first = i
    while (
        first > 0
        and i - first < _MAX_CONTEXT
        and shapes[first - 1] != "heading"
        and starts_with_reference(index.sentence_text(index.sentence_rows[rows[first]]))
    ):
        first -= 1
    last = i
    if shapes[i] == "colon":
        # A colon without bullets: the enumeration follows in the same paragraph.
        while last + 1 < len(rows) and not _line_break_between(text, index, rows, last):
            last += 1
    return first, last


def _line_break_between(text: str, index: Index, rows: list[int], i: int) -> bool:
    end = index.sentence_rows[rows[i]][2]
    start = index.sentence_rows[rows[i + 1]][1]
    return "\n" in text[end:start]
