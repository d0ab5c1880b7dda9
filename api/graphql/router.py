"""The GraphQL HTTP router: strawberry's FastAPI router, reading and answering JSON with orjson."""

from __future__ import annotations

import orjson
from strawberry.fastapi import GraphQLRouter


class QawlGraphQLRouter(GraphQLRouter):
    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)
