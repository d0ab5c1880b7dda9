"""Single items, nested fields, batching, highlight and JSON-LD (seeds and synthetic corpus)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.api import synthetic
from tests.conftest import gql


def _some_claims(client: TestClient, q: str = "", first: int = 20) -> list[dict]:  # type: ignore[type-arg]
    query = """query($q: String, $first: Int) { claims(query: $q, first: $first) {
      edges { node { id claimId articleId sentenceIndex text clusterId } } } }"""
    return [
        e["node"] for e in gql(client, query, q=q or None, first=first)["data"]["claims"]["edges"]
    ]


def test_claim_and_node_by_id(api: TestClient) -> None:
    c = _some_claims(api, "روسيا")[0]
    for ident in (c["id"], c["claimId"]):
        got = gql(api, "query($id: ID!) { claim(id: $id) { claimId text } }", id=ident)["data"][
            "claim"
        ]
        assert got == {"claimId": c["claimId"], "text": c["text"]}
    node = gql(
        api,
        "query($id: ID!) { node(id: $id) { __typename id ... on Claim { claimId } } }",
        id=c["id"],
    )
    assert node["data"]["node"] == {"__typename": "Claim", "id": c["id"], "claimId": c["claimId"]}
    art = gql(api, "query($id: ID!) { claim(id: $id) { article { id articleId } } }", id=c["id"])
    art_node = art["data"]["claim"]["article"]
    assert art_node["articleId"] == c["articleId"]
    again = gql(
        api, "query($id: ID!) { node(id: $id) { ... on Article { articleId } } }", id=art_node["id"]
    )
    assert again["data"]["node"] == {"articleId": c["articleId"]}


def test_missing_and_bad_ids(api: TestClient) -> None:
    assert gql(api, '{ claim(id: "nope") { claimId } }')["data"]["claim"] is None
    assert gql(api, '{ article(id: "nope") { title } }')["data"]["article"] is None
    bad = gql(api, '{ node(id: "!!!") { id } }')
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    import base64

    other = base64.urlsafe_b64encode(b"Planet:x").decode().rstrip("=")
    assert (
        gql(api, f'{{ node(id: "{other}") {{ id }} }}')["errors"][0]["extensions"]["code"]
        == "NOT_FOUND"
    )


def test_article_claims_in_reading_order(api: TestClient) -> None:
    c = _some_claims(api, "المرصد السوري")[0]
    out = gql(
        api,
        "query($id: ID!) { article(id: $id) { articleId title "
        "claims { claimId sentenceIndex articleId } } }",
        id=c["articleId"],
    )["data"]["article"]
    assert isinstance(out["title"], str)
    indexes = [x["sentenceIndex"] for x in out["claims"]]
    assert len(indexes) > 1 and indexes == sorted(indexes)
    assert {x["articleId"] for x in out["claims"]} == {c["articleId"]}
    assert c["claimId"] in {x["claimId"] for x in out["claims"]}


def test_page_of_claims_with_article_titles_is_batched(sapi: TestClient) -> None:
    search = sapi.app.state.search  # type: ignore[attr-defined]
    query = """{ claims(first: 50, sort: PUBLISHED_AT_ASC) { edges { node { claimId articleId
      article { title } relatedClaims { claimId clusterId } } } } }"""
    before = search.client.requests_sent
    edges = gql(sapi, query)["data"]["claims"]["edges"]
    sent = search.client.requests_sent - before
    assert len({e["node"]["articleId"] for e in edges}) > 5
    # 1 search + 1 batched article fetch + 1 batched cluster fetch, not one per claim
    assert sent == 3, sent
    for e in edges:
        n = e["node"]
        assert n["article"]["title"] == f"عنوان {int(n['articleId'][1:])}"
        i = int(n["claimId"][1:])
        expected = {f"c{j:05d}" for j in range(i % 300, synthetic.N_CLAIMS, 300)} - {n["claimId"]}
        assert {r["claimId"] for r in n["relatedClaims"]} == expected


def test_claim_review_json_ld(sapi: TestClient) -> None:
    q = "query($id: ID!) { claim(id: $id) { claimReview } }"
    review = gql(sapi, q, id="c00009")["data"]["claim"]["claimReview"]  # verified, rated
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "false"
    assert review["itemReviewed"]["@type"] == "Claim"
    plain = gql(sapi, q, id="c00001")["data"]["claim"]["claimReview"]
    assert plain["@type"] == "Claim" and plain["author"]["name"] == "بوتين"
    r = sapi.get("/v1/claims/c00009", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert r.json() == review
    r = sapi.get("/v1/claims/c00009")
    assert r.headers["content-type"].startswith("application/json") and r.json()["id"] == "c00009"


def test_highlight_is_safe_html_and_crops(api: TestClient) -> None:
    q = (
        "query($q: String, $crop: Int) { claims(query: $q, first: 5, crop: $crop) "
        "{ edges { node { text highlight } } } }"
    )
    nodes = [e["node"] for e in gql(api, q, q="روسيا")["data"]["claims"]["edges"]]
    assert nodes
    assert "<mark>" in nodes[0]["highlight"]
    for n in nodes:
        # removing the marks and unescaping gives the text back; no other tag survives
        assert html.unescape(re.sub(r"</?mark>", "", n["highlight"])) == n["text"]
        assert not re.search(r"<(?!/?mark>)", n["highlight"])
    cropped = [e["node"] for e in gql(api, q, q="روسيا", crop=5)["data"]["claims"]["edges"]]
    assert "<mark>" in cropped[0]["highlight"]
    assert any(len(n["highlight"].split()) < len(n["text"].split()) for n in cropped)
    bad = gql(api, q, q="روسيا", crop=1)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_highlight_escapes_markup_in_claims(sapi: TestClient) -> None:
    q = '{ claims(query: "المتحدث", first: 3) { edges { node { highlight } } } }'
    for e in gql(sapi, q)["data"]["claims"]["edges"]:
        assert "<mark>" in e["node"]["highlight"]


def test_rest_items(api: TestClient) -> None:
    c = _some_claims(api, "روسيا")[0]
    body = api.get(f"/v1/claims/{c['claimId']}").json()
    assert body["id"] == c["claimId"] and body["text"] == c["text"]
    art = api.get(f"/v1/articles/{c['articleId']}")
    assert art.status_code == 200
    a = art.json()
    assert {"id", "title", "body", "url", "source", "published_at", "updated_at"} <= set(a)
    assert [x["sentence_index"] for x in a["claims"]] == sorted(
        x["sentence_index"] for x in a["claims"]
    )
    for path in ("/v1/articles/nope", "/v1/claims/nope"):
        r = api.get(path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    listing = api.get("/v1/articles", params={"limit": 1}).json()
    assert listing["total"] >= 2 and len(listing["articles"]) == 1 and listing["next"]
    bad = api.get("/v1/claims", params={"after": "garbage!"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "BAD_USER_INPUT"
    assert api.get("/v1/claims", params={"limit": 101}).json()["error"]["code"] == "BAD_USER_INPUT"


def test_openapi_lists_the_rest_routes(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for p in ("/v1/claims", "/v1/claims/{claim_id}", "/v1/articles", "/v1/articles/{article_id}"):
        assert p in paths
    params = {p["name"] for p in paths["/v1/claims"]["get"]["parameters"]}
    assert {
        "claimant",
        "claimant_type",
        "person",
        "organization",
        "place",
        "source",
        "article_id",
        "kind",
        "published_after",
        "published_before",
        "has_numbers",
        "number_at_least",
        "number_at_most",
        "min_checkworthiness",
        "sort",
        "after",
        "limit",
        "facets",
    } <= params
