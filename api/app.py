"""The app factory: a lifespan that owns the Meilisearch client, one error handler, routers."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import ORJSONResponse
from strawberry.fastapi import GraphQLRouter

from api.errors import QawlError, translate
from api.graphql.context import Context
from api.graphql.schema import build_schema
from api.rest import claims, health
from api.search.service import SearchService
from api.settings import ApiSettings
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliError

log = logging.getLogger("qawl.api")


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        admin = MeiliClient(settings.meili_url, settings.meili_master_key or None)
        # reads go through a search-only key when one exists; the master key stays server-side
        read_key = await admin.search_key() if settings.meili_master_key else None
        reader = MeiliClient(settings.meili_url, read_key) if read_key else admin
        app.state.meili = admin
        app.state.search = SearchService(reader, settings.claims_index, settings.articles_index, settings.max_first)
        try:
            yield
        finally:
            if reader is not admin:
                await reader.aclose()
            await admin.aclose()

    app = FastAPI(
        title="qawl",
        description="Arabic news claims: search, filter, facet, similar claims, webhooks.",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=ORJSONResponse,
    )
    app.state.settings = settings

    @app.exception_handler(QawlError)
    async def qawl_error(_: Request, exc: QawlError) -> Response:
        return ORJSONResponse(exc.to_json(), status_code=exc.status_code)

    @app.exception_handler(MeiliError)
    async def meili_error(_: Request, exc: MeiliError) -> Response:
        err = translate(exc)
        return ORJSONResponse(err.to_json(), status_code=err.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return ORJSONResponse({"error": {"code": "BAD_USER_INPUT", "message": "invalid request", "details": details}}, status_code=422)

    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        request.state.request_id = rid
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["x-request-id"] = rid
        log.debug("request", extra={"request_id": rid, "path": request.url.path, "ms": (time.perf_counter() - start) * 1000})
        return response

    schema = build_schema(settings)

    async def get_context(request: Request) -> Context:
        return Context(request.app.state.search, getattr(request.state, "request_id", "-"))

    graphql = GraphQLRouter(schema, context_getter=get_context, graphql_ide="graphiql" if settings.graphiql_enabled else None)
    app.include_router(graphql, prefix="/graphql")
    app.include_router(health.router)
    app.include_router(claims.router)
    return app
