"""`GET /healthz` (the process is up) and `GET /readyz` (the index is loaded)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.errors import BUILDING_RETRY_AFTER
from api.messages import describe, language_of
from api.routes import service_of
from api.schemas import BuildProgressBody, Health, Readiness
from rag.errors import IndexBuildingError, IndexNotReadyError

router = APIRouter(tags=["status"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Always 200 while the process runs (answered on the event loop: no thread to wait for)."""
    return Health()


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request) -> Readiness | JSONResponse:
    """200 with document and chunk counts once the index is loaded, else 503; while the
    index is being built, with the build's progress and a `Retry-After` header."""
    service = service_of(request)
    try:
        return Readiness(**service.readiness())
    except IndexNotReadyError as exc:
        language = language_of(request.headers.get("accept-language"))
        message = service.build_error or describe(exc, language)
        if not isinstance(exc, IndexBuildingError):
            status = "failed" if service.build_error else "missing"
            return JSONResponse(Readiness(status=status, message=message).model_dump(), 503)
        progress = service.build_progress()
        body = Readiness(
            status="building",
            message=message,
            progress=BuildProgressBody(**progress) if progress else None,
        )
        headers = {"Retry-After": BUILDING_RETRY_AFTER}
        return JSONResponse(body.model_dump(), status_code=503, headers=headers)
