"""(a) events while Meilisearch stops twice, (b) the API SIGKILLed mid-drain: nothing lost/doubled.

Both drive real processes: Meilisearch and ``python -m qawl serve`` (with its in-process worker)
as subprocesses. The simulated CMS keeps the truth: per article, the event with the highest
version wins (a delete included); afterwards the indexes must hold exactly that.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from indexer.meili.client import MeiliClient
from indexer.meili.managed import ManagedMeilisearch
from indexer.models import Article
from tests.faults.helpers import (
    BASE_TIME,
    ApiProcess,
    corpus_articles,
    edited,
    event_body,
    expected_claim_ids,
    hours,
    new_secret,
    sign,
)

pytestmark = pytest.mark.slow

# the issue asks for 1,000 (QAWL_FAULT_EVENTS=1000); the default keeps the suite fast on 2 cores
EVENTS = int(os.environ.get("QAWL_FAULT_EVENTS", "300"))


@dataclass
class Event:
    webhook_id: str
    body: bytes
    article_id: str


def scenario(
    articles: list[Article], rng: random.Random
) -> tuple[list[Event], dict[str, Article | None]]:
    """Publishes, edits, deletes, duplicate deliveries and stale edits, shuffled together."""
    events: list[Event] = []
    final: dict[str, Article | None] = {}
    for article in articles:
        versions = [article.model_copy(update={"updated_at": BASE_TIME})]
        for n in range(1, rng.choice([1, 2, 2, 3])):
            versions.append(edited(article, n, BASE_TIME + hours(n)))
        mine = [
            Event(
                f"msg_{secrets.token_hex(8)}",
                event_body(
                    "article.published" if n == 0 else "article.updated",
                    v,
                    article.id,
                    v.updated_at or BASE_TIME,
                ),
                article.id,
            )
            for n, v in enumerate(versions)
        ]
        final[article.id] = versions[-1]
        if rng.random() < 0.25:
            when = BASE_TIME + hours(len(versions))
            mine.append(
                Event(
                    f"msg_{secrets.token_hex(8)}",
                    event_body("article.deleted", None, article.id, when),
                    article.id,
                )
            )
            final[article.id] = None
        if len(versions) > 1 and rng.random() < 0.3:  # a late, stale edit (new delivery id)
            stale = versions[0]
            mine.append(
                Event(
                    f"msg_{secrets.token_hex(8)}",
                    event_body("article.updated", stale, article.id, BASE_TIME),
                    article.id,
                )
            )
        mine += [
            Event(e.webhook_id, e.body, e.article_id) for e in mine if rng.random() < 0.12
        ]  # redeliveries
        events.extend(mine)
    rng.shuffle(events)
    return events, final


def articles_for(n_events: int, rng: random.Random) -> list[Article]:
    return corpus_articles(max(4, round(n_events / 2.6)))


def post(http: httpx.Client, secret: str, event: Event, attempts: int = 60) -> str:
    """Deliver like a CMS does: retry (same webhook-id) until a 2xx."""
    for _ in range(attempts):
        try:
            resp = http.post(
                "/v1/webhooks/articles",
                content=event.body,
                headers=sign(secret, event.body, event.webhook_id),
            )
        except httpx.TransportError:
            time.sleep(0.2)  # the API is down (killed on purpose): a CMS retries later
            continue
        assert resp.status_code == 202, resp.text
        return str(resp.json()["job_id"])
    raise AssertionError(f"event {event.webhook_id} never accepted")


def wait_drained(api: ApiProcess, timeout: float = 180) -> None:
    queue = api.queue()
    try:
        deadline = time.monotonic() + timeout
        while queue.pending():
            assert time.monotonic() < deadline, (
                f"queue not drained: {queue.counts()}\n{api.log_tail()}"
            )
            time.sleep(0.1)  # polling the job queue (job status), not a blind wait
    finally:
        queue.close()


async def index_state(
    meili_url: str, key: str, prefix: str
) -> tuple[dict[str, dict], dict[str, list[str]]]:
    async with MeiliClient(meili_url, key) as client:
        arts = await client.fetch_documents(
            f"{prefix}articles", limit=100_000, fields=["id", "title", "body"]
        )
        claims = await client.fetch_documents(
            f"{prefix}claims", limit=100_000, fields=["id", "article_id"]
        )
    by_article: dict[str, list[str]] = defaultdict(list)
    for c in claims["results"]:
        by_article[c["article_id"]].append(c["id"])
    return {a["id"]: a for a in arts["results"]}, by_article


def assert_index_matches(
    meili: ManagedMeilisearch, prefix: str, final: dict[str, Article | None]
) -> None:
    articles, claims = asyncio.run(index_state(meili.url, meili.master_key, prefix))
    live = {aid: a for aid, a in final.items() if a is not None}
    assert set(articles) == set(live), (
        f"missing {sorted(set(live) - set(articles))[:5]}, "
        f"extra {sorted(set(articles) - set(live))[:5]}"
    )
    for aid, article in live.items():
        assert articles[aid]["title"] == article.title, aid
        want = expected_claim_ids(article)
        got = claims.get(aid, [])
        assert len(got) == len(set(got)) and set(got) == want, aid
    assert set(claims) <= set(live), "claims of deleted articles remain"


def check_jobs(api: ApiProcess, job_ids: list[str]) -> Counter[str]:
    statuses: Counter[str] = Counter()
    with httpx.Client(base_url=api.url, timeout=10) as http:
        for job_id in set(job_ids):
            resp = http.get(f"/v1/jobs/{job_id}")
            assert resp.status_code == 200, resp.text
            statuses[resp.json()["status"]] += 1
    assert set(statuses) <= {"done", "skipped"}, statuses
    return statuses


def test_events_survive_meilisearch_stopping_twice(
    own_meili: ManagedMeilisearch, tmp_path: Path
) -> None:
    rng = random.Random(7)
    events, final = scenario(articles_for(EVENTS, rng), rng)
    secret = new_secret()
    prefix = f"fa{secrets.token_hex(4)}_"
    api = ApiProcess(own_meili.url, own_meili.master_key, prefix, tmp_path, secret).start()
    try:
        n = len(events)
        cuts = {n // 5: "stop", 2 * n // 5: "start", 3 * n // 5: "stop", 4 * n // 5: "start"}
        job_ids: list[str] = []
        with httpx.Client(base_url=api.url, timeout=30) as http, ThreadPoolExecutor(8) as pool:
            start = 0
            for cut in [*sorted(cuts), n]:
                job_ids += list(pool.map(lambda e: post(http, secret, e), events[start:cut]))
                start = cut
                action = cuts.get(cut)
                if action == "stop":
                    own_meili.stop()
                elif action == "start":
                    own_meili.start()
        duplicates = n - len(set(e.webhook_id for e in events))
        assert len(set(job_ids)) == n - duplicates  # a redelivered webhook-id maps to its first job
        wait_drained(api)
        statuses = check_jobs(api, job_ids)
        assert statuses["skipped"] > 0  # stale edits were seen and skipped
        assert_index_matches(own_meili, prefix, final)
    finally:
        api.stop()


def test_api_sigkilled_mid_drain_loses_nothing(
    own_meili: ManagedMeilisearch, tmp_path: Path
) -> None:
    rng = random.Random(11)
    events, final = scenario(corpus_articles(max(8, EVENTS // 12)), rng)
    secret = new_secret()
    prefix = f"fb{secrets.token_hex(4)}_"
    api = ApiProcess(
        own_meili.url,
        own_meili.master_key,
        prefix,
        tmp_path,
        secret,
        extra_env={"QAWL_WORKER_BATCH": "8"},
    ).start()
    try:
        with httpx.Client(base_url=api.url, timeout=30) as http, ThreadPoolExecutor(8) as pool:
            job_ids = list(pool.map(lambda e: post(http, secret, e), events))
        queue = api.queue()
        deadline = time.monotonic() + 60
        total = len(set(job_ids))
        while queue.pending() > total * 2 // 3:  # some done, most still queued or running
            assert time.monotonic() < deadline, queue.counts()
            time.sleep(0.02)  # polling job states
        api.kill()
        assert queue.pending() > 0, "drained before the kill: nothing was tested"
        queue.close()
        api.start()
        # after the restart the CMS redelivers everything (same webhook ids): nothing is done twice
        with httpx.Client(base_url=api.url, timeout=30) as http, ThreadPoolExecutor(8) as pool:
            again = list(pool.map(lambda e: post(http, secret, e), events))
        assert again == job_ids
        wait_drained(api)
        check_jobs(api, job_ids)
        assert_index_matches(own_meili, prefix, final)
    finally:
        api.stop()
