"""Every ClaimFilter field, escaping, sorts and facets, checked against the synthetic corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexer.documents import claim_document
from indexer.ingest import IndexNames, ensure_indexes
from indexer.models import Claim
from tests.api import synthetic
from tests.conftest import Meili, api_settings, gql, run

DOCS = synthetic.docs()
IDS = """query($filter: ClaimFilter, $after: String, $sort: ClaimSort) {
  claims(filter: $filter, first: 100, after: $after, sort: $sort) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { claimId } } } }"""


def ids_for(client: TestClient, flt: dict[str, Any]) -> tuple[set[str], int]:
    out: list[str] = []
    after = None
    while True:
        res = gql(client, IDS, filter=flt, after=after)
        assert "errors" not in res, res
        conn = res["data"]["claims"]
        out += [e["node"]["claimId"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            assert len(out) == len(set(out))
            return set(out), conn["totalCount"]
        after = conn["pageInfo"]["endCursor"]


def _ts(s: str) -> int:
    return int(datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp())


CASES: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
    ({"claimant": ["لافروف", "بوتين"]}, lambda d: d["claimant"] in ("لافروف", "بوتين")),
    ({"claimantType": ["organization"]}, lambda d: d["claimant_type"] == "organization"),
    ({"person": ["سارة"]}, lambda d: "سارة" in d["people"]),
    ({"organization": ["الأمم المتحدة"]}, lambda d: "الأمم المتحدة" in d["organizations"]),
    ({"place": ["حلب", "غزة"]}, lambda d: bool({"حلب", "غزة"} & set(d["places"]))),
    ({"source": ["سبق"]}, lambda d: d["source"] == "سبق"),
    ({"articleId": ["a0003", "a0100"]}, lambda d: d["article_id"] in ("a0003", "a0100")),
    ({"kind": ["verified"]}, lambda d: d["kind"] == "verified"),
    (
        {"publishedAfter": "2024-02-01T00:00:00Z"},
        lambda d: d["published_ts"] is not None and d["published_ts"] >= _ts("2024-02-01T00:00:00"),
    ),
    (
        {"publishedBefore": "2024-01-10T00:00:00Z"},
        lambda d: d["published_ts"] is not None and d["published_ts"] <= _ts("2024-01-10T00:00:00"),
    ),
    ({"hasNumbers": True}, lambda d: d["has_numbers"]),
    ({"hasNumbers": False}, lambda d: not d["has_numbers"]),
    ({"numberAtLeast": 45}, lambda d: any(v >= 45 for v in d["number_values"])),
    ({"numberAtMost": 3}, lambda d: any(v <= 3 for v in d["number_values"])),
    # both bounds: ONE number must fall in the range ([5, 500] is not in 10..100)
    (
        {"numberAtLeast": 10, "numberAtMost": 100},
        lambda d: any(10 <= v <= 100 for v in d["number_values"]),
    ),
    ({"minCheckworthiness": 0.9}, lambda d: d["checkworthiness"] >= 0.9),
    # AND across fields, OR within a list
    (
        {"source": ["سبق", "عكاظ"], "claimantType": ["person"], "kind": ["extracted"]},
        lambda d: (
            d["source"] in ("سبق", "عكاظ")
            and d["claimant_type"] == "person"
            and d["kind"] == "extracted"
        ),
    ),
]


@pytest.mark.parametrize(
    ("flt", "pred"), CASES, ids=[",".join(c[0]) + str(i) for i, c in enumerate(CASES)]
)
def test_filter(
    sapi: TestClient, flt: dict[str, Any], pred: Callable[[dict[str, Any]], bool]
) -> None:
    expected = {d["id"] for d in DOCS if pred(d)}
    assert expected and len(expected) < len(DOCS)
    got, total = ids_for(sapi, flt)
    assert got == expected
    assert total == len(expected)


def test_number_range_is_one_number(sapi: TestClient) -> None:
    got, _ = ids_for(sapi, {"numberAtLeast": 10, "numberAtMost": 100})
    two_numbers = {d["id"] for d in DOCS if d["number_values"] == [5.0, 500.0]}
    assert two_numbers and not (got & two_numbers)


def test_filter_injection_matches_nothing(sapi: TestClient) -> None:
    evil = 'x" OR source = "سبق'
    assert ids_for(sapi, {"claimant": [evil]})[0] == set()
    assert ids_for(sapi, {"source": ['y" OR kind = "extracted']})[0] == set()
    # the stored value with quotes in it is matched literally, and only it
    literal = 'x" OR source = "y'
    got, _ = ids_for(sapi, {"claimant": [literal]})
    assert got == {d["id"] for d in DOCS if d["claimant"] == literal}
    r = sapi.get("/v1/claims", params={"source": 'y" OR kind = "extracted', "limit": 5})
    assert r.status_code == 200 and r.json()["total"] == 0


@pytest.mark.parametrize(
    "flt",
    [
        {"claimantType": ["alien"]},
        {"kind": ["rumour"]},
        {"minCheckworthiness": 2},
        {"numberAtLeast": 10, "numberAtMost": 1},
        {"publishedAfter": "2024-03-01T00:00:00Z", "publishedBefore": "2024-01-01T00:00:00Z"},
    ],
)
def test_bad_filters_are_bad_user_input(sapi: TestClient, flt: dict[str, Any]) -> None:
    out = gql(sapi, IDS, filter=flt)
    assert out["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", out


SORTED = """query($sort: ClaimSort, $q: String) { claims(sort: $sort, query: $q, first: 50) {
  edges { node { claimId checkworthiness publishedAt } } } }"""


def test_sorts(sapi: TestClient) -> None:
    nodes = [
        e["node"] for e in gql(sapi, SORTED, sort="CHECKWORTHINESS_DESC")["data"]["claims"]["edges"]
    ]
    cw = [n["checkworthiness"] for n in nodes]
    assert cw == sorted(cw, reverse=True) and cw[0] == max(d["checkworthiness"] for d in DOCS)
    for sort, reverse in (("PUBLISHED_AT_DESC", True), ("PUBLISHED_AT_ASC", False)):
        nodes = [e["node"] for e in gql(sapi, SORTED, sort=sort)["data"]["claims"]["edges"]]
        dates = [n["publishedAt"] for n in nodes]
        assert None not in dates and dates == sorted(dates, reverse=reverse)
    # no query: newest first by default
    default = [e["node"]["publishedAt"] for e in gql(sapi, SORTED)["data"]["claims"]["edges"]]
    assert default == sorted(default, reverse=True)


def test_relevance_is_default_with_a_query(api: TestClient) -> None:
    """On the seeds: the claim with the query's words ranks first, not the newest claim."""
    nodes = [e["node"] for e in gql(api, SORTED + "", q="لافروف")["data"]["claims"]["edges"]]
    assert nodes
    full = gql(api, '{ claims(query: "لافروف", first: 1) { edges { node { text claimant } } } }')
    node = full["data"]["claims"]["edges"][0]["node"]
    assert "لافروف" in node["text"] + (node["claimant"] or "")


