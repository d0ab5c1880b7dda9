"""The app factory: a lifespan that owns the Meilisearch client, one error handler, routers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.middleware.cors import CORSMiddleware

from api import webhooks
from api.auth import AuthMiddleware
from api.errors import QawlError, translate
from api.graphql import router as graphql_router
from api.graphql.schema import build_schema
from api.logging import configure_logging
from api.metrics import RequestMiddleware, add_meili_time
from api.responses import OrjsonResponse
from api.rest import claims, health, pages
from api.rest import similar as similar_rest
from api.search.service import SearchService
from api.settings import ApiSettings
from api.webhooks import webhook_runtime
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliError

log = logging.getLogger("qawl.api")


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        admin = MeiliClient(settings.meili_url, settings.meili_master_key or None)
        # reads go through a search-only key; the master key stays server-side (admin calls only)
        read_key = None
        if settings.meili_master_key:
            try:
                read_key = await admin.search_key()
            except MeiliError as exc:
                log.warning("no search-only key from Meilisearch yet: %s", exc)
        reader = MeiliClient(settings.meili_url, read_key) if read_key else admin
        admin.on_round_trip = reader.on_round_trip = add_meili_time  # meili_ms of each request
        app.state.meili = admin
        app.state.search = SearchService(
            reader, settings.claims_index, settings.articles_index, settings.max_first, settings_client=admin
        )
        for uid in (settings.claims_index, settings.articles_index):
            await app.state.search.index_info(uid)
        # what exists after startup (schema, settings, caches) lives as long as the process: keep it
        # out of the cyclic collector's generations, so that its pauses stay short under load
        gc.collect()
        gc.freeze()
        try:
            async with webhook_runtime(app, settings):  # queue + in-process webhook worker
                yield
        finally:
            gc.unfreeze()  # an app stopped inside a longer-lived process (tests) can be collected
            if reader is not admin:
                await reader.aclose()
            await admin.aclose()

    app = FastAPI(
        title="qawl",
        description="Arabic news claims: search, filter, facet, similar claims, webhooks.",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=OrjsonResponse,
    )
    app.state.settings = settings

    @app.exception_handler(QawlError)
    async def qawl_error(_: Request, exc: QawlError) -> Response:
        return OrjsonResponse(exc.to_json(), status_code=exc.status_code)

    @app.exception_handler(MeiliError)
    async def meili_error(_: Request, exc: MeiliError) -> Response:
        err = translate(exc)
        return OrjsonResponse(err.to_json(), status_code=err.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return OrjsonResponse(
            {"error": {"code": "BAD_USER_INPUT", "message": "invalid request", "details": details}}, status_code=422
        )

    # pure ASGI middleware, outermost last: CORS (answers preflights, decorates 401/429 too),
    # request id + metrics + access log + error masking, then API keys and rate limits
    app.add_middleware(AuthMiddleware, settings=settings)
    app.add_middleware(RequestMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
            expose_headers=["X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
            max_age=600,
        )
    configure_logging(settings.log_level)

    schema = build_schema(settings)

    graphql_router.install(app, schema, settings.graphiql_enabled)
    app.include_router(health.router)
    app.include_router(claims.router)
    app.include_router(similar_rest.router)
    app.include_router(webhooks.router)
    pages.install(app, settings)
    return app
