"""GraphQL error shaping (qawl errors carry their code; anything else is masked and logged) and
operation metrics; run by ``api.graphql.operation.OperationExtension`` after each operation."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.types import ExecutionContext

from api.errors import QawlError
from api.metrics import GRAPHQL_LATENCY, GRAPHQL_OPERATIONS, operation_label

log = logging.getLogger("qawl.graphql")


def shape_errors(ctx: ExecutionContext) -> None:
    """The result's errors as clients get them: a qawl error's code and extras, BAD_USER_INPUT for
    parse and validation errors, INTERNAL_SERVER_ERROR (logged, masked) for anything else."""
    result = ctx.result
    if not result or not getattr(result, "errors", None):
        return
    request_id = getattr(ctx.context, "request_id", "-")
    shaped: list[GraphQLError] = []
    for error in result.errors or []:
        original = error.original_error
        if isinstance(original, QawlError):
            shaped.append(_reworded(error, original.message, {"code": original.code, **original.extra}))
        elif original is None:  # a validation/parse error: the client's fault
            ext = dict(error.extensions or {})
            ext.setdefault("code", "BAD_USER_INPUT")
            shaped.append(_reworded(error, error.message, ext))
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


def _reworded(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    """``error`` (same place in the document and the result) with another message and extensions."""
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def record_operation(ctx: ExecutionContext, seconds: float) -> None:
    """Latency and outcome of a GraphQL operation, by (bounded) operation name."""
    name = operation_label(ctx.operation_name)
    GRAPHQL_LATENCY.labels(name).observe(seconds)
    errors = getattr(ctx.result, "errors", None) if ctx.result else None
    GRAPHQL_OPERATIONS.labels(
        name, "error" if errors or getattr(ctx, "pre_execution_errors", None) else "ok"
    ).inc()
