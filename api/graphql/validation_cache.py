"""Validation results cached per parsed document.

strawberry's ``ValidationCache`` is an ``lru_cache`` over ``(schema, document, rules)``: every
lookup hashes the document, and a graphql-core AST hashes recursively over all its nodes (~0.1 ms
per request). Here the results are kept by the document's identity (``IdentityCache``): the parser
cache hands out the same ``DocumentNode`` for the same query text.
"""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, GraphQLError
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from api.graphql.identity_cache import IdentityCache

# document -> {(schema, rules): errors}
_results: IdentityCache[DocumentNode, dict[tuple[Any, tuple[type, ...]], list[GraphQLError]]] = IdentityCache()


def _by_document(document: DocumentNode) -> dict[tuple[Any, tuple[type, ...]], list[GraphQLError]]:
    return _results.get(document, dict)


def validate_cached(ctx: ExecutionContext) -> None:
    """``ctx.pre_execution_errors``: the validation errors of its document under its rules, from
    the cache (validated on the first sight of the document object)."""
    document = ctx.graphql_document
    if document is None:
        return
    schema, rules = ctx.schema._schema, tuple(ctx.validation_rules)
    cached = _by_document(document)
    errors = cached.get((schema, rules))
    if errors is None:
        errors = cached[(schema, rules)] = validate_document(schema, document, rules)
    ctx.pre_execution_errors = errors
