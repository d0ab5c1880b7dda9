"""The GraphQL schema: root fields over the shared SearchService."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.types import Info

from api.errors import BadUserInput, NotFound
from api.graphql.context import Context
from api.graphql.errors import ErrorCodes
from api.graphql.ids import from_global
from api.graphql.types import (
    Article,
    ArticleConnection,
    ArticleEdge,
    Claim,
    ClaimConnection,
    ClaimEdge,
    ClaimFacets,
    ClaimFilter,
    ClaimSort,
    FacetValue,
    Node,
    PageInfo,
)
from api.search.cursor import decode_offset, encode_offset
from api.search.filters import SORTS, ClaimFilterParams, build_claim_filter
from api.search.service import ClaimQuery, Page
from api.settings import ApiSettings

DEFAULT_FIRST = 20
FACET_FIELDS = {
    "claimants": "claimant",
    "places": "places",
    "people": "people",
    "organizations": "organizations",
    "sources": "source",
    "claimant_types": "claimant_type",
}


def filter_params(f: ClaimFilter | None) -> ClaimFilterParams | None:
    if f is None:
        return None
    values = {fld.name: getattr(f, fld.name) for fld in dataclasses.fields(f)}  # type: ignore[arg-type]
    return ClaimFilterParams(**{k: v for k, v in values.items() if v is not None})


def _facet_list(dist: dict[str, int]) -> list[FacetValue]:
    return [FacetValue(value=k, count=v) for k, v in sorted(dist.items(), key=lambda kv: (-kv[1], kv[0]))]


def _wants(info: Info[Any, Any], name: str) -> bool:
    for field in info.selected_fields:
        for sel in field.selections:
            if getattr(sel, "name", None) == name:
                return True
    return False


def _page_info(page: Page) -> PageInfo:
    start = encode_offset(page.offset + 1) if page.hits else None
    end = encode_offset(page.offset + len(page.hits)) if page.hits else None
    return PageInfo(has_next_page=page.has_next, has_previous_page=page.offset > 0, start_cursor=start, end_cursor=end)


@strawberry.type
class Query:
    @strawberry.field(description="Search claims: keyword query, filters, sort; a Relay connection.")
    async def claims(
        self,
        info: Info[Context, None],
        query: str | None = None,
        filter: ClaimFilter | None = None,  # noqa: A002 - GraphQL argument name
        sort: ClaimSort | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
        crop: int | None = None,
    ) -> ClaimConnection:
        offset = decode_offset(after)
        if crop is not None and not 3 <= crop <= 200:
            raise BadUserInput("crop must be between 3 and 200 words")
        facets = list(FACET_FIELDS.values()) if _wants(info, "facets") else []
        page = await info.context.search.search_claims(
            ClaimQuery(
                query=query,
                filter=build_claim_filter(filter_params(filter)),
                sort=SORTS[sort.value] if sort else None,
                limit=first,
                offset=offset,
                facets=facets,
                crop_length=crop,
            )
        )
        edges = [ClaimEdge(cursor=encode_offset(offset + i + 1), node=Claim(doc=hit)) for i, hit in enumerate(page.hits)]
        facet_obj = None
        if facets:
            facet_obj = ClaimFacets(**{name: _facet_list(page.facets.get(attr, {})) for name, attr in FACET_FIELDS.items()})
        return ClaimConnection(edges=edges, page_info=_page_info(page), total_count=page.total, facets=facet_obj)

    @strawberry.field
    async def claim(self, info: Info[Context, None], id: strawberry.ID) -> Claim | None:  # noqa: A002
        plain = _plain(id, "Claim")
        doc = await info.context.claim_loader.load(plain)
        return Claim(doc=doc) if doc else None

    @strawberry.field
    async def article(self, info: Info[Context, None], id: strawberry.ID) -> Article | None:  # noqa: A002
        plain = _plain(id, "Article")
        doc = await info.context.article_loader.load(plain)
        return Article(doc=doc) if doc else None

    @strawberry.field
    async def articles(
        self, info: Info[Context, None], query: str | None = None, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> ArticleConnection:
        offset = decode_offset(after)
        page = await info.context.search.search_articles(query, first, offset)
        edges = [ArticleEdge(cursor=encode_offset(offset + i + 1), node=Article(doc=hit)) for i, hit in enumerate(page.hits)]
        return ArticleConnection(edges=edges, page_info=_page_info(page), total_count=page.total)

    @strawberry.field(description="Fetch any object by its global id.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:  # noqa: A002
        type_name, plain = from_global(id)
        if type_name == "Claim":
            doc = await info.context.claim_loader.load(plain)
            return Claim(doc=doc) if doc else None
        if type_name == "Article":
            doc = await info.context.article_loader.load(plain)
            return Article(doc=doc) if doc else None
        raise NotFound(f"unknown node type {type_name}")


def _plain(value: str, type_name: str) -> str:
    """Accept the plain id or the global id of ``type_name``."""
    try:
        kind, plain = from_global(value)
    except BadUserInput:
        return value
    return plain if kind == type_name else value


def build_schema(settings: ApiSettings) -> strawberry.Schema:
    extensions: list[Any] = [
        ErrorCodes,
        # factories: a fresh extension per request; the parse/validation caches are module-level
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: QueryDepthLimiter(max_depth=settings.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(query=Query, types=[Claim, Article], extensions=extensions)
