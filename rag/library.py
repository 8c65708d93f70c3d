"""Adding and removing single documents (uploads), on top of the incremental ingest.

The callers (see `rag.assistant`) hold the data directory's writer lock throughout: a write
that fails leaves no trace, a removal is all or nothing, and files that cannot be indexed are
set aside in `<data>/rejected/` with the reason, never left to block later writes.
"""

import hashlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.errors import (
    DocumentError,
    DocumentNotFoundError,
    DuplicateDocumentError,
    UnsupportedFileError,
)
from rag.ingest import excluded_files, source_files, uploads_dir
from rag.manifest import load_manifest, save_uploads_manifest, slug
from rag.models import DocumentMeta
from rag.readers import SUPPORTED_SUFFIXES

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
    if len(data) > settings.max_upload_bytes:
        limit = settings.max_upload_bytes / 2**20
        raise DocumentError(name, f"the file is larger than {limit:g} MB")
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
    _write_atomically(target, data)
    return target


def discard_upload(settings: Settings, path: Path) -> None:
    """Remove an upload that failed to ingest, with its manifest entry."""
    folder = uploads_dir(settings)
    entries = load_manifest(folder)
    entries.pop(path.name, None)
    save_uploads_manifest(folder, entries)
    path.unlink(missing_ok=True)


REMOVING = ".removing"  # an upload being removed; not a supported suffix, so not ingested
_PARTIAL = ".partial"  # an upload being written


@dataclass
class Removal:
    """A removal in progress: the document is already out of the next build's sources.

    `commit` once the generation without it is live; `rollback` on any failure."""

    settings: Settings
    file: str
    upload: Path | None  # the renamed upload, or None for a corpus file
    excluded_before: set[str] = field(default_factory=set)

    def commit(self) -> None:
        if self.upload is not None:
            discard_upload(self.settings, self.upload.with_name(self.file))
            self.upload.unlink(missing_ok=True)

    def rollback(self) -> None:
        if self.upload is not None:
            if self.upload.exists():
                os.replace(self.upload, self.upload.with_name(self.file))
        else:
            _write_excluded(self.settings, self.excluded_before)


def begin_removal(settings: Settings, doc_id: str, documents: dict[str, dict[str, Any]]) -> Removal:
    """Take a document out of the sources of the next build, reversibly.

    An upload is renamed to `<name>.removing` (deleted on commit); a corpus file is added to
    `excluded.json` (the shipped file itself stays)."""
    info = documents.get(doc_id)
    if info is None:
        raise DocumentNotFoundError(f"unknown document '{doc_id}'")
    upload = uploads_dir(settings) / info["file"]
    if info.get("folder") == upload.parent.name and upload.exists():
        moved = upload.with_name(upload.name + REMOVING)
        os.replace(upload, moved)
        return Removal(settings, upload.name, moved)
    before = excluded_files(settings)
    _write_excluded(settings, before | {info["file"]})
    return Removal(settings, info["file"], None, before)


def remove_document(settings: Settings, doc_id: str, documents: dict[str, dict[str, Any]]) -> None:
    """Delete an uploaded file, or exclude a corpus file, at once (no rollback)."""
    begin_removal(settings, doc_id, documents).commit()


def set_aside(settings: Settings, path: Path, reason: str) -> Path:
    """Move an upload that cannot be indexed to `<data>/rejected/`, with a note of the reason
    and its metadata, and drop it from the uploads manifest; returns its new path."""
    folder = settings.data_dir / "rejected"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = folder / f"{stamp}-{uuid.uuid4().hex[:6]}-{path.name}"
    entries = load_manifest(path.parent)
    meta = entries.pop(path.name, None)
    note: dict[str, Any] = {"file": path.name, "reason": reason, "at": stamp}
    note["metadata"] = meta.model_dump() if meta is not None else None
    target.with_name(target.name + ".json").write_text(
        json.dumps(note, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    os.replace(path, target)
    save_uploads_manifest(path.parent, entries)
    return target


@dataclass
class Reconciliation:
    """What `reconcile` found and did, per upload file name."""

    set_aside: dict[str, str] = field(default_factory=dict)  # name -> reason
    restored: list[str] = field(default_factory=list)  # interrupted removals undone
    removed: list[str] = field(default_factory=list)  # published removals finished
    dropped_entries: list[str] = field(default_factory=list)  # manifest entries without file

    @property
    def changed(self) -> bool:
        return bool(self.set_aside or self.restored or self.removed or self.dropped_entries)


def reconcile(settings: Settings, documents: dict[str, dict[str, Any]]) -> Reconciliation:
    """Bring the uploads folder in line with the live index after an interruption (kill -9).

    `documents` is the live generation's state. Interrupted removals are finished or undone
    (whichever the live index says happened), partly written uploads are deleted, and upload
    files the index does not hold (the upload never returned) are set aside, so a retry of the
    same upload works and nothing is indexed that nobody was told about."""
    result = Reconciliation()
    folder = uploads_dir(settings)
    if not folder.is_dir():
        return result
    indexed = {info["file"] for info in documents.values() if info.get("folder") == folder.name}
    _finish_removals(settings, folder, indexed, result)
    for path in folder.glob(f"*{_PARTIAL}"):
        path.unlink(missing_ok=True)
    sources = {p.name: p for p in source_files(settings) if p.parent == folder}
    for name, path in sorted(sources.items()):
        if name not in indexed:
            reason = "interrupted upload (it was never indexed); upload it again"
            set_aside(settings, path, reason)
            result.set_aside[name] = reason
    entries = load_manifest(folder)
    stale = [name for name in entries if not (folder / name).exists()]
    if stale:
        save_uploads_manifest(folder, {k: v for k, v in entries.items() if k not in stale})
        result.dropped_entries = stale
    return result


def _finish_removals(
    settings: Settings, folder: Path, indexed: set[str], result: Reconciliation
) -> None:
    for moved in folder.glob(f"*{REMOVING}"):
        name = moved.name[: -len(REMOVING)]
        if name in indexed:  # the switch never happened: the document is still live
            os.replace(moved, folder / name)
            result.restored.append(name)
        else:  # the generation without it is live: finish the removal
            discard_upload(settings, folder / name)
            moved.unlink(missing_ok=True)
            result.removed.append(name)


def _write_excluded(settings: Settings, names: set[str]) -> None:
    path = settings.data_dir / "excluded.json"
    _write_atomically(path, json.dumps(sorted(names)).encode())


def _write_atomically(target: Path, data: bytes) -> None:
    """Write a file that is either absent or complete, even after kill -9."""
    tmp = target.with_name(target.name + _PARTIAL)
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)


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
