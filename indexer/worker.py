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

from indexer.cms import FetchError, InvalidArticle, fetch_article, parse_time
from indexer.corpus_stats import StatsDelta, apply_delta, fetch_claim_terms
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliApiError, MeiliError, MeiliTaskFailed, MeiliUnavailable
from indexer.meili.filters import any_of
from indexer.models import Article
from indexer.queue import ArticleState, Job, JobQueue

log = logging.getLogger("qawl.worker")

Fetcher = Callable[[str, str | None], Awaitable[Article]]


@dataclass(frozen=True)
class WorkerConfig:
    # rounds in flight; 1 because the BM25 statistics (indexer/corpus_stats.py) are updated
    # read-modify-write and must not be written by two rounds at once
    concurrency: int = 1
    stats_flush_s: float = 5.0
    batch: int = 64  # jobs claimed together in a round (distinct articles)
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


async def upsert_articles(
    client: MeiliClient, names: IndexNames, articles: list[Article], stats_sink: StatsDelta | None = None
) -> int:
    """Index articles and replace their claims; returns the claim count."""
    report = await index_articles(client, names, articles, stats_sink=stats_sink)
    if report.failed_tasks:
        raise IndexingFailed("; ".join(report.failed_tasks))
    return report.claims


async def upsert_article(client: MeiliClient, names: IndexNames, article: Article) -> int:
    return await upsert_articles(client, names, [article])


async def delete_articles(
    client: MeiliClient,
    names: IndexNames,
    article_ids: list[str],
    task_timeout: float = 120.0,
    stats_sink: StatsDelta | None = None,
) -> None:
    """Remove articles and every claim extracted from them (and their BM25 statistics)."""
    stats = StatsDelta()
    gone = await fetch_claim_terms(
        client, names.claims, filter_expr=any_of("article_id", article_ids)
    )
    for terms in gone.values():
        stats.remove(terms)
    tasks = [
        await client.delete_documents(names.articles, article_ids),
        await client.delete_documents_by_filter(
            names.claims, any_of("article_id", article_ids) or ""
        ),
    ]
    for uid in tasks:
        try:
            await client.wait_for_task(uid, timeout=task_timeout)
        except MeiliTaskFailed as exc:
            raise IndexingFailed(str(exc)) from exc
    if stats_sink is not None:
        stats_sink.merge(stats)
    else:
        await apply_delta(client, names.claims, stats)


