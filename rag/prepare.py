"""Read, clean and chunk one file into a document record and its chunks."""

from pathlib import Path

from rag.cao_chunking import CAO_KIND, chunk_cao
from rag.cao_layout import layout_cao_page
from rag.chunking import ChunkingOptions, chunk_document
from rag.cleaning import clean_pages
from rag.errors import DocumentError
from rag.language import detect_language
from rag.manifest import slug
from rag.models import Chunk, DocumentMeta
from rag.readers import MAX_DOCUMENT_CHARS, MAX_DOCUMENT_PAGES, pdf_title, read_document
from rag.structure import is_heading

_MIN_WORDS = 5


def prepare_document(
    path: Path,
    meta: DocumentMeta | None,
    options: ChunkingOptions,
    taken_ids: set[str],
    max_pages: int = MAX_DOCUMENT_PAGES,
    max_chars: int = MAX_DOCUMENT_CHARS,
) -> tuple[DocumentMeta, list[Chunk], int | None]:
    """The document's metadata (manifest or derived), its chunks and its page count; the
    reader stops at the first page or character over the caps (`DocumentError`)."""
    pages = read_document(path, max_pages=max_pages, max_chars=max_chars)
    cao = meta is not None and meta.kind == CAO_KIND  # laid out and chunked by its articles
    doc = clean_pages(pages, layout_cao_page if cao else None)
    if len(doc.text.split()) < _MIN_WORDS:
        raise DocumentError(path.name, "no readable text after cleaning")
    derived = _derived_meta(path, doc.text, taken_ids)
    meta = meta or derived
    if not meta.title:
        meta = meta.model_copy(update={"title": derived.title})
    if not meta.language:
        meta = meta.model_copy(update={"language": detect_language(doc.text[:5000])})
    chunks = (chunk_cao if cao else chunk_document)(doc, meta, options)
    page_count = pages[-1].page if pages and pages[-1].page is not None else None
    return meta, chunks, page_count


def _derived_meta(path: Path, text: str, taken_ids: set[str]) -> DocumentMeta:
    """Metadata for a document without a manifest entry: id from the name, title from the file."""
    title = (pdf_title(path) if path.suffix.lower() == ".pdf" else None) or _first_heading(text)
    doc_id, n = slug(path.name), 2
    while f"{doc_id}" in taken_ids:
        doc_id, n = f"{slug(path.name)}-{n}", n + 1
    return DocumentMeta(id=doc_id, title=title or path.stem)


def _first_heading(text: str) -> str | None:
    for line in text.split("\n")[:5]:
        if is_heading(line):
            return line.strip()
    return None
