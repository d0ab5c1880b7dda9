"""The API with graphql-core's stock execution instead of qawl's fast paths, for A/B measurements.

    qawl bench search --app bench.patched_app:create_app ...

Everything else is the production app (``api.app:create_app``); only the GraphQL schema is built
with strawberry's default execution context instead of ``api.graphql.execution.FastExecutionContext``,
so the difference between two runs is what the fast paths save. Run from the repository root
(uvicorn imports it by name). Not production code.
"""

from __future__ import annotations

from fastapi import FastAPI
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import api.app
import api.graphql.schema
from api.settings import ApiSettings


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    fast = api.graphql.schema.FastExecutionContext
    api.graphql.schema.FastExecutionContext = StrawberryGraphQLCoreExecutionContext  # type: ignore[assignment,misc]
    try:
        return api.app.create_app(settings)  # the schema is built here
    finally:
        api.graphql.schema.FastExecutionContext = fast  # type: ignore[misc]
