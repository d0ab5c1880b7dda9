"""GraphQL error shaping: qawl errors carry their code; anything else is masked and logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.errors import QawlError
from api.metrics import GRAPHQL_LATENCY, GRAPHQL_OPERATIONS, operation_label

log = logging.getLogger("qawl.graphql")


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not result or not getattr(result, "errors", None):
            return
        request_id = getattr(self.execution_context.context, "request_id", "-")
        shaped: list[GraphQLError] = []
        for error in result.errors or []:
            original = error.original_error
            if isinstance(original, QawlError):
                shaped.append(
                    GraphQLError(
                        original.message,
                        nodes=error.nodes,
                        source=error.source,
                        positions=error.positions,
                        path=error.path,
                        extensions={"code": original.code, **original.extra},
                    )
                )
            elif original is None:  # a validation/parse error: the client's fault
                ext = dict(error.extensions or {})
                ext.setdefault("code", "BAD_USER_INPUT")
                shaped.append(
                    GraphQLError(
                        error.message,
                        nodes=error.nodes,
                        source=error.source,
                        positions=error.positions,
                        path=error.path,
                        extensions=ext,
                    )
                )
            else:
                log.error(
                    "unexpected error in GraphQL resolver",
                    exc_info=original,
                    extra={"request_id": request_id},
                )
                shaped.append(
                    GraphQLError(
                        "Internal server error",
                        nodes=error.nodes,
                        path=error.path,
                        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                    )
                )
        result.errors = shaped


class OperationMetrics(SchemaExtension):
    """Latency and outcome of each GraphQL operation, by (bounded) operation name."""

    def on_operation(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        ctx = self.execution_context
        name = operation_label(ctx.operation_name)
        GRAPHQL_LATENCY.labels(name).observe(time.perf_counter() - start)
        errors = getattr(ctx.result, "errors", None) if ctx.result else None
        GRAPHQL_OPERATIONS.labels(
            name, "error" if errors or getattr(ctx, "pre_execution_errors", None) else "ok"
        ).inc()
