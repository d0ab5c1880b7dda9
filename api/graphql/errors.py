"""GraphQL error shaping: qawl errors carry their code; anything else is masked and logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.errors import QawlError

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
                shaped.append(GraphQLError(original.message, nodes=error.nodes, source=error.source,
                                           positions=error.positions, path=error.path,
                                           extensions={"code": original.code, **original.extra}))
            elif original is None:  # a validation/parse error: the client's fault
                ext = dict(error.extensions or {})
                ext.setdefault("code", "BAD_USER_INPUT")
                shaped.append(GraphQLError(error.message, nodes=error.nodes, source=error.source,
                                           positions=error.positions, path=error.path, extensions=ext))
            else:
                log.error("unexpected error in GraphQL resolver", exc_info=original,
                          extra={"request_id": request_id})
                shaped.append(GraphQLError("Internal server error", nodes=error.nodes, path=error.path,
                                           extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}))
        result.errors = shaped
