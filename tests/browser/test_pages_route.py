"""The page's routes, without a browser: what is served, with which headers, and the switch."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings


def test_page_and_static_files_are_served_with_a_strict_policy() -> None:
    client = TestClient(create_app(ApiSettings(QAWL_SEARCH_PAGE=True)))
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="ar" dir="rtl">' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert 'src="static/app.js"' in page.text and 'href="static/style.css"' in page.text
    for name in ("app.js", "graphql.js", "highlight.js", "style.css"):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200, name
        assert asset.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/../settings.py").status_code == 404


def test_page_can_be_switched_off() -> None:
    client = TestClient(create_app(ApiSettings(QAWL_SEARCH_PAGE=False)))
    assert client.get("/").status_code == 404
    assert client.get("/static/app.js").status_code == 404
