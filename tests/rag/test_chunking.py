from pathlib import Path

from rag.chunking import ChunkingOptions, chunk_document
from rag.cleaning import clean_pages
from rag.models import DocumentMeta, Page
from rag.readers import read_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
META = DocumentMeta(id="doc", title="Titel", organisations=["FME"], year=2022, kind="agenda")


def _chunks(text: str, **options: int) -> list:
    doc = clean_pages([Page(page=None, text=text)])
    return chunk_document(doc, META, ChunkingOptions(**options))


def test_sentences_are_never_cut_and_offsets_point_into_the_clean_text() -> None:
    doc = clean_pages(read_document(CORPUS / "strategische-agenda-metalektro.txt"))
    chunks = chunk_document(doc, META)
    assert len(chunks) > 20
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text[-1] in '.!?:;)”’"' or chunk.text[-1].isalnum()
        assert chunk.end == len(doc.text) or not doc.text[chunk.end].isalnum()


def test_chunk_sizes_stay_near_the_target() -> None:
    doc = clean_pages(read_document(CORPUS / "techniekpact-nationaal-akkoord.txt"))
    sizes = [len(c.text.split()) for c in chunk_document(doc, META)]
    assert max(sizes) <= 300
    assert sum(120 <= s <= 260 for s in sizes) >= 0.7 * len(sizes)


def test_heading_becomes_the_section_of_the_chunks_below_it() -> None:
    body = " ".join(f"Zin nummer {i} gaat over scholing van werknemers." for i in range(30))
    chunks = _chunks(f"Scholing en ontwikkeling\n\n{body}\n\nArbeidsmigratie\n\n{body}")
    sections = [c.section for c in chunks]
    assert sections[0] == "Scholing en ontwikkeling"
    assert sections[-1] == "Arbeidsmigratie"
    assert not any("Arbeidsmigratie" in c.text for c in chunks)


def test_consecutive_chunks_overlap_by_one_sentence() -> None:
    body = " ".join(f"Dit is zin {i} over het onderwerp techniek." for i in range(80))
    chunks = _chunks(body, target_words=60, max_words=90, overlap_sentences=1)
    assert len(chunks) >= 3
    for first, second in zip(chunks, chunks[1:], strict=False):
        last_sentence = first.text.rsplit(". ", 1)[-1]
        assert second.text.startswith(last_sentence)


def test_chunk_metadata_is_carried() -> None:
    chunk = _chunks("Werknemers volgen scholing om bij te blijven in hun vak.")[0]
    assert (chunk.document_id, chunk.title, chunk.organisations, chunk.year, chunk.kind) == (
        "doc",
        "Titel",
        ["FME"],
        2022,
        "agenda",
    )
    assert chunk.language == "nl"
    assert chunk.pages == []


def test_pdf_pages_are_mapped_to_chunks() -> None:
    pages = [
        Page(page=n, text=f"Pagina {n} bevat deze zin over werk en scholing. " * 40)
        for n in (1, 2, 3)
    ]
    chunks = chunk_document(clean_pages(pages), META, ChunkingOptions(target_words=100))
    assert chunks[0].pages[0] == 1
    assert chunks[-1].pages[-1] == 3
    assert all(c.page is not None for c in chunks)
