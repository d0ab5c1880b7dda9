from __future__ import annotations

import asyncio
import gzip
import itertools
import json

from indexer.extraction_pool import extracted_chunks
from indexer.readers import article_from_obj
from tests.conftest import SHARED_DATA


def test_extraction_pool_gives_the_same_documents_in_order() -> None:
    """Bulk ingestion extracts in worker processes; the documents must equal in-process ones."""
    with gzip.open(SHARED_DATA / "saudinewsnet.jsonl.gz", "rt", encoding="utf-8") as fh:
        articles = [article_from_obj(json.loads(line)) for line in itertools.islice(fh, 60)]

    async def collect(workers: int) -> tuple[list[str], list[dict], float]:  # type: ignore[type-arg]
        ids, claims, cpu = [], [], 0.0
        async for chunk in extracted_chunks(iter(articles), workers, chunk=8):
            cpu += chunk.cpu_seconds
            ids += [item.article_id for item in chunk.items]
            claims += [c for item in chunk.items for c in item.claims]
        return ids, claims, cpu

    serial_ids, serial_claims, serial_cpu = asyncio.run(collect(1))
    pooled_ids, pooled_claims, pooled_cpu = asyncio.run(collect(2))
    assert serial_ids == [a.id for a in articles] == pooled_ids
    assert pooled_claims == serial_claims and len(serial_claims) > 100
    assert serial_cpu > 0 and pooled_cpu > 0
