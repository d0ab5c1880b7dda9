"""The typed claim filter shared by REST and GraphQL, and its translation to a Meilisearch filter.

AND across fields, OR within a list. Values are always quoted/escaped by ``indexer.meili.filters``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from pydantic import ConfigDict

from api.errors import BadUserInput
from api.search.service import SortKey
from indexer.meili.filters import all_of, any_of, compare, equals

CLAIMANT_TYPES = {"person", "organization", "media", "report", "unattributed"}
KINDS = {"extracted", "verified"}


@dataclass
class ClaimFilterParams:
    # when a request body carries it (POST /v1/claims/similar), unknown fields are an error
    __pydantic_config__ = ConfigDict(extra="forbid")

    claimant: list[str] = field(default_factory=list)
    claimant_type: list[str] = field(default_factory=list)
    person: list[str] = field(default_factory=list)
    organization: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    article_id: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    cluster_id: list[str] = field(default_factory=list)
    published_after: datetime | date | None = None
    published_before: datetime | date | None = None
    has_numbers: bool | None = None
    number_at_least: float | None = None
    number_at_most: float | None = None
    min_checkworthiness: float | None = None


def _ts(value: datetime | date, end_of_day: bool = False) -> float:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end_of_day else time.min)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return float(int(value.timestamp()))


def build_claim_filter(f: ClaimFilterParams | None) -> str | None:
    if f is None:
        return None
    bad_types = set(f.claimant_type) - CLAIMANT_TYPES
    if bad_types:
        raise BadUserInput(
            f"unknown claimantType {sorted(bad_types)}; expected one of {sorted(CLAIMANT_TYPES)}"
        )
    bad_kinds = set(f.kind) - KINDS
    if bad_kinds:
        raise BadUserInput(f"unknown kind {sorted(bad_kinds)}; expected one of {sorted(KINDS)}")
    if f.min_checkworthiness is not None and not 0 <= f.min_checkworthiness <= 1:
        raise BadUserInput("minCheckworthiness must be between 0 and 1")
    if (
        f.number_at_least is not None
        and f.number_at_most is not None
        and f.number_at_least > f.number_at_most
    ):
        raise BadUserInput("numberAtLeast must not exceed numberAtMost")
    if (
        f.published_after
        and f.published_before
        and _ts(f.published_after) > _ts(f.published_before, True)
    ):
        raise BadUserInput("publishedAfter must not be later than publishedBefore")
    for name, values in (
        ("claimant", f.claimant),
        ("person", f.person),
        ("organization", f.organization),
        ("place", f.place),
        ("source", f.source),
        ("articleId", f.article_id),
        ("clusterId", f.cluster_id),
    ):
        if len(values) > 100 or any(len(v) > 500 for v in values):
            raise BadUserInput(f"{name}: at most 100 values of at most 500 characters")
    try:
        parts = [
            any_of("claimant", f.claimant),
            any_of("claimant_type", f.claimant_type),
            any_of("people", f.person),
            any_of("organizations", f.organization),
            any_of("places", f.place),
            any_of("source", f.source),
            any_of("article_id", f.article_id),
            any_of("kind", f.kind),
            any_of("cluster_id", f.cluster_id),
            compare("published_ts", ">=", _ts(f.published_after)) if f.published_after else None,
            compare("published_ts", "<=", _ts(f.published_before, True))
            if f.published_before
            else None,
            equals("has_numbers", f.has_numbers) if f.has_numbers is not None else None,
            _number_range(f.number_at_least, f.number_at_most),
            compare("checkworthiness", ">=", f.min_checkworthiness)
            if f.min_checkworthiness is not None
            else None,
        ]
    except ValueError as exc:
        raise BadUserInput(str(exc)) from exc
    return all_of(parts)


def _number_range(low: float | None, high: float | None) -> str | None:
    """One number of the claim must fall in [low, high] (``number_values`` is an array: two
    separate comparisons could be met by two different numbers)."""
    if low is not None and high is not None:
        if any(v != v or v in (float("inf"), float("-inf")) for v in (low, high)):
            raise ValueError("number must be finite")
        return f"number_values {float(low)!r} TO {float(high)!r}"
    if low is not None:
        return compare("number_values", ">=", float(low))
    if high is not None:
        return compare("number_values", "<=", float(high))
    return None


# None: relevance with a query, newest first without one
SORTS: dict[str, tuple[SortKey, ...] | None] = {
    "RELEVANCE": None,
    "PUBLISHED_AT_DESC": (SortKey("published_ts", True),),
    "PUBLISHED_AT_ASC": (SortKey("published_ts", False),),
    "CHECKWORTHINESS_DESC": (SortKey("checkworthiness", True),),
}

# facet attribute -> name in the API (GraphQL field / REST key)
FACETS = {
    "claimant": "claimants",
    "places": "places",
    "people": "people",
    "organizations": "organizations",
    "source": "sources",
    "claimant_type": "claimantTypes",
}
DATE_FACETS = {"DAY": "published_day", "MONTH": "published_month"}
