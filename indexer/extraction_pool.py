"""Articles -> Meilisearch documents, in this process or in a pool of worker processes.

Extraction is pure-Python CPU work (~2,000 sentences/s on one core), so a bulk ingestion of a
whole archive spreads it over ``workers`` processes while the event loop keeps pushing finished
batches to Meilisearch. Chunks come back in input order. ``workers <= 1`` runs in-process (the
webhook worker's single-article jobs never pay for a pool).
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from indexer.documents import article_document, claim_document
from indexer.extract import claims_of_prepared, prepare_article
from indexer.models import Article

Doc = dict[str, object]
CHUNK = 24  # articles per task sent to a worker (~600 sentences: pickling stays a small share)
# Bulk extraction is background work: the pool's processes lower their CPU priority by this much
# (``nice``), so that Meilisearch's indexing of the batches already pushed - and the searches a
# machine serving the API answers meanwhile - go first. On Linux with autogroup scheduling (the
# default of desktop and many server kernels) a nice value only ranks processes of one session:
# CPU time is first shared equally between sessions, so Meilisearch (started in a session of its
# own) got one of 2 cores and the workers the other, whatever their nice value (sampled over a
# whole-corpus ingest: 1.00 / 1.00 cores throughout). Each worker therefore starts a session of its
# own and gives it the same nice value (``/proc/self/autogroup``).
WORKER_NICE = 10


@dataclass(frozen=True)
class Extracted:
    """One article's documents: the article and its claims."""

    article_id: str
    article: Doc
    claims: list[Doc]


@dataclass(frozen=True)
class ExtractedChunk:
    items: list[Extracted]
    cpu_seconds: float  # CPU time the extraction took, in whichever process ran it


def extract_documents(articles: list[Article]) -> ExtractedChunk:
    """Clean, extract and build the documents of ``articles`` (runs in a worker process)."""
    start = time.process_time()
    items = []
    for article in articles:
        prepared = prepare_article(article)
        claims = claims_of_prepared(prepared)
        items.append(
            Extracted(
                prepared.id,
                article_document(prepared),
                [claim_document(c, prepared.title) for c in claims],
            )
        )
    return ExtractedChunk(items, time.process_time() - start)


def default_workers() -> int:
    """One extraction process per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


async def extracted_chunks(
    articles: Iterable[Article], workers: int = 1, chunk: int = CHUNK
) -> AsyncIterator[ExtractedChunk]:
    """The documents of ``articles``, chunk by chunk, in input order."""
    batches = _batched(articles, chunk)
    head = list(itertools.islice(batches, 2))
    batches = itertools.chain(head, batches)
    if workers <= 1 or len(head) < 2:  # a pool costs ~1 s to start: not for a few articles
        for batch in batches:
            yield extract_documents(batch)
            await asyncio.sleep(0)  # let pushes to Meilisearch progress between chunks
        return
    loop = asyncio.get_running_loop()
    # fork: workers start in milliseconds with the model and gazetteer already loaded, and callers
    # need no ``if __name__ == "__main__"`` guard (spawn re-imports the main module). The workers
    # only run pure-Python extraction, never the parent's event loop or its sockets.
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_lower_priority
    )
    try:
        pending: deque[asyncio.Future[ExtractedChunk]] = deque()
        for batch in batches:
            pending.append(loop.run_in_executor(pool, extract_documents, batch))
            if len(pending) >= 2 * workers:  # bounded read-ahead: memory stays flat
                yield await pending.popleft()
        while pending:
            yield await pending.popleft()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_AUTOGROUP = "/proc/self/autogroup"
_PR_SET_PDEATHSIG = 1


def _lower_priority() -> None:
    """Pool initializer: run below every other process of the machine (see ``WORKER_NICE``)."""
    os.nice(WORKER_NICE)
    try:
        with open(_AUTOGROUP) as fh:  # "/autogroup-123 nice 0": the caller's session
            group_nice = int(fh.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return  # no autogroup scheduling: the nice value alone ranks the worker
    _die_with_parent()  # a session of its own no longer gets the terminal's Ctrl-C / hang-up
    os.setsid()
    try:
        with open(_AUTOGROUP, "w") as fh:
            fh.write(str(min(19, group_nice + WORKER_NICE)))
    except OSError:
        pass  # a kernel that refuses it leaves the worker at its nice value within its session


def _die_with_parent() -> None:
    """SIGTERM this worker when the process that started the pool dies (Linux ``prctl``)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _batched(articles: Iterable[Article], size: int) -> Iterable[list[Article]]:
    it = iter(articles)
    while batch := list(itertools.islice(it, size)):
        yield batch
