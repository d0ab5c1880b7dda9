"""FastAPI dependencies: the objects the lifespan owns, reached through app.state.

They are ``async def`` so FastAPI calls them on the event loop instead of a thread-pool hop.
"""

from __future__ import annotations

from fastapi import Request

from api.search.service import SearchService
from api.settings import ApiSettings


async def get_search(request: Request) -> SearchService:
    search: SearchService = request.app.state.search
    return search


async def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings
