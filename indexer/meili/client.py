"""A thin async Meilisearch client on httpx.

Why not an SDK: the official ``meilisearch`` package is synchronous (requests) and would block the
API's event loop; ``meilisearch-python-sdk`` is async but wraps every response in models we would
immediately turn back into JSON. qawl uses a dozen endpoints, so one small client keeps the hot
path to one pooled httpx request + one orjson parse, and owns the two settings that matter here:
``Accept-Encoding: identity`` (with gzip accepted, Meilisearch compresses and httpx clients stall
~42 ms per request on loopback) and keep-alive connection reuse.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from typing import Any

import httpx
import orjson

from indexer.meili.errors import MeiliApiError, MeiliTaskFailed, MeiliUnavailable

Json = dict[str, Any]

DEFAULT_HEADERS = {
    "Accept-Encoding": "identity",
    "Content-Type": "application/json",
    "User-Agent": "qawl",
}


class MeiliClient:
    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        timeout: float = 10.0,
        max_connections: int = 64,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = dict(DEFAULT_HEADERS)
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.url = url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=2.0),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
        )
        self.requests_sent = 0  # observable by tests (DataLoader batching)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> MeiliClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- transport ---------------------------------------------------------------------------
    async def request(self, method: str, path: str, body: Any = None, params: Any = None) -> Any:
        content = orjson.dumps(body) if body is not None else None
        self.requests_sent += 1
        try:
            resp = await self._http.request(method, path, content=content, params=params)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise MeiliUnavailable(f"Meilisearch at {self.url} unreachable: {exc!r}") from exc
        if resp.status_code >= 500:
            raise MeiliUnavailable(f"Meilisearch answered {resp.status_code}: {resp.text[:300]}")
        if resp.status_code >= 400:
            try:
                err = orjson.loads(resp.content)
            except orjson.JSONDecodeError:
                err = {"code": "unknown", "message": resp.text[:300]}
            raise MeiliApiError(resp.status_code, err.get("code", "unknown"), err.get("message", ""))
        if not resp.content:
            return None
        return orjson.loads(resp.content)

    # -- health, indexes, settings -----------------------------------------------------------
    async def health(self) -> bool:
        try:
            res = await self.request("GET", "/health")
        except MeiliUnavailable:
            return False
        return bool(res and res.get("status") == "available")

    async def get_index(self, uid: str) -> Json | None:
        try:
            res: Json = await self.request("GET", f"/indexes/{uid}")
        except MeiliApiError as exc:
            if exc.code == "index_not_found":
                return None
            raise
        return res

    async def create_index(self, uid: str, primary_key: str = "id") -> Json:
        task: Json = await self.request("POST", "/indexes", {"uid": uid, "primaryKey": primary_key})
        return await self.wait_for_task(task["taskUid"], allow_codes={"index_already_exists"})

    async def delete_index(self, uid: str) -> None:
        try:
            task = await self.request("DELETE", f"/indexes/{uid}")
        except MeiliApiError as exc:
            if exc.code == "index_not_found":
                return
            raise
        await self.wait_for_task(task["taskUid"], allow_codes={"index_not_found"})

    async def update_settings(self, uid: str, settings: Json) -> Json:
        task: Json = await self.request("PATCH", f"/indexes/{uid}/settings", settings)
        return await self.wait_for_task(task["taskUid"])

    async def get_settings(self, uid: str) -> Json:
        res: Json = await self.request("GET", f"/indexes/{uid}/settings")
        return res

    async def swap_indexes(self, pairs: Sequence[tuple[str, str]]) -> Json:
        task: Json = await self.request(
            "POST", "/swap-indexes", [{"indexes": [a, b]} for a, b in pairs]
        )
        return await self.wait_for_task(task["taskUid"])

    async def stats(self, uid: str) -> Json:
        res: Json = await self.request("GET", f"/indexes/{uid}/stats")
        return res

    # -- documents ---------------------------------------------------------------------------
    async def add_documents(self, uid: str, docs: list[Json], primary_key: str = "id") -> int:
        """Enqueue an add-or-replace; returns the task uid (wait with ``wait_for_task``)."""
        task: Json = await self.request(
            "POST", f"/indexes/{uid}/documents", docs, params={"primaryKey": primary_key}
        )
        return int(task["taskUid"])

    async def delete_documents_by_filter(self, uid: str, filter_expr: str) -> int:
        task: Json = await self.request(
            "POST", f"/indexes/{uid}/documents/delete", {"filter": filter_expr}
        )
        return int(task["taskUid"])

    async def delete_documents(self, uid: str, ids: Iterable[str]) -> int:
        task: Json = await self.request(
            "POST", f"/indexes/{uid}/documents/delete-batch", list(ids)
        )
        return int(task["taskUid"])

    async def get_document(self, uid: str, doc_id: str, fields: Sequence[str] | None = None) -> Json | None:
        params = {"fields": ",".join(fields)} if fields else None
        try:
            res: Json = await self.request("GET", f"/indexes/{uid}/documents/{doc_id}", params=params)
        except MeiliApiError as exc:
            if exc.code in {"document_not_found", "index_not_found"}:
                return None
            raise
        return res

    async def fetch_documents(
        self,
        uid: str,
        *,
        filter_expr: str | None = None,
        ids: Sequence[str] | None = None,
        fields: Sequence[str] | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> Json:
        body: Json = {"limit": limit, "offset": offset}
        if filter_expr:
            body["filter"] = filter_expr
        if ids is not None:
            body["ids"] = list(ids)
        if fields:
            body["fields"] = list(fields)
        res: Json = await self.request("POST", f"/indexes/{uid}/documents/fetch", body)
        return res

    # -- search ------------------------------------------------------------------------------
    async def search(self, uid: str, body: Json) -> Json:
        res: Json = await self.request("POST", f"/indexes/{uid}/search", body)
        return res

    async def multi_search(self, queries: list[Json], federation: Json | None = None) -> Json:
        body: Json = {"queries": queries}
        if federation is not None:
            body["federation"] = federation
        res: Json = await self.request("POST", "/multi-search", body)
        return res

    # -- tasks -------------------------------------------------------------------------------
    async def get_task(self, task_uid: int) -> Json:
        res: Json = await self.request("GET", f"/tasks/{task_uid}")
        return res

    async def wait_for_task(
        self, task_uid: int, timeout: float = 300.0, allow_codes: set[str] | None = None
    ) -> Json:
        """Poll the task until it is finished. Raises ``MeiliTaskFailed`` with its error."""
        deadline = time.monotonic() + timeout
        delay = 0.002
        while True:
            task = await self.get_task(task_uid)
            status = task.get("status")
            if status == "succeeded":
                return task
            if status in {"failed", "canceled"}:
                code = (task.get("error") or {}).get("code")
                if allow_codes and code in allow_codes:
                    return task
                raise MeiliTaskFailed(task)
            if time.monotonic() > deadline:
                raise TimeoutError(f"Meilisearch task {task_uid} still {status} after {timeout}s")
            await asyncio.sleep(delay)  # Meilisearch has no blocking wait: poll with back-off
            delay = min(delay * 2, 0.05)

    async def wait_for_tasks(self, task_uids: Iterable[int], timeout: float = 600.0) -> list[Json]:
        return [await self.wait_for_task(uid, timeout) for uid in task_uids]

    # -- keys --------------------------------------------------------------------------------
    async def search_key(self) -> str | None:
        """The default search-only API key, so that reads never use the master key."""
        try:
            res: Json = await self.request("GET", "/keys", params={"limit": 50})
        except MeiliApiError:
            return None
        for key in res.get("results", []):
            if key.get("actions") == ["search"] and key.get("indexes") == ["*"]:
                return str(key["key"])
        return None
