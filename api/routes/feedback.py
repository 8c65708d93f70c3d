"""`POST /api/feedback` (thumbs up/down) and `GET /api/feedback/export` (JSON Lines)."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from api.access import require_read, require_write
from api.routes import service_of
from api.routes.documents import WRITE_ERRORS
from api.schemas import ErrorBody, FeedbackIn, FeedbackSaved
from rag.feedback import FeedbackRecord

router = APIRouter(prefix="/api/feedback", tags=["feedback"])


class NDJSONResponse(PlainTextResponse):
    """JSON Lines."""

    media_type = "application/x-ndjson"


@router.post(
    "",
    status_code=201,
    response_model=FeedbackSaved,
    dependencies=[Depends(require_read)],
    responses={
        401: {"model": ErrorBody, "description": "SECTORWIJZER_READ_KEY is set and not sent"},
        403: {"model": ErrorBody, "description": "Sent by a page of another site"},
        413: {"model": ErrorBody, "description": "Larger than SECTORWIJZER_MAX_FEEDBACK_BYTES"},
        422: {"model": ErrorBody, "description": "Malformed or too long record"},
    },
)
def add_feedback(body: FeedbackIn, request: Request) -> FeedbackSaved:
    """Store a rating of an answer with its question, text and citations."""
    service = service_of(request)
    record = FeedbackRecord.for_answer(
        body.rating, body.question, body.answer, body.comment, source="api"
    )
    return FeedbackSaved(id=service.feedback.add(record))


@router.get(
    "/export",
    response_class=NDJSONResponse,
    dependencies=[Depends(require_write)],
    responses={
        200: {
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            "description": "One JSON record per line",
        },
        **WRITE_ERRORS,
    },
)
def export_feedback(request: Request) -> NDJSONResponse:
    """All feedback as JSON Lines, oldest first (same access rule as writes)."""
    service = service_of(request)
    return NDJSONResponse(
        service.feedback.export_jsonl(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="feedback.jsonl"'},
    )
