"""Push articles and claims into Meilisearch: settings, batched writes, task waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from indexer.corpus_stats import StatsDelta, apply_delta, claim_terms, enqueue_delta, fetch_claim_terms
from indexer.documents import claim_document
from indexer.embeddings import EMBEDDER, Embedder, available_embedder
from indexer.extraction_pool import extracted_chunks
from indexer.index_settings import ARTICLES, CLAIMS
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliTaskFailed
from indexer.meili.filters import any_of
from indexer.models import Article, Claim
from indexer.settings import IndexerSettings
from indexer.spool import DocumentSpool


@dataclass
class IngestReport:
    articles: int = 0
    claims: int = 0
    errors: list[str] = field(default_factory=list)
    failed_tasks: list[str] = field(default_factory=list)
    extraction_cpu_seconds: float = 0.0  # summed over the processes that extracted
    embedded: int = 0  # claims whose vector was computed (verified claims)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failed_tasks


@dataclass(frozen=True)
class IndexNames:
    claims: str
    articles: str

    @classmethod
    def from_settings(cls, settings: IndexerSettings) -> IndexNames:
        return cls(claims=settings.claims_index, articles=settings.articles_index)


async def ensure_indexes(client: MeiliClient, names: IndexNames) -> None:
    """Create both indexes if needed and apply the declared settings."""
    for uid, settings in ((names.claims, CLAIMS), (names.articles, ARTICLES)):
        if await client.get_index(uid) is None:
            await client.create_index(uid)
        await client.update_settings(uid, settings.to_meili())


async def index_articles(
    client: MeiliClient,
    names: IndexNames,
    articles: Iterable[Article],
    *,
    batch_size: int = 2000,
    on_batch: Callable[[int, int], None] | None = None,
    stats_sink: StatsDelta | None = None,
    workers: int = 1,
) -> IngestReport:
    """Extract and push ``articles``; an article's previous claims are replaced, not duplicated.

    ``workers`` > 1 is a bulk ingestion: extraction runs in that many processes
    (``indexer.extraction_pool``) and the documents are held in spools (``indexer.spool``) until
    it is done, then pushed as a few large tasks; if extraction fails, nothing was written. With
    one worker (webhook jobs, small files) each batch of ``batch_size`` articles is pushed as soon
    as it is extracted. ``on_batch(articles, claims)`` follows each batch (pushed or spooled). An
    article id met twice is a new version of the article: what was gathered before it is written
    and waited for first, so that the later version replaces the earlier one.

    Returns once every write has been processed by Meilisearch (failed tasks are in the report).
    The BM25 statistics change is written with the last batches, or added to ``stats_sink`` for
    the caller to apply later (the webhook worker coalesces them off the latency path).
    """
    report = IngestReport()
    tasks: list[int] = []
    art_batch: list[dict[str, object]] = []
    claim_batch: list[dict[str, object]] = []
    ids: list[str] = []
    seen: set[str] = set()
    stats = StatsDelta()  # BM25 statistics of the claims index (indexer/corpus_stats.py)
    writes = _Writes(client, names, spooled=workers > 1)

    async def flush() -> None:
        if not art_batch:
            return
        stored = await fetch_claim_terms(client, names.claims, filter_expr=any_of("article_id", ids))
        for terms in stored.values():
            stats.remove(terms)
        for doc in claim_batch:
            stats.add(claim_terms(doc))
        # the stored claims of these articles that the new extraction no longer yields
        stale = set(stored) - {str(doc["id"]) for doc in claim_batch}
        tasks.extend(await writes.batch(list(claim_batch), list(art_batch), stale))
        if on_batch:
            on_batch(len(art_batch), len(claim_batch))
        art_batch.clear()
        claim_batch.clear()
        ids.clear()

    try:
        async for chunk in extracted_chunks(articles, workers):
            report.extraction_cpu_seconds += chunk.cpu_seconds
            for item in chunk.items:
                if item.article_id in seen:  # a new version: the earlier one is stored first
                    await flush()
                    tasks.extend(await writes.finish())
                    await wait_all(client, tasks, report)
                    tasks.clear()
                    seen.clear()
                seen.add(item.article_id)
                art_batch.append(item.article)
                claim_batch.extend(item.claims)
                ids.append(item.article_id)
                report.articles += 1
                report.claims += len(item.claims)
                if len(art_batch) >= batch_size:
                    await flush()
        await flush()
        tasks.extend(await writes.finish())
    finally:
        writes.close()
    if stats_sink is None:
        # written right behind the last batches and waited for with them: a bulk ingestion ends
        # with one wait, not a wait and then a second write
        tasks.extend(await enqueue_delta(client, names.claims, stats))
    await wait_all(client, tasks, report)
    if stats_sink is not None:
        # handed over only once the batches are written: a wait that raises (Meilisearch down)
        # leaves the job to be retried, and its change must not be counted twice
        stats_sink.merge(stats)
    return report


class _Writes:
    """Where the batches of ``index_articles`` go: straight to Meilisearch, or (``spooled``) into
    spools pushed by ``finish``. Either way an article's new claims are written before its stale
    ones are deleted (claim ids hold the article id: a stale id is never a new one), so a failure
    in between leaves the old claims, never none."""

    def __init__(self, client: MeiliClient, names: IndexNames, *, spooled: bool) -> None:
        self.client, self.names, self.spooled = client, names, spooled
        self.claims: DocumentSpool | None = None
        self.articles: DocumentSpool | None = None
        self.stale: set[str] = set()

    async def batch(
        self, claims: list[dict[str, object]], articles: list[dict[str, object]], stale: set[str]
    ) -> list[int]:
        if self.spooled:
            if self.claims is None or self.articles is None:
                self.claims, self.articles = DocumentSpool(), DocumentSpool()
            self.claims.add(claims)
            self.articles.add(articles)
            self.stale |= stale
            return []
        # claims first, so that they become searchable one Meilisearch batch sooner
        tasks = [await self.client.add_documents(self.names.claims, claims)] if claims else []
        tasks.append(await self.client.add_documents(self.names.articles, articles))
        if stale:
            tasks.append(await self.client.delete_documents(self.names.claims, sorted(stale)))
        return tasks

    async def finish(self) -> list[int]:
        """Push what the spools hold (nothing to do unless ``spooled``)."""
        tasks: list[int] = []
        for uid, spool in ((self.names.claims, self.claims), (self.names.articles, self.articles)):
            for payload in spool.payloads() if spool is not None else ():
                tasks.append(await self.client.add_documents_encoded(uid, payload))
        if self.stale:
            tasks.append(await self.client.delete_documents(self.names.claims, sorted(self.stale)))
        self.close()
        return tasks

    def close(self) -> None:
        for spool in (self.claims, self.articles):
            if spool is not None:
                spool.close()
        self.claims = self.articles = None
        self.stale = set()


async def index_claims(
    client: MeiliClient,
    names: IndexNames,
    claims: Iterable[Claim],
    batch_size: int = 5000,
    *,
    vectors: Mapping[str, list[float]] | None = None,
) -> IngestReport:
    """Push already-built claims (imported verified claims).

    Verified claims get their sentence vector (``indexer/embeddings.py``) for similar-claim
    matching: taken from ``vectors`` (a re-index keeps the stored ones) or computed here, in a
    thread, unless the engine is unavailable on this machine (then they match lexically).
    """
    report = IngestReport()
    embedder = available_embedder("verified claims are stored without vectors")
    tasks: list[int] = []
    batch: list[dict[str, object]] = []
    stats = StatsDelta()  # BM25 statistics of the claims index (indexer/corpus_stats.py)
    pushed: dict[str, list[str]] = {}  # terms of claims pushed by this call (a later duplicate id replaces them)

    async def push() -> None:
        if embedder is not None or vectors:
            await _attach_vectors(batch, vectors or {}, embedder, report)
        stored = await fetch_claim_terms(
            client, names.claims, ids=[str(d["id"]) for d in batch if d["id"] not in pushed]
        )
        for doc in batch:
            old = pushed.get(str(doc["id"]), stored.get(str(doc["id"])))
            if old is not None:
                stats.remove(old)
            pushed[str(doc["id"])] = terms = claim_terms(doc)
            stats.add(terms)
        tasks.append(await client.add_documents(names.claims, batch))

    for claim in claims:
        batch.append(claim_document(claim))
        report.claims += 1
        if len(batch) >= batch_size:
            await push()
            batch = []
    if batch:
        await push()
    await wait_all(client, tasks, report)
    await apply_delta(client, names.claims, stats)
    return report


async def _attach_vectors(
    docs: list[dict[str, object]],
    known: Mapping[str, list[float]],
    embedder: Embedder | None,
    report: IngestReport,
) -> None:
    """``_vectors.e5`` on the verified claims of ``docs`` (known ones reused, others embedded)."""
    todo: list[dict[str, object]] = []
    for doc in docs:
        if doc.get("kind") != "verified":
            continue
        vector = known.get(str(doc["id"]))
        if vector is not None:
            doc["_vectors"] = {EMBEDDER: vector}
        else:
            todo.append(doc)
    if todo and embedder is not None:
        computed = await asyncio.to_thread(embedder.embed, [str(d["text"]) for d in todo])
        for doc, vector in zip(todo, computed, strict=True):
            doc["_vectors"] = {EMBEDDER: vector}
        report.embedded += len(todo)


async def wait_all(client: MeiliClient, tasks: list[int], report: IngestReport) -> None:
    for uid in tasks:
        try:
            await client.wait_for_task(uid, timeout=900)
        except MeiliTaskFailed as exc:
            report.failed_tasks.append(str(exc))