FACETS = """query($filter: ClaimFilter, $interval: DateInterval!) {
  claims(filter: $filter, first: 1) {
  totalCount
  facets { claimants { value count } places { value count } people { value count }
           organizations { value count } sources { value count } claimantTypes { value count }
           dateHistogram(interval: $interval) { date count } } } }"""


@pytest.mark.parametrize("interval", ["DAY", "MONTH"])
def test_facets_follow_the_filter(sapi: TestClient, interval: str) -> None:
    flt = {"source": ["الجزيرة", "سبق"], "hasNumbers": False}
    docs = [d for d in DOCS if d["source"] in ("الجزيرة", "سبق") and not d["has_numbers"]]
    out = gql(sapi, FACETS, filter=flt, interval=interval)["data"]["claims"]
    assert out["totalCount"] == len(docs)
    f = out["facets"]

    def counts(key: str, many: bool) -> dict[str, int]:
        c: Counter[str] = Counter()
        for d in docs:
            for v in d[key] if many else [d[key]]:
                if v is not None:
                    c[v] += 1
        return dict(c)

    def as_dict(values: list[dict[str, Any]]) -> dict[str, int]:
        assert [v["count"] for v in values] == sorted((v["count"] for v in values), reverse=True)
        return {v["value"]: v["count"] for v in values}

    assert as_dict(f["claimants"]) == counts("claimant", False)
    assert as_dict(f["places"]) == counts("places", True)
    assert as_dict(f["people"]) == counts("people", True)
    assert as_dict(f["organizations"]) == counts("organizations", True)
    assert as_dict(f["sources"]) == counts("source", False)
    assert as_dict(f["claimantTypes"]) == counts("claimant_type", False)
    key = "published_day" if interval == "DAY" else "published_month"
    hist = f["dateHistogram"]
    assert [b["date"] for b in hist] == sorted(b["date"] for b in hist)
    assert {b["date"]: b["count"] for b in hist} == counts(key, False)


