"""The GraphQL HTTP endpoint: strawberry's ASGI view, reading and answering JSON with orjson.

It is mounted as a plain route of the app (``install``), not through strawberry's FastAPI router:
that router is a FastAPI endpoint whose context and root value are FastAPI dependencies, solved
on every request (~0.2 ms of the ~2 ms a claims search costs the API in process). The ASGI view
runs the same strawberry HTTP handling (GET/POST, GraphiQL, errors) behind the same middleware.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI
from starlette.requests import Request
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL

from api.graphql.context import Context


class QawlGraphQLView(GraphQL[Context, None]):
    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(request.app.state.search, getattr(request.state, "request_id", "-"))


def install(app: FastAPI, schema: Schema, graphiql: bool) -> None:
    view = QawlGraphQLView(schema, graphql_ide="graphiql" if graphiql else None)
    app.router.routes.append(Route("/graphql", view, methods=["GET", "POST"], include_in_schema=False))
