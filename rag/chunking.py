"""Structure-aware chunking: whole sentences, headings carried as `section`, small overlap.

A "sentence" longer than `max_words` (text without punctuation, a table dump) is cut between
words into pieces of `target_words` (at most `max_words`), so no chunk grows without bound."""

import hashlib
import re
from dataclasses import dataclass

from rag.cleaning import CleanDocument
from rag.language import detect_language
from rag.models import Chunk, DocumentMeta
from rag.structure import BULLET, is_heading, split_sentences

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ChunkingOptions:
    """Size targets in words; overlap in sentences carried into the next chunk."""

    target_words: int = 180
    max_words: int = 250
    overlap_sentences: int = 1


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    words: int
    section: str
    bullet: bool = False  # a list item
    lead: bool = False  # ends in a colon: a list or enumeration follows


def chunk_document(
    doc: CleanDocument, meta: DocumentMeta, options: ChunkingOptions | None = None
) -> list[Chunk]:
    """Cut a cleaned document into chunks that never split a sentence."""
    options = options or ChunkingOptions()
    groups = _group_units(_units(doc.text, options), options)
    return [_make_chunk(doc, meta, group, index) for index, group in enumerate(groups)]


def _units(text: str, options: ChunkingOptions) -> list[_Unit]:
    """Sentences with the heading they fall under; headings themselves are not units."""
    units: list[_Unit] = []
    section = ""
    position = 0
    for line in text.split("\n"):
        if is_heading(line):
            section = line.strip()
        else:
            for start, end in split_sentences(line, position):
                words = len(text[start:end].split())
                if words > options.max_words:
                    units.extend(_pieces(text, start, end, _piece_words(options), section))
                else:
                    bullet = line.startswith(BULLET) and start == position + len(BULLET)
                    lead = text[start:end].rstrip().endswith(":")
                    units.append(_Unit(start, end, words, section, bullet, lead))
        position += len(line) + 1
    return units


def _piece_words(options: ChunkingOptions) -> int:
    """Pieces of an overlong sentence: the target size, never above the maximum."""
    return max(min(options.target_words, options.max_words), 1)


def _pieces(text: str, start: int, end: int, size: int, section: str) -> list[_Unit]:
    """An overlong sentence cut between words into units of at most `size` words."""
    words = [match.span() for match in _WORD.finditer(text, start, end)]
    size = max(size, 1)
    batches = [words[i : i + size] for i in range(0, len(words), size)]
    return [_Unit(batch[0][0], batch[-1][1], len(batch), section) for batch in batches]


def _group_units(units: list[_Unit], options: ChunkingOptions) -> list[list[_Unit]]:
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        words = sum(u.words for u in current)
        new_section = bool(current) and unit.section != current[-1].section
        over = words + unit.words > options.max_words
        full = over or (words >= options.target_words and not _continues_list(current, unit))
        if current and (full or (new_section and words >= options.target_words // 3)):
            groups.append(current)
            keep = options.overlap_sentences if not new_section else 0
            current = current[-keep:] if keep else []
        current.append(unit)
    if current and (not groups or current != groups[-1][-len(current) :]):
        groups.append(current)
    return groups


def _continues_list(current: list[_Unit], unit: _Unit) -> bool:
    """A list item after its lead-in or a previous item: keep the list in one chunk."""
    return bool(current) and unit.bullet and (current[-1].bullet or current[-1].lead)


def _make_chunk(doc: CleanDocument, meta: DocumentMeta, group: list[_Unit], index: int) -> Chunk:
    section = group[-1].section or group[0].section
    return make_chunk(doc, meta, (group[0].start, group[-1].end), section, index)


def make_chunk(
    doc: CleanDocument, meta: DocumentMeta, span: tuple[int, int], section: str, index: int
) -> Chunk:
    """The chunk of `doc.text[start:end]`, the `index`-th of its document, under `section`."""
    start, end = span
    text = doc.text[start:end]
    pages = sorted({p for p in (doc.page_at(start), doc.page_at(end - 1)) if p is not None})
    digest = hashlib.sha1(f"{meta.id}:{start}:{end}:{text}".encode()).hexdigest()[:12]
    return Chunk(
        id=f"{meta.id}#{index:04d}-{digest}",
        document_id=meta.id,
        title=meta.title,
        organisations=meta.organisations,
        year=meta.year,
        kind=meta.kind,
        pages=list(range(pages[0], pages[-1] + 1)) if pages else [],
        section=section,
        start=start,
        end=end,
        language=detect_language(text),
        text=text,
    )
