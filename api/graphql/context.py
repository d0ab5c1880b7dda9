"""Per-request GraphQL context: the shared search service and DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from api.search.service import SearchService


class Context(BaseContext):
    def __init__(self, search: SearchService, request_id: str = "-") -> None:
        super().__init__()
        self.search = search
        self.request_id = request_id
        self.article_loader: DataLoader[str, dict[str, Any] | None] = DataLoader(load_fn=self._load_articles)
        self.claim_loader: DataLoader[str, dict[str, Any] | None] = DataLoader(load_fn=self._load_claims)

    async def _load_articles(self, ids: Sequence[str]) -> list[dict[str, Any] | None]:
        found = await self.search.articles_by_ids(list(ids))
        return [found.get(i) for i in ids]

    async def _load_claims(self, ids: Sequence[str]) -> list[dict[str, Any] | None]:
        found = await self.search.claims_by_ids(list(ids))
        return [found.get(i) for i in ids]
