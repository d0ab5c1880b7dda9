"""The top of a facet distribution (api/search/facets.py)."""

from __future__ import annotations

import random

from api.search.facets import top_values


def test_most_frequent_first_ties_by_value_whatever_the_input_order() -> None:
    rng = random.Random(3)
    for _ in range(200):
        dist = {f"قيمة{rng.randrange(300)}": rng.randrange(1, 6) for _ in range(rng.randrange(0, 120))}
        items = list(dist.items())
        rng.shuffle(items)
        n = rng.randrange(0, 130)
        expected = sorted(dist.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        assert top_values(dict(items), n) == expected


def test_most_frequent_first_as_meilisearch_orders_them() -> None:
    """Meilisearch returns counts in decreasing order (ties in any order): only the first n and
    the values tied with the n-th are sorted, with the same result as a whole sort."""
    rng = random.Random(7)
    for _ in range(500):
        dist = {f"قيمة{rng.randrange(300)}": rng.randrange(1, 8) for _ in range(rng.randrange(0, 120))}
        items = sorted(dist.items(), key=lambda kv: -kv[1])  # by count only: ties keep a random order
        n = rng.randrange(0, 130)
        expected = sorted(dist.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        assert top_values(dict(items), n) == expected
        if len(items) > 2:  # one value out of place: the whole list is sorted
            i, j = rng.sample(range(len(items)), 2)
            items[i], items[j] = items[j], items[i]
            assert top_values(dict(items), n) == expected


def test_empty_and_missing_distributions() -> None:
    assert top_values(None, 20) == []
    assert top_values({}, 20) == []
    assert top_values({"a": 1}, 0) == []
