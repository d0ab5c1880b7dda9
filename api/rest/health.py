"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import get_search
from api.responses import OrjsonResponse
from api.search.service import SearchService

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Meilisearch unreachable or indexes missing"}})
async def readyz(search: SearchService = Depends(get_search)) -> Response:
    ok, reason = await search.ready()
    return OrjsonResponse(
        {"status": "ready" if ok else "unavailable", "reason": reason}, status_code=200 if ok else 503
    )


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
