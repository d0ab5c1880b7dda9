"""GraphQL object types. Resolvers read plain Meilisearch hit dicts; no per-item requests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from api.errors import BadUserInput
from api.graphql.context import Context
from api.graphql.ids import to_global
from api.jsonld import claim_jsonld
from api.search.facets import FACET_VALUES_DEFAULT, FACET_VALUES_MAX, top_values
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


def _claim_fields(d: Doc) -> dict[str, Any]:
    """Every attribute of a ``Claim`` from its Meilisearch hit (absent attributes: defaults)."""
    text = d.get("text")
    text = "" if text is None else str(text)
    formatted = (d.get("_formatted") or {}).get("text")
    return {
        "doc": d,
        "id": to_global("Claim", d["id"]),  # an ID is a str (strawberry.ID is a NewType: a call per claim)
        "claim_id": str(d["id"]),
        "text": text,
        "highlight": safe_highlight(formatted, text),
        "claimant": d.get("claimant"),
        "claimant_type": str(d.get("claimant_type") or "unattributed"),
        "attribution_verb": d.get("attribution_verb"),
        "is_quote": bool(d.get("is_quote")),
        "numbers": [
            Number(
                value=n["value"],
                text=n["text"],
                counted=n.get("counted"),
                approximate=bool(n.get("approximate")),
                unit=n.get("unit"),
            )
            for n in d.get("numbers") or []
        ],
        "people": list(d.get("people") or []),
        "organizations": list(d.get("organizations") or []),
        "places": list(d.get("places") or []),
        "dates": list(d.get("dates") or []),
        "checkworthiness": float(d.get("checkworthiness") or 0.0),
        "kind": str(d.get("kind") or "extracted"),
        "article_id": d.get("article_id"),
        "sentence_index": int(d.get("sentence_index") or 0),
        "published_at": _dt(d.get("published_at")),
        "source": d.get("source"),
        "url": d.get("url"),
        "cluster_id": d.get("cluster_id"),
        "rating": d.get("rating"),
    }


@strawberry.type
class Claim(Node):
    """Scalar fields are plain attributes filled once from the hit (``__post_init__``): default
    field resolution is much cheaper than one resolver call per field per claim."""

    doc: strawberry.Private[Doc]
    id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="Relay global id (use claimId for the plain id)."
    )
    claim_id: str = ""
    text: str = ""
    highlight: str = strawberry.field(
        default="", description="The claim text, HTML-escaped, with <mark> around matched words."
    )
    claimant: str | None = None
    claimant_type: str = "unattributed"
    attribution_verb: str | None = None
    is_quote: bool = False
    numbers: list[Number] = strawberry.field(default_factory=list)
    people: list[str] = strawberry.field(default_factory=list)
    organizations: list[str] = strawberry.field(default_factory=list)
    places: list[str] = strawberry.field(default_factory=list)
    dates: list[str] = strawberry.field(default_factory=list)
    checkworthiness: float = 0.0
    kind: str = "extracted"
    article_id: str | None = None
    sentence_index: int = 0
    published_at: datetime | None = None
    source: str | None = None
    url: str | None = None
    cluster_id: str | None = None
    rating: str | None = None

    def __post_init__(self) -> None:
        self.__dict__.update(_claim_fields(self.doc))

    @classmethod
    def of(cls, doc: Doc) -> Claim:
        """The claim of a hit, built in one step: a page of hits skips the dataclass ``__init__``,
        which would first set the 26 defaults that ``__post_init__`` then replaces."""
        claim = cls.__new__(cls)
        claim.__dict__.update(_claim_fields(doc))
        return claim

    @strawberry.field(description="Other claims of the same cluster (the same statement reported elsewhere).")
    async def related_claims(self, info: Info[Context, None]) -> list[Claim]:
        cluster = self.doc.get("cluster_id")
        if not cluster:
            return []
        docs = await info.context.cluster_loader.load(cluster)
        return [Claim.of(d) for d in docs if d["id"] != self.doc["id"]]

    @strawberry.field(description="schema.org JSON-LD: a ClaimReview for a rated verified claim, else a Claim.")
    def claim_review(self) -> JSON:
        return claim_jsonld(self.doc)  # type: ignore[return-value]  # JSON is a NewType over object

    @strawberry.field(description="The article the claim was extracted from (batched: one request per page).")
    async def article(self, info: Info[Context, None]) -> Article | None:
        article_id = self.doc.get("article_id")
        if not article_id:
            return None
        doc = await info.context.article_loader.load(article_id)
        return Article(doc=doc) if doc else None


@strawberry.type
class Article(Node):
    doc: strawberry.Private[Doc]
    id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="Relay global id (use articleId for the plain id)."
    )
    article_id: str = ""
    title: str = ""
    body: str = ""
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        d = self.doc
        self.id = strawberry.ID(to_global("Article", d["id"]))
        self.article_id = str(d["id"])
        self.title = str(d.get("title") or "")
        self.body = str(d.get("body") or "")
        self.url = d.get("url")
        self.source = d.get("source")
        self.author = d.get("author")
        self.published_at = _dt(d.get("published_at"))
        self.updated_at = _dt(d.get("updated_at"))

    @strawberry.field(description="Claims of this article in reading order.")
    async def claims(self, info: Info[Context, None]) -> list[Claim]:
        docs = await info.context.article_claims_loader.load(self.doc["id"])
        return [Claim.of(d) for d in docs]


@strawberry.type
class ClaimEdge:
    cursor: str
    node: Claim


@strawberry.type
class ArticleEdge:
    cursor: str
    node: Article


def facet_list(dist: dict[str, int] | None, first: int) -> list[FacetValue]:
    """The ``first`` most frequent values: a sidebar needs the top of the list, and building
    GraphQL objects for 6 x 100 values dominated the cost of a faceted search."""
    if not 0 <= first <= FACET_VALUES_MAX:
        raise BadUserInput(f"facet first must be between 0 and {FACET_VALUES_MAX}")
    return [FacetValue(value=k, count=v) for k, v in top_values(dist, first)]


@strawberry.type(
    description="Value counts over all claims matching the query and filter (most frequent first, "
    "at most the index's maxValuesPerFacet values each)."
)
class ClaimFacets:
    dist: strawberry.Private[dict[str, dict[str, int]]]

    @strawberry.field
    def claimants(self, first: int = FACET_VALUES_DEFAULT) -> list[FacetValue]:
        return facet_list(self.dist.get("claimant"), first)

    @strawberry.field
    def places(self, first: int = FACET_VALUES_DEFAULT) -> list[FacetValue]:
        return facet_list(self.dist.get("places"), first)

    @strawberry.field
    def people(self, first: int = FACET_VALUES_DEFAULT) -> list[FacetValue]:
        return facet_list(self.dist.get("people"), first)

    @strawberry.field
    def organizations(self, first: int = FACET_VALUES_DEFAULT) -> list[FacetValue]:
        return facet_list(self.dist.get("organizations"), first)

    @strawberry.field
    def sources(self, first: int = FACET_VALUES_DEFAULT) -> list[FacetValue]:
        return facet_list(self.dist.get("source"), first)

    @strawberry.field
    def claimant_types(self, first: int = FACET_VALUES_DEFAULT) -> list[FacetValue]:
        return facet_list(self.dist.get("claimant_type"), first)

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


def _filter_from_input(
    cls: type[ClaimFilter], value: Mapping[str, Any], _context: Any
) -> ClaimFilter:
    """``ClaimFilter`` from graphql-core's coerced input in one step (strawberry's ``from_input``
    hook). Its fields are scalars or lists of scalars, already parsed by graphql-core, so this is
    what strawberry's generic conversion does - without a recursive call per field of every
    request. Lists are copied (graphql-core shares default values between requests)."""
    kwargs: dict[str, Any] = {}
    for graphql, python in _FILTER_NAMES:
        if graphql in value:
            v = value[graphql]
            kwargs[python] = list(v) if isinstance(v, list) else v
    return cls(**kwargs)


def claim_filter_of(value: Mapping[str, Any]) -> ClaimFilter:
    """``ClaimFilter`` from graphql-core's coerced input (for a resolver graphql-core calls
    directly)."""
    return _filter_from_input(ClaimFilter, value, None)


_FILTER_DEFINITION = ClaimFilter.__strawberry_definition__  # type: ignore[attr-defined]
_FILTER_NAMES = [(f.graphql_name or to_camel_case(f.python_name), f.python_name) for f in _FILTER_DEFINITION.fields]
if hasattr(_FILTER_DEFINITION, "from_input"):  # strawberry >= 0.3xx; older ones convert generically
    _FILTER_DEFINITION.from_input = _filter_from_input
