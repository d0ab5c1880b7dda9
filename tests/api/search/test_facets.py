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


def test_empty_and_missing_distributions() -> None:
    assert top_values(None, 20) == []
    assert top_values({}, 20) == []
    assert top_values({"a": 1}, 0) == []
