"""Build a bench index from the corpus through the normal ingestion path."""

from __future__ import annotations

from pathlib import Path

from indexer.extraction_pool import default_workers
from indexer.ingest import IndexNames, IngestReport, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from indexer.models import Article
from qawl.bench.common import MeiliHandle, read_corpus


def names_for(prefix: str) -> IndexNames:
    return IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")


async def build_index(
    meili: MeiliHandle, prefix: str, corpus: Path, articles: int | None
) -> tuple[IngestReport, list[Article]]:
    """Index the first ``articles`` articles of ``corpus``; returns the report and the articles."""
    docs = list(read_corpus(corpus, articles))
    async with MeiliClient(meili.url, meili.key or None, timeout=120) as client:
        names = names_for(prefix)
        await ensure_indexes(client, names)
        report = await index_articles(client, names, docs, workers=default_workers())
    if report.failed_tasks:
        raise RuntimeError(f"Meilisearch tasks failed: {report.failed_tasks[:3]}")
    return report, docs


async def drop_indexes(meili: MeiliHandle, prefix: str) -> None:
    """Remove the run's indexes (matters only on a shared MEILI_URL; managed ones are deleted)."""
    if meili.pid is not None:
        return
    async with MeiliClient(meili.url, meili.key or None, timeout=120) as client:
        names = names_for(prefix)
        for uid in (names.claims, names.articles):
            await client.delete_index(uid)
