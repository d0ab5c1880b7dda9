"""FastAPI dependencies: the objects the lifespan owns, reached through app.state."""

from __future__ import annotations

from fastapi import Request

from api.search.service import SearchService
from api.settings import ApiSettings


def get_search(request: Request) -> SearchService:
    search: SearchService = request.app.state.search
    return search


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings
