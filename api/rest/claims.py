"""REST: claims and articles, over the same SearchService and filters as GraphQL."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from api.deps import get_search
from api.errors import NotFound
from api.jsonld import claim_jsonld
from api.responses import OrjsonResponse
from api.rest.query_model import openapi_parameters, parse_query
from api.search.facets import FACET_VALUES_DEFAULT, FACET_VALUES_MAX, top_values
from api.search.filters import DATE_FACETS, FACETS, SORTS, ClaimFilterParams, build_claim_filter
from api.search.highlight import safe_highlight
from api.search.service import ClaimQuery, SearchService

router = APIRouter(prefix="/v1", tags=["claims"])
Search = Annotated[SearchService, Depends(get_search)]

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "BAD_USER_INPUT: invalid filter, cursor or limit"},
    401: {"description": "UNAUTHENTICATED: missing or unknown API key"},
    429: {"description": "RATE_LIMITED (Retry-After and RateLimit-* headers)"},
    503: {"description": "SEARCH_UNAVAILABLE: Meilisearch is down"},
}


# what Meilisearch adds to a hit (qawl documents have no other field starting with "_")
_RESERVED = frozenset(
    {"_formatted", "_matchesPosition", "_rankingScore", "_rankingScoreDetails", "_federation",
     "_vectors", "_geo", "_geoDistance"}
)  # fmt: skip


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    """The hit as a client sees it (in place: each hit of a page is answered once)."""
    formatted = doc.get("_formatted")
    for key in doc.keys() & _RESERVED:
        del doc[key]
    if formatted and "text" in formatted:
        doc["highlight"] = safe_highlight(formatted["text"], doc["text"])
    return doc


class ClaimsParams(BaseModel):
    """The query parameters of ``GET /v1/claims``."""

    q: str | None = Field(None, max_length=10_000, description="keyword query")
    limit: int = Field(20, ge=0, le=100)
    after: str | None = Field(None, description="`next` from a previous page")
    sort: Literal["RELEVANCE", "PUBLISHED_AT_DESC", "PUBLISHED_AT_ASC", "CHECKWORTHINESS_DESC"] = (
        "RELEVANCE"
    )
    claimant: list[str] = []
    claimant_type: list[str] = []
    person: list[str] = []
    organization: list[str] = []
    place: list[str] = []
    source: list[str] = []
    article_id: list[str] = []
    kind: list[str] = []
    cluster_id: list[str] = []
    published_after: datetime | None = None
    published_before: datetime | None = None
    has_numbers: bool | None = None
    number_at_least: float | None = None
    number_at_most: float | None = None
    min_checkworthiness: float | None = Field(None, ge=0, le=1)
    facets: bool = Field(
        False, description="add value counts of claimants, places, people, organizations, sources"
    )
    facet_limit: int = Field(
        FACET_VALUES_DEFAULT,
        ge=0,
        le=FACET_VALUES_MAX,
        description="most frequent values per facet (as GraphQL's `first` on each facet)",
    )
    histogram: Literal["DAY", "MONTH"] | None = Field(
        None, description="add a publication date histogram"
    )
    crop: int | None = Field(
        None, ge=3, le=200, description="crop the highlight to about this many words"
    )

    def filter_params(self) -> ClaimFilterParams:
        return ClaimFilterParams(
            **{f.name: getattr(self, f.name) for f in dataclasses.fields(ClaimFilterParams)}
        )


async def claims_params(request: Request) -> ClaimsParams:
    return parse_query(ClaimsParams, request)


@router.get(
    "/claims",
    responses={**ERRORS, 422: {"description": "BAD_USER_INPUT: invalid query parameter"}},
    openapi_extra={"parameters": openapi_parameters(ClaimsParams)},
)
async def list_claims(
    search: Search, p: Annotated[ClaimsParams, Depends(claims_params)]
) -> OrjsonResponse:
    """Search or list claims; the same filters as GraphQL's ClaimFilter (snake_case, repeat a
    parameter for OR within a field)."""
    facets, histogram = p.facets, p.histogram
    wanted = list(FACETS) if facets else []
    if histogram:
        wanted.append(DATE_FACETS[histogram])
    page = await search.search_claims(
        ClaimQuery(
            query=p.q,
            filter=build_claim_filter(p.filter_params()),
            sort=SORTS[p.sort],
            first=p.limit,
            after=p.after,
            facets=wanted,
            crop_length=p.crop,
        )
    )
    body: dict[str, Any] = {
        "total": page.total,
        "claims": [_public(h) for h in page.hits],
        "next": page.end_cursor if page.has_next else None,
    }
    if facets:
        body["facets"] = {
            name: [{"value": k, "count": v} for k, v in top_values(page.facets.get(attr), p.facet_limit)]
            for attr, name in FACETS.items()
        }
    if histogram:
        body["histogram"] = [
            {"date": k, "count": v}
            for k, v in sorted(page.facets.get(DATE_FACETS[histogram], {}).items())
        ]
    return OrjsonResponse(body)


@router.get(
    "/claims/{claim_id}",
    responses={
        **ERRORS,
        404: {"description": "NOT_FOUND"},
        200: {
            "content": {"application/json": {}, "application/ld+json": {}},
            "description": "The claim; with `Accept: application/ld+json`, "
            "schema.org ClaimReview/Claim JSON-LD",
        },
    },
)
async def get_claim(claim_id: str, search: Search, request: Request) -> OrjsonResponse:
    found = await search.claims_by_ids([claim_id])
    if claim_id not in found:
        raise NotFound(f"claim {claim_id} not found")
    if "application/ld+json" in request.headers.get("accept", ""):
        return OrjsonResponse(claim_jsonld(found[claim_id]), media_type="application/ld+json")
    return OrjsonResponse(found[claim_id])


@router.get("/articles", responses=ERRORS, tags=["articles"])
async def list_articles(
    search: Search,
    q: str | None = Query(None, max_length=10_000),
    limit: int = Query(20, ge=0, le=100),
    after: str | None = None,
) -> OrjsonResponse:
    """Search articles; without `q`, newest first."""
    page = await search.search_articles(q, limit, after)
    return OrjsonResponse(
        {
            "total": page.total,
            "articles": page.hits,
            "next": page.end_cursor if page.has_next else None,
        }
    )


@router.get(
    "/articles/{article_id}",
    responses={**ERRORS, 404: {"description": "NOT_FOUND"}},
    tags=["articles"],
)
async def get_article(article_id: str, search: Search) -> OrjsonResponse:
    """The article (id, title, body, url, source, published_at, updated_at, ...) and its
    claims in reading order."""
    found = await search.articles_by_ids([article_id])
    if article_id not in found:
        raise NotFound(f"article {article_id} not found")
    article = {"updated_at": None, **found[article_id]}
    article["claims"] = await search.article_claims(article_id)
    return OrjsonResponse(article)
