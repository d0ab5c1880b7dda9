"""MeiliClient must ask Meilisearch for uncompressed responses (``Accept-Encoding: identity``).

With gzip/br accepted, Meilisearch compresses every response and an httpx client pays ~42 ms per
search on loopback (issue 8). These tests run against the real Meilisearch fixture.
"""

from __future__ import annotations

import asyncio

import httpx

from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliApiError, MeiliUnavailable
from indexer.meili.managed import free_port
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
        task = await client.add_documents(
            uid, [{"id": str(i), "text": "خبر عن الاقتصاد " * 20} for i in range(50)]
        )
        await client.wait_for_task(task)
        result = await client.search(uid, {"q": "الاقتصاد", "limit": 50})
        await client.delete_index(uid)
    return transport, result


def test_client_sends_identity_and_gets_uncompressed_responses(meili: Meili, prefix: str) -> None:
    transport, result = asyncio.run(_search_through_client(meili, f"{prefix}enc"))
    assert len(result["hits"]) == 50  # a large enough body that Meilisearch would compress it
    searches = [
        (req, resp) for req, resp in transport.exchanges if req.url.path.endswith("/search")
    ]
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
            await client.wait_for_task(
                await client.add_documents(uid, [{"id": "1", "text": "خبر " * 200}])
            )
            headers = {"Authorization": f"Bearer {meili.key}"} if meili.key else {}
            async with httpx.AsyncClient(headers={**headers, "Accept-Encoding": "gzip"}) as plain:
                resp = await plain.post(f"{meili.url}/indexes/{uid}/search", json={"q": "خبر"})
            await client.delete_index(uid)
            return resp

    resp = asyncio.run(run())
    assert resp.status_code == 200
    assert resp.headers.get("content-encoding") == "gzip"


class WireTap:
    """A loopback TCP relay to Meilisearch that keeps the bytes of both directions."""

    def __init__(self, target_url: str) -> None:
        parsed = httpx.URL(target_url)
        self.target = (parsed.host, parsed.port)
        self.sent = bytearray()
        self.received = bytearray()
        self.connections = 0
        self.port = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pipe(
            src: asyncio.StreamReader, dst: asyncio.StreamWriter, log: bytearray
        ) -> None:
            while data := await src.read(65536):
                log.extend(data)
                dst.write(data)
                await dst.drain()
            dst.close()

        await asyncio.gather(
            pipe(reader, up_writer, self.sent), pipe(up_reader, writer, self.received)
        )


def test_pooled_path_sends_identity_and_reuses_one_connection(
    meili: Meili, prefix: str
) -> None:
    """The pooled path: requests say identity, responses carry no Content-Encoding."""
    uid = f"{prefix}wire"

    async def run() -> tuple[WireTap, list[dict]]:  # type: ignore[type-arg]
        tap = WireTap(meili.url)
        server = await tap.start()
        async with MeiliClient(f"http://127.0.0.1:{tap.port}", meili.key or None) as client:
            await client.create_index(uid)
            await client.wait_for_task(
                await client.add_documents(
                    uid, [{"id": str(i), "text": "تقرير عن النفط " * 30} for i in range(30)]
                )
            )
            results = [await client.search(uid, {"q": "النفط", "limit": 30}) for _ in range(5)]
            await client.delete_index(uid)
        server.close()
        return tap, results

    tap, results = asyncio.run(run())
    assert all(len(r["hits"]) == 30 for r in results)
    requests = bytes(tap.sent).lower()
    assert requests.count(b"accept-encoding: identity") == requests.count(b" http/1.1\r\n") >= 7
    assert b"content-encoding" not in bytes(tap.received).lower()
    assert tap.connections == 1  # keep-alive: every request on one connection


def test_errors_are_translated(meili: Meili) -> None:
    async def run() -> None:
        async with MeiliClient(meili.url, meili.key or None) as client:
            try:
                await client.search("no_such_index_xyz", {"q": ""})
            except MeiliApiError as exc:
                assert exc.code == "index_not_found"
            else:
                raise AssertionError("expected MeiliApiError")
        async with MeiliClient(f"http://127.0.0.1:{free_port()}", None, timeout=2) as down:
            try:
                await down.health()
                await down.search("x", {"q": ""})
            except MeiliUnavailable:
                pass
            else:
                raise AssertionError("expected MeiliUnavailable")

    asyncio.run(run())
