"""Prometheus metrics and the request middleware that feeds them (pure ASGI, no per-request objects
beyond a closure): request id, latency by route, access log, and masking of unexpected errors."""

from __future__ import annotations

import logging
import time
import uuid
from contextvars import ContextVar
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logging import request_id_var

log = logging.getLogger("qawl.api")

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("qawl_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "qawl_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=BUCKETS,
)
GRAPHQL_OPERATIONS = Counter(
    "qawl_graphql_operations_total", "GraphQL operations", ["operation", "outcome"]
)
GRAPHQL_LATENCY = Histogram(
    "qawl_graphql_operation_duration_seconds",
    "GraphQL operation latency",
    ["operation"],
    buckets=BUCKETS,
)
MEILI_LATENCY = Histogram(
    "qawl_meilisearch_request_duration_seconds",
    "Meilisearch request latency",
    ["operation"],
    buckets=BUCKETS,
)

# seconds the current request has waited for Meilisearch (one mutable cell per request, so that
# tasks started within the request add to it too)
_meili_seconds: ContextVar[list[float] | None] = ContextVar("qawl_meili_seconds", default=None)


def add_meili_time(seconds: float) -> None:
    """``MeiliClient.on_round_trip`` of the API's clients: adds to the current request's total."""
    cell = _meili_seconds.get()
    if cell is not None:
        cell[0] += seconds


FIXED_ROUTES = frozenset({"/graphql", "/graphql/"})
_MAX_OPERATION_NAMES = 200
_operation_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """Client-chosen operation names, bounded so that they cannot blow up the label cardinality."""
    if not name:
        return "anonymous"
    name = name[:64]
    if name in _operation_names:
        return name
    if len(_operation_names) < _MAX_OPERATION_NAMES:
        _operation_names.add(name)
        return name
    return "other"


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return str(path)
    if (
        scope.get("path") in FIXED_ROUTES
    ):  # routes FastAPI does not report (strawberry's plain Route)
        return str(scope["path"])
    return "unmatched"


class RequestMiddleware:
    """Request id (``X-Request-Id`` in and out), metrics, one JSON access-log line (with
    ``meili_ms``, the time spent waiting for Meilisearch, also sent as ``Server-Timing: meili``),
    and a 500 JSON body with the request id for any unexpected exception (logged with its
    traceback)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = ""
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                rid = value.decode("latin-1")[:64]
                break
        rid = rid or uuid.uuid4().hex[:16]
        token = request_id_var.set(rid)
        meili = [0.0]
        meili_token = _meili_seconds.set(meili)
        scope.setdefault("state", {})["request_id"] = rid
        status = 500
        started = False
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", rid.encode("latin-1")),
                    (b"server-timing", b"meili;dur=%.1f" % (meili[0] * 1000)),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unexpected error", extra={"request_id": rid, "path": scope.get("path")})
            if started:
                raise
            status = 500
            body = orjson.dumps(
                {
                    "error": {
                        "code": "INTERNAL_SERVER_ERROR",
                        "message": "internal error",
                        "request_id": rid,
                    }
                }
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"x-request-id", rid.encode("latin-1")),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            elapsed = time.perf_counter() - start
            route = _route(scope)
            method = scope.get("method", "GET")
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed)
            if log.isEnabledFor(logging.INFO):
                extra: dict[str, Any] = {
                    "request_id": rid,
                    "method": method,
                    "path": scope.get("path"),
                    "route": route,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                    "meili_ms": round(meili[0] * 1000, 2),
                }
                log.info("request", extra=extra)
            request_id_var.reset(token)
            _meili_seconds.reset(meili_token)
