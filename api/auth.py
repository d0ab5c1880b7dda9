"""API keys and rate limits, as one pure ASGI middleware in front of the routes.

* Keys come from ``QAWL_API_KEYS`` (``scope:key`` pairs); only their sha256 hashes are kept.
  Clients send ``Authorization: Bearer <key>``. ``read`` reaches every read route (GraphQL,
  ``/v1/...``); ``admin`` is needed for ``/v1/admin/...`` and reaches everything.
* No keys configured: development serves anonymous clients (all scopes, the tighter anonymous
  rate limit); production refuses anonymous access (401).
* ``/v1/webhooks/...`` is authenticated by its signature, not by a key; ``/healthz``,
  ``/readyz``, ``/metrics`` and the docs are public; so is the GraphiQL page itself (its requests
  are not).
* Every limited answer carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``;
  a 429 adds ``Retry-After``. Errors are JSON: ``{"error": {"code", "message"}}`` on REST and
  ``{"errors": [{"message", "extensions": {"code"}}]}`` on ``/graphql``.
"""

from __future__ import annotations

import hmac

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.ratelimit import Decision, TokenBucket
from api.settings import ApiSettings, hash_key

PUBLIC_PREFIXES = ("/v1/webhooks/",)
ADMIN_PREFIXES = ("/v1/admin/",)


def required_scope(path: str) -> str | None:
    """``read``, ``admin`` or None (public) for a request path."""
    if path.startswith(PUBLIC_PREFIXES):
        return None
    if path.startswith(ADMIN_PREFIXES):
        return "admin"
    if path == "/graphql" or path.startswith(("/graphql/", "/v1/")):
        return "read"
    return None


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: ApiSettings) -> None:
        self.app = app
        self.keys = dict(settings.api_keys)  # sha256 hex -> scope
        self.anonymous = not self.keys and settings.development
        self.graphiql = settings.graphiql_enabled
        self.keyed = TokenBucket(settings.rate_limit_per_minute)
        self.anon = TokenBucket(settings.anonymous_rate_limit_per_minute)

    def _lookup(self, key: str) -> str | None:
        digest = hash_key(key)
        for known, scope in self.keys.items():  # constant-time compare against every stored hash
            if hmac.compare_digest(known, digest):
                return scope
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        needed = required_scope(path)
        if needed is None or (self.graphiql and scope["method"] == "GET" and _wants_html(scope)):
            await self.app(scope, receive, send)
            return
        graphql = path.startswith("/graphql")
        token = _bearer(scope)
        if token is not None and self.keys:
            granted = self._lookup(token)
            if granted is None:
                await _deny(send, 401, "UNAUTHENTICATED", "unknown API key", graphql)
                return
            client, bucket = "k:" + hash_key(token), self.keyed
        elif self.anonymous:
            granted = "admin"
            client, bucket = "a:" + (scope.get("client") or ("-",))[0], self.anon
        else:
            message = (
                "an API key is required: Authorization: Bearer <key>"
                if self.keys
                else "no API keys are configured (QAWL_API_KEYS): anonymous access is refused"
            )
            await _deny(send, 401, "UNAUTHENTICATED", message, graphql)
            return
        if needed == "admin" and granted != "admin":
            await _deny(
                send,
                403,
                "FORBIDDEN",
                "this API key has the read scope; admin is required",
                graphql,
            )
            return
        decision = bucket.take(client)
        headers = _rate_headers(decision)
        if not decision.allowed:
            await _deny(
                send,
                429,
                "RATE_LIMITED",
                f"rate limit of {decision.limit} requests a minute exceeded",
                graphql,
                [*headers, (b"retry-after", str(decision.retry_after).encode())],
            )
            return
        scope.setdefault("state", {})["api_scope"] = granted

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _bearer(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == b"authorization":
            kind, _, token = value.decode("latin-1").partition(" ")
            if kind.lower() == "bearer" and token.strip():
                return token.strip()
            return ""
    return None


def _wants_html(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if key == b"accept":
            return b"text/html" in value
    return False


def _rate_headers(d: Decision) -> list[tuple[bytes, bytes]]:
    return [
        (b"ratelimit-limit", str(d.limit).encode()),
        (b"ratelimit-remaining", str(d.remaining).encode()),
        (b"ratelimit-reset", str(d.reset_seconds).encode()),
    ]


async def _deny(
    send: Send,
    status: int,
    code: str,
    message: str,
    graphql: bool,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    if graphql:
        body = orjson.dumps(
            {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
        )
    else:
        body = orjson.dumps({"error": {"code": code, "message": message}})
    out = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    if status == 401:
        out.append((b"www-authenticate", b'Bearer realm="qawl"'))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})
