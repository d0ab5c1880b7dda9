"""The GraphQL HTTP endpoint (api/graphql/router.py): strawberry's view behind qawl's middleware."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("method", "request_args", "status", "code", "message"),
    [
        ("POST", {"content": b"{no", "headers": {"content-type": "application/json"}}, 400, "BAD_USER_INPUT", "JSON"),
        ("POST", {"json": {"variables": {}}}, 400, "BAD_USER_INPUT", "No GraphQL query"),
        ("POST", {"content": b"q", "headers": {"content-type": "text/plain"}}, 400, "BAD_USER_INPUT", "content type"),
        ("GET", {"params": {"query": "mutation { x }"}}, 400, "BAD_USER_INPUT", "GET"),
    ],
)
def test_requests_rejected_before_graphql_get_a_json_error(
    api: TestClient, method: str, request_args: dict[str, object], status: int, code: str, message: str
) -> None:
    resp = api.request(method, "/graphql", **request_args)  # type: ignore[arg-type]
    assert resp.status_code == status
    assert resp.headers["content-type"].startswith("application/json")
    error = resp.json()["error"]
    assert error["code"] == code and message in error["message"]
    assert resp.headers["x-request-id"]  # behind the request middleware


def test_get_post_graphiql_and_graphql_errors(api: TestClient) -> None:
    assert api.get("/graphql", params={"query": "{ __typename }"}).json() == {"data": {"__typename": "Query"}}
    page = api.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    bad = api.post("/graphql", json={"query": "{ claims(first: 1) { noSuchField } }"})
    assert bad.status_code == 200 and bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert api.put("/graphql", json={"query": "{ __typename }"}).status_code == 405
