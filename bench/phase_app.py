"""The API with per-request phase timings, to see where a request's wall time goes around the
Meilisearch call (scratch probe, not production code).

    QAWL_PHASE_OUT=phases.json python bench/ab_apps.py --app bench.phase_app:create_app ...

Records for each request: ``pre`` (request arrival to the Meilisearch request written), ``meili``
(written to answer parsed by httptools), ``post`` (answer to the last body chunk handed to the
server); the medians per path are written to ``$QAWL_PHASE_OUT`` every 50 requests.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from typing import Any

from fastapi import FastAPI

import api.app
from api.settings import ApiSettings
from indexer.meili import client as meili_client

_marks: dict[str, float] = {}
_rows: dict[str, list[tuple[float, float, float, float, float]]] = {}


def _patch() -> None:
    conn = meili_client._Conn
    orig_request, orig_complete = conn.request, conn.on_message_complete

    def request(self: Any, raw: bytes) -> Any:
        _marks.setdefault("send", time.perf_counter())
        _marks.setdefault("send_cpu", time.thread_time())
        return orig_request(self, raw)

    def on_message_complete(self: Any) -> None:
        _marks["recv"] = time.perf_counter()
        _marks["recv_cpu"] = time.thread_time()
        orig_complete(self)

    conn.request = request  # type: ignore[method-assign]
    conn.on_message_complete = on_message_complete  # type: ignore[method-assign]


def _dump() -> None:
    out = {}
    for path, rows in _rows.items():
        cols = list(zip(*rows, strict=True))
        out[path] = {
            "n": len(rows),
            **{
                name: round(statistics.median(col) * 1000, 3)
                for name, col in zip(("pre", "meili", "post", "pre_cpu", "post_cpu"), cols, strict=True)
            },
        }
    default = os.path.join(tempfile.gettempdir(), "qawl-phases.json")
    with open(os.environ.get("QAWL_PHASE_OUT", default), "w") as f:
        json.dump(out, f)


def create_app(settings: ApiSettings | None = None) -> Any:
    _patch()
    inner: FastAPI = api.app.create_app(settings)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        _marks.clear()
        t0, c0 = time.perf_counter(), time.thread_time()

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                t1, c1 = time.perf_counter(), time.thread_time()
                if "send" in _marks and "recv" in _marks:
                    rows = _rows.setdefault(scope["path"], [])
                    rows.append((
                        _marks["send"] - t0, _marks["recv"] - _marks["send"], t1 - _marks["recv"],
                        _marks["send_cpu"] - c0, c1 - _marks["recv_cpu"],
                    ))
                    if len(rows) % 50 == 0:
                        _dump()
            await send(message)

        await inner(scope, receive, timed_send)

    return app
