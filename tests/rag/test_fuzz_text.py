"""Fuzzing cleaning, sentence splitting and chunking with arbitrary text.

Bounded for CI (SECTORWIJZER_FUZZ_EXAMPLES examples per test, 60 by default). Besides "no
exception", each test checks the contract the rest of the system relies on: offsets inside
the text, chunk text equal to its slice, no empty chunk or sentence, nothing left out."""

import os
import time
import unicodedata
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.chunking import ChunkingOptions, chunk_document
from rag.cleaning import PAGE_BREAK, CleanDocument, clean_pages, clean_text
from rag.models import Chunk, DocumentMeta, Page
from rag.structure import BULLET, is_heading, split_sentences

EXAMPLES = int(os.environ.get("SECTORWIJZER_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
META = DocumentMeta(id="fuzz", title="Fuzz")

# Pieces that exercise the cleaning rules, mixed with arbitrary characters.
TOKENS = [
    "werk-\n",
    "nemers",
    "mbo-",
    " of ",
    "De",
    "de",
    "Kop",
    "1. Inleiding",
    "Bijlage A",
    "# ",
    "## Wat doen we?",
    "• ",
    "➔ ",
    "\uf0b7 ",
    "- ",
    "-",
    ". ",
    "? ",
    "bijv. ",
    "o.a. ",
    "werknemers1 ",
    "km2",
    "ﬁ",
    "Pagina 3",
    "12",
    "www.fme.nl",
    "\n",
    "\n\n",
    "\f",
    "\r\n",
    "\t",
    " ",
    "\u00ad",
    "\u200b",
    "\x00",
    "\x0b",
    "\x1b[31m",
    "\x85",
    "\u2028",
    "\u202e",
    "\ud800",
    "\udfff",
    "\ufffe",
    "“",
    "’",
    "(",
    ")",
    "€",
    "É",
]
ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates included
TEXT = st.lists(st.sampled_from(TOKENS) | st.text(ANY_CHAR, max_size=8), max_size=120).map("".join)
PLAIN = st.text(max_size=600)  # hypothesis' own mix, surrogates left out
ALLOWED_CONTROLS = {"\n", PAGE_BREAK}
STRIPPED = {"\u061c", "\u180e", "\u200e", "\u200f", "\ufffe", "\uffff"}


def _assert_clean(text: str) -> None:
    text.encode("utf-8")  # no lone surrogates
    assert "\r" not in text and "\t" not in text
    for ch in set(text):
        if unicodedata.category(ch) == "Cc":
            assert ch in ALLOWED_CONTROLS, repr(ch)
        assert ch not in STRIPPED and not "\u202a" <= ch <= "\u202e", repr(ch)
        assert not "\u2060" <= ch <= "\u206f" and ch not in "\u2028\u2029\x85", repr(ch)


@FUZZ
@given(text=TEXT | PLAIN)
def test_clean_text_leaves_no_control_characters(text: str) -> None:
    _assert_clean(clean_text(text))


@FUZZ
@given(pages=st.lists(TEXT | PLAIN, min_size=1, max_size=6), numbered=st.booleans())
def test_clean_pages_keeps_page_offsets_valid(pages: list[str], numbered: bool) -> None:
    records = [Page(page=n if numbered else None, text=t) for n, t in enumerate(pages, start=1)]
    doc = clean_pages(records)
    _assert_clean(doc.text)
    assert PAGE_BREAK not in doc.text
    if not numbered:
        assert doc.page_starts == [] and doc.page_at(0) is None
        return
    offsets = [offset for offset, _ in doc.page_starts]
    assert [number for _, number in doc.page_starts] == list(range(1, len(pages) + 1))
    assert offsets == sorted(offsets) and offsets[0] == 0 and offsets[-1] <= len(doc.text)
    found = [doc.page_at(offset) or 0 for offset in range(len(doc.text) + 1)]
    assert found == sorted(found) and set(found) <= set(range(1, len(pages) + 1))


@settings(max_examples=max(EXAMPLES // 5, 5), deadline=None)
@given(piece=st.text(ANY_CHAR, min_size=1, max_size=12), times=st.integers(5_000, 20_000))
def test_huge_lines_take_linear_time(piece: str, times: int) -> None:
    text = piece * times  # up to 240,000 characters, often on one line
    started = time.monotonic()
    # langdetect costs up to ~60 ms per chunk of odd text: linear, but it would drown the timing.
    with mock.patch("rag.chunking.detect_language", return_value="nl"):
        doc = clean_pages([Page(page=None, text=text)])
        chunks = chunk_document(doc, META)
    assert time.monotonic() - started < 20  # quadratic steps took minutes on such input
    _assert_chunks(doc, chunks)


def _covered(text: str, spans: list[tuple[int, int]]) -> list[bool]:
    covered = [False] * len(text)
    for start, end in spans:
        covered[start:end] = [True] * (end - start)
    return covered


def _left_out(text: str, spans: list[tuple[int, int]], skip_headings: bool = False) -> list[int]:
    """Positions of visible characters outside every span (bullet markers excepted)."""
    covered = _covered(text, spans)
    heading_chars: set[int] = set()
    position = 0
    for line in text.split("\n"):
        if skip_headings and is_heading(line):
            heading_chars.update(range(position, position + len(line)))
        position += len(line) + 1
    return [
        i
        for i, ch in enumerate(text)
        if not covered[i]
        and not ch.isspace()
        and i not in heading_chars
        and not (text.startswith(BULLET, i))
    ]


@FUZZ
@given(text=TEXT | PLAIN, offset=st.integers(0, 1000))
def test_sentences_are_trimmed_ordered_and_cover_the_text(text: str, offset: int) -> None:
    spans = split_sentences(text, offset)
    local = [(start - offset, end - offset) for start, end in spans]
    previous_end = 0
    for start, end in local:
        assert previous_end <= start < end <= len(text)
        sentence = text[start:end]
        assert "\n" not in sentence and sentence == sentence.strip()
        previous_end = end
    assert _left_out(text, local) == []


@st.composite
def options(draw: st.DrawFn) -> ChunkingOptions:
    target = draw(st.integers(1, 60))
    return ChunkingOptions(
        target_words=target,
        max_words=draw(st.integers(1, 80)),
        overlap_sentences=draw(st.integers(0, 3)),
    )


def _assert_chunks(doc: CleanDocument, chunks: list[Chunk]) -> None:
    assert len({chunk.id for chunk in chunks}) == len(chunks)
    pages = {number for _, number in doc.page_starts}
    for chunk in chunks:
        assert 0 <= chunk.start < chunk.end <= len(doc.text)
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text.strip() == chunk.text != ""
        assert set(chunk.pages) <= pages
    spans = [(chunk.start, chunk.end) for chunk in chunks]
    assert _left_out(doc.text, spans, skip_headings=True) == []


@FUZZ
@given(text=TEXT | PLAIN, opts=options())
def test_chunks_are_slices_of_the_text_and_cover_it(text: str, opts: ChunkingOptions) -> None:
    doc = clean_pages([Page(page=None, text=text)])
    _assert_chunks(doc, chunk_document(doc, META, opts))


@FUZZ
@given(
    words=st.lists(st.text("abcdeéfghijklmnopqrstuvwxyz", min_size=1, max_size=9), max_size=2000),
    opts=options(),
)
def test_no_chunk_grows_past_its_bound(words: list[str], opts: ChunkingOptions) -> None:
    # Text without punctuation is one long "sentence": it is cut between words.
    text = " ".join(words)
    doc = clean_pages([Page(page=None, text=text)])
    chunks = chunk_document(doc, META, opts)
    _assert_chunks(doc, chunks)
    bound = (opts.overlap_sentences + 1) * opts.max_words
    assert all(len(chunk.text.split()) <= bound for chunk in chunks)


@FUZZ
@given(pages=st.lists(TEXT, min_size=1, max_size=4))
def test_chunks_of_paged_documents_name_real_pages(pages: list[str]) -> None:
    doc = clean_pages([Page(page=n, text=t) for n, t in enumerate(pages, start=1)])
    _assert_chunks(doc, chunk_document(doc, META))


@FUZZ
@given(line=TEXT | PLAIN)
def test_is_heading_accepts_any_line(line: str) -> None:
    assert is_heading(line) in (True, False)
