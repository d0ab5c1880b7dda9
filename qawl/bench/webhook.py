"""``qawl bench webhook``: signed single-article events -> claims searchable, p50/p99.

A base index of ``--base-articles`` corpus articles is built first (so Meilisearch is not empty).
Then, for each of ``--articles`` further articles (only ones the extractor finds claims in), one
``article.published`` event and later one ``article.updated`` event (the body changed: one
paragraph dropped, one sentence with a number added, ``updated_at`` now) are POSTed to
``/v1/webhooks/articles``, signed per Standard Webhooks with a secret given to the API process in
``QAWL_WEBHOOK_SECRETS``. Events are sent one at a time; the latency of an event is the time from
sending the POST until a direct Meilisearch search filtered on the article returns exactly the
claim ids that ``extract_claims`` gives for that version (old claims gone, new ones present).
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import orjson
import typer
from standardwebhooks.webhooks import Webhook

from indexer.extract import extract_claims
from indexer.meili.client import MeiliClient
from indexer.meili.filters import any_of
from indexer.models import Article
from qawl.bench.common import (
    DEFAULT_CORPUS,
    BenchError,
    MeiliHandle,
    api_server,
    bench_prefix,
    check_file,
    emit,
    log,
    meili_server,
    percentile,
    read_corpus,
    run_async,
)
from qawl.bench.corpus_index import drop_indexes, names_for

DEFAULT_ARTICLES = 30
DEFAULT_BASE = 1000
EVENT_TIMEOUT_S = 30.0
POLL_S = 0.005  # the API's worker owns the Meilisearch task; we can only poll the search result


def updated_version(article: Article, n: int) -> Article:
    paragraphs = [p for p in article.body.split("\n") if p.strip()]
    if len(paragraphs) > 1:
        paragraphs = paragraphs[:-1]
    paragraphs.append(
        f"وقال المتحدث الرسمي إن عدد المستفيدين من البرنامج بلغ {1000 + n} شخص هذا العام."
    )
    # newer than the published version (whose updated_at is its publication time or an hour ago)
    return article.model_copy(
        update={"body": "\n".join(paragraphs), "updated_at": datetime.now(UTC)}
    )


def published_version(article: Article) -> Article:
    return article.model_copy(
        update={"updated_at": article.published_at or datetime.now(UTC) - timedelta(hours=1)}
    )


def expected_ids(article: Article) -> set[str]:
    return {c.id for c in extract_claims(article)}


def signed_event(hook: Webhook, event_type: str, article: Article) -> tuple[bytes, dict[str, str]]:
    now = datetime.now(UTC)
    payload = orjson.dumps(
        {"type": event_type, "timestamp": now.isoformat(), "data": article.model_dump(mode="json")}
    )
    msg_id = f"msg_{secrets.token_hex(8)}"
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": hook.sign(msg_id, now, payload.decode()),
    }
    return payload, headers


async def _claim_ids(client: MeiliClient, index: str, article_id: str) -> set[str]:
    res = await client.search(
        index,
        {
            "q": "",
            "filter": any_of("article_id", [article_id]),
            "limit": 1000,
            "attributesToRetrieve": ["id"],
        },
    )
    return {h["id"] for h in res["hits"]}


async def _run_events(
    api_url: str,
    meili_url: str,
    key: str,
    claims_index: str,
    secret: str,
    events: list[tuple[str, Article, set[str]]],
    isolated: bool = True,
) -> dict[str, Any]:
    hook = Webhook(secret)
    latencies: list[float] = []
    timeouts: list[str] = []
    job_ids: list[str] = []
    async with (
        httpx.AsyncClient(
            base_url=api_url, timeout=30, headers={"accept-encoding": "identity"}
        ) as http,
        MeiliClient(meili_url, key or None) as meili,
    ):
        for event_type, article, want in events:
            body, headers = signed_event(hook, event_type, article)
            start = time.perf_counter()
            resp = await http.post("/v1/webhooks/articles", content=body, headers=headers)
            if resp.status_code in (404, 405):
                raise BenchError(
                    f"POST /v1/webhooks/articles is not available yet (HTTP {resp.status_code})"
                )
            if resp.status_code != 202:
                raise BenchError(
                    f"POST /v1/webhooks/articles answered {resp.status_code}: {resp.text[:300]}"
                )
            job_ids.append(str(resp.json().get("job_id")))
            deadline = start + EVENT_TIMEOUT_S
            while await _claim_ids(meili, claims_index, article.id) != want:
                if time.perf_counter() > deadline:
                    timeouts.append(f"{event_type} {article.id}")
                    break
                await asyncio.sleep(POLL_S)
            else:
                latencies.append(time.perf_counter() - start)
            if isolated:  # single-article events: the next one arrives when this job has finished
                while time.perf_counter() < deadline:
                    job = await http.get(f"/v1/jobs/{job_ids[-1]}")
                    if job.status_code != 200 or job.json().get("status") in {"done", "failed", "skipped"}:
                        break
                    await asyncio.sleep(POLL_S)
        statuses: Counter[str] = Counter()
        for job_id in job_ids:
            resp = await http.get(f"/v1/jobs/{job_id}")
            statuses[
                resp.json().get("status", f"HTTP {resp.status_code}")
                if resp.status_code == 200
                else f"HTTP {resp.status_code}"
            ] += 1
    return {"latencies": latencies, "timeouts": timeouts, "job_statuses": dict(statuses)}


def run_webhook_bench(corpus: Path, articles: int, base_articles: int) -> dict[str, Any]:
    pool = list(read_corpus(corpus, base_articles + articles * 3))
    base, rest = pool[:base_articles], pool[base_articles:]
    chosen: list[Article] = []
    for article in rest:
        if len(chosen) == articles:
            break
        if expected_ids(article) and expected_ids(updated_version(article, len(chosen))):
            chosen.append(article)
    if not chosen:
        raise BenchError("no article with claims found after the base articles")
    chosen = [published_version(a) for a in chosen]
    events: list[tuple[str, Article, set[str]]] = [
        ("article.published", a, expected_ids(a)) for a in chosen
    ]
    for n, a in enumerate(chosen):
        updated = updated_version(a, n)
        events.append(("article.updated", updated, expected_ids(updated)))
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    prefix = bench_prefix()
    with meili_server() as meili:
        try:
            log(f"base index: {len(base)} articles ...")
            run_async(build_index_from(meili, prefix, base))
            with api_server(meili, prefix, {"QAWL_WEBHOOK_SECRETS": secret}) as api:
                log(f"{len(events)} events, one at a time ...")
                res = run_async(
                    _run_events(
                        api.url, meili.url, meili.key, names_for(prefix).claims, secret, events
                    )
                )
        finally:
            run_async(drop_indexes(meili, prefix))
    lat = res["latencies"]
    published, updated = lat[: len(chosen)], lat[len(chosen) :]
    return {
        "events": len(events),
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
        "max_ms": round(max(lat) * 1000, 1) if lat else None,
        "published_p50_ms": round(percentile(published, 50) * 1000, 1),
        "updated_p50_ms": round(percentile(updated, 50) * 1000, 1),
        "searchable": len(lat),
        "timeouts": res["timeouts"],
        "job_statuses": res["job_statuses"],
        "base_articles": len(base),
        "measured": "POST sent -> a search on article_id returns exactly the expected claim ids",
        "spacing": "isolated: each event is sent once the previous event's job has finished",
    }


async def build_index_from(meili: MeiliHandle, prefix: str, docs: list[Article]) -> None:
    from indexer.ingest import ensure_indexes, index_articles

    async with MeiliClient(meili.url, meili.key or None, timeout=120) as client:
        names = names_for(prefix)
        await ensure_indexes(client, names)
        if docs:
            await index_articles(client, names, docs)


def register(app: typer.Typer) -> None:
    @app.command("webhook")
    def webhook(
        corpus: Annotated[
            Path, typer.Option(help="articles file; default ../shared/data/saudinewsnet.jsonl.gz")
        ] = DEFAULT_CORPUS,
        articles: Annotated[
            int,
            typer.Option(min=1, help="articles sent as events (2 events each: published, updated)"),
        ] = DEFAULT_ARTICLES,
        queries: Annotated[
            int | None, typer.Option(hidden=True, help="unused (accepted for a uniform CLI)")
        ] = None,
        base_articles: Annotated[
            int, typer.Option(min=0, help="articles indexed before the events")
        ] = DEFAULT_BASE,
    ) -> None:
        """Signed webhook events -> claims searchable: p50/p99 ms."""
        check_file(corpus)
        try:
            out = run_webhook_bench(corpus, articles, base_articles)
        except BenchError as exc:
            emit({"events": 0, "p50_ms": None, "p99_ms": None, "error": str(exc)})
            raise typer.Exit(1) from exc
        emit(out)
        if out["timeouts"]:
            raise typer.Exit(1)
