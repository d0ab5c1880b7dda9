"""The one schema extension around every GraphQL operation.

strawberry builds a context manager per extension and per stage (operation, parsing, validation,
execution) on every request; with six extensions that machinery cost more than running a small
query (~0.1 ms per request in process). One extension does it all, in this order:

* limits: the parser's token limit, and the depth/alias (and, in production, no-introspection)
  validation rules - what strawberry's ``MaxTokensLimiter`` and ``AddValidationRules`` set;
* parsing through a process-wide LRU cache keyed by the query text (as strawberry's
  ``ParserCache``: the same text gives the same ``DocumentNode``, which the identity-keyed caches
  downstream rely on);
* validation results kept per document object (``api.graphql.validation_cache``);
* after the operation: metrics (``record_operation``), then error shaping (``shape_errors``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from functools import lru_cache

from graphql import ASTValidationRule, parse
from strawberry.extensions import SchemaExtension

from api.graphql.errors import record_operation, shape_errors
from api.graphql.validation_cache import validate_cached

PARSED_DOCUMENTS = 512
_parse = lru_cache(maxsize=PARSED_DOCUMENTS)(parse)


class OperationExtension(SchemaExtension):
    def __init__(self, rules: Sequence[type[ASTValidationRule]], max_tokens: int) -> None:
        self.rules = tuple(rules)
        self.max_tokens = max_tokens

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.parse_options["max_tokens"] = self.max_tokens
        ctx.validation_rules = ctx.validation_rules + self.rules
        start = time.perf_counter()
        yield
        record_operation(ctx, time.perf_counter() - start)
        shape_errors(ctx)

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is None and ctx.query:
            ctx.graphql_document = _parse(ctx.query, **ctx.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        validate_cached(self.execution_context)
        yield
