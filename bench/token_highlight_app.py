"""The API with the highlighter's token-by-token path only, for A/B measurements of the page path.

    python bench/ab_apps.py --app api.app:create_app --app bench.token_highlight_app:create_app

Everything else is the production app; ``Highlighter._mark_page`` declines every page, so each
page is marked by ``Highlighter._mark_tokens`` (every distinct token analysed), as before the page
path existed. Run from the repository root (uvicorn imports it by name). Not production code.
"""

from __future__ import annotations

from fastapi import FastAPI

import api.app
from api.search.highlight import Highlighter
from api.settings import ApiSettings


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    Highlighter._mark_page = lambda self, safe: None  # type: ignore[method-assign]
    return api.app.create_app(settings)
