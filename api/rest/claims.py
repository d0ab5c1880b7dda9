"""REST: claims and articles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import ORJSONResponse

from api.deps import get_search
from api.errors import NotFound
from api.search.cursor import decode_offset, encode_offset
from api.search.highlight import safe_highlight
from api.search.filters import SORTS, ClaimFilterParams, build_claim_filter
from api.search.service import ClaimQuery, SearchService

router = APIRouter(prefix="/v1", tags=["claims"])
Search = Annotated[SearchService, Depends(get_search)]


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    formatted = doc.get("_formatted")
    if formatted and "text" in formatted:
        out["highlight"] = safe_highlight(formatted["text"], doc["text"])
    return out


@router.get("/claims")
async def list_claims(
    search: Search,
    q: str | None = Query(None, max_length=10_000, description="keyword query"),
    limit: int = Query(20, ge=0, le=100),
    after: str | None = Query(None, description="cursor from a previous page"),
    sort: str = Query("RELEVANCE", pattern="^(RELEVANCE|PUBLISHED_AT_DESC|PUBLISHED_AT_ASC|CHECKWORTHINESS_DESC)$"),
    claimant: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI query lists
    claimant_type: Annotated[list[str], Query()] = [],  # noqa: B006
    person: Annotated[list[str], Query()] = [],  # noqa: B006
    organization: Annotated[list[str], Query()] = [],  # noqa: B006
    place: Annotated[list[str], Query()] = [],  # noqa: B006
    source: Annotated[list[str], Query()] = [],  # noqa: B006
    article_id: Annotated[list[str], Query()] = [],  # noqa: B006
    kind: Annotated[list[str], Query()] = [],  # noqa: B006
    published_after: datetime | None = None,
    published_before: datetime | None = None,
    has_numbers: bool | None = None,
    number_at_least: float | None = None,
    number_at_most: float | None = None,
    min_checkworthiness: float | None = Query(None, ge=0, le=1),
    facets: bool = False,
) -> ORJSONResponse:
    offset = decode_offset(after)
    params = ClaimFilterParams(
        claimant=claimant, claimant_type=claimant_type, person=person, organization=organization, place=place,
        source=source, article_id=article_id, kind=kind, published_after=published_after,
        published_before=published_before, has_numbers=has_numbers, number_at_least=number_at_least,
        number_at_most=number_at_most, min_checkworthiness=min_checkworthiness,
    )
    page = await search.search_claims(
        ClaimQuery(
            query=q, filter=build_claim_filter(params), sort=SORTS[sort], limit=limit, offset=offset,
            facets=["claimant", "places", "people", "organizations", "source", "claimant_type"] if facets else [],
        )
    )
    body: dict[str, Any] = {
        "total": page.total,
        "claims": [_public(h) for h in page.hits],
        "next": encode_offset(offset + len(page.hits)) if page.has_next else None,
    }
    if facets:
        body["facets"] = page.facets
    return ORJSONResponse(body)


@router.get("/claims/{claim_id}")
async def get_claim(claim_id: str, search: Search) -> ORJSONResponse:
    found = await search.claims_by_ids([claim_id])
    if claim_id not in found:
        raise NotFound(f"claim {claim_id} not found")
    return ORJSONResponse(found[claim_id])


@router.get("/articles")
async def list_articles(
    search: Search,
    q: str | None = Query(None, max_length=10_000),
    limit: int = Query(20, ge=0, le=100),
    after: str | None = None,
) -> ORJSONResponse:
    offset = decode_offset(after)
    page = await search.search_articles(q, limit, offset)
    return ORJSONResponse({
        "total": page.total,
        "articles": page.hits,
        "next": encode_offset(offset + len(page.hits)) if page.has_next else None,
    })


@router.get("/articles/{article_id}")
async def get_article(article_id: str, search: Search) -> ORJSONResponse:
    found = await search.articles_by_ids([article_id])
    if article_id not in found:
        raise NotFound(f"article {article_id} not found")
    article = dict(found[article_id])
    article["claims"] = await search.article_claims(article_id)
    return ORJSONResponse(article)
