"""SearchService: every read of claims and articles, for REST and GraphQL alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.errors import BadUserInput, meili_errors
from api.search import keyword
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliApiError, MeiliError
from indexer.meili.filters import any_of

Doc = dict[str, Any]

# Fields a claim hit carries to clients (the derived search fields stay in Meilisearch).
CLAIM_FIELDS = [
    "id", "article_id", "kind", "text", "claimant", "claimant_type", "attribution_verb", "is_quote",
    "numbers", "people", "organizations", "places", "dates", "checkworthiness", "sentence_index",
    "cluster_id", "published_at", "source", "url", "title", "rating", "language",
]
ARTICLE_FIELDS = ["id", "title", "body", "url", "source", "author", "published_at", "updated_at", "language"]


@dataclass
class ClaimQuery:
    query: str | None = None
    filter: str | None = None
    sort: list[str] | None = None
    limit: int = 20
    offset: int = 0
    facets: list[str] = field(default_factory=list)
    highlight: bool = True
    crop_length: int | None = None


@dataclass
class Page:
    hits: list[Doc]
    total: int
    offset: int
    limit: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.hits) < self.total


class SearchService:
    def __init__(self, client: MeiliClient, claims_index: str, articles_index: str, max_limit: int = 100) -> None:
        self.client = client
        self.claims_index = claims_index
        self.articles_index = articles_index
        self.max_limit = max_limit

    def _check_limit(self, limit: int, offset: int) -> None:
        if not 0 <= limit <= self.max_limit:
            raise BadUserInput(f"first/limit must be between 0 and {self.max_limit}")
        if offset < 0:
            raise BadUserInput("offset must be >= 0")

    async def search_claims(self, q: ClaimQuery) -> Page:
        self._check_limit(q.limit, q.offset)
        body: dict[str, Any] = {
            "limit": q.limit,
            "offset": q.offset,
            "attributesToRetrieve": CLAIM_FIELDS,
        }
        if q.filter:
            body["filter"] = q.filter
        if q.sort:
            body["sort"] = q.sort
        if q.facets:
            body["facets"] = q.facets
        if q.highlight and q.query:
            body["attributesToHighlight"] = ["text"]
            body["highlightPreTag"] = "<mark>"
            body["highlightPostTag"] = "</mark>"
            if q.crop_length:
                body["attributesToCrop"] = ["text"]
                body["cropLength"] = q.crop_length
        async with meili_errors():
            res = await keyword.execute(self.client, self.claims_index, body, q.query)
        return Page(
            hits=res["hits"],
            total=int(res.get("estimatedTotalHits", res.get("totalHits", 0))),
            offset=q.offset,
            limit=q.limit,
            facets=res.get("facetDistribution") or {},
        )

    async def claims_by_ids(self, ids: list[str]) -> dict[str, Doc]:
        return await self._by_ids(self.claims_index, ids, CLAIM_FIELDS)

    async def articles_by_ids(self, ids: list[str]) -> dict[str, Doc]:
        return await self._by_ids(self.articles_index, ids, ARTICLE_FIELDS)

    async def _by_ids(self, index: str, ids: list[str], fields: list[str]) -> dict[str, Doc]:
        """One request for many ids (search with an ``id IN`` filter works with a search-only key)."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return {}
        async with meili_errors():
            res = await self.client.search(
                index,
                {"q": "", "filter": any_of("id", unique), "limit": len(unique), "attributesToRetrieve": fields},
            )
        return {hit["id"]: hit for hit in res["hits"]}

    async def ready(self) -> tuple[bool, str]:
        try:
            if not await self.client.health():
                return False, "meilisearch unreachable"
            for uid in (self.claims_index, self.articles_index):
                await self.client.search(uid, {"q": "", "limit": 0})
        except MeiliApiError as exc:
            return False, f"{exc.code}: {exc.message}"
        except MeiliError as exc:
            return False, str(exc)
        return True, "ok"

    async def article_claims(self, article_id: str, limit: int = 1000) -> list[Doc]:
        """An article's claims in reading order."""
        async with meili_errors():
            res = await self.client.search(
                self.claims_index,
                {
                    "q": "",
                    "filter": any_of("article_id", [article_id]),
                    "sort": ["sentence_index:asc"],
                    "limit": limit,
                    "attributesToRetrieve": CLAIM_FIELDS,
                },
            )
        return list(res["hits"])

    async def search_articles(self, query: str | None, limit: int, offset: int, filter_expr: str | None = None) -> Page:
        self._check_limit(limit, offset)
        body: dict[str, Any] = {"limit": limit, "offset": offset, "attributesToRetrieve": ARTICLE_FIELDS}
        if filter_expr:
            body["filter"] = filter_expr
        if not query:
            body["sort"] = ["published_ts:desc"]
        async with meili_errors():
            res = await keyword.execute(self.client, self.articles_index, body, query)
        return Page(hits=res["hits"], total=int(res.get("estimatedTotalHits", 0)), offset=offset, limit=limit)
