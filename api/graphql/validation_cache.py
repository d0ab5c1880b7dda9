"""Validation results cached per parsed document.

strawberry's ``ValidationCache`` is an ``lru_cache`` over ``(schema, document, rules)``: every
lookup hashes the document, and a graphql-core AST hashes recursively over all its nodes (~150
for a claims search with facets, ~0.1 ms per request). ``ParserCache`` hands out the same
``DocumentNode`` object for the same query text, so here the document's identity is the key; an
entry goes when its document is collected (after it left the parser's cache).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

# id(document) -> (document, {(schema, rules): errors}); the weak reference tells a live entry
# from a recycled id
_Entry = tuple["weakref.ref[DocumentNode]", dict[tuple[Any, tuple[type, ...]], list[GraphQLError]]]
_results: dict[int, _Entry] = {}


def _by_document(document: DocumentNode) -> dict[tuple[Any, tuple[type, ...]], list[GraphQLError]]:
    key = id(document)
    entry = _results.get(key)
    if entry is None or entry[0]() is not document:
        entry = _results[key] = (weakref.ref(document), {})
        weakref.finalize(document, _forget, key, entry[0])
    return entry[1]


def _forget(key: int, ref: weakref.ref[DocumentNode]) -> None:
    entry = _results.get(key)
    if entry is not None and entry[0] is ref:
        del _results[key]


class DocumentValidationCache(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None:
            schema, rules = ctx.schema._schema, tuple(ctx.validation_rules)
            cached = _by_document(document)
            errors = cached.get((schema, rules))
            if errors is None:
                errors = cached[(schema, rules)] = validate_document(schema, document, rules)
            ctx.pre_execution_errors = errors
        yield
