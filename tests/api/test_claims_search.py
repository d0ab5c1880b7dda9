from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import gql

CLAIMS = """
query($q: String, $first: Int) {
  claims(query: $q, first: $first) {
    totalCount
    edges { cursor node { id claimId text highlight claimant numbers { value text } articleId publishedAt source } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def test_lavrov_claim_with_2000(api: TestClient) -> None:
    data = gql(api, CLAIMS, q="لافروف", first=10)["data"]["claims"]
    nodes = [e["node"] for e in data["edges"]]
    assert any(
        "لافروف" in (n["claimant"] or "") and any(num["value"] == 2000 for num in n["numbers"]) for n in nodes
    ), nodes


def test_syrian_observatory_in_both_articles(api: TestClient) -> None:
    data = gql(api, CLAIMS, q="المرصد السوري", first=20)["data"]["claims"]
    articles = {e["node"]["articleId"] for e in data["edges"]}
    assert articles == {"000_d5d995d6a35c022e", "003_ac68457011d44b46"}


def test_rest_and_graphql_agree(api: TestClient) -> None:
    g = gql(api, CLAIMS, q="روسيا", first=10)["data"]["claims"]
    r = api.get("/v1/claims", params={"q": "روسيا", "limit": 10})
    assert r.status_code == 200
    body = r.json()
    assert [c["id"] for c in body["claims"]] == [e["node"]["claimId"] for e in g["edges"]]
    assert body["total"] == g["totalCount"]
    # REST claims are the documents without Meilisearch's additions, with the same highlight
    assert not [k for c in body["claims"] for k in c if k.startswith("_")]
    assert [c["highlight"] for c in body["claims"]] == [e["node"]["highlight"] for e in g["edges"]]
    assert any("<mark>" in c["highlight"] for c in body["claims"])
    # the next-page cursor is the GraphQL end cursor
    assert body["next"] == g["pageInfo"]["endCursor"] or not g["pageInfo"]["hasNextPage"]


def test_health(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").status_code == 200
