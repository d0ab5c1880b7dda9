"""One error base class with a status code and a GraphQL code; one place translating Meilisearch errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from indexer.meili.errors import MeiliApiError, MeiliError, MeiliUnavailable


class QawlError(Exception):
    status_code = 500
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


class BadUserInput(QawlError):
    status_code = 400
    code = "BAD_USER_INPUT"


class NotFound(QawlError):
    status_code = 404
    code = "NOT_FOUND"


class Unauthenticated(QawlError):
    status_code = 401
    code = "UNAUTHENTICATED"


class Forbidden(QawlError):
    status_code = 403
    code = "FORBIDDEN"


class MethodNotAllowed(QawlError):
    status_code = 405
    code = "METHOD_NOT_ALLOWED"


class RateLimited(QawlError):
    status_code = 429
    code = "RATE_LIMITED"


class PayloadTooLarge(QawlError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(QawlError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class UnprocessableInput(QawlError):
    """Well-formed JSON that is not acceptable (e.g. a webhook article that cannot be indexed)."""

    status_code = 422
    code = "BAD_USER_INPUT"


class Conflict(QawlError):
    status_code = 409
    code = "CONFLICT"


class SearchUnavailable(QawlError):
    status_code = 503
    code = "SEARCH_UNAVAILABLE"


def translate(exc: MeiliError) -> QawlError:
    """Meilisearch errors -> qawl errors. The only place that knows Meilisearch's error codes."""
    if isinstance(exc, MeiliUnavailable):
        return SearchUnavailable("the search service is unavailable, try again shortly")
    if isinstance(exc, MeiliApiError):
        if exc.code in {"index_not_found", "document_not_found"}:
            return (
                SearchUnavailable("the search indexes are not ready")
                if exc.code == "index_not_found"
                else NotFound("not found")
            )
        if exc.code.startswith("invalid_search") or exc.code.startswith("invalid_document"):
            return BadUserInput(exc.message)
    return QawlError("internal error")


@asynccontextmanager
async def meili_errors() -> AsyncIterator[None]:
    try:
        yield
    except MeiliError as exc:
        raise translate(exc) from exc
