"""`POST /api/ask` and `POST /api/ask/stream`."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from api.access import require_read
from api.ask_queue import AskQueue
from api.routes import service_of
from api.schemas import AskRequest, ErrorBody
from api.streaming import stream_events
from rag.models import Answer, Turn

router = APIRouter(prefix="/api", tags=["vragen"], dependencies=[Depends(require_read)])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "SECTORWIJZER_READ_KEY is set and not sent"},
    403: {"model": ErrorBody, "description": "Sent by a page of another site"},
    413: {"model": ErrorBody, "description": "Too many or too long history turns, or body"},
    422: {"model": ErrorBody, "description": "Empty, blank, too long or malformed question"},
    429: {"model": ErrorBody, "description": "Too many questions from this client (Retry-After)"},
    503: {
        "model": ErrorBody,
        "description": "No index yet, still building, or too many questions queued (Retry-After)",
    },
}


@router.post("/ask", response_model=Answer, responses=ERRORS)
async def ask(body: AskRequest, request: Request) -> Answer:
    """Answer a question from the loaded documents, with citations.

    `answerable` is false when the documents hold no answer; `retrieved` lists the passages
    that were considered, best first.
    """
    return await _answer(body, request)


@router.post(
    "/ask/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`token` events (or, with an LLM, `draft` events), then `answer` "
            "(the full, verified answer), then `done`",
        },
        **ERRORS,
    },
)
async def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
    """The same answer as server-sent events, so a client can show the text as it comes.

    A question that cannot be answered at all (empty, too long, no index) gets a JSON error
    response instead of a stream.
    """
    # Retrieval (and any bad-input error) runs behind the bounded queue like `ask`; the
    # answer's events are then produced while the response is read.
    queue: AskQueue = request.app.state.ask_queue
    service = service_of(request)
    history = list[Turn](body.history)
    events = await queue.run(service.ask_stream, body.question, history, body.filters)
    return StreamingResponse(
        stream_events(events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _answer(body: AskRequest, request: Request) -> Answer:
    """The answer, computed in a question thread behind the bounded queue (`api.ask_queue`)."""
    queue: AskQueue = request.app.state.ask_queue
    service = service_of(request)
    return await queue.run(service.ask, body.question, list[Turn](body.history), body.filters)