def test_facets_on_a_later_page_describe_the_whole_result(sapi: TestClient) -> None:
    q = """query($after: String) { claims(first: 10, after: $after, filter: {source: ["سبق"]}) {
      pageInfo { endCursor } facets { claimantTypes { value count } } } }"""
    first = gql(sapi, q)["data"]["claims"]
    second = gql(sapi, q, after=first["pageInfo"]["endCursor"])["data"]["claims"]
    assert first["facets"] == second["facets"]
    assert sum(v["count"] for v in second["facets"]["claimantTypes"]) == sum(
        d["source"] == "سبق" for d in DOCS
    )


def test_rest_facets_and_histogram(sapi: TestClient) -> None:
    body = sapi.get(
        "/v1/claims", params={"facets": "true", "histogram": "MONTH", "limit": 0, "place": "حلب"}
    ).json()
    docs = [d for d in DOCS if "حلب" in d["places"]]
    assert body["total"] == len(docs)
    assert {v["value"]: v["count"] for v in body["facets"]["sources"]} == dict(
        Counter(d["source"] for d in docs)
    )
    assert {b["date"]: b["count"] for b in body["histogram"]} == dict(
        Counter(d["published_month"] for d in docs if d["published_month"])
    )


def test_facet_first_keeps_the_most_frequent_values(sapi: TestClient) -> None:
    q = "query($n: Int!) { claims(first: 1) { facets { claimants(first: $n) { value count } } } }"
    full = gql(sapi, q, n=100)["data"]["claims"]["facets"]["claimants"]
    top = gql(sapi, q, n=2)["data"]["claims"]["facets"]["claimants"]
    assert len(full) > 2
    counts = [f["count"] for f in full]
    assert counts == sorted(counts, reverse=True)
    assert top == full[:2]
    err = gql(sapi, q, n=101)["errors"][0]
    assert err["extensions"]["code"] == "BAD_USER_INPUT"


def test_facets_hold_the_most_frequent_values_beyond_max_values_per_facet(
    meili: Meili, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With more distinct values than ``maxValuesPerFacet`` (100), Meilisearch returns the first
    100 in its facet order: alphabetical by default, which would hide a frequent claimant whose
    name sorts late. The claims index orders facet values by count."""
    rare = [f"ا{i:03d}" for i in range(150)]  # 150 names, each once, all sorting first
    frequent = "يوسف"  # sorts after all of them, 7 claims
    claims = [
        Claim(id=f"f{i:03d}", article_id="fa", sentence_index=i, text=f"قال {name} إن الوضع مستقر",
              claimant=name, source="facets")
        for i, name in enumerate(rare + [frequent] * 7)
    ]  # fmt: skip
    names = IndexNames("facetmax_claims", "facetmax_articles")

    async def build() -> None:
        async with meili.client() as client:
            await ensure_indexes(client, names)
            task = await client.add_documents(names.claims, [claim_document(c) for c in claims])
            await client.wait_for_tasks([task])

    run(build())
    app = create_app(api_settings(meili, "facetmax_", QAWL_INLINE_WORKER=False,
                                  QAWL_DATA_DIR=str(tmp_path_factory.mktemp("facetmax"))))  # fmt: skip
    with TestClient(app) as client:
        q = "{ claims(first: 1) { totalCount facets { claimants(first: 3) { value count } } } }"
        out = gql(client, q)["data"]["claims"]
        assert out["totalCount"] == 157
        assert out["facets"]["claimants"][0] == {"value": frequent, "count": 7}
        rest = client.get("/v1/claims", params={"limit": 0, "facets": "true"}).json()
        assert rest["facets"]["claimants"][0] == {"value": frequent, "count": 7}
        assert len(rest["facets"]["claimants"]) == 20  # the top 20 by default, as in GraphQL
        every = client.get("/v1/claims", params={"limit": 0, "facets": "true", "facet_limit": 100}).json()
        assert every["facets"]["claimants"][:20] == rest["facets"]["claimants"]
        assert len(every["facets"]["claimants"]) == 100
        assert client.get("/v1/claims", params={"facets": "true", "facet_limit": 101}).status_code == 422
