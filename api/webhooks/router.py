"""``POST /v1/webhooks/articles``, ``GET /v1/jobs/{id}``, ``POST /v1/admin/reindex``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request

from api.errors import (
    BadUserInput,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthenticated,
    UnprocessableInput,
    UnsupportedMediaType,
)
from api.responses import OrjsonResponse
from api.settings import ApiSettings, hash_key
from api.webhooks.adapters import EventError, parse_event
from api.webhooks.runtime import WebhookRuntime, get_runtime
from api.webhooks.verification import SignatureError, verify
from indexer.cms import InvalidArticle
from indexer.reindex import ReindexBusy

MAX_BODY_BYTES = 2 * 1024 * 1024

router = APIRouter(prefix="/v1", tags=["webhooks"])


def _json_type(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the webhook body is larger than {MAX_BODY_BYTES} bytes (2 MB)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"the webhook body is larger than {MAX_BODY_BYTES} bytes (2 MB)")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/webhooks/articles",
    status_code=202,
    responses={400: {}, 401: {}, 413: {}, 415: {}, 422: {}},
    summary="Receive a signed article event (Standard Webhooks)",
)
async def receive_article_event(
    request: Request,
    runtime: Annotated[WebhookRuntime, Depends(get_runtime)],
    event: Annotated[
        str | None, Query(max_length=64, description="event name when the body has none (Ghost)")
    ] = None,
) -> OrjsonResponse:
    """Verify, persist to the durable queue, answer 202 ``{"job_id"}``; a worker does the rest."""
    if not _json_type(request.headers.get("content-type", "")):
        raise UnsupportedMediaType("webhook bodies must be sent as Content-Type: application/json")
    body = await _read_capped(request)
    try:
        webhook_id, timestamp = verify(request.headers, body, runtime.keys)
    except SignatureError as exc:
        raise Unauthenticated(str(exc)) from exc
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadUserInput(f"the webhook body is not valid JSON: {exc}") from exc
    try:
        queued = parse_event(payload, timestamp, event or request.headers.get("x-ghost-event"))
    except (InvalidArticle, EventError) as exc:
        raise UnprocessableInput(str(exc)) from exc
    job_id, created = await asyncio.to_thread(
        runtime.queue.enqueue,
        queued.kind,
        queued.payload,
        webhook_id=webhook_id,
        article_id=queued.article_id,
        version=queued.version,
    )
    if created:
        runtime.notify()
    return OrjsonResponse({"job_id": job_id, "duplicate": not created}, status_code=202)


@router.get("/jobs/{job_id}", responses={404: {}}, summary="State of a webhook or re-index job")
async def get_job(
    job_id: str, runtime: Annotated[WebhookRuntime, Depends(get_runtime)]
) -> OrjsonResponse:
    job = await asyncio.to_thread(runtime.queue.get, job_id) if len(job_id) <= 64 else None
    if job is None:
        raise NotFound(f"no job {job_id!r}")
    return OrjsonResponse(job.public())


def require_admin(request: Request) -> None:
    """The admin scope when ``QAWL_API_KEYS`` is set (anyone in development without keys)."""
    settings: ApiSettings = request.app.state.settings
    if not settings.api_keys:
        if settings.development:
            return
        raise Unauthenticated("no API keys are configured (QAWL_API_KEYS): admin routes are closed")
    scope = getattr(request.state, "api_scope", None)  # set by api.auth when it runs
    if scope is None:
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise Unauthenticated("an admin API key is required: Authorization: Bearer <key>")
        scope = settings.api_keys.get(hash_key(token.strip()))
        if scope is None:
            raise Unauthenticated("unknown API key")
    if scope != "admin":
        raise Forbidden("this API key has the read scope; admin is required")


@router.post(
    "/admin/reindex",
    status_code=202,
    responses={401: {}, 403: {}, 409: {}},
    dependencies=[Depends(require_admin)],
    summary="Rebuild the indexes from the stored articles and swap them in",
)
async def admin_reindex(runtime: Annotated[WebhookRuntime, Depends(get_runtime)]) -> OrjsonResponse:
    try:
        job_id = runtime.start_reindex()
    except ReindexBusy as exc:
        raise Conflict(str(exc)) from exc
    return OrjsonResponse({"job_id": job_id}, status_code=202)
