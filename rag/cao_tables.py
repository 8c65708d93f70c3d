"""Salary and allowance tables of a cao: find the row a question names, answer with its cell.

"Wat verdien ik in schaal 5 trede 3?" names a row (schaal 5) and a column (trede 3). The row
is looked up among the cao's table rows (each a chunk that carries its header, see
`rag.cao_layout`), put first among the passages, and answered with the cell, the article
(bijlage) and the whole row with its header as the quote.
"""

import re

from rag import prompts
from rag.answer import Generated, GenerationRequest, citation_for
from rag.cao_articles import CAO_KIND, article_heading
from rag.cao_layout import parse_labelled_row
from rag.index import Index
from rag.retrieve import Hit

_ROW = re.compile(r"\b(?:salaris)?(schaal|scale)\s+(\d{1,2}|[a-h])\b", re.IGNORECASE)
_COLUMN = re.compile(r"\b(trede|step)\s+(\d{1,2})\b", re.IGNORECASE)
_DUTCH = {"scale": "schaal", "step": "trede"}


def named_row(question: str) -> tuple[str, str] | None:
    """("schaal", "5") for a question that names a row of a salary table."""
    match = _ROW.search(question)
    return (
        (_DUTCH.get(match.group(1).lower(), match.group(1).lower()), match.group(2))
        if match
        else None
    )


def named_column(question: str) -> str | None:
    """ "trede 3" for a question that names a column of a salary table."""
    match = _COLUMN.search(question)
    return (
        f"{_DUTCH.get(match.group(1).lower(), match.group(1).lower())} {match.group(2)}"
        if match
        else None
    )


def row_hits(question: str, index: Index, allowed: set[str] | None) -> list[Hit]:
    """The table rows of the loaded caos (within `allowed`) that the question names."""
    named = named_row(question)
    if named is None:
        return []
    hits = []
    for chunk in index.chunks:
        if chunk.kind != CAO_KIND or (allowed is not None and chunk.document_id not in allowed):
            continue
        row = parse_labelled_row(chunk.text)
        if row and (row[0].lower(), row[1].lower()) == (named[0], named[1].lower()):
            hits.append(Hit(chunk, 1.0))
    return hits


def with_rows(rows: list[Hit], hits: list[Hit]) -> list[Hit]:
    """The named rows first, then the retrieved passages that are not one of them."""
    ids = {hit.chunk.id for hit in rows}
    return [*rows, *(hit for hit in hits if hit.chunk.id not in ids)]


def table_answer(request: GenerationRequest) -> Generated | None:
    """The cell (or the row) the question names, quoted with its header; None otherwise."""
    named = named_row(request.question)
    if named is None or not request.hits or request.hits[0].chunk.kind != CAO_KIND:
        return None
    hit = request.hits[0]
    row = parse_labelled_row(hit.chunk.text)
    if row is None or (row[0].lower(), row[1].lower()) != (named[0], named[1].lower()):
        return None
    citation = citation_for(hit, 1, hit.chunk.text)
    lang = request.language
    heading = article_heading(hit.chunk) or hit.chunk.section
    lines = [
        prompts.render(
            "cao_article", lang, article=citation.article, heading=heading, title=hit.chunk.title
        )
    ]
    column = named_column(request.question)
    cells = [(name, value) for name, value in row[2] if column and name.lower() == column]
    for name, value in cells:
        lines.append(
            prompts.render("table_cell", lang, row=f"{row[0]} {row[1]}", column=name, value=value)
            + " [1]"
        )
    lines.append(prompts.render("table_row", lang, quote=hit.chunk.text) + " [1]")
    return Generated("\n".join(lines), True, [citation])
