"""How a user's keyword query becomes Meilisearch search parameters.

The query is folded with the indexer's normalizer (the same one used on documents), so digits,
hamza forms, diacritics and Persian letters match whatever the article wrote.
"""

from __future__ import annotations

from typing import Any

from indexer.text.normalize import normalize

MAX_QUERY_CHARS = 1000


def keyword_params(query: str | None) -> dict[str, Any]:
    if not query:
        return {"q": ""}
    q = normalize(query[:MAX_QUERY_CHARS])
    return {"q": q}
