"""The webhook worker: drains the durable queue into Meilisearch.

Each job is one article event: ``upsert`` (article in the payload), ``fetch`` (read it from the
CMS first) or ``delete``. A job runs as soon as it is claimed (no batching window: Meilisearch
auto-batches the tasks of concurrent jobs), up to ``concurrency`` at a time, one at a time per
article. An event older than the version already applied to that article is ``skipped``.

Failures: Meilisearch unreachable -> the job goes back to the queue untouched and the worker waits
for Meilisearch with exponential back-off (nothing is dropped, however long the outage). Other
errors -> retried with exponential back-off; after ``max_attempts`` (or at once when retrying
cannot help: invalid article, 4xx from the CMS) the job is ``failed`` and dead-lettered.
Upserts and deletes are idempotent, so a job re-run after a crash (lease expired) is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from indexer.cms import FetchError, InvalidArticle, fetch_article, parse_time
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliError, MeiliTaskFailed, MeiliUnavailable
from indexer.meili.filters import any_of
from indexer.models import Article
from indexer.queue import ArticleState, Job, JobQueue

log = logging.getLogger("qawl.worker")

Fetcher = Callable[[str, str | None], Awaitable[Article]]


@dataclass(frozen=True)
class WorkerConfig:
    concurrency: int = 8
    poll_interval: float = 0.05
    max_attempts: int = 6
    base_backoff: float = 0.5
    max_backoff: float = 60.0
    meili_backoff_max: float = 2.0
    task_timeout: float = 120.0
    keep_finished_s: float = 7 * 86400


class JobFailed(Exception):
    """Retrying this job cannot succeed: it goes straight to the dead letters."""


class IndexingFailed(Exception):
    """A Meilisearch task of the job failed (counted as an attempt, retried with back-off)."""


async def upsert_article(client: MeiliClient, names: IndexNames, article: Article) -> int:
    """Index one article and replace its claims; waits for the tasks. Returns the claim count."""
    report = await index_articles(client, names, [article], wait=True)
    if report.failed_tasks:
        raise IndexingFailed("; ".join(report.failed_tasks))
    return report.claims


async def delete_article(
    client: MeiliClient, names: IndexNames, article_id: str, task_timeout: float = 120.0
) -> None:
    """Remove an article and every claim extracted from it; waits for the tasks."""
    tasks = [
        await client.delete_documents(names.articles, [article_id]),
        await client.delete_documents_by_filter(names.claims, any_of("article_id", [article_id]) or ""),
    ]
    for uid in tasks:
        try:
            await client.wait_for_task(uid, timeout=task_timeout)
        except MeiliTaskFailed as exc:
            raise IndexingFailed(str(exc)) from exc


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat()


class Worker:
    def __init__(
        self,
        queue: JobQueue,
        client: MeiliClient,
        names: IndexNames,
        config: WorkerConfig | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.queue = queue
        self.client = client
        self.names = names
        self.config = config or WorkerConfig()
        self.fetcher: Fetcher = fetcher or (lambda url, art_id: fetch_article(url, art_id))
        self._wake = asyncio.Event()
        self._meili_down = False
        self._indexes_ready = False
        self._inflight: dict[asyncio.Task[None], Job] = {}
        self.processed = 0

    def notify(self) -> None:
        """A job was enqueued: look now instead of at the next poll."""
        self._wake.set()

    # -- the loop --------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        heartbeat = asyncio.create_task(self._heartbeat(stop))
        last_prune = 0.0
        try:
            while not stop.is_set():
                if self._meili_down or not self._indexes_ready:
                    await self._wait_for_meili(stop)
                    continue
                free = self.config.concurrency - len(self._inflight)
                self._wake.clear()
                jobs = await asyncio.to_thread(self.queue.claim, free) if free > 0 else []
                for job in jobs:
                    task = asyncio.create_task(self._run_job(job))
                    self._inflight[task] = job
                if jobs and len(self._inflight) < self.config.concurrency:
                    continue  # more may be waiting
                waiter = asyncio.create_task(self._wake.wait())
                stopper = asyncio.create_task(stop.wait())
                try:
                    await asyncio.wait(
                        [waiter, stopper, *self._inflight],
                        timeout=self.config.poll_interval,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    waiter.cancel()
                    stopper.cancel()
                self._reap()
                if time.monotonic() - last_prune > 600:
                    last_prune = time.monotonic()
                    await asyncio.to_thread(self.queue.prune, self.config.keep_finished_s)
        finally:
            heartbeat.cancel()
            if self._inflight:  # let running jobs finish (they are short); else leases expire
                await asyncio.wait(list(self._inflight), timeout=10)
            self._reap()

    async def drain(self, max_seconds: float = 300.0) -> None:
        """Run until nothing is queued or running (tests, ``qawl worker --once``)."""
        stop = asyncio.Event()
        runner = asyncio.create_task(self.run(stop))
        deadline = time.monotonic() + max_seconds
        try:
            while await asyncio.to_thread(self.queue.pending) and time.monotonic() < deadline:
                await asyncio.sleep(self.config.poll_interval)  # polling the queue file
                if runner.done():
                    break
        finally:
            stop.set()
            await runner

    def _reap(self) -> None:
        for task in [t for t in self._inflight if t.done()]:
            self._inflight.pop(task)
            if not task.cancelled() and task.exception() is not None:
                log.error("worker job crashed", exc_info=task.exception())

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        interval = max(self.queue.lease_seconds / 3, 0.5)
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            ids = [job.id for job in self._inflight.values()]
            if ids:
                await asyncio.to_thread(self.queue.renew, ids)

    async def _wait_for_meili(self, stop: asyncio.Event) -> None:
        delay = 0.05
        while not stop.is_set():
            if await self.client.health():
                try:
                    if not self._indexes_ready:
                        await ensure_indexes(self.client, self.names)
                        self._indexes_ready = True
                    self._meili_down = False
                    return
                except MeiliUnavailable:
                    pass
                except MeiliError as exc:
                    log.error("cannot prepare the indexes: %s", exc)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, self.config.meili_backoff_max)

    # -- one job ---------------------------------------------------------------------------------
    async def _run_job(self, job: Job) -> None:
        try:
            status, error, state = await self.process(job)
        except MeiliUnavailable as exc:
            self._meili_down = True
            await asyncio.to_thread(
                self.queue.retry_later, job.id, f"waiting for Meilisearch: {exc}", 0.0, count=False)
            return
        except (JobFailed, InvalidArticle) as exc:
            await asyncio.to_thread(self.queue.finish, job.id, "failed", str(exc))
            return
        except FetchError as exc:
            if not exc.transient:
                await asyncio.to_thread(self.queue.finish, job.id, "failed", str(exc))
                return
            await self._retry(job, str(exc))
            return
        except (IndexingFailed, MeiliError, TimeoutError) as exc:
            await self._retry(job, f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:  # a bug must not kill the worker: retry, then dead-letter
            log.exception("job %s crashed", job.id)
            await self._retry(job, f"{type(exc).__name__}: {exc}")
            return
        self.processed += 1
        await asyncio.to_thread(self.queue.finish, job.id, status, error, state)

    async def _retry(self, job: Job, error: str) -> None:
        attempts = job.attempts + 1
        if attempts >= self.config.max_attempts:
            await asyncio.to_thread(
                self.queue.finish, job.id, "failed", f"{error} (after {attempts} attempts)",
                None, attempts)
            return
        delay = min(self.config.base_backoff * 2 ** (attempts - 1), self.config.max_backoff)
        await asyncio.to_thread(self.queue.retry_later, job.id, error, delay)

    async def _indexed_version(self, article_id: str) -> float | None:
        state = await asyncio.to_thread(self.queue.article_state, article_id)
        if state is not None:
            return state.version
        # not seen through webhooks: the article may have been indexed from files
        doc = await self.client.get_document(self.names.articles, article_id, fields=["updated_at", "updated_ts"])
        if not doc:
            return None
        try:
            return parse_time(doc.get("updated_at")) or (float(doc["updated_ts"]) if doc.get("updated_ts") else None)
        except InvalidArticle:
            return None

    async def process(self, job: Job) -> tuple[Any, str | None, ArticleState | None]:
        """Apply one job; returns ``(status, error, state)`` for ``JobQueue.finish``."""
        payload = job.payload
        article_id = job.article_id
        if not article_id:
            raise JobFailed("the event names no article")
        version = job.version if job.version is not None else job.created_at
        indexed = await self._indexed_version(article_id)
        if indexed is not None and version < indexed:
            return "skipped", (
                f"older than the indexed version of article {article_id} "
                f"({_iso(version)} < {_iso(indexed)})"), None
        if job.kind == "delete":
            await delete_article(self.client, self.names, article_id, self.config.task_timeout)
            return "done", None, ArticleState(article_id, version, True, time.time())
        if job.kind == "fetch":
            url = payload.get("url")
            if not isinstance(url, str):
                raise JobFailed("a fetch event needs a url")
            article = await self.fetcher(url, article_id)
        elif job.kind == "upsert":
            try:
                article = Article.model_validate(payload["article"])
            except (KeyError, ValueError) as exc:
                raise JobFailed(f"invalid stored article: {exc}") from exc
        else:
            raise JobFailed(f"unknown job kind {job.kind!r}")
        if article.updated_at is None:
            article = article.model_copy(update={"updated_at": datetime.fromtimestamp(version, tz=UTC)})
        await upsert_article(self.client, self.names, article)
        return "done", None, ArticleState(article_id, version, False, time.time())
