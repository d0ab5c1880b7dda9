"""``reindex``: rebuilt from the stored articles with current settings, swapped in, nothing lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from indexer.embeddings import DIMENSIONS, EMBEDDER, vector_of
from indexer.index_settings import CLAIMS, stored_filter_features
from indexer.ingest import IndexNames, ensure_indexes, index_articles, index_claims
from indexer.meili.client import MeiliClient
from indexer.meili.filters import any_of
from indexer.models import Article, Claim
from indexer.queue import JobQueue
from indexer.reindex import ReindexBusy, reindex
from tests.conftest import Meili, seed_articles


def test_reindex_rebuilds_keeps_verified_claims_and_swaps(
    meili: Meili, prefix: str, tmp_path: Path
) -> None:
    async def go() -> None:
        n = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
        q = JobQueue.in_dir(tmp_path)
        articles = seed_articles()
        async with meili.client() as client:
            await ensure_indexes(client, n)
            await index_articles(client, n, articles)
            await index_claims(
                client,
                n,
                [Claim(id="v-1", kind="verified", text="ادعاء تم التحقق منه", rating="false")],
                vectors={"v-1": MARKED},  # not what the model computes: the rebuild must keep it
            )
            before = await client.fetch_documents(
                n.claims, filter_expr=any_of("kind", ["extracted"]), limit=1000, fields=["id"]
            )
            vector = await _vector(client, n.claims, "v-1")
            # a stale claim (left by an older pipeline) must not survive the rebuild
            await client.wait_for_task(
                await client.add_documents(
                    n.claims,
                    [
                        {
                            "id": "stale-1",
                            "article_id": articles[0].id,
                            "kind": "extracted",
                            "text": "قديم",
                            "_vectors": {EMBEDDER: None},
                        }
                    ],
                )
            )
            # the settings drifted (changed by hand): the rebuild applies the declared ones
            await client.update_settings(n.claims, {"filterableAttributes": ["article_id"]})
            assert q.acquire_pause("someone-else", 30)
            with pytest.raises(ReindexBusy):
                await reindex(client, n, q)
            q.release_pause("someone-else")
            report = await reindex(client, n, q)
            assert report.articles == len(articles) and report.verified_claims == 1
            assert vector == MARKED and await _vector(client, n.claims, "v-1") == MARKED
            after = await client.fetch_documents(n.claims, limit=1000, fields=["id", "kind"])
            ids = {d["id"] for d in after["results"]}
            assert "v-1" in ids and "stale-1" not in ids
            assert ids - {"v-1"} == {d["id"] for d in before["results"]} - {"stale-1"}
            settings = await client.get_settings(n.claims)
            assert stored_filter_features(settings["filterableAttributes"]) == CLAIMS.filter_features()
            stored = await client.get_document(n.articles, articles[0].id)
            assert stored is not None and Article.model_validate(stored).body
            res = await client.request("GET", "/indexes", params={"limit": 1000})
            assert not [
                i["uid"]
                for i in res["results"]
                if i["uid"].startswith(prefix) and "__reindex_" in i["uid"]
            ]
            assert not q.paused()
        q.close()

    asyncio.run(go())


MARKED = [1.0] + [0.0] * (DIMENSIONS - 1)


async def _vector(client: MeiliClient, uid: str, claim_id: str) -> list[float] | None:
    res = await client.fetch_documents(uid, ids=[claim_id], fields=["id"], retrieve_vectors=True)
    return vector_of(res["results"][0]) if res["results"] else None
