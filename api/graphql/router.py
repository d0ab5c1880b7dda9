"""The GraphQL HTTP endpoint: strawberry's ASGI view, reading and answering JSON with orjson.

It is mounted as a plain route of the app (``install``), not through strawberry's FastAPI router:
that router is a FastAPI endpoint whose context and root value are FastAPI dependencies, solved
on every request (~0.2 ms of the ~2 ms a claims search costs the API in process). The ASGI view
runs the same strawberry HTTP handling (GET/POST, GraphiQL) behind the same middleware; the
requests it rejects before any GraphQL runs (a body that is not JSON, no query, an unsupported
content type) get qawl's JSON error body instead of strawberry's plain text.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL

from api.errors import (
    BadUserInput,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    QawlError,
    UnsupportedMediaType,
)
from api.graphql.context import Context
from api.responses import OrjsonResponse

_REJECTIONS: dict[int, type[QawlError]] = {
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
}


class QawlGraphQLView(GraphQL[Context, None]):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except Exception as exc:
            # strawberry's HTTP rejection (its class moved between strawberry versions): a status
            # and a reason
            status, reason = getattr(exc, "status_code", None), getattr(exc, "reason", None)
            if not (isinstance(status, int) and 400 <= status < 500 and isinstance(reason, str)):
                raise
            error = _REJECTIONS.get(status, BadUserInput)(reason)
            response = OrjsonResponse(error.to_json(), status_code=status)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(request.app.state.search, getattr(request.state, "request_id", "-"))


def install(app: FastAPI, schema: Schema, graphiql: bool) -> None:
    view = QawlGraphQLView(schema, graphql_ide="graphiql" if graphiql else None)
    app.router.routes.append(Route("/graphql", view, methods=["GET", "POST"], include_in_schema=False))
