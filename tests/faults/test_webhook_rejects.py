"""(c) Bad deliveries get a 4xx with a clear JSON message and store nothing (real API process)."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from indexer.meili.client import MeiliClient
from tests.conftest import Meili
from tests.faults.helpers import ApiProcess, corpus_articles, new_secret, sign

pytestmark = pytest.mark.slow

SECRET = new_secret()
OLD_SECRET = new_secret()


@pytest.fixture(scope="module")
def api(meili: Meili, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    prefix = f"fc{secrets.token_hex(4)}_"
    proc = ApiProcess(
        meili.url, meili.key, prefix, tmp_path_factory.mktemp("api"), f"{SECRET},{OLD_SECRET}"
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def event(data: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(
        {"type": "article.published", "timestamp": datetime.now(UTC).isoformat(), "data": data},
        ensure_ascii=False,
    ).encode()


GOOD = {
    "id": "good-1",
    "title": "عنوان",
    "body": "قال وزير المالية إن العجز بلغ خمسة مليارات ريال هذا العام.",
}


def stored_jobs(api: ApiProcess) -> int:
    queue = api.queue()
    try:
        return sum(queue.counts().values())
    finally:
        queue.close()


def articles_count(meili: Meili, api: ApiProcess) -> int:
    async def count() -> int:
        async with MeiliClient(meili.url, meili.key) as client:
            if await client.get_index(f"{api.prefix}articles") is None:
                return 0
            res = await client.fetch_documents(f"{api.prefix}articles", limit=1)
            return int(res["total"])

    return asyncio.run(count())


def bad_requests() -> list[tuple[str, bytes, dict[str, str], int, str]]:
    body = event(GOOD)
    stale = datetime.now(UTC) - timedelta(minutes=6)
    future = datetime.now(UTC) + timedelta(minutes=6)
    wrong = sign(new_secret(), body)
    tampered = sign(SECRET, body)
    big = event({**GOOD, "body": "قال " * 600_000})
    not_json = b'{"type": "article.published", "data": '
    cases = [
        ("bad signature", body, wrong, 401, "signature"),
        ("tampered body", body.replace(b"good-1", b"good-2"), tampered, 401, "signature"),
        ("no signature", body, {"content-type": "application/json"}, 401, "webhook-id"),
        ("stale timestamp", body, sign(SECRET, body, when=stale), 401, "timestamp"),
        ("future timestamp", body, sign(SECRET, body, when=future), 401, "timestamp"),
        ("malformed JSON", not_json, sign(SECRET, not_json), 400, "not valid JSON"),
        ("body over 2 MB", big, sign(SECRET, big), 413, "2 MB"),
        (
            "wrong content type",
            body,
            {**sign(SECRET, body), "content-type": "text/plain"},
            415,
            "application/json",
        ),
    ]
    for name, data, status, words in [
        ("empty article", {**GOOD, "body": "   "}, 422, "empty"),
        (
            "non-Arabic article",
            {**GOOD, "body": "The minister said the deficit reached five billion riyals."},
            422,
            "not Arabic",
        ),
        (
            "HTML-only article",
            {**GOOD, "body": "<div><p><img src='x.png'></p><br></div>"},
            422,
            "HTML",
        ),
        ("unknown event", None, 422, "unknown event type"),
        ("bad article id", {**GOOD, "id": "../etc/passwd"}, 422, "id"),
    ]:
        raw = (
            json.dumps({"type": "article.moved", "data": GOOD}).encode()
            if data is None
            else event(data)
        )
        cases.append((name, raw, sign(SECRET, raw), status, words))
    return cases


CASES = [c[0] for c in bad_requests()]


@pytest.mark.parametrize("name", CASES)
def test_bad_delivery_is_refused_and_nothing_stored(
    api: ApiProcess, meili: Meili, name: str
) -> None:
    # signed now, not at collection time (the timestamp window is 5 minutes)
    _, body, headers, status, words = next(c for c in bad_requests() if c[0] == name)
    before = stored_jobs(api)
    resp = httpx.post(f"{api.url}/v1/webhooks/articles", content=body, headers=headers, timeout=30)
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert words.lower() in error["message"].lower(), error
    assert error["code"]
    assert stored_jobs(api) == before
    assert articles_count(meili, api) == 0


def test_rotation_duplicates_and_job_status(api: ApiProcess) -> None:
    article = corpus_articles(1)[0].model_copy(update={"id": "rot-1"})
    body = event(article.model_dump(mode="json"))
    headers = sign(OLD_SECRET, body)  # the older of two configured secrets still verifies
    first = httpx.post(f"{api.url}/v1/webhooks/articles", content=body, headers=headers, timeout=30)
    assert first.status_code == 202, first.text
    again = httpx.post(f"{api.url}/v1/webhooks/articles", content=body, headers=headers, timeout=30)
    assert again.status_code == 202 and again.json()["job_id"] == first.json()["job_id"]
    assert again.json()["duplicate"] is True
    # several signatures in one header: one valid is enough
    other = event({**GOOD, "id": "rot-2"})
    multi = sign(SECRET, other)
    multi["webhook-signature"] = "v1,AAAA " + multi["webhook-signature"]
    assert (
        httpx.post(
            f"{api.url}/v1/webhooks/articles", content=other, headers=multi, timeout=30
        ).status_code
        == 202
    )
    assert httpx.get(f"{api.url}/v1/jobs/nope", timeout=10).status_code == 404
    job = httpx.get(f"{api.url}/v1/jobs/{first.json()['job_id']}", timeout=10).json()
    assert job["id"] == first.json()["job_id"] and job["status"] in {"queued", "running", "done"}
