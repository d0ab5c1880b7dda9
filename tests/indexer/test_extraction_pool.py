from __future__ import annotations

import asyncio
import gzip
import itertools
import json
import os

import pytest

import indexer.extraction_pool as extraction_pool
from indexer.extraction_pool import WORKER_NICE, Extracted, ExtractedChunk, extracted_chunks
from indexer.models import Article
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


def _niceness_chunk(_articles: list[object]) -> ExtractedChunk:
    return ExtractedChunk([], float(os.nice(0)))  # the worker's niceness, in place of its CPU time


def test_pool_workers_run_below_the_callers_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bulk extraction yields the CPU to Meilisearch's indexing and to searches (nice +10); the
    in-process path (webhook events) keeps the caller's priority."""
    monkeypatch.setattr(extraction_pool, "extract_documents", _niceness_chunk)  # inherited by forked workers
    articles = [Article(id=f"a{i}", title="t", body="b", source="test") for i in range(6)]

    async def niceness(workers: int) -> set[float]:
        return {chunk.cpu_seconds async for chunk in extracted_chunks(iter(articles), workers, chunk=2)}

    own = os.nice(0)
    assert asyncio.run(niceness(2)) == {float(min(19, own + WORKER_NICE))}
    assert asyncio.run(niceness(1)) == {float(own)}


def _session_chunk(_articles: list[object]) -> ExtractedChunk:
    """The worker's session id and its autogroup line (if any), in place of documents."""
    try:
        with open("/proc/self/autogroup") as fh:
            group = fh.read().strip()
    except OSError:
        group = ""
    return ExtractedChunk([Extracted(group, {"sid": os.getsid(0)}, [])], 0.0)


def test_pool_workers_yield_to_other_sessions_under_autogroup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under autogroup scheduling a nice value only ranks the processes of one session, and
    Meilisearch runs in a session of its own: each worker starts its own session, niced as well.
    Without autogroup (no /proc/self/autogroup) the workers stay in the caller's session."""
    monkeypatch.setattr(extraction_pool, "extract_documents", _session_chunk)
    articles = [Article(id=f"a{i}", title="t", body="b", source="test") for i in range(6)]

    async def sessions() -> list[Extracted]:
        return [item async for chunk in extracted_chunks(iter(articles), 2, chunk=2) for item in chunk.items]

    own = _session_chunk([]).items[0]
    items = asyncio.run(sessions())
    assert len(items) == 3
    if not own.article_id:
        assert {item.article["sid"] for item in items} == {own.article["sid"]}
        return
    assert all(item.article["sid"] != own.article["sid"] for item in items)
    expected = str(min(19, int(own.article_id.split()[-1]) + WORKER_NICE))
    assert {item.article_id.split()[-1] for item in items} == {expected}
