"""Adding and removing single documents (uploads), on top of the incremental ingest."""

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.errors import (
    DocumentError,
    DocumentNotFoundError,
    DuplicateDocumentError,
    UnsupportedFileError,
)
from rag.ingest import excluded_files, uploads_dir
from rag.manifest import load_manifest, save_uploads_manifest, slug
from rag.models import DocumentMeta
from rag.readers import SUPPORTED_SUFFIXES

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 200  # file systems allow 255 bytes; leave room for temporary suffixes
PDF_MAGIC = b"%PDF-"


def store_upload(
    settings: Settings,
    filename: str,
    data: bytes,
    documents: dict[str, dict[str, Any]],
    meta: dict[str, Any] | None = None,
) -> Path:
    """Check an upload and write it (and its metadata) to the uploads folder; returns the path."""
    name = upload_name(filename, data)
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileError(name, "unsupported file type; upload PDF, .txt or .md")
    if not data:
        raise DocumentError(name, "the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(name, f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
    digest = hashlib.sha256(data).hexdigest()
    for doc_id, info in documents.items():
        if info.get("sha256") == digest:
            raise DuplicateDocumentError(f"{name}: this document is already loaded as '{doc_id}'")
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    name = _beside_removed(settings, name)
    target = folder / name
    if target.exists() or (settings.corpus_dir / name).exists():
        raise DuplicateDocumentError(f"{name}: a document with this file name is already loaded")
    _write_meta(folder, name, meta or {}, set(documents))
    target.write_bytes(data)
    return target


def discard_upload(settings: Settings, path: Path) -> None:
    """Remove an upload that failed to ingest, with its manifest entry."""
    folder = uploads_dir(settings)
    entries = load_manifest(folder)
    entries.pop(path.name, None)
    save_uploads_manifest(folder, entries)
    path.unlink(missing_ok=True)


def remove_document(settings: Settings, doc_id: str, documents: dict[str, dict[str, Any]]) -> None:
    """Delete an uploaded file, or exclude a corpus file (the shipped file itself stays)."""
    info = documents.get(doc_id)
    if info is None:
        raise DocumentNotFoundError(f"unknown document '{doc_id}'")
    upload = uploads_dir(settings) / info["file"]
    if info.get("folder") == upload.parent.name and upload.exists():
        discard_upload(settings, upload)
        return
    excluded = excluded_files(settings) | {info["file"]}
    path = settings.data_dir / "excluded.json"
    path.write_text(json.dumps(sorted(excluded)), encoding="utf-8")


def safe_name(filename: str) -> str:
    """The file name without folders, NUL or odd characters, at most `MAX_NAME_CHARS` long.

    A shortened name keeps its suffix and gets a short hash of the full name, so two long
    names that start alike stay apart."""
    name = filename.replace("\\", "/").replace("\0", "_").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    if not name:
        return "document.txt"
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, dot, suffix = name, "", ""
    if len(name) <= MAX_NAME_CHARS and len(name.encode()) <= MAX_NAME_BYTES:
        return name
    tag = hashlib.sha256(filename.encode("utf-8", "replace")).hexdigest()[:8]
    room = MAX_NAME_CHARS - len(tag) - len(suffix) - 2
    stem = stem[:room].rstrip(" .")
    while len(f"{stem}-{tag}{dot}{suffix}".encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return f"{stem}-{tag}{dot}{suffix}"


def upload_name(filename: str, data: bytes) -> str:
    """`safe_name`, with the type decided by the content: a PDF body always gets `.pdf`, and a
    `.pdf` name whose body is no PDF is refused (`UnsupportedFileError`)."""
    name = safe_name(filename)
    is_pdf = PDF_MAGIC in data[:1024]
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    if is_pdf and suffix != ".pdf":
        return f"{stem if suffix else name}.pdf"
    if suffix == ".pdf" and data and not is_pdf:
        raise UnsupportedFileError(name, "the content is not a PDF")
    return name


def _beside_removed(settings: Settings, name: str) -> str:
    """`name`, or a free variant when a removed (excluded) corpus file holds that name.

    Re-uploading a shipped document after removing it must not clash with the excluded file
    (which stays in the corpus folder) nor inherit its exclusion."""
    if name not in excluded_files(settings):
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    taken = excluded_files(settings) | _names(settings.corpus_dir) | _names(uploads_dir(settings))
    n = 2
    while f"{stem}-{n}{suffix}" in taken:
        n += 1
    return f"{stem}-{n}{suffix}"


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _write_meta(folder: Path, name: str, meta: dict[str, Any], taken: set[str]) -> None:
    doc_id, n = slug(name), 2
    while doc_id in taken:
        doc_id, n = f"{slug(name)}-{n}", n + 1
    fields = {k: v for k, v in meta.items() if v not in (None, "", [])}
    entries = load_manifest(folder)
    entries[name] = DocumentMeta(**{"id": doc_id, "title": "", **fields})
    save_uploads_manifest(folder, entries)
