"""REST: ``POST /v1/claims/similar`` — stored claims that state the same thing as a text.

Body ``{"text": "...", "first": 5, "filter": {"kind": ["verified"], ...}}`` (the filter fields are
those of ``GET /v1/claims``); answer ``{"matches": [{"score": 0.93, "claim": {...}}]}``, best first.
The same matcher (``SearchService.similar``) serves GraphQL ``similarClaims``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.deps import get_search
from api.responses import OrjsonResponse
from api.search.filters import ClaimFilterParams, build_claim_filter
from api.search.service import SearchService

router = APIRouter(prefix="/v1", tags=["claims"])
Search = Annotated[SearchService, Depends(get_search)]


class SimilarFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claimant: list[str] = Field(default_factory=list)
    claimant_type: list[str] = Field(default_factory=list)
    person: list[str] = Field(default_factory=list)
    organization: list[str] = Field(default_factory=list)
    place: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)
    article_id: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    cluster_id: list[str] = Field(default_factory=list)
    published_after: datetime | None = None
    published_before: datetime | None = None
    has_numbers: bool | None = None
    number_at_least: float | None = None
    number_at_most: float | None = None
    min_checkworthiness: float | None = None


class SimilarRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=20_000, description="a tweet, a sentence or a paragraph")
    first: int = Field(5, description="how many matches (1-100)")
    filter: SimilarFilter | None = None


@router.post("/claims/similar")
async def similar_claims(body: SimilarRequest, search: Search) -> OrjsonResponse:
    params = ClaimFilterParams(**body.filter.model_dump()) if body.filter else None
    matches = await search.similar.match(body.text, body.first, build_claim_filter(params))
    return OrjsonResponse({"matches": [{"score": m.score, "claim": m.doc} for m in matches]})
