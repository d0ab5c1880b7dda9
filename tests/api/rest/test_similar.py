"""REST ``POST /v1/claims/similar`` and GraphQL ``similarClaims`` over one real index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexer.ingest import IndexNames
from tests.api.search.similar_subset import build, dev_queries
from tests.conftest import Meili, api_settings, gql, run

QUERY = """
query Similar($text: String!, $first: Int, $filter: ClaimFilter) {
  similarClaims(text: $text, first: $first, filter: $filter) { score claim { claimId kind text } }
}
"""


@pytest.fixture(scope="module")
def client(meili: Meili) -> Iterator[TestClient]:
    run(build(meili, IndexNames(claims="simrest_claims", articles="simrest_articles")))
    with TestClient(create_app(api_settings(meili, "simrest_", QAWL_INLINE_WORKER=False))) as c:
        yield c


def _rest(client: TestClient, **body: object) -> list[dict[str, Any]]:
    resp = client.post("/v1/claims/similar", json=body)
    assert resp.status_code == 200, resp.text
    matches: list[dict[str, Any]] = resp.json()["matches"]
    return matches


def test_rest_and_graphql_agree(client: TestClient) -> None:
    for _, text, rel in dev_queries()[:4]:
        rest = _rest(client, text=text, first=5)
        data = gql(client, QUERY, text=text, first=5)
        assert "errors" not in data, data
        graph = data["data"]["similarClaims"]
        assert [(m["score"], m["claim"]["id"]) for m in rest] == [
            (m["score"], m["claim"]["claimId"]) for m in graph
        ]
        assert rest and rest[0]["claim"]["id"] in rel
        assert {"text", "kind", "title", "url"} <= set(rest[0]["claim"])
        assert "text_stem" not in rest[0]["claim"]


def test_default_first_is_five(client: TestClient) -> None:
    _, text, _ = dev_queries()[0]
    assert len(_rest(client, text=text)) == 5
    data = gql(client, "query($t: String!) { similarClaims(text: $t) { score } }", t=text)
    assert len(data["data"]["similarClaims"]) == 5


def test_kind_filter(client: TestClient) -> None:
    _, text, rel = dev_queries()[1]
    verified = _rest(client, text=text, filter={"kind": ["verified"]})
    assert verified[0]["claim"]["id"] in rel
    extracted = _rest(client, text=text, filter={"kind": ["extracted"]})
    assert all(m["claim"]["kind"] == "extracted" for m in extracted)
    data = gql(client, QUERY, text=text, filter={"kind": ["extracted"]})
    assert all(m["claim"]["kind"] == "extracted" for m in data["data"]["similarClaims"])


def test_bad_input(client: TestClient) -> None:
    for body in (
        {"text": ""},
        {"text": "   "},
        {"text": "المصلي الخفي", "first": 0},
        {"text": "المصلي الخفي", "filter": {"kind": ["rumour"]}},
    ):
        resp = client.post("/v1/claims/similar", json=body)
        assert resp.status_code == 400, (body, resp.text)
        assert resp.json()["error"]["code"] == "BAD_USER_INPUT"
    assert client.post("/v1/claims/similar", json={"first": 3}).status_code == 422  # no text at all
    typo = client.post("/v1/claims/similar", json={"text": "المصلي الخفي", "filter": {"knd": ["verified"]}})
    assert typo.status_code == 422 and typo.json()["error"]["code"] == "BAD_USER_INPUT"  # never silently ignored
    data = gql(client, QUERY, text=" ")
    assert data["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
