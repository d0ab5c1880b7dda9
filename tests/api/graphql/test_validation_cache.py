"""Validation results kept per parsed document (api/graphql/validation_cache.py)."""

from __future__ import annotations

import gc
from typing import Any

import pytest

import api.graphql.validation_cache as cache_module
from api.graphql.schema import build_schema
from api.settings import ApiSettings

VALID = "{ __typename }"  # valid, and runs no resolver
INVALID = "{ claims(first: 1) { noSuchField } }"
INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The documents strawberry's validate_document is actually run on."""
    seen: list[Any] = []
    real = cache_module.validate_document

    def counting(schema: Any, document: Any, rules: Any) -> Any:
        seen.append(document)
        return real(schema, document, rules)

    monkeypatch.setattr(cache_module, "validate_document", counting)
    return seen


def _errors(schema: Any, query: str) -> list[str]:
    result = schema.execute_sync(query)
    return [e.message for e in result.errors or []]


def test_each_document_is_validated_once_and_errors_are_kept(validations: list[Any]) -> None:
    schema = build_schema(ApiSettings(QAWL_INTROSPECTION=True))  # type: ignore[call-arg]
    first = _errors(schema, INVALID)
    assert first and "noSuchField" in first[0]
    assert _errors(schema, INVALID) == first  # the cached errors, reported again
    assert len(validations) == 1
    assert _errors(schema, VALID) == []  # another text: another document
    assert len(validations) == 2


def test_rules_and_schemas_are_part_of_the_key(validations: list[Any]) -> None:
    open_schema = build_schema(ApiSettings(QAWL_INTROSPECTION=True))  # type: ignore[call-arg]
    closed_schema = build_schema(ApiSettings(QAWL_INTROSPECTION=False))  # type: ignore[call-arg]
    assert _errors(open_schema, INTROSPECTION) == []
    closed = _errors(closed_schema, INTROSPECTION)  # the same document (parser cache), other rules
    assert closed and "introspection" in closed[0].lower()
    assert _errors(open_schema, INTROSPECTION) == []
    assert len(validations) == 2


def test_entries_leave_with_their_documents() -> None:
    document = cache_module.DocumentNode()
    cache_module._by_document(document)[("schema", ())] = []
    assert document in cache_module._results
    before = len(cache_module._results)
    del document
    gc.collect()
    assert len(cache_module._results) == before - 1
