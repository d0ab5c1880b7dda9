"""What the claims resolver asks Meilisearch for follows the selection (api/graphql/selections.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.search.service import ClaimQuery
from tests.conftest import gql


@pytest.fixture
def plans(api: TestClient) -> Iterator[list[ClaimQuery]]:
    """The ClaimQuery of each claims search (the real search still runs)."""
    search = api.app.state.search  # type: ignore[attr-defined]
    seen: list[ClaimQuery] = []
    real = search.search_claims

    async def spy(q: ClaimQuery) -> Any:
        seen.append(q)
        return await real(q)

    search.search_claims = spy
    try:
        yield seen
    finally:
        del search.search_claims


FRAGMENTS = """
query($i: DateInterval!) { claims(first: 2) { ...conn } }
fragment conn on ClaimConnection {
  edges { node { ... on Claim { id claimant } ...more } }
  facets { sources { value } ... on ClaimFacets { dateHistogram(interval: $i) { date } } }
}
fragment more on Claim { highlight }
"""


def test_fields_through_fragments_and_variables_each_time(api: TestClient, plans: list[ClaimQuery]) -> None:
    for interval, attr in (("DAY", "published_day"), ("MONTH", "published_month"), ("DAY", "published_day")):
        out = gql(api, FRAGMENTS, i=interval)
        assert "errors" not in out
        plan = plans[-1]
        assert set(plan.attributes or ()) == {"id", "text", "claimant"}  # highlight reads text
        assert plan.highlight is True and plan.exact_total is False
        assert plan.facets == ["source", attr]


def test_literal_arguments_totals_and_unmapped_fields(api: TestClient, plans: list[ClaimQuery]) -> None:
    q = "{ claims(first: 1) { totalCount edges { node { id } } facets { dateHistogram(interval: DAY) { date } } } }"
    for _ in range(2):  # the second answer comes from the plan kept for this document
        assert "errors" not in gql(api, q)
        assert plans[-1].attributes == ["id"] and plans[-1].exact_total is True
        assert plans[-1].facets == ["published_day"] and plans[-1].highlight is False
    gql(api, "{ claims(first: 1) { edges { node { id article { id } } } } }")
    assert set(plans[-1].attributes or ()) == {"id", "article_id"}
    gql(api, "{ claims(first: 1) { edges { node { __typename ... on Node { id } } } } }")
    assert plans[-1].attributes == ["id"]


def test_plans_kept_per_document_unless_they_read_a_variable(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import api.graphql.schema as schema_module

    calls: list[int] = []
    real = schema_module._claims_plan

    def counting(sel: Any) -> Any:
        calls.append(1)
        return real(sel)

    monkeypatch.setattr(schema_module, "_claims_plan", counting)
    literal = "{ claims(first: 1) { totalCount edges { node { id } } } }"
    for _ in range(3):
        assert "errors" not in gql(api, literal)
    assert len(calls) == 1  # the same text: the same parsed document, the plan kept with its node
    calls.clear()
    for interval in ("DAY", "MONTH", "DAY"):
        assert "errors" not in gql(api, FRAGMENTS, i=interval)
    assert len(calls) == 3  # the plan read $i: computed per request
