"""MeiliClient must ask Meilisearch for uncompressed responses (``Accept-Encoding: identity``).

With gzip/br accepted, Meilisearch compresses every response and an httpx client pays ~42 ms per
search on loopback (issue 8). These tests run against the real Meilisearch fixture.
"""

from __future__ import annotations

import asyncio

import httpx

from indexer.meili.client import MeiliClient
from tests.conftest import Meili


class RecordingTransport(httpx.AsyncBaseTransport):
    """The real transport, keeping every request and response it carried."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.exchanges.append((request, response))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _search_through_client(meili: Meili, uid: str) -> tuple[RecordingTransport, dict]:  # type: ignore[type-arg]
    transport = RecordingTransport()
    async with MeiliClient(meili.url, meili.key or None, transport=transport) as client:
        await client.create_index(uid)
        task = await client.add_documents(uid, [{"id": str(i), "text": "خبر عن الاقتصاد " * 20} for i in range(50)])
        await client.wait_for_task(task)
        result = await client.search(uid, {"q": "الاقتصاد", "limit": 50})
        await client.delete_index(uid)
    return transport, result


def test_client_sends_identity_and_gets_uncompressed_responses(meili: Meili, prefix: str) -> None:
    transport, result = asyncio.run(_search_through_client(meili, f"{prefix}enc"))
    assert len(result["hits"]) == 50  # a large enough body that Meilisearch would compress it
    searches = [(req, resp) for req, resp in transport.exchanges if req.url.path.endswith("/search")]
    assert searches
    for req, resp in transport.exchanges:
        assert req.headers["accept-encoding"] == "identity"
        assert "content-encoding" not in resp.headers, (req.url, resp.headers)


def test_meilisearch_does_compress_when_a_client_accepts_gzip(meili: Meili, prefix: str) -> None:
    """The guard above is meaningful: the same search with gzip accepted comes back compressed."""
    uid = f"{prefix}gz"

    async def run() -> httpx.Response:
        async with MeiliClient(meili.url, meili.key or None) as client:
            await client.create_index(uid)
            await client.wait_for_task(await client.add_documents(uid, [{"id": "1", "text": "خبر " * 200}]))
            headers = {"Authorization": f"Bearer {meili.key}"} if meili.key else {}
            async with httpx.AsyncClient(headers={**headers, "Accept-Encoding": "gzip"}) as plain:
                resp = await plain.post(f"{meili.url}/indexes/{uid}/search", json={"q": "خبر"})
            await client.delete_index(uid)
            return resp

    resp = asyncio.run(run())
    assert resp.status_code == 200
    assert resp.headers.get("content-encoding") == "gzip"
