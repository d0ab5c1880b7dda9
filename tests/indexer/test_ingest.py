from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Iterator

import pytest

from indexer.corpus_stats import TOTALS_ID, stats_index_name
from indexer.extract import extract_claims, prepare_article
from indexer.index_settings import CLAIMS, stored_filter_features
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from indexer.models import Article
from indexer.readers import article_from_obj
from indexer.text.clean import clean_body
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


def _versions() -> tuple[Article, Article, Article]:
    """A seed article, another one, and a shorter later version of the first (same id)."""
    first, other = seed_articles()[:2]
    paragraphs = [p for p in first.body.split("\n") if p.strip()]
    later = first.model_copy(update={"body": "\n".join(paragraphs[: max(1, len(paragraphs) // 2)])})
    return first, other, later


async def _stored(client: MeiliClient, names: IndexNames) -> tuple[dict[str, set[str]], int]:
    """Stored claim ids by article id, and the claim count of the BM25 statistics."""
    res = await client.fetch_documents(names.claims, limit=1000, fields=["id", "article_id"])
    by_article: dict[str, set[str]] = {}
    for doc in res["results"]:
        by_article.setdefault(doc["article_id"], set()).add(doc["id"])
    totals = await client.get_document(stats_index_name(names.claims), TOTALS_ID)
    return by_article, int(totals["n"]) if totals else 0


@pytest.mark.parametrize("workers", [1, 2])
def test_an_article_met_twice_in_one_call_keeps_only_its_later_version(
    meili: Meili, prefix: str, workers: int
) -> None:
    """Both paths (pushed per batch, spooled for bulk) store the later version's claims only, and
    the statistics count each stored claim once."""
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
    first, other, later = _versions()
    expected = {a.id: {c.id for c in extract_claims(a)} for a in (other, later)}
    assert expected[first.id] < {c.id for c in extract_claims(first)}  # the later version lost claims

    async def go() -> tuple[dict[str, set[str]], int, str]:
        async with meili.client() as client:
            await ensure_indexes(client, names)
            report = await index_articles(client, names, [first, other, later], workers=workers)
            assert report.ok
            stored, counted = await _stored(client, names)
            body = await client.get_document(names.articles, first.id, fields=["body"])
            return stored, counted, (body or {}).get("body", "")

    stored, counted, body = run(go())
    assert stored == expected
    assert counted == sum(len(ids) for ids in expected.values())
    assert body == clean_body(later.body)


def test_a_bulk_ingestion_that_fails_writes_nothing(meili: Meili, prefix: str) -> None:
    """Bulk documents are spooled until extraction is done: an input that breaks after batches
    were extracted leaves the index as it was (the per-batch path would have written them)."""
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
    first, _other, later = _versions()
    with gzip.open(SHARED_DATA / "saudinewsnet.jsonl.gz", "rt", encoding="utf-8") as fh:
        corpus = [article_from_obj(json.loads(line)) for line in itertools.islice(fh, 150)]

    def broken() -> Iterator[Article]:
        yield later
        yield from corpus  # more than the pool's read-ahead: batches are extracted and handed on
        raise ValueError("corpus file truncated")

    async def go() -> tuple[tuple[dict[str, set[str]], int], tuple[dict[str, set[str]], int]]:
        async with meili.client() as client:
            await ensure_indexes(client, names)
            assert (await index_articles(client, names, [first])).ok
            before = await _stored(client, names)
            with pytest.raises(ValueError, match="truncated"):
                await index_articles(client, names, broken(), batch_size=1, workers=2)
            # had anything been written, it is processed before the index is read again
            latest = await client.request("GET", "/tasks", params={"limit": 1})
            await client.wait_for_task(latest["results"][0]["uid"])
            return before, await _stored(client, names)

    before, after = run(go())
    assert before[0] == {first.id: {c.id for c in extract_claims(first)}}
    assert after == before
