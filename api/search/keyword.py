"""How a user's keyword query is run against Meilisearch.

The query is folded with the indexer's normalizer (the same one used on documents), so digits,
hamza forms, diacritics and Persian letters match whatever the article wrote.

``execute`` is the single entry point used by ``SearchService`` for claims and articles: it takes
the non-query part of the search body (filter, sort, facets, limit/offset, attributes) and
returns a Meilisearch-shaped result ``{"hits", "estimatedTotalHits", "facetDistribution"}``.
"""

from __future__ import annotations

from typing import Any

from indexer.meili.client import MeiliClient
from indexer.text.normalize import normalize

MAX_QUERY_CHARS = 1000


def keyword_params(query: str | None) -> dict[str, Any]:
    if not query:
        return {"q": ""}
    q = normalize(query[:MAX_QUERY_CHARS])
    return {"q": q}


async def execute(client: MeiliClient, index: str, base: dict[str, Any], query: str | None) -> dict[str, Any]:
    body = {**base, **keyword_params(query)}
    if not body["q"]:
        body.pop("attributesToHighlight", None)
        body.pop("attributesToCrop", None)
    result: dict[str, Any] = await client.search(index, body)
    return result
