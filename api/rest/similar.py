"""REST: ``POST /v1/claims/similar`` — stored claims that state the same thing as a text.

Body ``{"text": "...", "first": 5, "filter": {"kind": ["verified"], ...}}`` (the filter fields are
those of ``GET /v1/claims``); answer ``{"matches": [{"score": 0.93, "claim": {...}}]}``, best first.
The same matcher (``SearchService.similar``) serves GraphQL ``similarClaims``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.deps import get_search
from api.responses import OrjsonResponse
from api.search.filters import ClaimFilterParams, build_claim_filter
from api.search.service import SearchService

router = APIRouter(prefix="/v1", tags=["claims"])
Search = Annotated[SearchService, Depends(get_search)]


class SimilarRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=20_000, description="a tweet, a sentence or a paragraph")
    first: int = Field(5, description="how many matches (1-100)")
    filter: ClaimFilterParams | None = None  # the same typed filter as GET /v1/claims and GraphQL


@router.post("/claims/similar")
async def similar_claims(body: SimilarRequest, search: Search) -> OrjsonResponse:
    matches = await search.similar.match(body.text, body.first, build_claim_filter(body.filter))
    return OrjsonResponse({"matches": [{"score": m.score, "claim": m.doc} for m in matches]})
