"""`POST /api/compare`: who says what on a topic ("Standpunten"), as JSON, Markdown or CSV."""

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.access import require_read
from api.ask_queue import AskQueue
from api.routes import service_of
from api.routes.ask import ERRORS
from api.schemas import CompareRequest
from rag.compare_export import MEDIA_TYPES, export, filename
from rag.positions import Comparison

router = APIRouter(prefix="/api", tags=["vragen"], dependencies=[Depends(require_read)])
EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/markdown": {}, "text/csv": {}},
        "description": "The comparison; `?format=markdown` or `csv` returns a briefing-note "
        "download (CSV columns: document, organisations, year, quote, page, section)",
    },
    **ERRORS,
}


@router.post("/compare", response_model=Comparison, responses=EXPORTS)
async def compare(
    body: CompareRequest,
    request: Request,
    format: Literal["json", "markdown", "csv"] = Query("json"),  # noqa: A002 - the API's word
) -> Comparison | Response:
    """Per document (newest first) the verbatim units that state a position on `topic`, with
    their citations, and the loaded documents that say nothing on it (`silent`)."""
    # Behind the same bounded queue and thread set as questions (`api.ask_queue`).
    queue: AskQueue = request.app.state.ask_queue
    comparison = await queue.run(service_of(request).compare, body.topic, body.filters)
    if format == "json":
        return comparison
    return Response(
        export(comparison, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename(comparison, format)}"'},
    )
