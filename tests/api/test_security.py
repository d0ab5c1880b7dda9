"""API keys and scopes, rate limits, CORS, GraphQL limits, introspection, the master key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ratelimit import TokenBucket
from indexer.ingest import IndexNames
from tests.conftest import Meili, api_settings

READ_KEY = "read-key-0123456789abcdef"
ADMIN_KEY = "admin-key-0123456789abcdef"
Q = {"query": "{ claims(first: 1) { totalCount } }"}


@contextmanager
def app_with(meili: Meili, tmp_path: Path, **env: object) -> Iterator[TestClient]:
    settings = api_settings(
        meili, "seeded_", QAWL_INLINE_WORKER=False, QAWL_DATA_DIR=str(tmp_path), **env
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def keyed(meili: Meili, seeded: IndexNames, tmp_path: Path) -> Iterator[TestClient]:
    with app_with(meili, tmp_path, QAWL_API_KEYS=f"read:{READ_KEY},admin:{ADMIN_KEY}") as client:
        yield client


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_are_required_when_configured(keyed: TestClient) -> None:
    r = keyed.post("/graphql", json=Q)
    assert r.status_code == 401
    assert r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = keyed.get("/v1/claims", headers=_auth("wrong-key-wrong-key"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "UNAUTHENTICATED"
    for key in (READ_KEY, ADMIN_KEY):
        assert (
            keyed.post("/graphql", json=Q, headers=_auth(key)).json()["data"]["claims"][
                "totalCount"
            ]
            > 0
        )
        assert keyed.get("/v1/claims", headers=_auth(key)).status_code == 200
    # public routes stay public
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/metrics").status_code == 200


def test_read_scope_cannot_use_admin_routes(keyed: TestClient) -> None:
    r = keyed.post("/v1/admin/reindex", headers=_auth(READ_KEY))
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    r = keyed.post("/v1/admin/reindex")
    assert r.status_code == 401 and r.json()["error"]["code"] == "UNAUTHENTICATED"


def test_keys_are_stored_hashed(keyed: TestClient) -> None:
    settings = keyed.app.state.settings  # type: ignore[attr-defined]
    assert READ_KEY not in repr(settings.api_keys) and ADMIN_KEY not in repr(settings.model_dump())


def test_development_without_keys_is_open(api: TestClient) -> None:
    assert api.post("/graphql", json=Q).status_code == 200


def test_production_without_keys_refuses_anonymous(
    meili: Meili, seeded: IndexNames, tmp_path: Path
) -> None:
    with app_with(meili, tmp_path, QAWL_ENV="production") as client:
        r = client.post("/graphql", json=Q)
        assert (
            r.status_code == 401
            and r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        )
        assert client.get("/v1/claims").status_code == 401
        assert client.get("/healthz").status_code == 200


def test_rate_limit_per_key(meili: Meili, seeded: IndexNames, tmp_path: Path) -> None:
    with app_with(
        meili, tmp_path, QAWL_API_KEYS=f"read:{READ_KEY},admin:{ADMIN_KEY}", QAWL_RATE_LIMIT=3
    ) as client:
        for remaining in (2, 1, 0):
            r = client.get("/v1/articles", params={"limit": 1}, headers=_auth(READ_KEY))
            assert r.status_code == 200
            assert r.headers["ratelimit-limit"] == "3" and r.headers["ratelimit-remaining"] == str(
                remaining
            )
        r = client.get("/v1/articles", headers=_auth(READ_KEY))
        assert r.status_code == 429 and r.json()["error"]["code"] == "RATE_LIMITED"
        assert int(r.headers["retry-after"]) >= 1 and "ratelimit-reset" in r.headers
        g = client.post("/graphql", json=Q, headers=_auth(READ_KEY))
        assert (
            g.status_code == 429 and g.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        )
        # another key has its own bucket
        assert client.get("/v1/articles", headers=_auth(ADMIN_KEY)).status_code == 200


def test_anonymous_development_limit_is_tighter(
    meili: Meili, seeded: IndexNames, tmp_path: Path
) -> None:
    with app_with(meili, tmp_path, QAWL_ANON_RATE_LIMIT=2) as client:
        assert client.get("/v1/articles").headers["ratelimit-limit"] == "2"
        assert client.get("/v1/articles").status_code == 200
        assert client.get("/v1/articles").status_code == 429
    assert (
        TokenBucket(60).take("x", now=0).allowed
    )  # the anonymous default is tighter than the keyed one
    settings = api_settings(Meili("http://x", "", None), "p_")
    assert settings.anonymous_rate_limit_per_minute < settings.rate_limit_per_minute


def test_token_bucket_refills() -> None:
    bucket = TokenBucket(60)  # one a second
    for _ in range(60):
        assert bucket.take("k", now=100.0).allowed
    denied = bucket.take("k", now=100.0)
    assert not denied.allowed and denied.retry_after == 1
    assert bucket.take("k", now=101.01).allowed


def test_cors_allow_list(meili: Meili, seeded: IndexNames, tmp_path: Path) -> None:
    with app_with(
        meili,
        tmp_path,
        QAWL_CORS_ORIGINS="https://newsroom.example,https://cms.example",
        QAWL_API_KEYS=f"read:{READ_KEY}",
    ) as client:
        pre = client.options(
            "/graphql",
            headers={
                "Origin": "https://newsroom.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://newsroom.example"
        assert "authorization" in pre.headers["access-control-allow-headers"].lower()
        denied = client.options(
            "/graphql",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert denied.status_code == 400 and "access-control-allow-origin" not in denied.headers
        r = client.post(
            "/graphql", json=Q, headers={"Origin": "https://cms.example", **_auth(READ_KEY)}
        )
        assert r.headers["access-control-allow-origin"] == "https://cms.example"
        assert "ratelimit-remaining" in r.headers["access-control-expose-headers"].lower()
        r = client.post(
            "/graphql", json=Q, headers={"Origin": "https://evil.example", **_auth(READ_KEY)}
        )
        assert "access-control-allow-origin" not in r.headers
        # a 401 carries CORS headers too, so the front-end can read it
        r = client.post("/graphql", json=Q, headers={"Origin": "https://cms.example"})
        assert (
            r.status_code == 401
            and r.headers["access-control-allow-origin"] == "https://cms.example"
        )


def _code(client: TestClient, query: str) -> str:
    return client.post("/graphql", json={"query": query}).json()["errors"][0]["extensions"]["code"]


def test_depth_alias_token_limits(api: TestClient) -> None:
    deep = (
        "{ claims { edges { node { " + "article { claims { " * 5 + "text" + " } }" * 5 + " } } } }"
    )
    body = api.post("/graphql", json={"query": deep}).json()
    assert (
        body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        and "depth" in body["errors"][0]["message"]
    )
    aliases = "{ " + " ".join(f'a{i}: claim(id: "x") {{ id }}' for i in range(40)) + " }"
    assert _code(api, aliases) == "BAD_USER_INPUT"
    tokens = "{ claims { edges { node { " + " ".join(["text"] * 2100) + " } } } }"
    assert _code(api, tokens) == "BAD_USER_INPUT"
    assert _code(api, "{ claims(first: 1000) { totalCount } }") == "BAD_USER_INPUT"


def test_introspection_and_graphiql(
    api: TestClient, meili: Meili, seeded: IndexNames, tmp_path: Path
) -> None:
    intro = {"query": "{ __schema { queryType { name } } }"}
    assert (
        api.post("/graphql", json=intro).json()["data"]["__schema"]["queryType"]["name"] == "Query"
    )
    assert "graphiql" in api.get("/graphql", headers={"Accept": "text/html"}).text.lower()
    with app_with(meili, tmp_path, QAWL_ENV="production", QAWL_API_KEYS=f"read:{READ_KEY}") as prod:
        body = prod.post("/graphql", json=intro, headers=_auth(READ_KEY)).json()
        assert "errors" in body and not body.get("data")
        page = prod.get("/graphql", headers={"Accept": "text/html", **_auth(READ_KEY)})
        assert "graphiql" not in page.text.lower()
    with app_with(
        meili,
        tmp_path,
        QAWL_ENV="production",
        QAWL_API_KEYS=f"read:{READ_KEY}",
        QAWL_INTROSPECTION=True,
    ) as prod_on:
        body = prod_on.post("/graphql", json=intro, headers=_auth(READ_KEY)).json()
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_master_key_never_reaches_clients(api: TestClient, meili: Meili) -> None:
    assert meili.key
    search = api.app.state.search  # type: ignore[attr-defined]
    assert meili.key not in str(
        search.client.headers.get("Authorization")
    )  # reads use a search-only key
    assert search.client.headers.get("Authorization")
    responses = [
        api.post(
            "/graphql",
            json={
                "query": '{ claims(query: "روسيا", first: 3) { edges { node { text claimReview '
                "article { title body } } } } }"
            },
        ),
        api.get("/v1/claims", params={"q": "روسيا", "facets": "true"}),
        api.get("/v1/articles"),
        api.get("/readyz"),
        api.get("/metrics"),
        api.get("/openapi.json"),
        api.get("/graphql", headers={"Accept": "text/html"}),
        api.get("/v1/claims", params={"after": "bad"}),
    ]
    for r in responses:
        blob = r.text + " ".join(f"{k}: {v}" for k, v in r.headers.items())
        assert meili.key not in blob, r.request.url
