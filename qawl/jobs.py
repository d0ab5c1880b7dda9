"""``qawl jobs``, ``qawl worker`` and ``qawl reindex``: the webhook queue from the command line."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import Annotated

import orjson
import typer

from indexer.ingest import IndexNames
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliError
from indexer.queue import JobQueue
from indexer.reindex import ReindexBusy, ReindexFailed, reindex
from indexer.settings import IndexerSettings
from indexer.worker import Worker, WorkerConfig


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"qawl: {message}", err=True)
    return typer.Exit(code)


def _emit(obj: object) -> None:
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode() + "\n")


def _meili(settings: IndexerSettings) -> str:
    if not settings.meili_url:
        raise _fail("MEILI_URL is not set: point it at the Meilisearch that holds the indexes")
    return settings.meili_url


async def _run_worker(settings: IndexerSettings, batch: int, once: bool) -> int:
    queue = JobQueue.in_dir(settings.data_dir)
    async with MeiliClient(
        _meili(settings), settings.meili_master_key or None, timeout=30
    ) as client:
        worker = Worker(
            queue, client, IndexNames.from_settings(settings), WorkerConfig(batch=batch)
        )
        if once:
            await worker.drain()
        else:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError):
                    loop.add_signal_handler(sig, stop.set)
            await worker.run(stop)
    queue.close()
    return worker.processed


async def _run_reindex(settings: IndexerSettings) -> dict[str, object]:
    queue = JobQueue.in_dir(settings.data_dir)
    try:
        async with MeiliClient(
            _meili(settings), settings.meili_master_key or None, timeout=120
        ) as client:
            report = await reindex(
                client,
                IndexNames.from_settings(settings),
                queue,
                batch_size=settings.batch_size,
                progress=lambda msg: typer.echo(f"qawl: {msg}", err=True),
                workers=settings.extraction_workers,
            )
    finally:
        queue.close()
    return report.to_json()


def register(app: typer.Typer) -> None:
    @app.command()
    def jobs(
        failed: Annotated[
            bool, typer.Option("--failed", help="list dead-lettered jobs with their errors")
        ] = False,
        retry: Annotated[
            str | None, typer.Option("--retry", metavar="ID", help="queue a failed job again")
        ] = None,
    ) -> None:
        """Webhook jobs in QAWL_DATA_DIR: counts by status, --failed, --retry ID."""
        settings = IndexerSettings()
        queue = JobQueue.in_dir(settings.data_dir)
        try:
            if retry is not None:
                if not queue.retry(retry):
                    raise _fail(f"no failed job {retry!r} (see `qawl jobs --failed`)")
                typer.echo(f"qawl: job {retry} queued again", err=True)
                _emit({"id": retry, "status": "queued"})
                return
            if failed:
                _emit(queue.dead_letters())
                return
            _emit({"counts": queue.counts(), "paused": queue.paused()})
        finally:
            queue.close()

    @app.command()
    def worker(
        batch: Annotated[
            int, typer.Option(min=1, max=1000, help="jobs applied together at most")
        ] = 64,
        once: Annotated[bool, typer.Option("--once", help="exit when the queue is empty")] = False,
    ) -> None:
        """Drain the webhook queue (QAWL_DATA_DIR) into Meilisearch (MEILI_URL) until stopped."""
        settings = IndexerSettings()
        _meili(settings)
        typer.echo(
            f"qawl: worker on {settings.data_dir / 'queue.sqlite3'} -> {settings.meili_url}",
            err=True,
        )
        processed = asyncio.run(_run_worker(settings, batch, once))
        typer.echo(f"qawl: worker stopped after {processed} jobs", err=True)

    @app.command("reindex")
    def reindex_cmd() -> None:
        """Rebuild claims and articles from the stored articles, then swap them in atomically."""
        settings = IndexerSettings()
        _meili(settings)
        try:
            out = asyncio.run(_run_reindex(settings))
        except ReindexBusy as exc:
            raise _fail(str(exc), 1) from exc
        except (ReindexFailed, MeiliError) as exc:
            raise _fail(f"re-index failed (the live indexes are untouched): {exc}", 1) from exc
        _emit(out)
