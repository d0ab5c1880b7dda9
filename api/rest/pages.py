"""The search page: GET / serves api/static/index.html, GET /static/* its scripts and styles.

Installed only when ``ApiSettings.search_page`` (``QAWL_SEARCH_PAGE``) is on. The page talks to
the public GraphQL endpoint like any other client; nothing here reads Meilisearch.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from api.settings import ApiSettings

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

# The page builds its DOM from data with textContent; the policy is the second line of defence.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"])
async def search_page() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


class _Static(StaticFiles):
    """StaticFiles that revalidates (the files change with the code, there is no build hash)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def install(app: FastAPI, settings: ApiSettings) -> None:
    """Serve the page and its files when the setting is on."""
    if not settings.search_page:
        return
    app.include_router(router)
    app.mount("/static", _Static(directory=STATIC_DIR), name="static")
