"""`POST /api/feedback` (thumbs up/down) and `GET /api/feedback/export` (JSON Lines)."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from api.access import require_write
from api.routes import service_of
from api.routes.documents import WRITE_ERRORS
from api.schemas import FeedbackIn, FeedbackSaved
from rag.feedback import FeedbackRecord

router = APIRouter(prefix="/api/feedback", tags=["feedback"])


@router.post("", status_code=201, response_model=FeedbackSaved)
def add_feedback(body: FeedbackIn, request: Request) -> FeedbackSaved:
    """Store a rating of an answer with its question, text and citations."""
    service = service_of(request)
    record = FeedbackRecord.for_answer(
        body.rating, body.question, body.answer, body.comment, source="api"
    )
    return FeedbackSaved(id=service.feedback.add(record))


@router.get(
    "/export",
    response_class=PlainTextResponse,
    dependencies=[Depends(require_write)],
    responses={200: {"content": {"application/x-ndjson": {}}}, **WRITE_ERRORS},
)
def export_feedback(request: Request) -> PlainTextResponse:
    """All feedback as JSON Lines, oldest first (same access rule as writes)."""
    service = service_of(request)
    return PlainTextResponse(
        service.feedback.export_jsonl(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="feedback.jsonl"'},
    )
