"""Error codes (Meilisearch down, unexpected errors), /metrics, JSON logs with request ids,
and the exported schema as a contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.graphql import export
from indexer.ingest import IndexNames, ensure_indexes
from indexer.meili.managed import ManagedMeilisearch
from tests.conftest import Meili, api_settings, gql, run


def test_meilisearch_down_is_search_unavailable(tmp_path: Path) -> None:
    server = ManagedMeilisearch(data_dir=tmp_path / "m")
    server.start()
    try:
        m = Meili(server.url, server.master_key, server)

        async def setup() -> None:
            async with m.client() as c:
                await ensure_indexes(c, IndexNames("d_claims", "d_articles"))

        run(setup())
        settings = api_settings(
            m, "d_", QAWL_INLINE_WORKER=False, QAWL_DATA_DIR=str(tmp_path / "q")
        )
        with TestClient(create_app(settings)) as client:
            assert gql(client, "{ claims { totalCount } }")["data"]["claims"]["totalCount"] == 0
            server.stop()
            for query in (
                "{ claims { totalCount } }",
                '{ claim(id: "x") { text } }',
                "{ articles { totalCount } }",
            ):
                out = gql(client, query)
                assert out["errors"][0]["extensions"]["code"] == "SEARCH_UNAVAILABLE", out
            for path in ("/v1/claims", "/v1/claims/x", "/v1/articles", "/v1/articles/x"):
                r = client.get(path)
                assert r.status_code == 503, path
                assert r.json()["error"]["code"] == "SEARCH_UNAVAILABLE"
    finally:
        server.cleanup()


def test_unexpected_errors_are_masked_and_logged(
    api: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    search = api.app.state.search  # type: ignore[attr-defined]

    async def boom(*_: object, **__: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(search, "search_claims", boom)
    capsys.readouterr()
    r = api.post(
        "/graphql",
        json={"query": "{ claims { totalCount } }"},
        headers={"X-Request-Id": "rid-graphql-1"},
    )
    err = r.json()["errors"][0]
    assert err["message"] == "Internal server error" and "secret" not in r.text
    assert err["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "rid-graphql-1"}
    rest = api.get("/v1/claims", headers={"X-Request-Id": "rid-rest-1"})
    assert rest.status_code == 500 and "secret" not in rest.text
    assert rest.json()["error"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "message": "internal error",
        "request_id": "rid-rest-1",
    }
    logs = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    errors = [entry for entry in logs if entry["level"] == "error"]
    assert {e["request_id"] for e in errors} >= {"rid-graphql-1", "rid-rest-1"}
    assert all("secret internal detail" in e["exc"] for e in errors)


def test_access_logs_are_json_with_request_ids(
    api: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    r = api.get("/v1/articles", params={"limit": 1})
    rid = r.headers["x-request-id"]
    logs = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    access = [entry for entry in logs if entry["msg"] == "request" and entry["request_id"] == rid]
    assert access and access[0]["status"] == 200 and access[0]["route"] == "/v1/articles"
    assert access[0]["ms"] >= 0 and access[0]["ts"].endswith("Z")


def test_time_spent_in_meilisearch_is_logged_and_sent_as_server_timing(
    api: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """``meili_ms``: what a request waited for Meilisearch, within its own ``ms``; a request that
    asks Meilisearch nothing waited 0."""
    capsys.readouterr()
    search = api.get("/v1/claims", params={"q": "مرتزقة", "facets": "true"})
    gql = api.post("/graphql", json={"query": "{ claims(query: \"مرتزقة\", first: 2) { totalCount } }"})
    static = api.get("/openapi.json")
    logs = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    by_rid = {entry["request_id"]: entry for entry in logs if entry["msg"] == "request"}
    for response in (search, gql):
        entry = by_rid[response.headers["x-request-id"]]
        assert 0 < entry["meili_ms"] <= entry["ms"]
        timing = response.headers["server-timing"]
        assert timing.startswith("meili;dur=") and float(timing.split("=")[1]) > 0
    assert by_rid[static.headers["x-request-id"]]["meili_ms"] == 0
    assert static.headers["server-timing"] == "meili;dur=0.0"


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_by_route_operation_and_meilisearch(api: TestClient) -> None:
    before = api.get("/metrics").text
    gql_body = {
        "query": 'query NewsroomSearch { claims(query: "روسيا") { totalCount } }',
        "operationName": "NewsroomSearch",
    }
    api.post("/graphql", json=gql_body)
    api.get("/v1/claims/does-not-exist")
    after = api.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text
    assert (
        _metric(text, "qawl_graphql_operations_total", operation="NewsroomSearch", outcome="ok")
        == _metric(
            before, "qawl_graphql_operations_total", operation="NewsroomSearch", outcome="ok"
        )
        + 1
    )
    assert (
        _metric(text, "qawl_graphql_operation_duration_seconds_count", operation="NewsroomSearch")
        >= 1
    )
    assert (
        _metric(text, "qawl_http_requests_total", route="/v1/claims/{claim_id}", status="404")
        == _metric(before, "qawl_http_requests_total", route="/v1/claims/{claim_id}", status="404")
        + 1
    )
    assert _metric(text, "qawl_http_requests_total", route="/graphql", method="POST") >= 1
    assert _metric(text, "qawl_http_request_duration_seconds_count", route="/graphql") >= 1
    assert _metric(
        text, "qawl_meilisearch_request_duration_seconds_count", operation="claims"
    ) > _metric(before, "qawl_meilisearch_request_duration_seconds_count", operation="claims")


def test_schema_file_matches_the_code() -> None:
    assert export.SCHEMA_FILE.read_text(encoding="utf-8") == export.sdl(), (
        "api/schema.graphql drifted from the code: "
        "run `python -m api.graphql.export` and review the diff"
    )
    assert export.main(["--check"]) == 0
