"""``reindex``: rebuilt from the stored articles with current settings, swapped in, nothing lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from indexer.index_settings import CLAIMS
from indexer.ingest import IndexNames, ensure_indexes, index_articles, index_claims
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
            )
            before = await client.fetch_documents(
                n.claims, filter_expr=any_of("kind", ["extracted"]), limit=1000, fields=["id"]
            )
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
            after = await client.fetch_documents(n.claims, limit=1000, fields=["id", "kind"])
            ids = {d["id"] for d in after["results"]}
            assert "v-1" in ids and "stale-1" not in ids
            assert ids - {"v-1"} == {d["id"] for d in before["results"]} - {"stale-1"}
            settings = await client.get_settings(n.claims)
            assert set(settings["filterableAttributes"]) == set(CLAIMS.filterable_attributes)
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
