"""GraphQL object types. Resolvers read plain Meilisearch hit dicts; no per-item requests."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.ids import to_global
from api.jsonld import claim_jsonld
from api.search.highlight import safe_highlight

Doc = dict[str, Any]


@strawberry.interface(description="An object with a global id (Relay).")
class Node:
    id: strawberry.ID


@strawberry.type
class Number:
    value: float
    text: str
    counted: str | None
    approximate: bool
    unit: str | None = None


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class FacetValue:
    value: str
    count: int


@strawberry.type(description="Claims per day (YYYY-MM-DD) or month (YYYY-MM), oldest first.")
class DateBucket:
    date: str
    count: int


@strawberry.enum
class DateInterval(Enum):
    DAY = "DAY"
    MONTH = "MONTH"


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type
class Claim(Node):
    doc: strawberry.Private[Doc]

    @strawberry.field(description="Relay global id (use claimId for the plain id).")
    def id(self) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(to_global("Claim", self.doc["id"]))

    @strawberry.field
    def claim_id(self) -> str:
        return str(self.doc["id"])

    @strawberry.field
    def text(self) -> str:
        return str(self.doc["text"])

    @strawberry.field(description="The claim text, HTML-escaped, with <mark> around matched words.")
    def highlight(self) -> str:
        formatted = (self.doc.get("_formatted") or {}).get("text")
        return safe_highlight(formatted, self.doc["text"])

    @strawberry.field
    def claimant(self) -> str | None:
        return self.doc.get("claimant")

    @strawberry.field
    def claimant_type(self) -> str:
        return str(self.doc.get("claimant_type") or "unattributed")

    @strawberry.field
    def attribution_verb(self) -> str | None:
        return self.doc.get("attribution_verb")

    @strawberry.field
    def is_quote(self) -> bool:
        return bool(self.doc.get("is_quote"))

    @strawberry.field
    def numbers(self) -> list[Number]:
        return [
            Number(
                value=n["value"],
                text=n["text"],
                counted=n.get("counted"),
                approximate=bool(n.get("approximate")),
                unit=n.get("unit"),
            )
            for n in self.doc.get("numbers") or []
        ]

    @strawberry.field
    def people(self) -> list[str]:
        return list(self.doc.get("people") or [])

    @strawberry.field
    def organizations(self) -> list[str]:
        return list(self.doc.get("organizations") or [])

    @strawberry.field
    def places(self) -> list[str]:
        return list(self.doc.get("places") or [])

    @strawberry.field
    def dates(self) -> list[str]:
        return list(self.doc.get("dates") or [])

    @strawberry.field
    def checkworthiness(self) -> float:
        return float(self.doc.get("checkworthiness") or 0.0)

    @strawberry.field
    def kind(self) -> str:
        return str(self.doc.get("kind") or "extracted")

    @strawberry.field
    def article_id(self) -> str | None:
        return self.doc.get("article_id")

    @strawberry.field
    def sentence_index(self) -> int:
        return int(self.doc.get("sentence_index") or 0)

    @strawberry.field
    def published_at(self) -> datetime | None:
        return _dt(self.doc.get("published_at"))

    @strawberry.field
    def source(self) -> str | None:
        return self.doc.get("source")

    @strawberry.field
    def url(self) -> str | None:
        return self.doc.get("url")

    @strawberry.field
    def cluster_id(self) -> str | None:
        return self.doc.get("cluster_id")

    @strawberry.field
    def rating(self) -> str | None:
        return self.doc.get("rating")

    @strawberry.field(
        description="Other claims of the same cluster (the same statement reported elsewhere)."
    )
    async def related_claims(self, info: Info[Context, None]) -> list[Claim]:
        cluster = self.doc.get("cluster_id")
        if not cluster:
            return []
        docs = await info.context.cluster_loader.load(cluster)
        return [Claim(doc=d) for d in docs if d["id"] != self.doc["id"]]

    @strawberry.field(
        description="schema.org JSON-LD: a ClaimReview for a rated verified claim, else a Claim."
    )
    def claim_review(self) -> JSON:
        return claim_jsonld(self.doc)  # type: ignore[return-value]  # JSON is a NewType over object

    @strawberry.field(
        description="The article the claim was extracted from (batched: one request per page)."
    )
    async def article(self, info: Info[Context, None]) -> Article | None:
        article_id = self.doc.get("article_id")
        if not article_id:
            return None
        doc = await info.context.article_loader.load(article_id)
        return Article(doc=doc) if doc else None


@strawberry.type
class Article(Node):
    doc: strawberry.Private[Doc]

    @strawberry.field(description="Relay global id (use articleId for the plain id).")
    def id(self) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(to_global("Article", self.doc["id"]))

    @strawberry.field
    def article_id(self) -> str:
        return str(self.doc["id"])

    @strawberry.field
    def title(self) -> str:
        return str(self.doc.get("title") or "")

    @strawberry.field
    def body(self) -> str:
        return str(self.doc.get("body") or "")

    @strawberry.field
    def url(self) -> str | None:
        return self.doc.get("url")

    @strawberry.field
    def source(self) -> str | None:
        return self.doc.get("source")

    @strawberry.field
    def author(self) -> str | None:
        return self.doc.get("author")

    @strawberry.field
    def published_at(self) -> datetime | None:
        return _dt(self.doc.get("published_at"))

    @strawberry.field
    def updated_at(self) -> datetime | None:
        return _dt(self.doc.get("updated_at"))

    @strawberry.field(description="Claims of this article in reading order.")
    async def claims(self, info: Info[Context, None]) -> list[Claim]:
        docs = await info.context.article_claims_loader.load(self.doc["id"])
        return [Claim(doc=d) for d in docs]


@strawberry.type
class ClaimEdge:
    cursor: str
    node: Claim


@strawberry.type
class ArticleEdge:
    cursor: str
    node: Article


def _facet_list(dist: dict[str, int] | None) -> list[FacetValue]:
    return [
        FacetValue(value=k, count=v)
        for k, v in sorted((dist or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    ]


@strawberry.type(
    description="Value counts over all claims matching the query and filter (most frequent first, "
    "at most the index's maxValuesPerFacet values each)."
)
class ClaimFacets:
    dist: strawberry.Private[dict[str, dict[str, int]]]

    @strawberry.field
    def claimants(self) -> list[FacetValue]:
        return _facet_list(self.dist.get("claimant"))

    @strawberry.field
    def places(self) -> list[FacetValue]:
        return _facet_list(self.dist.get("places"))

    @strawberry.field
    def people(self) -> list[FacetValue]:
        return _facet_list(self.dist.get("people"))

    @strawberry.field
    def organizations(self) -> list[FacetValue]:
        return _facet_list(self.dist.get("organizations"))

    @strawberry.field
    def sources(self) -> list[FacetValue]:
        return _facet_list(self.dist.get("source"))

    @strawberry.field
    def claimant_types(self) -> list[FacetValue]:
        return _facet_list(self.dist.get("claimant_type"))

    @strawberry.field(description="Date histogram of publication dates.")
    def date_histogram(self, interval: DateInterval = DateInterval.MONTH) -> list[DateBucket]:
        attr = "published_day" if interval == DateInterval.DAY else "published_month"
        return [DateBucket(date=k, count=v) for k, v in sorted((self.dist.get(attr) or {}).items())]


@strawberry.type
class ClaimConnection:
    edges: list[ClaimEdge]
    page_info: PageInfo
    total_count: int
    facets: ClaimFacets | None = None


@strawberry.type
class ArticleConnection:
    edges: list[ArticleEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ClaimMatch:
    score: float
    claim: Claim


@strawberry.enum
class ClaimSort(Enum):
    RELEVANCE = "RELEVANCE"
    PUBLISHED_AT_DESC = "PUBLISHED_AT_DESC"
    PUBLISHED_AT_ASC = "PUBLISHED_AT_ASC"
    CHECKWORTHINESS_DESC = "CHECKWORTHINESS_DESC"


@strawberry.input(description="AND across fields, OR within a list.")
class ClaimFilter:
    claimant: list[str] | None = None
    claimant_type: list[str] | None = None
    person: list[str] | None = None
    organization: list[str] | None = None
    place: list[str] | None = None
    source: list[str] | None = None
    article_id: list[str] | None = None
    kind: list[str] | None = None
    cluster_id: list[str] | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    has_numbers: bool | None = None
    number_at_least: float | None = None
    number_at_most: float | None = None
    min_checkworthiness: float | None = None
