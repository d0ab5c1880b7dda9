"""Per-request GraphQL context: the shared search service and DataLoaders (a request a batch).

The loaders are created on first use and call module functions bound to the search service (not
methods of the context): a context that held loaders bound to itself would be a reference cycle,
left with everything it references (the request, the loaders' caches) for the cyclic garbage
collector - whose pauses then land on other requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader

from api.search.service import SearchService

Doc = dict[str, Any]


class Context:
    def __init__(self, search: SearchService, request_id: str = "-") -> None:
        self.search = search
        self.request_id = request_id
        self._article_loader: DataLoader[str, Doc | None] | None = None
        self._claim_loader: DataLoader[str, Doc | None] | None = None
        self._article_claims_loader: DataLoader[str, list[Doc]] | None = None
        self._cluster_loader: DataLoader[str, list[Doc]] | None = None

    @property
    def article_loader(self) -> DataLoader[str, Doc | None]:
        if self._article_loader is None:
            self._article_loader = DataLoader(load_fn=partial(_load_articles, self.search))
        return self._article_loader

    @property
    def claim_loader(self) -> DataLoader[str, Doc | None]:
        if self._claim_loader is None:
            self._claim_loader = DataLoader(load_fn=partial(_load_claims, self.search))
        return self._claim_loader

    @property
    def article_claims_loader(self) -> DataLoader[str, list[Doc]]:
        if self._article_claims_loader is None:
            self._article_claims_loader = DataLoader(
                load_fn=partial(_load_article_claims, self.search)
            )
        return self._article_claims_loader

    @property
    def cluster_loader(self) -> DataLoader[str, list[Doc]]:
        if self._cluster_loader is None:
            self._cluster_loader = DataLoader(load_fn=partial(_load_clusters, self.search))
        return self._cluster_loader


async def _load_articles(search: SearchService, ids: Sequence[str]) -> list[Doc | None]:
    found = await search.articles_by_ids(list(ids))
    return [found.get(i) for i in ids]


async def _load_claims(search: SearchService, ids: Sequence[str]) -> list[Doc | None]:
    found = await search.claims_by_ids(list(ids))
    return [found.get(i) for i in ids]


async def _load_article_claims(search: SearchService, ids: Sequence[str]) -> list[list[Doc]]:
    found = await search.claims_of_articles(list(ids))
    return [found.get(i, []) for i in ids]


async def _load_clusters(search: SearchService, ids: Sequence[str]) -> list[list[Doc]]:
    found = await search.claims_of_clusters(list(ids))
    return [found.get(i, []) for i in ids]
