"""Chunks of a cao along its structure: an article (or a run of its leden), a table row.

- the table of contents is recognised and left out, so it is never retrieved or cited;
- an article starts a chunk with its heading; one longer than `max_words` is cut between
  leden, never inside one;
- every row of a salary or allowance table is a chunk of its own, with its header written
  into it by `rag.cao_layout`;
- a chunk's `section` is its article, bijlage or chapter heading ("Artikel 5.3 Studieverlof").
"""

from dataclasses import dataclass, field

from rag.cao_articles import CAO_KIND
from rag.cao_layout import TOC_TITLE, is_cao_heading, is_toc_entry, parse_labelled_row
from rag.chunking import ChunkingOptions, make_chunk
from rag.cleaning import CleanDocument
from rag.models import Chunk, DocumentMeta

__all__ = ["CAO_KIND", "chunk_cao", "toc_lines"]

_TOC_RUN = 3  # entries in a row that make a table of contents without dot leaders


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class _Block:
    section: str
    lines: list[_Line] = field(default_factory=list)


def chunk_cao(
    doc: CleanDocument, meta: DocumentMeta, options: ChunkingOptions | None = None
) -> list[Chunk]:
    """Cut a cleaned cao (laid out by `rag.cao_layout`) into article and table-row chunks."""
    options = options or ChunkingOptions()
    lines = _lines(doc.text)
    contents = toc_lines(lines)
    body = [line for i, line in enumerate(lines) if i not in contents]
    spans = [span for block in _blocks(body) for span in _spans(block, options)]
    return [make_chunk(doc, meta, (s, e), section, i) for i, (s, e, section) in enumerate(spans)]


def _lines(text: str) -> list[_Line]:
    lines, position = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = position + raw.index(stripped)
            lines.append(_Line(start, start + len(stripped), stripped))
        position += len(raw) + 1
    return lines


def toc_lines(lines: list[_Line]) -> set[int]:
    """Indexes of the table of contents: its title and its entries (with dot leaders, or
    at least `_TOC_RUN` entries in a row ending in page numbers)."""
    entries = [is_toc_entry(line.text) for line in lines]
    found = {i for i, line in enumerate(lines) if TOC_TITLE.match(line.text)}
    run: list[int] = []
    for i, entry in enumerate([*entries, False]):
        if entry:
            run.append(i)
            continue
        leaders = [j for j in run if "..." in lines[j].text or "…" in lines[j].text]
        found.update(run if len(run) >= _TOC_RUN else leaders)
        run = []
    return found


def _blocks(lines: list[_Line]) -> list[_Block]:
    """Runs of lines under one heading; each table row a block of its own."""
    blocks = [_Block("")]
    for line in lines:
        section = blocks[-1].section
        if is_cao_heading(line.text):
            blocks.append(_Block(line.text, [line]))
        elif parse_labelled_row(line.text):
            blocks += [_Block(section, [line]), _Block(section)]
        else:
            blocks[-1].lines.append(line)
    # A heading with nothing under it (a chapter opening on its first article) is no chunk.
    return [
        b for b in blocks if b.lines and not (len(b.lines) == 1 and b.lines[0].text == b.section)
    ]


def _spans(block: _Block, options: ChunkingOptions) -> list[tuple[int, int, str]]:
    """The block as one span, or cut between lines (leden) into spans near the target size."""
    total = sum(line.words for line in block.lines)
    fits = total <= options.max_words
    groups = [block.lines] if fits else _balanced(block.lines, options.target_words)
    return [(g[0].start, g[-1].end, block.section) for g in groups]


def _balanced(lines: list[_Line], target: int) -> list[list[_Line]]:
    groups: list[list[_Line]] = [[]]
    for line in lines:
        if groups[-1] and sum(x.words for x in groups[-1]) + line.words > target:
            groups.append([])
        groups[-1].append(line)
    return groups
