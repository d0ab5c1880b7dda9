"""Full re-index without downtime: rebuild into new indexes, then swap them in atomically.

1. Pause the webhook workers (a lease in the queue file) just long enough to read a consistent
   snapshot of the stored articles (and the imported verified claims); note the time ``t0``.
2. Resume the workers (events keep landing in the live indexes) and rebuild: current index
   settings, current cleaning and extraction, into ``<name>__reindex_<stamp>`` indexes.
3. Pause again, wait for running jobs, replay onto the new indexes every article a worker changed
   since ``t0`` (re-read from the live index; deletes applied), swap both pairs in one Meilisearch
   task, resume, drop the old indexes. Searches read the live indexes throughout; the swap is
   atomic, so no search sees a half-built index, and no webhook event is lost or rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from indexer.corpus_stats import ensure_stats_index, stats_index_name
from indexer.documents import ARTICLE_FIELDS
from indexer.embeddings import vector_of
from indexer.ingest import IndexNames, ensure_indexes, index_articles, index_claims
from indexer.meili.client import MeiliClient
from indexer.meili.filters import any_of
from indexer.models import Article, Claim
from indexer.queue import JobQueue
from indexer.worker import delete_article, upsert_article

PAUSE_LEASE_S = 60.0
PAGE = 1000


class ReindexBusy(RuntimeError):
    """Another re-index holds the pause lease."""


class ReindexFailed(RuntimeError):
    pass


@dataclass
class ReindexReport:
    articles: int = 0
    claims: int = 0
    verified_claims: int = 0
    caught_up: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "claims": self.claims,
            "verified_claims": self.verified_claims,
            "caught_up": self.caught_up,
            "seconds": round(self.seconds, 2),
            "errors": self.errors,
        }


class _Pause:
    """Holds the workers' pause lease (renewed while held) and waits for running jobs to end."""

    def __init__(self, queue: JobQueue, owner: str) -> None:
        self.queue, self.owner = queue, owner
        self._renew: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _Pause:
        if not await asyncio.to_thread(self.queue.acquire_pause, self.owner, PAUSE_LEASE_S):
            raise ReindexBusy("a re-index is already running")
        self._renew = asyncio.create_task(self._keep())
        deadline = time.monotonic() + 120
        delay = 0.005
        while await asyncio.to_thread(self.queue.running_count):
            if time.monotonic() > deadline:
                raise ReindexFailed("webhook jobs kept running for 120 s; not pausing further")
            await asyncio.sleep(delay)  # polling the queue file for running jobs to finish
            delay = min(delay * 2, 0.1)
        return self

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(PAUSE_LEASE_S / 4)
            await asyncio.to_thread(self.queue.acquire_pause, self.owner, PAUSE_LEASE_S)

    async def __aexit__(self, *exc: object) -> None:
        if self._renew:
            self._renew.cancel()
        await asyncio.to_thread(self.queue.release_pause, self.owner)


async def _all_documents(
    client: MeiliClient,
    uid: str,
    *,
    filter_expr: str | None = None,
    fields: list[str] | None = None,
    retrieve_vectors: bool = False,
) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = await client.fetch_documents(
            uid,
            filter_expr=filter_expr,
            fields=fields,
            limit=PAGE,
            offset=offset,
            retrieve_vectors=retrieve_vectors,
        )
        results = page.get("results", [])
        docs.extend(results)
        offset += len(results)
        if not results or offset >= int(page.get("total", 0)):
            return docs


async def reindex(
    client: MeiliClient,
    names: IndexNames,
    queue: JobQueue,
    *,
    batch_size: int = 2000,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
) -> ReindexReport:
    say = progress or (lambda _msg: None)
    start = time.monotonic()
    report = ReindexReport()
    owner = f"reindex:{uuid.uuid4().hex[:8]}"
    stamp = f"{int(time.time())}_{uuid.uuid4().hex[:4]}"
    new = IndexNames(
        claims=f"{names.claims}__reindex_{stamp}", articles=f"{names.articles}__reindex_{stamp}"
    )
    await ensure_indexes(client, names)
    try:
        async with _Pause(queue, owner):
            t0 = time.time()
            stored = await _all_documents(client, names.articles, fields=ARTICLE_FIELDS)
            verified = await _all_documents(  # with their vectors: not embedded again
                client, names.claims, filter_expr=any_of("kind", ["verified"]), retrieve_vectors=True
            )
        say(f"snapshot: {len(stored)} articles, {len(verified)} verified claims")
        articles = []
        for raw in stored:
            try:
                articles.append(Article.model_validate(raw))
            except ValueError as exc:
                report.errors.append(f"article {raw.get('id')}: {exc}")
        await ensure_indexes(client, new)
        built = await index_articles(
            client, new, articles, batch_size=batch_size, workers=workers
        )
        if built.failed_tasks:
            raise ReindexFailed("; ".join(built.failed_tasks))
        report.articles, report.claims = built.articles, built.claims
        if verified:
            vectors = {str(d["id"]): v for d in verified if (v := vector_of(d)) is not None}
            imported = await index_claims(
                client, new, [Claim.model_validate(d) for d in verified], vectors=vectors
            )
            if imported.failed_tasks:
                raise ReindexFailed("; ".join(imported.failed_tasks))
            report.verified_claims = imported.claims
        say(f"rebuilt: {report.articles} articles, {report.claims} claims")
        async with _Pause(queue, owner):
            changed = await asyncio.to_thread(queue.applied_since, t0)
            for state in changed:
                doc: dict[str, Any] | None = (
                    None
                    if state.deleted
                    else await client.get_document(
                        names.articles, state.article_id, fields=ARTICLE_FIELDS
                    )
                )
                if doc is None:
                    await delete_article(client, new, state.article_id)
                else:
                    await upsert_article(client, new, Article.model_validate(doc))
            report.caught_up = len(changed)
            live_stats, new_stats = stats_index_name(names.claims), stats_index_name(new.claims)
            await ensure_stats_index(client, live_stats)
            await ensure_stats_index(client, new_stats)
            await client.swap_indexes(
                [
                    (names.claims, new.claims),
                    (names.articles, new.articles),
                    (live_stats, new_stats),
                ]
            )
        say(f"swapped in ({report.caught_up} articles changed by webhooks meanwhile)")
    finally:
        # after the swap the temporary names hold the old indexes; before it, the half-built ones
        for uid in (new.claims, new.articles, stats_index_name(new.claims)):
            with contextlib.suppress(Exception):
                await client.delete_index(uid)
    report.seconds = time.monotonic() - start
    return report
