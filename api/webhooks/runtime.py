"""What the webhook routes need at run time: the queue, the secrets, the in-process worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request

from api.settings import ApiSettings
from api.webhooks.verification import secret_keys
from indexer.ingest import IndexNames
from indexer.meili.client import MeiliClient
from indexer.queue import JobQueue
from indexer.reindex import ReindexBusy, reindex
from indexer.worker import Worker, WorkerConfig

log = logging.getLogger("qawl.webhooks")


@dataclass
class WebhookRuntime:
    queue: JobQueue
    keys: list[bytes]
    client: MeiliClient
    names: IndexNames
    worker: Worker | None = None
    reindex_task: asyncio.Task[None] | None = field(default=None, repr=False)

    def notify(self) -> None:
        if self.worker is not None:
            self.worker.notify()

    def start_reindex(self) -> str:
        """Start a background re-index recorded as a job; ``ReindexBusy`` when one runs."""
        if (self.reindex_task and not self.reindex_task.done()) or self.queue.paused():
            raise ReindexBusy("a re-index is already running")
        job_id, _ = self.queue.enqueue("reindex", {"requested_at": time.time()}, status="running")

        async def keep_lease() -> None:
            while True:  # other processes treat a job with an expired lease as interrupted
                await asyncio.sleep(self.queue.lease_seconds / 3)
                await asyncio.to_thread(self.queue.renew, [job_id])

        async def run() -> None:
            lease = asyncio.create_task(keep_lease())
            try:
                report = await reindex(self.client, self.names, self.queue)
            except Exception as exc:
                lease.cancel()
                log.exception("re-index failed")
                await asyncio.to_thread(
                    self.queue.finish, job_id, "failed", f"{type(exc).__name__}: {exc}"
                )
                return
            lease.cancel()
            await asyncio.to_thread(
                self.queue.finish,
                job_id,
                "done",
                None
                if not report.errors
                else f"rebuilt; {len(report.errors)} unreadable articles: {report.errors[:3]}",
            )

        self.reindex_task = asyncio.create_task(run())
        return job_id


def get_runtime(request: Request) -> WebhookRuntime:
    runtime: WebhookRuntime = request.app.state.webhooks
    return runtime


@asynccontextmanager
async def webhook_runtime(app: FastAPI, settings: ApiSettings) -> AsyncIterator[WebhookRuntime]:
    """Open the queue, start the in-process worker (``QAWL_INLINE_WORKER``), stop both at exit."""
    queue = JobQueue.in_dir(Path(settings.data_dir))
    client = MeiliClient(settings.meili_url, settings.meili_master_key or None, timeout=30)
    names = IndexNames(claims=settings.claims_index, articles=settings.articles_index)
    runtime = WebhookRuntime(queue, secret_keys(settings.webhook_secrets), client, names)
    stop = asyncio.Event()
    task: asyncio.Task[None] | None = None
    inline = settings.development if settings.inline_worker is None else settings.inline_worker
    if inline:
        runtime.worker = Worker(
            queue, client, names, WorkerConfig(batch=settings.worker_batch, poll_interval=0.25)
        )
        task = asyncio.create_task(runtime.worker.run(stop))
    app.state.webhooks = runtime
    try:
        yield runtime
    finally:
        stop.set()
        if runtime.reindex_task and not runtime.reindex_task.done():
            runtime.reindex_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await runtime.reindex_task
        if task is not None:
            with contextlib.suppress(Exception):
                await task
        await client.aclose()
        queue.close()
