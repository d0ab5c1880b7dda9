"""(d) Searches during ``qawl reindex`` never fail nor come back empty; events are kept."""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from indexer.extract import extract_claims, prepare_article
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from tests.conftest import REPO, Meili
from tests.faults.helpers import (
    BASE_TIME,
    ApiProcess,
    corpus_articles,
    edited,
    hours,
    new_secret,
    sign,
)

pytestmark = pytest.mark.slow


async def _seed(meili: Meili, names: IndexNames, articles: list) -> None:  # type: ignore[type-arg]
    async with meili.client() as client:
        await ensure_indexes(client, names)
        report = await index_articles(client, names, articles)
        assert report.ok, report


def test_search_keeps_answering_during_reindex(meili: Meili, tmp_path: Path) -> None:
    articles = corpus_articles(100, skip=3000)
    prefix = f"fd{secrets.token_hex(4)}_"
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
    asyncio.run(_seed(meili, names, articles))
    secret = new_secret()
    api = ApiProcess(meili.url, meili.key, prefix, tmp_path, secret).start()
    try:
        http = httpx.Client(base_url=api.url, timeout=30)
        words = []
        for article in articles[:40]:
            for claim in extract_claims(prepare_article(article))[:1]:
                words.append(max(claim.text.split(), key=len))
        queries = [
            w
            for w in dict.fromkeys(words)
            if http.get("/v1/claims", params={"q": w}).json()["total"] > 0
        ]
        assert len(queries) >= 5
        before = http.get("/v1/claims", params={"q": "", "limit": 0}).json()["total"]

        env = {**api.env(), "QAWL_BATCH_SIZE": "50"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "qawl", "reindex"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # an event arriving during the rebuild must survive the swap
        late = edited(articles[0], 1, BASE_TIME + hours(1))
        body = json.dumps(
            {
                "type": "article.updated",
                "timestamp": BASE_TIME.isoformat(),
                "data": late.model_dump(mode="json"),
            },
            ensure_ascii=False,
        ).encode()
        searches = failures = empties = 0
        posted: str | None = None
        while proc.poll() is None:
            for q in queries:
                resp = http.get("/v1/claims", params={"q": q})
                searches += 1
                if resp.status_code != 200:
                    failures += 1
                elif resp.json()["total"] == 0:
                    empties += 1
            if posted is None and searches > 10:
                resp = http.post("/v1/webhooks/articles", content=body, headers=sign(secret, body))
                assert resp.status_code == 202, resp.text
                posted = resp.json()["job_id"]
        out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
        report = json.loads(out)
        assert report["articles"] == len(articles)
        assert searches > len(queries) and failures == 0 and empties == 0, (
            searches,
            failures,
            empties,
        )
        assert posted is not None
        deadline = time.monotonic() + 30
        while http.get(f"/v1/jobs/{posted}").json()["status"] in {"queued", "running"}:
            assert time.monotonic() < deadline
            time.sleep(0.05)  # polling the job status
        assert http.get(f"/v1/jobs/{posted}").json()["status"] == "done"
        assert http.get("/v1/claims", params={"q": "", "limit": 0}).json()["total"] >= before
        got = http.get(f"/v1/articles/{late.id}").json()
        assert got["title"] == late.title  # the edit made during the re-index is in the new index

        async def leftovers() -> list[str]:
            async with MeiliClient(meili.url, meili.key) as client:
                res = await client.request("GET", "/indexes", params={"limit": 1000})
            return [
                i["uid"]
                for i in res["results"]
                if i["uid"].startswith(prefix) and "__reindex_" in i["uid"]
            ]

        assert asyncio.run(leftovers()) == []
        http.close()
    finally:
        api.stop()
