"""Meilisearch failures, translated from HTTP/httpx errors in exactly one place (``client.py``)."""

from __future__ import annotations

from typing import Any


class MeiliError(Exception):
    """Base class for everything that went wrong talking to Meilisearch."""


class MeiliUnavailable(MeiliError):
    """Meilisearch cannot be reached or answered 5xx: retry later."""


class MeiliApiError(MeiliError):
    """Meilisearch rejected the request (4xx), with its error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class MeiliTaskFailed(MeiliError):
    """An asynchronous Meilisearch task ended as failed or canceled."""

    def __init__(self, task: dict[str, Any]) -> None:
        error = task.get("error") or {}
        super().__init__(
            f"task {task.get('uid')} ({task.get('type')}) on {task.get('indexUid')} "
            f"{task.get('status')}: {error.get('code')}: {error.get('message')}"
        )
        self.task = task
