"""Relay pagination, including past Meilisearch's maxTotalHits (100 in the synthetic indexes)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api import synthetic
from tests.conftest import gql

PAGE = """
query($first: Int, $after: String, $sort: ClaimSort, $filter: ClaimFilter, $q: String) {
  claims(first: $first, after: $after, sort: $sort, filter: $filter, query: $q) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { claimId publishedAt checkworthiness } }
  }
}
"""
DOCS = synthetic.docs()


def walk(client: TestClient, first: int, **variables: object) -> tuple[list[str], list[int]]:
    ids: list[str] = []
    totals: list[int] = []
    after = None
    for _ in range(200):
        out = gql(client, PAGE, first=first, after=after, **variables)
        assert "errors" not in out, out
        conn = out["data"]["claims"]
        totals.append(conn["totalCount"])
        ids += [e["node"]["claimId"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not conn["pageInfo"]["hasNextPage"]:
            return ids, totals
        assert conn["edges"], "hasNextPage with an empty page"
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        after = conn["pageInfo"]["endCursor"]
    raise AssertionError("pagination did not end")


def _key(sort: str | None):  # type: ignore[no-untyped-def]
    def key(d: dict) -> tuple:  # type: ignore[type-arg]
        if sort == "CHECKWORTHINESS_DESC":
            return (-d["checkworthiness"],)
        ts = d["published_ts"]
        missing = ts is None
        return (missing, 0 if missing else (ts if sort == "PUBLISHED_AT_ASC" else -ts))

    return key


@pytest.mark.parametrize("client_name", ["sapi", "sapi_noid"])
@pytest.mark.parametrize(
    "sort", [None, "PUBLISHED_AT_ASC", "PUBLISHED_AT_DESC", "CHECKWORTHINESS_DESC"]
)
def test_walk_all_pages_past_max_total_hits(
    request: pytest.FixtureRequest, client_name: str, sort: str | None
) -> None:
    client = request.getfixturevalue(client_name)
    ids, totals = walk(client, 100, sort=sort)
    assert len(ids) == len(set(ids)), "duplicates"
    assert set(ids) == {d["id"] for d in DOCS}, "gaps"
    assert len(ids) == synthetic.N_CLAIMS > synthetic.MAX_TOTAL_HITS
    assert set(totals) == {synthetic.N_CLAIMS}  # exact, although Meilisearch estimates stop at 100
    by_id = {d["id"]: d for d in DOCS}
    keys = [_key(sort)(by_id[i]) for i in ids]
    assert keys == sorted(keys), "order broken across pages"


def test_walk_filtered_listing(sapi: TestClient) -> None:
    flt = {"source": ["العربية", "عكاظ"], "hasNumbers": True}
    ids, totals = walk(sapi, 37, sort="PUBLISHED_AT_ASC", filter=flt)
    expected = {d["id"] for d in DOCS if d["source"] in ("العربية", "عكاظ") and d["has_numbers"]}
    assert len(expected) > synthetic.MAX_TOTAL_HITS
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert set(totals) == {len(expected)}


def test_relevance_pages_stop_at_max_total_hits(sapi: TestClient) -> None:
    """A keyword search is paged by offset, without duplicates; totalCount stays exact."""
    ids, totals = walk(sapi, 30, q="قال المتحدث")
    assert len(ids) == len(set(ids))
    # a plain search stops at maxTotalHits; the federated (surface + stem) one is not capped
    assert synthetic.MAX_TOTAL_HITS <= len(ids) <= synthetic.N_CLAIMS
    assert totals[0] == synthetic.N_CLAIMS


def test_first_is_defaulted_and_capped(sapi: TestClient) -> None:
    out = gql(sapi, "{ claims { edges { node { claimId } } } }")
    assert len(out["data"]["claims"]["edges"]) == 20
    for bad in (101, -1):
        out = gql(sapi, PAGE, first=bad)
        assert out["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", out
    out = gql(sapi, PAGE, first=100)
    assert len(out["data"]["claims"]["edges"]) == 100


def test_bad_cursors_are_bad_user_input(sapi: TestClient) -> None:
    for cursor in ("nonsense!", "bzotNQ", "azp7fQ"):
        out = gql(sapi, PAGE, first=5, after=cursor)
        assert out["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (cursor, out)
    # a listing cursor handed to a keyword search
    listing = gql(sapi, PAGE, first=5)["data"]["claims"]["pageInfo"]["endCursor"]
    out = gql(sapi, PAGE, first=5, after=listing, q="قال")
    assert out["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_articles_connection_pages(sapi: TestClient) -> None:
    query = """query($after: String) { articles(first: 60, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { articleId publishedAt } } } }"""
    ids: list[str] = []
    after = None
    while True:
        conn = gql(sapi, query, after=after)["data"]["articles"]
        assert conn["totalCount"] == synthetic.N_CLAIMS // 6
        ids += [e["node"]["articleId"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(ids) == len(set(ids)) == synthetic.N_CLAIMS // 6 > synthetic.MAX_TOTAL_HITS


def test_rest_pages_with_next(sapi_noid: TestClient) -> None:
    ids: list[str] = []
    params: dict[str, str | int] = {"limit": 100, "sort": "CHECKWORTHINESS_DESC", "source": "سبق"}
    while True:
        body = sapi_noid.get("/v1/claims", params=params).json()
        ids += [c["id"] for c in body["claims"]]
        if not body["next"]:
            break
        params["after"] = body["next"]
    expected = {d["id"] for d in DOCS if d["source"] == "سبق"}
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert body["total"] == len(expected)
