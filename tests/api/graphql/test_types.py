"""GraphQL types built from Meilisearch hits and from input values."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from api.graphql.types import Claim, ClaimFilter


def test_claim_of_a_hit_equals_the_dataclass_construction() -> None:
    hit = {
        "id": "c1",
        "text": "قال الوزير إن 30 مدرسة <b>",
        "_formatted": {"text": "قال <mark>الوزير</mark> إن 30 مدرسة <b>"},
        "claimant": "الوزير",
        "numbers": [{"value": 30.0, "text": "30", "counted": "مدرسة"}],
        "people": ["أحمد"],
        "published_at": "2015-03-01T00:00:00+00:00",
    }
    fast, slow = Claim.of(hit), Claim(doc=hit)
    assert fast.__dict__ == slow.__dict__
    assert fast.highlight == "قال <mark>الوزير</mark> إن 30 مدرسة &lt;b&gt;"
    assert fast.kind == "extracted" and fast.claimant_type == "unattributed"
    assert fast.numbers[0].counted == "مدرسة"


def test_claim_filter_is_built_in_one_step_from_coerced_input() -> None:
    seen: list[ClaimFilter] = []

    @strawberry.type
    class Query:
        @strawberry.field
        def echo(self, filter: ClaimFilter) -> str:
            seen.append(filter)
            return "ok"

    schema = strawberry.Schema(query=Query)
    definition = ClaimFilter.__strawberry_definition__  # type: ignore[attr-defined]
    assert definition.from_input is not None  # the one-step hook is installed
    default = ["x"]
    result = schema.execute_sync(
        "query($f: ClaimFilter!) { echo(filter: $f) }",
        variable_values={
            "f": {
                "source": default,
                "claimantType": ["official"],
                "publishedAfter": "2015-01-01T00:00:00+00:00",
                "hasNumbers": True,
                "numberAtLeast": 2,
            }
        },
    )
    assert result.errors is None and result.data == {"echo": "ok"}
    (got,) = seen
    assert isinstance(got, ClaimFilter)
    assert got.source == ["x"] and got.source is not default  # lists are copied
    expected = [
        ("claimant_type", ["official"]),
        ("has_numbers", True),
        ("number_at_least", 2.0),
        ("published_after", datetime(2015, 1, 1, tzinfo=UTC)),
        ("source", ["x"]),
    ]
    assert sorted((k, v) for k, v in vars(got).items() if v is not None) == expected
