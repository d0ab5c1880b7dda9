"""Values kept per graphql-core AST object, by the object's identity.

graphql-core's AST nodes hash and compare recursively over all their children (~150 nodes for a
claims search with facets: ~0.1 ms per lookup). The parser cache (``api.graphql.operation``) hands
out the same ``DocumentNode`` for the same query text, so what is computed once per document
(validation errors, execution plans) is kept by identity here; an entry goes when its object is
collected (after it left the parser's cache), and a weak reference tells a live entry from a
recycled id.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityCache(Generic[K, V]):
    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[K], V]] = {}

    def get(self, obj: K, create: Callable[[], V]) -> V:
        """The value kept for ``obj``, created on first sight."""
        key = id(obj)
        entry = self._entries.get(key)
        if entry is None or entry[0]() is not obj:
            entry = self._entries[key] = (weakref.ref(obj), create())
            weakref.finalize(obj, self._forget, key, entry[0])
        return entry[1]

    def __contains__(self, obj: object) -> bool:
        entry = self._entries.get(id(obj))
        return entry is not None and entry[0]() is obj

    def __len__(self) -> int:
        return len(self._entries)

    def _forget(self, key: int, ref: weakref.ref[K]) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] is ref:
            del self._entries[key]
