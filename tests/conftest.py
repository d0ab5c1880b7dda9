"""Shared fixtures: one real Meilisearch per test session, unique index names per test."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from indexer.meili.managed import ManagedMeilisearch
from indexer.readers import ReadError, read_articles

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED_DATA = REPO.parent / "shared" / "data"


@dataclass
class Meili:
    url: str
    key: str
    managed: ManagedMeilisearch | None

    def client(self) -> MeiliClient:
        return MeiliClient(self.url, self.key or None)


@pytest.fixture(scope="session")
def meili() -> Iterator[Meili]:
    if os.environ.get("MEILI_URL"):
        yield Meili(os.environ["MEILI_URL"], os.environ.get("MEILI_MASTER_KEY", ""), None)
        return
    server = ManagedMeilisearch()
    server.start()
    try:
        yield Meili(server.url, server.master_key, server)
    finally:
        server.cleanup()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}_"


def seed_articles() -> list:  # type: ignore[type-arg]
    out = []
    for path in sorted(SEEDS.iterdir()):
        for item in read_articles(path):
            assert not isinstance(item, ReadError), str(item)
            out.append(item)
    return out


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _index_seeds(meili: Meili, names: IndexNames) -> None:
    async with meili.client() as client:
        await ensure_indexes(client, names)
        report = await index_articles(client, names, seed_articles())
        assert report.ok, report


@pytest.fixture(scope="session")
def seeded(meili: Meili) -> IndexNames:
    """The seeds indexed once per session (read-only tests share it)."""
    names = IndexNames(claims="seeded_claims", articles="seeded_articles")
    run(_index_seeds(meili, names))
    return names


def api_settings(meili: Meili, prefix: str, **extra: object) -> ApiSettings:
    return ApiSettings(MEILI_URL=meili.url, MEILI_MASTER_KEY=meili.key, QAWL_INDEX_PREFIX=prefix, **extra)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def api(meili: Meili, seeded: IndexNames) -> Iterator[TestClient]:
    """An API over the seeded indexes."""
    with TestClient(create_app(api_settings(meili, "seeded_"))) as client:
        yield client


def gql(client: TestClient, query: str, **variables: object) -> dict:  # type: ignore[type-arg]
    resp = client.post("/graphql", json={"query": query, "variables": variables})
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]
