from __future__ import annotations

import gzip
import itertools
import json

from indexer.extract import extract_claims, prepare_article
from indexer.index_settings import CLAIMS, stored_filter_features
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.readers import article_from_obj
from tests.conftest import SHARED_DATA, Meili, run, seed_articles


def test_repeated_paragraphs_yield_each_claim_once() -> None:
    seed000 = next(a for a in seed_articles() if a.id.startswith("000"))
    claims = extract_claims(prepare_article(seed000))
    texts = [c.text for c in claims]
    assert len(texts) == len(set(texts))
    assert sum("14 مرتزق" in t for t in texts) == 1


def test_seeds_index_into_claims_and_articles(meili: Meili, prefix: str) -> None:
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")

    async def go() -> tuple[int, int, dict, int]:  # type: ignore[type-arg]
        async with meili.client() as client:
            await ensure_indexes(client, names)
            report = await index_articles(client, names, seed_articles())
            assert report.ok
            # indexing the same articles again replaces, never duplicates
            again = await index_articles(client, names, seed_articles())
            assert again.ok
            stats = await client.stats(names.claims)
            arts = await client.stats(names.articles)
            settings = await client.get_settings(names.claims)
            return report.claims, stats["numberOfDocuments"], settings, arts["numberOfDocuments"]

    extracted, stored, settings, articles = run(go())
    assert extracted >= 10
    assert stored == extracted
    assert articles == 2
    assert settings["localizedAttributes"][0]["locales"] == ["ara"]
    assert stored_filter_features(settings["filterableAttributes"]) == CLAIMS.filter_features()


def test_pooled_ingest_stores_every_claim(meili: Meili, prefix: str) -> None:


    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
    with gzip.open(SHARED_DATA / "saudinewsnet.jsonl.gz", "rt", encoding="utf-8") as fh:
        articles = [article_from_obj(json.loads(line)) for line in itertools.islice(fh, 80)]

    async def go() -> tuple[int, int, int]:
        async with meili.client() as client:
            await ensure_indexes(client, names)
            report = await index_articles(client, names, articles, batch_size=30, workers=2)
            assert report.ok and report.extraction_cpu_seconds > 0
            claims = (await client.stats(names.claims))["numberOfDocuments"]
            stored = (await client.stats(names.articles))["numberOfDocuments"]
            return report.claims, claims, stored

    extracted, stored_claims, stored_articles = run(go())
    assert extracted == stored_claims > 100
    assert stored_articles == len({a.id for a in articles})
