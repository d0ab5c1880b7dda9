"""The worker on a real Meilisearch: upsert, delete, stale skip, fetch, outage, dead letters."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import orjson
import pytest

from indexer.cms import FetchError, fetch_article
from indexer.extract import extract_claims, prepare_article
from indexer.ingest import IndexNames
from indexer.meili.client import MeiliClient
from indexer.meili.filters import any_of
from indexer.meili.managed import free_port
from indexer.models import Article
from indexer.queue import JobQueue
from indexer.worker import Worker, WorkerConfig
from tests.conftest import Meili

BODY = (
    "قال وزير المالية إن العجز بلغ 5 مليارات ريال في العام الماضي.\n"
    "وأضاف الوزير أن الحكومة ستخفض الإنفاق بنسبة 10 في المئة."
)
ART = Article(id="w-1", title="العجز", body=BODY)


def names(prefix: str) -> IndexNames:
    return IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")


async def claim_ids(client: MeiliClient, n: IndexNames, article_id: str) -> set[str]:
    res = await client.fetch_documents(
        n.claims, filter_expr=any_of("article_id", [article_id]), fields=["id"]
    )
    return {d["id"] for d in res["results"]}


def test_upsert_skip_stale_then_delete(meili: Meili, prefix: str, tmp_path: Path) -> None:
    async def go() -> None:
        q = JobQueue.in_dir(tmp_path)
        n = names(prefix)
        async with meili.client() as client:
            worker = Worker(q, client, n, WorkerConfig(poll_interval=0.01))
            new = ART.model_copy(update={"body": BODY + "\nوقال المتحدث إن 300 شخص حضروا."})
            j1, _ = q.enqueue(
                "upsert", {"article": new.model_dump(mode="json")}, article_id="w-1", version=200.0
            )
            j2, _ = q.enqueue(
                "upsert", {"article": ART.model_dump(mode="json")}, article_id="w-1", version=100.0
            )
            await worker.drain(60)
            assert q.get(j1).status == "done" and q.get(j2).status == "skipped"  # type: ignore[union-attr]
            assert "older than" in (q.get(j2).error or "")  # type: ignore[union-attr]
            assert await claim_ids(client, n, "w-1") == {
                c.id for c in extract_claims(prepare_article(new))
            }
            j3, _ = q.enqueue("delete", {}, article_id="w-1", version=300.0)
            j4, _ = q.enqueue(
                "upsert", {"article": new.model_dump(mode="json")}, article_id="w-1", version=250.0
            )
            await worker.drain(60)
            assert q.get(j3).status == "done" and q.get(j4).status == "skipped"  # type: ignore[union-attr]
            assert await client.get_document(n.articles, "w-1") is None
            assert await claim_ids(client, n, "w-1") == set()
        q.close()

    asyncio.run(go())


def test_meilisearch_down_keeps_jobs_queued_without_counting_attempts(tmp_path: Path) -> None:
    async def go() -> None:
        q = JobQueue.in_dir(tmp_path)
        job, _ = q.enqueue(
            "upsert", {"article": ART.model_dump(mode="json")}, article_id="w-1", version=1.0
        )
        async with MeiliClient(f"http://127.0.0.1:{free_port()}") as dead:
            worker = Worker(q, dead, names("x_"), WorkerConfig(poll_interval=0.01))
            worker._indexes_ready = True  # as if Meilisearch went away after the start
            stop = asyncio.Event()
            runner = asyncio.create_task(worker.run(stop))
            for _ in range(200):
                await asyncio.sleep(0.01)  # let the worker try and back off
                stored = q.get(job)
                if stored and stored.error:
                    break
            stop.set()
            await runner
        stored = q.get(job)
        assert stored is not None and stored.status == "queued" and stored.attempts == 0
        assert "waiting for Meilisearch" in (stored.error or "")
        q.close()

    asyncio.run(go())


def test_fetch_errors_dead_letter_or_retry(meili: Meili, prefix: str, tmp_path: Path) -> None:
    async def fetcher(url: str, article_id: str | None) -> Article:
        if "gone" in url:
            raise FetchError("the CMS answered 404", transient=False)
        if "flaky" in url:
            raise FetchError("timed out", transient=True)
        return ART.model_copy(update={"id": article_id or "x"})

    async def go() -> None:
        q = JobQueue.in_dir(tmp_path)
        async with meili.client() as client:
            worker = Worker(
                q,
                client,
                names(prefix),
                WorkerConfig(poll_interval=0.01, base_backoff=0.01, max_attempts=3),
                fetcher=fetcher,
            )
            ok, _ = q.enqueue("fetch", {"url": "https://cms/ok"}, article_id="f-ok", version=1.0)
            gone, _ = q.enqueue(
                "fetch", {"url": "https://cms/gone"}, article_id="f-gone", version=1.0
            )
            flaky, _ = q.enqueue(
                "fetch", {"url": "https://cms/flaky"}, article_id="f-flaky", version=1.0
            )
            await worker.drain(60)
            assert await client.get_document(f"{prefix}articles", "f-ok") is not None
        assert q.get(ok).status == "done"  # type: ignore[union-attr]
        dead = {d["id"]: d for d in q.dead_letters()}
        assert set(dead) == {gone, flaky}
        assert dead[gone]["error"] == "the CMS answered 404"
        assert dead[flaky]["attempts"] == 3 and "after 3 attempts" in dead[flaky]["error"]
        q.close()

    asyncio.run(go())


def _cms(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/wp-json/wp/v2/posts/7":
        post = {
            "id": 7,
            "status": "publish",
            "link": "https://cms.example/?p=7",
            "modified_gmt": "2024-01-01T00:00:00",
            "title": {"rendered": "عنوان"},
            "content": {"rendered": f"<p>{BODY}</p>"},
        }
        return httpx.Response(
            200, content=orjson.dumps(post), headers={"content-type": "application/json"}
        )
    if path == "/page":
        html = (
            "<html lang='ar'><head><meta property='og:title' content='صفحة'></head>"
            f"<body><nav>قائمة</nav><article><p>{BODY}</p></article></body></html>"
        )
        return httpx.Response(200, text=html, headers={"content-type": "text/html; charset=utf-8"})
    if path == "/moved":
        return httpx.Response(302, headers={"location": "https://evil.example/x"})
    if path == "/local-move":
        return httpx.Response(301, headers={"location": "/page"})
    if path == "/pdf":
        return httpx.Response(200, content=b"%PDF", headers={"content-type": "application/pdf"})
    if path == "/huge":
        return httpx.Response(
            200, content=b"{" + b" " * 3000 + b"}", headers={"content-type": "application/json"}
        )
    return httpx.Response(503)


def test_fetch_article_shapes_and_limits() -> None:
    transport = httpx.MockTransport(_cms)

    async def fetch(path: str, **kw: object) -> Article:
        return await fetch_article(f"https://cms.example{path}", "doc-1", transport=transport, **kw)  # type: ignore[arg-type]

    async def go() -> None:
        wp = await fetch("/wp-json/wp/v2/posts/7")
        assert wp.id == "doc-1" and wp.title == "عنوان" and wp.body.startswith("قال وزير")
        page = await fetch("/local-move")
        assert (
            page.title == "صفحة" and "قائمة" not in page.body and page.body.startswith("قال وزير")
        )
        for path, transient, words in [
            ("/moved", False, "another host"),
            ("/pdf", False, "content type"),
            ("/down", True, "503"),
        ]:
            with pytest.raises(FetchError, match=words) as info:
                await fetch(path)
            assert info.value.transient is transient
        with pytest.raises(FetchError, match="larger than"):
            await fetch("/huge", max_bytes=1000)

    asyncio.run(go())


def test_a_crash_in_a_round_retries_then_dead_letters(
    tmp_path: Path, meili: Meili, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.worker as worker_module

    async def broken(*_: object, **__: object) -> int:
        raise RuntimeError("extraction bug")

    monkeypatch.setattr(worker_module, "upsert_articles", broken)

    async def go() -> None:
        q = JobQueue.in_dir(tmp_path)
        job, _ = q.enqueue(
            "upsert", {"article": ART.model_dump(mode="json")}, article_id="w-9", version=1.0
        )
        async with meili.client() as client:
            config = WorkerConfig(poll_interval=0.01, base_backoff=0.01, max_attempts=2)
            await Worker(q, client, names(prefix), config).drain(60)
        stored = q.get(job)
        assert stored is not None and stored.status == "failed" and stored.attempts == 2
        assert "extraction bug" in (stored.error or "")
        q.close()

    asyncio.run(go())


def test_bm25_statistics_follow_the_worker(meili: Meili, prefix: str, tmp_path: Path) -> None:
    """Statistics changes are coalesced off the latency path but written once the worker is idle."""
    from indexer.corpus_stats import TOTALS_ID, stats_index_name

    async def totals(client: MeiliClient, n: IndexNames) -> int:
        doc = await client.get_document(stats_index_name(n.claims), TOTALS_ID)
        return int(doc["n"]) if doc else 0

    async def go() -> None:
        q = JobQueue.in_dir(tmp_path)
        n = names(prefix)
        async with meili.client() as client:
            worker = Worker(q, client, n, WorkerConfig(poll_interval=0.01))
            q.enqueue("upsert", {"article": ART.model_dump(mode="json")}, article_id="w-1", version=100.0)
            await worker.drain(60)
            stored = await claim_ids(client, n, "w-1")
            assert stored and await totals(client, n) == len(stored)
            q.enqueue("delete", {}, article_id="w-1", version=200.0)
            await worker.drain(60)
            assert await totals(client, n) == 0
        q.close()

    asyncio.run(go())
