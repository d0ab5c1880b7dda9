"""Per-request GraphQL context: the shared search service and DataLoaders (a request a batch)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from api.search.service import SearchService

Doc = dict[str, Any]


class Context(BaseContext):
    def __init__(self, search: SearchService, request_id: str = "-") -> None:
        super().__init__()
        self.search = search
        self.request_id = request_id
        self.article_loader: DataLoader[str, Doc | None] = DataLoader(load_fn=self._load_articles)
        self.claim_loader: DataLoader[str, Doc | None] = DataLoader(load_fn=self._load_claims)
        self.article_claims_loader: DataLoader[str, list[Doc]] = DataLoader(
            load_fn=self._load_article_claims
        )
        self.cluster_loader: DataLoader[str, list[Doc]] = DataLoader(load_fn=self._load_clusters)

    async def _load_articles(self, ids: Sequence[str]) -> list[Doc | None]:
        found = await self.search.articles_by_ids(list(ids))
        return [found.get(i) for i in ids]

    async def _load_claims(self, ids: Sequence[str]) -> list[Doc | None]:
        found = await self.search.claims_by_ids(list(ids))
        return [found.get(i) for i in ids]

    async def _load_article_claims(self, ids: Sequence[str]) -> list[list[Doc]]:
        found = await self.search.claims_of_articles(list(ids))
        return [found.get(i, []) for i in ids]

    async def _load_clusters(self, ids: Sequence[str]) -> list[list[Doc]]:
        found = await self.search.claims_of_clusters(list(ids))
        return [found.get(i, []) for i in ids]
