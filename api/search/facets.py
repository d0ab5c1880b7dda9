"""The top of a facet distribution, the same for REST and GraphQL."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from itertools import chain, compress, islice, repeat

from indexer.index_settings import CLAIMS

FACET_VALUES_DEFAULT = 20  # a sidebar shows the top of each list
FACET_VALUES_MAX = CLAIMS.faceting.max_values_per_facet  # Meilisearch returns no more


def top_values(dist: Mapping[str, int] | None, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent (value, count) pairs, ties by value: a stable order whatever the
    order Meilisearch returned them in. Meilisearch returns the values most frequent first
    (``sortFacetValuesBy: count``): then only the first ``n`` and the values tied with the last of
    them are sorted (``min``/``max`` over the counts check that order in C; any other order is
    sorted whole). (-count, value) pairs are sorted in C, with no key function."""
    if not dist or n <= 0:
        return []
    counts = list(dist.values())
    if len(counts) > n:
        floor = min(counts[:n])
        rest = counts[n:]
        if max(rest) <= floor:  # the first n are the top n, with the values further down tied with the n-th
            head = zip(map(operator.neg, counts[:n]), islice(dist, n), strict=True)
            tied = compress(islice(dist, n, None), map(operator.eq, rest, repeat(floor)))
            ranked = sorted(chain(head, zip(repeat(-floor), tied)))
            return [(value, -count) for count, value in ranked[:n]]
    ranked = sorted(zip(map(operator.neg, counts), dist, strict=True))
    return [(value, -count) for count, value in ranked[:n]]
