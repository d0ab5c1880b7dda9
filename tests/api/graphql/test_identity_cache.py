"""Values kept per AST object by identity (api/graphql/identity_cache.py)."""

from __future__ import annotations

import gc

from graphql import parse

from api.graphql.identity_cache import IdentityCache


def test_one_value_per_object_by_identity_not_equality() -> None:
    cache: IdentityCache[object, list[int]] = IdentityCache()
    created: list[int] = []

    def create() -> list[int]:
        created.append(1)
        return []

    one, same_text = parse("{ a }"), parse("{ a }")
    assert one == same_text  # graphql-core compares (and hashes) nodes by content
    first = cache.get(one, create)
    assert cache.get(one, create) is first and len(created) == 1
    assert cache.get(same_text, create) is not first and len(created) == 2
    assert one in cache and same_text in cache and parse("{ b }") not in cache


def test_entries_leave_with_their_objects_and_recycled_ids_start_fresh() -> None:
    cache: IdentityCache[object, dict[str, int]] = IdentityCache()
    doc = parse("{ a }")
    cache.get(doc, dict)["n"] = 1
    assert len(cache) == 1
    old_id = id(doc)
    del doc
    gc.collect()
    assert len(cache) == 0
    # an entry whose object died but whose finalizer has not run yet is not handed to a newcomer
    for _ in range(1000):
        other = parse("{ a }")
        if id(other) == old_id:
            break
    assert cache.get(other, dict) == {}
