"""The top of a facet distribution, the same for REST and GraphQL."""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from indexer.index_settings import CLAIMS

FACET_VALUES_DEFAULT = 20  # a sidebar shows the top of each list
FACET_VALUES_MAX = CLAIMS.faceting.max_values_per_facet  # Meilisearch returns no more


def _order(kv: tuple[str, int]) -> tuple[int, str]:
    return -kv[1], kv[0]


def top_values(dist: Mapping[str, int] | None, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent (value, count) pairs, ties by value: a stable order whatever the
    order Meilisearch returned them in."""
    return heapq.nsmallest(n, (dist or {}).items(), key=_order)
