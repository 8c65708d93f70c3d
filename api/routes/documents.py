"""`/api/documents`: list, show, upload (multipart) and delete documents."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from api.access import require_read, require_write
from api.routes import service_of
from api.schemas import Deleted, DocumentDetail, DocumentSummary, ErrorBody
from rag.errors import DocumentError

router = APIRouter(prefix="/api/documents", tags=["documenten"])
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "API key missing or wrong"},
    403: {
        "model": ErrorBody,
        "description": "No API key configured and not from loopback, or sent by a page of "
        "another site",
    },
}
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "SECTORWIJZER_READ_KEY is set and not sent"},
}
UPLOAD_ENCODING = {"file": {"contentType": "application/pdf, text/plain, text/markdown"}}


@router.get(
    "",
    response_model=list[DocumentSummary],
    dependencies=[Depends(require_read)],
    responses=READ_ERRORS,
)
def list_documents(request: Request) -> list[DocumentSummary]:
    """Every loaded document, sorted by title."""
    return [DocumentSummary.of(info) for info in service_of(request).documents()]


@router.get(
    "/{doc_id}",
    response_model=DocumentDetail,
    dependencies=[Depends(require_read)],
    responses={**READ_ERRORS, 404: {"model": ErrorBody}},
)
def get_document(doc_id: str, request: Request) -> DocumentDetail:
    """One loaded document."""
    return DocumentDetail.of(service_of(request).document(doc_id))


@router.post(
    "",
    status_code=201,
    response_model=DocumentDetail,
    dependencies=[Depends(require_write)],
    responses={
        **WRITE_ERRORS,
        409: {"model": ErrorBody, "description": "Already loaded (same content or file name)"},
        413: {"model": ErrorBody, "description": "Larger than SECTORWIJZER_MAX_UPLOAD_BYTES"},
        415: {"model": ErrorBody, "description": "Not a PDF, .txt or .md file (by content)"},
        422: {"model": ErrorBody, "description": "Unreadable, empty or text-less file"},
    },
    openapi_extra={
        "requestBody": {"content": {"multipart/form-data": {"encoding": UPLOAD_ENCODING}}}
    },
)
def upload_document(
    request: Request,
    file: Annotated[UploadFile, File(description="PDF, .txt or .md")],
    title: Annotated[str | None, Form()] = None,
    organisations: Annotated[
        list[str] | None, Form(description="Repeat the field or separate names with commas")
    ] = None,
    year: Annotated[int | None, Form()] = None,
    kind: Annotated[str | None, Form()] = None,
    language: Annotated[str | None, Form()] = None,
    source: Annotated[str | None, Form()] = None,
) -> DocumentDetail:
    """Upload a document, index it, and return it (with its page and chunk counts).

    The type is decided by the content: a PDF body is read as PDF whatever its name, and a
    `.pdf` name with another body is refused (415). The name is shortened and cleaned."""
    name = file.filename or "document.txt"
    most = service_of(request).settings.max_upload_bytes
    data = file.file.read(most + 1)
    if len(data) > most:
        raise DocumentError(name, f"the file is larger than {most // 2**20} MB")
    meta = {
        "title": title,
        "organisations": split_names(organisations),
        "year": year,
        "kind": kind,
        "language": language,
        "source": source,
    }
    return DocumentDetail.of(service_of(request).add_document(name, data, meta))


@router.delete(
    "/{doc_id}",
    response_model=Deleted,
    dependencies=[Depends(require_write)],
    responses={**WRITE_ERRORS, 404: {"model": ErrorBody}},
)
def delete_document(doc_id: str, request: Request) -> Deleted:
    """Remove a document from the index (an uploaded file is deleted too)."""
    service_of(request).remove_document(doc_id)
    return Deleted(id=doc_id)


def split_names(values: list[str] | None) -> list[str]:
    """Organisation names from repeated fields and/or comma-separated lists."""
    return [name.strip() for value in values or [] for name in value.split(",") if name.strip()]
