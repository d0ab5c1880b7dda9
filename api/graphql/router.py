"""The GraphQL HTTP router: strawberry's FastAPI router, answering with orjson."""

from __future__ import annotations

import orjson
from strawberry.fastapi import GraphQLRouter


class QawlGraphQLRouter(GraphQLRouter):
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)
