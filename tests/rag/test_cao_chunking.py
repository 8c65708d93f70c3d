"""The fictional cao fixture, chunked along its structure, and the article of each quote."""

from pathlib import Path

import pytest
from pypdf import PdfReader

from rag.cao_articles import article_reference
from rag.cao_chunking import chunk_cao
from rag.cao_layout import LID, is_toc_entry, parse_labelled_row
from rag.chunking import ChunkingOptions
from rag.cleaning import CleanDocument
from rag.models import Chunk, DocumentMeta
from rag.prepare import prepare_document
from tests.fixtures.cao.annexes import SCALES, euro, salary
from tests.fixtures.cao.chapters import CHAPTERS
from tests.fixtures.cao.make_cao import DOCUMENT_ID, MARK, PDF_PATH, write_pdf
from tests.rag.pdf_factory import require_dejavu


def cao_chunks(kind: str = "cao") -> list[Chunk]:
    meta = DocumentMeta(id=DOCUMENT_ID, title="Fictieve cao", kind=kind)
    return prepare_document(PDF_PATH, meta, ChunkingOptions(), set())[1]


def test_the_fixture_is_a_fictional_cao_of_twenty_pages_and_more() -> None:
    reader = PdfReader(PDF_PATH)
    assert len(reader.pages) >= 20
    assert reader.metadata is not None and reader.metadata.subject == MARK
    first = reader.pages[0].extract_text()
    assert MARK in first and "alleen geschreven voor de tests" in first
    assert "Inhoudsopgave" in reader.pages[1].extract_text()


def test_the_committed_fixture_is_what_the_script_writes(tmp_path: Path) -> None:
    require_dejavu()
    fresh = PdfReader(write_pdf(tmp_path / "cao.pdf"))
    committed = PdfReader(PDF_PATH)
    assert [p.extract_text() for p in fresh.pages] == [p.extract_text() for p in committed.pages]


def test_every_article_is_a_chunk_under_its_heading_and_the_contents_are_none() -> None:
    chunks = cao_chunks()
    sections = {chunk.section for chunk in chunks}
    for _, _, articles in CHAPTERS:
        for number, title, _ in articles:
            assert f"Artikel {number} {title}" in sections
    for chunk in chunks:
        assert "Inhoudsopgave" not in chunk.text
        assert not any(is_toc_entry(line) for line in chunk.text.split("\n")), chunk.text
        assert "....." not in chunk.text


def test_each_salary_row_is_a_chunk_with_its_header() -> None:
    rows = [c for c in cao_chunks() if c.text.startswith("Schaal ")]
    assert len(rows) == len(SCALES)
    for scale, chunk in zip(SCALES, rows, strict=True):
        parsed = parse_labelled_row(chunk.text)
        assert parsed is not None and parsed[:2] == ("Schaal", str(scale))
        assert ("Trede 3", euro(salary(scale, 3))) in parsed[2]
        assert chunk.section == "Bijlage 1 Salaristabel"
        assert article_reference(chunk, chunk.text) == "bijlage 1"


def test_a_quote_names_its_article_and_lid() -> None:
    (studieverlof,) = [c for c in cao_chunks() if c.section == "Artikel 5.3 Studieverlof"]
    paid = "Tijdens het studieverlof betaalt de werkgever het salaris volledig door."
    assert article_reference(studieverlof, paid) == "artikel 5.3, lid 2"
    assert article_reference(studieverlof) == "artikel 5.3"
    (pauzes,) = [c for c in cao_chunks() if c.section == "Artikel 3.5 Pauzes"]  # no leden
    assert article_reference(pauzes, pauzes.text.split("\n")[1]) == "artikel 3.5"


def test_a_long_article_is_cut_between_leden() -> None:
    (chunk,) = [c for c in cao_chunks() if c.section == "Artikel 5.2 Persoonlijk opleidingsbudget"]
    doc = CleanDocument(text=chunk.text, page_starts=[])
    meta = DocumentMeta(id="x", title="x", kind="cao")
    parts = chunk_cao(doc, meta, ChunkingOptions(target_words=40, max_words=60))
    assert len(parts) > 1 and {p.section for p in parts} == {chunk.section}
    assert all(LID.match(p.text) for p in parts[1:])  # every later part opens on a lid
    assert "\n".join(p.text for p in parts) == chunk.text  # nothing lost, nothing repeated


@pytest.mark.parametrize("kind", ["agenda", ""])
def test_other_kinds_are_chunked_as_before_and_cite_no_article(kind: str) -> None:
    chunks = cao_chunks(kind)
    assert all(article_reference(c, c.text[:40]) == "" for c in chunks)
    assert any("Inhoudsopgave" in c.text or c.section == "Inhoudsopgave" for c in chunks)
