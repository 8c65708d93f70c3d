"""Where in a cao a passage or quote stands: "artikel 5.3, lid 2", "bijlage 1".

A cao chunk's `section` is its article or bijlage heading (`rag.cao_chunking`) and every lid
starts a line of its own (`rag.cao_layout`), so the lid of a quote is the last lid number
before it in its chunk.
"""

import re

from rag.cao_layout import LID
from rag.models import Chunk

CAO_KIND = "cao"
_SECTION = re.compile(r"^(artikel|art\.|bijlage)\s+(\d+(?:\.\d+)*)\.?\s*(.*)$", re.IGNORECASE)


def article_reference(chunk: Chunk, quote: str = "") -> str:
    """ "artikel 5.3, lid 2" for a quote of a cao chunk ("artikel 5.3" without a quote or
    leden, "bijlage 1" for a bijlage); "" for other documents and unnumbered passages."""
    match = _SECTION.match(chunk.section) if chunk.kind == CAO_KIND else None
    if match is None:
        return ""
    kind = "bijlage" if match.group(1).lower() == "bijlage" else "artikel"
    reference = f"{kind} {match.group(2)}"
    lid = lid_at(chunk.text, chunk.text.find(quote)) if quote and kind == "artikel" else None
    return f"{reference}, lid {lid}" if lid else reference


def article_heading(chunk: Chunk) -> str:
    """The title of the article or bijlage a cao chunk belongs to ("Studieverlof")."""
    match = _SECTION.match(chunk.section) if chunk.kind == CAO_KIND else None
    return match.group(3).strip() if match else ""


def lid_at(text: str, position: int) -> str | None:
    """The number of the lid that holds `position` of `text` (None before the first lid)."""
    if position < 0:
        return None
    number, start = None, 0
    for line in text.split("\n"):
        if start > position:
            break
        match = LID.match(line)
        if match:
            number = match.group(1)
        start += len(line) + 1
    return number