async def delete_article(
    client: MeiliClient, names: IndexNames, article_id: str, task_timeout: float = 120.0
) -> None:
    await delete_articles(client, names, [article_id], task_timeout)


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
        self._inflight: dict[asyncio.Task[None], list[Job]] = {}
        self.processed = 0
        # BM25 statistics changes are coalesced and written when the worker is idle (or at least
        # every ``stats_flush_s``): one fewer Meilisearch task in front of the next event's claims.
        self._stats = StatsDelta()
        self._stats_since = 0.0

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
                self._wake.clear()
                jobs: list[Job] = []
                if len(self._inflight) < self.config.concurrency:
                    jobs = await asyncio.to_thread(self.queue.claim, self.config.batch)
                if jobs:
                    self._inflight[asyncio.create_task(self._run_round(jobs))] = jobs
                    if len(self._inflight) < self.config.concurrency:
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
                if self._stats and (
                    not self._inflight or time.monotonic() - self._stats_since > self.config.stats_flush_s
                ):
                    await self._flush_stats()
                if time.monotonic() - last_prune > 600:
                    last_prune = time.monotonic()
                    await asyncio.to_thread(self.queue.prune, self.config.keep_finished_s)
        finally:
            heartbeat.cancel()
            if self._inflight:  # let running rounds finish (they are short); else leases expire
                await asyncio.wait(list(self._inflight), timeout=10)
            self._reap()
            if self._stats:
                with contextlib.suppress(MeiliError):
                    await self._flush_stats()

    async def _flush_stats(self) -> None:
        delta = self._stats.take()
        try:
            await apply_delta(self.client, self.names.claims, delta)
        except BaseException:
            self._stats.merge(delta)  # keep it for the next flush (Meilisearch down, cancelled)
            raise
        self._stats_since = time.monotonic()

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
                log.error("worker round crashed", exc_info=task.exception())

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        interval = max(self.queue.lease_seconds / 3, 0.5)
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            ids = [job.id for jobs in self._inflight.values() for job in jobs]
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

    # -- a round of jobs (distinct articles) ----------------------------------------------------
    async def _run_round(self, jobs: list[Job]) -> None:
        try:
            await self.process_round(jobs)
        except MeiliUnavailable as exc:
            self._meili_down = True
            for job in jobs:
                current = await asyncio.to_thread(self.queue.get, job.id)
                if current is not None and current.status == "running":
                    await asyncio.to_thread(
                        self.queue.retry_later,
                        job.id,
                        f"waiting for Meilisearch: {exc}",
                        0.0,
                        count=False,
                    )
        except Exception as exc:  # a bug (say in extraction) must not strand the jobs: retry them
            log.exception("worker round failed")
            for job in jobs:
                current = await asyncio.to_thread(self.queue.get, job.id)
                if current is not None and current.status == "running":
                    await self._retry(job, f"{type(exc).__name__}: {exc}")

    async def process_round(self, jobs: list[Job]) -> None:
        """Apply claimed jobs: version checks, fetches, then one upsert and one delete batch."""
        indexed = await self._indexed_versions([j.article_id for j in jobs if j.article_id])
        upserts: list[tuple[Job, Article]] = []
        deletes: list[Job] = []
        fetches: list[Job] = []
        for job in jobs:
            version = self._version(job)
            have = indexed.get(job.article_id or "")
            if not job.article_id:
                await self._fail(job, "the event names no article")
            elif have is not None and version < have:
                await asyncio.to_thread(
                    self.queue.finish,
                    job.id,
                    "skipped",
                    (
                        f"older than the indexed version of article {job.article_id} "
                        f"({_iso(version)} < {_iso(have)})"
                    ),
                )
            elif job.kind == "delete":
                deletes.append(job)
            elif job.kind == "fetch":
                fetches.append(job)
            elif job.kind == "upsert":
                try:
                    upserts.append(
                        (
                            job,
                            self._with_version(
                                Article.model_validate(job.payload["article"]), version
                            ),
                        )
                    )
                except (KeyError, ValueError) as exc:
                    await self._fail(job, f"invalid stored article: {exc}")
            else:
                await self._fail(job, f"unknown job kind {job.kind!r}")
        if fetches:
            got = await asyncio.gather(*(self._fetch(j) for j in fetches))
            upserts += [(j, a) for j, a in zip(fetches, got, strict=True) if a is not None]
        if upserts:
            await self._apply(upserts, [])
        if deletes:
            await self._apply([], deletes)

    async def _apply(self, upserts: list[tuple[Job, Article]], deletes: list[Job]) -> None:
        jobs = [j for j, _ in upserts] + deletes
        try:
            if upserts:
                if not self._stats:
                    self._stats_since = time.monotonic()
                await upsert_articles(self.client, self.names, [a for _, a in upserts], self._stats)
            if deletes:
                await delete_articles(
                    self.client,
                    self.names,
                    [j.article_id or "" for j in deletes],
                    self.config.task_timeout,
                    self._stats,
                )
        except MeiliUnavailable:
            raise
        except (IndexingFailed, MeiliError, TimeoutError) as exc:
            if len(jobs) > 1:  # find the culprit: apply one by one
                for job, article in upserts:
                    await self._apply([(job, article)], [])
                for job in deletes:
                    await self._apply([], [job])
                return
            await self._retry(jobs[0], f"{type(exc).__name__}: {exc}")
            return
        now = time.time()
        done = [
            (j.id, ArticleState(j.article_id or "", self._version(j), False, now))
            for j, _ in upserts
        ]
        done += [
            (j.id, ArticleState(j.article_id or "", self._version(j), True, now)) for j in deletes
        ]
        await asyncio.to_thread(self.queue.finish_many, done)
        self.processed += len(done)

    async def _fetch(self, job: Job) -> Article | None:
        url = job.payload.get("url")
        if not isinstance(url, str):
            await self._fail(job, "a fetch event needs a url")
            return None
        try:
            article = await self.fetcher(url, job.article_id)
        except InvalidArticle as exc:
            await self._fail(job, str(exc))
            return None
        except FetchError as exc:
            if exc.transient:
                await self._retry(job, str(exc))
            else:
                await self._fail(job, str(exc))
            return None
        except Exception as exc:  # a bug must not kill the round
            log.exception("fetching for job %s crashed", job.id)
            await self._retry(job, f"{type(exc).__name__}: {exc}")
            return None
        return self._with_version(article, self._version(job))

    @staticmethod
    def _version(job: Job) -> float:
        return job.version if job.version is not None else job.created_at

    @staticmethod
    def _with_version(article: Article, version: float) -> Article:
        if article.updated_at is None:
            return article.model_copy(
                update={"updated_at": datetime.fromtimestamp(version, tz=UTC)}
            )
        return article

    async def _fail(self, job: Job, error: str) -> None:
        await asyncio.to_thread(self.queue.finish, job.id, "failed", error)

    async def _retry(self, job: Job, error: str) -> None:
        attempts = job.attempts + 1
        if attempts >= self.config.max_attempts:
            await asyncio.to_thread(
                self.queue.finish,
                job.id,
                "failed",
                f"{error} (after {attempts} attempts)",
                None,
                attempts,
            )
            return
        delay = min(self.config.base_backoff * 2 ** (attempts - 1), self.config.max_backoff)
        await asyncio.to_thread(self.queue.retry_later, job.id, error, delay)

    async def _indexed_versions(self, article_ids: list[str]) -> dict[str, float]:
        """Version applied per article: the queue's record, else the stored article's updated_at."""
        states = await asyncio.to_thread(self.queue.article_states, article_ids)
        out = {aid: st.version for aid, st in states.items()}
        unknown = [aid for aid in article_ids if aid not in out]
        if unknown:  # not seen through webhooks: the article may have been indexed from files
            try:
                res = await self.client.fetch_documents(
                    self.names.articles,
                    ids=unknown,
                    fields=["id", "updated_at", "updated_ts"],
                    limit=len(unknown),
                )
            except MeiliApiError as exc:
                if exc.code != "index_not_found":
                    raise
                res = {"results": []}
            for doc in res.get("results", []):
                try:
                    when = parse_time(doc.get("updated_at")) or (
                        float(doc["updated_ts"]) if doc.get("updated_ts") else None
                    )
                except InvalidArticle:
                    when = None
                if when is not None:
                    out[str(doc["id"])] = when
        return out
