"""Fuzzing the readers: whatever the bytes and the name, pages within the caps or a DocumentError.

Bounded for CI (SECTORWIJZER_FUZZ_EXAMPLES examples per test, 60 by default); the pages that
come back also go through cleaning and chunking, so a "successful" read can't break those."""

import os
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.chunking import ChunkingOptions, chunk_document
from rag.cleaning import clean_pages
from rag.errors import DocumentError
from rag.models import DocumentMeta, Page
from rag.readers import read_document
from tests.rag.pdf_factory import new_pdf, raw_pages_pdf, stream, text_page, write_lines

EXAMPLES = int(os.environ.get("SECTORWIJZER_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LIMITS = {"max_pages": 6, "max_chars": 4000, "max_seconds": 10.0}
META = DocumentMeta(id="fuzz", title="Fuzz")
SUFFIXES = [".pdf", ".txt", ".md", ".markdown", ""]


def _fpdf_bytes() -> bytes:
    pdf = new_pdf()
    for lines in (["De sector investeert in scholing.", "Werk-", "nemers leren."], ["Kop 2"]):
        pdf.add_page()
        write_lines(pdf, lines)
    return bytes(pdf.output())


def _flate_page(text: bytes) -> bytes:
    return stream(
        zlib.compress(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text), b"/Filter /FlateDecode "
    )


SEEDS = [
    raw_pages_pdf([text_page("De cao regelt scholing."), text_page("Tweede pagina, 2024.")]),
    raw_pages_pdf([_flate_page(b"Gecomprimeerde tekst over innovatie.")], pages=3),
    _fpdf_bytes(),
    "Kop\n\nDe sector groeit. Werkgevers investeren in scholing.\n- punt één\n".encode(),
]
PDF_TOKENS = [
    b"[",
    b"]",
    b"<<",
    b">>",
    b"(",
    b")",
    b"\\",
    b"/Length 99999999",
    b"/Length -1",
    b"1 0 R",
    b"4 0 R",
    b"stream\n",
    b"endstream",
    b"endobj",
    b"obj",
    b"99999999999999999999",
    b"-0.0000001",
    b"/Filter /FlateDecode",
    b"/Filter [/ASCIIHexDecode /LZWDecode]",
    b"/Kids [2 0 R 2 0 R]",
    b"/Type /Pages",
    b"/Count 100000",
    b"%%EOF",
    b"xref",
    b"trailer",
    b"startxref\n0\n",
    b"Tj",
    b"TJ",
    b"cm",
    b"Do",
    b"BT",
    b"ET",
    b"\x00",
    b"\xff\xfe",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(PDF_TOKENS) | st.binary(max_size=12))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[pos:]
        elif op == "repeat":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 64))] * draw(st.integers(2, 200))
    return bytes(data)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-readers")


def _read(folder: Path, suffix: str, data: bytes) -> list[Page] | DocumentError:
    path = folder / f"bestand{suffix}"
    path.write_bytes(data)
    try:
        pages = read_document(path, **LIMITS)  # type: ignore[arg-type]
    except DocumentError as error:
        assert error.path == path.name
        assert error.reason and "\n" not in error.reason and len(error.reason) < 300
        return error
    _check_pages(pages, pdf=data.startswith(b"%PDF") or suffix == ".pdf")
    return pages


def _check_pages(pages: list[Page], pdf: bool) -> None:
    assert len(pages) <= LIMITS["max_pages"]
    assert sum(len(p.text) for p in pages) <= LIMITS["max_chars"]
    if pdf:
        assert [p.page for p in pages] == list(range(1, len(pages) + 1))
    else:
        assert [p.page for p in pages] == [None]
    doc = clean_pages(pages)  # what ingest does next must hold too
    for chunk in chunk_document(doc, META, ChunkingOptions(target_words=20, max_words=30)):
        assert doc.text[chunk.start : chunk.end] == chunk.text and chunk.text.strip()


@FUZZ
@given(data=mutated(), suffix=st.sampled_from(SUFFIXES))
def test_mutated_documents_read_or_fail_cleanly(folder: Path, data: bytes, suffix: str) -> None:
    _read(folder, suffix, data)


@FUZZ
@given(data=st.binary(max_size=3000), pdf_header=st.booleans(), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_read_or_fail_cleanly(
    folder: Path, data: bytes, pdf_header: bool, suffix: str
) -> None:
    _read(folder, suffix, (b"%PDF-1.7\n" if pdf_header else b"") + data)


TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufeff\ufffd")
    | st.sampled_from("\n\t\r"),
    max_size=2000,
).filter(lambda text: not text.startswith("%PDF"))


@FUZZ
@given(text=TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_real_text_is_never_taken_for_binary(folder: Path, text: str, encoding: str) -> None:
    if len(text) > LIMITS["max_chars"]:
        text = text[: int(LIMITS["max_chars"])]
    result = _read(folder, ".txt", text.encode(encoding))
    assert not isinstance(result, DocumentError), result
    assert result[0].text == text


@FUZZ
@given(text=TEXT, junk=st.binary(min_size=1, max_size=40), at=st.integers(0, 2000))
def test_text_with_injected_bytes_reads_or_fails_cleanly(
    folder: Path, text: str, junk: bytes, at: int
) -> None:
    data = text.encode()
    _read(folder, ".md", data[:at] + junk + data[at:])
