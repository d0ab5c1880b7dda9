"""The GraphQL schema: root fields over the shared SearchService."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.types import ExecutionContext, Info

from api.errors import BadUserInput, NotFound
from api.graphql.context import Context
from api.graphql.execution import FastExecutionContext, direct
from api.graphql.ids import from_global
from api.graphql.operation import OperationExtension
from api.graphql.selections import Selection, cached_plan
from api.graphql.types import (
    Article,
    ArticleConnection,
    ArticleEdge,
    Claim,
    ClaimConnection,
    ClaimEdge,
    ClaimFacets,
    ClaimFilter,
    ClaimMatch,
    ClaimSort,
    FacetValue,
    Node,
    PageInfo,
    claim_filter_of,
    facet_list,
)
from api.search.facets import FACET_VALUES_DEFAULT
from api.search.fields import CLAIM_FIELDS
from api.search.filters import DATE_FACETS, SORTS, ClaimFilterParams, build_claim_filter
from api.search.service import ClaimQuery, Page
from api.settings import ApiSettings

DEFAULT_FIRST = 20
FACET_FIELD_TO_ATTR = {
    "claimants": "claimant",
    "places": "places",
    "people": "people",
    "organizations": "organizations",
    "sources": "source",
    "claimantTypes": "claimant_type",
}
# Claim fields -> the document attributes they read; a field missing here reads every attribute
NODE_ATTRS: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": ("id",),
    "claimId": ("id",),
    "text": ("text",),
    "highlight": ("text",),
    "claimant": ("claimant",),
    "claimantType": ("claimant_type",),
    "attributionVerb": ("attribution_verb",),
    "isQuote": ("is_quote",),
    "numbers": ("numbers",),
    "people": ("people",),
    "organizations": ("organizations",),
    "places": ("places",),
    "dates": ("dates",),
    "checkworthiness": ("checkworthiness",),
    "kind": ("kind",),
    "articleId": ("article_id",),
    "sentenceIndex": ("sentence_index",),
    "publishedAt": ("published_at",),
    "source": ("source",),
    "url": ("url",),
    "clusterId": ("cluster_id",),
    "rating": ("rating",),
    "article": ("article_id",),
    "relatedClaims": ("cluster_id",),
}


def filter_params(f: ClaimFilter | None) -> ClaimFilterParams | None:
    if f is None:
        return None
    values = {fld.name: getattr(f, fld.name) for fld in dataclasses.fields(f)}
    return ClaimFilterParams(**{k: v for k, v in values.items() if v is not None})


def _claims_plan(sel: Selection) -> tuple[tuple[str, ...] | None, tuple[str, ...], bool, bool]:
    """From the selection: claim attributes to retrieve (None: all), facet attributes, totalCount?,
    highlight? (marks are computed only when a client asks for them)."""
    node_fields = sel.fields(sel.named(sel.named(sel.top, "edges"), "node"))
    highlight = any(f.name.value == "highlight" for f in node_fields)
    attrs: set[str] | None = {"id"}
    for f in node_fields:
        mapped = NODE_ATTRS.get(f.name.value)
        if mapped is None or attrs is None:
            attrs = None
            break
        attrs.update(mapped)
    facets: list[str] = []
    for f in sel.fields(sel.named(sel.top, "facets")):
        name = f.name.value
        if name in FACET_FIELD_TO_ATTR:
            facets.append(FACET_FIELD_TO_ATTR[name])
        elif name == "dateHistogram":
            facets.append(DATE_FACETS.get(sel.enum_argument(f, "interval", "MONTH"), "published_month"))
    ordered = None if attrs is None else tuple(a for a in CLAIM_FIELDS if a in attrs)
    return ordered, tuple(dict.fromkeys(facets)), _wants_total(sel), highlight  # shared: immutable


def _wants_total(sel: Selection) -> bool:
    return any(f.name.value == "totalCount" for f in sel.fields(sel.top))


def _page_info(page: Page) -> PageInfo:
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.end_cursor,
    )


async def claims_connection(
    context: Context,
    info: GraphQLResolveInfo,
    query: str | None,
    filter: ClaimFilter | None,
    sort: str | None,
    first: int,
    after: str | None,
    crop: int | None,
) -> ClaimConnection:
    """The ``claims`` field: one search, the connection built from its page."""
    if crop is not None and not 3 <= crop <= 200:
        raise BadUserInput("crop must be between 3 and 200 words")
    attributes, facets, total, highlight = cached_plan(info, _claims_plan)
    page = await context.search.search_claims(
        ClaimQuery(
            query=query,
            filter=build_claim_filter(filter_params(filter)),
            sort=SORTS[sort] if sort else None,
            first=first,
            after=after,
            facets=list(facets),
            highlight=highlight,
            crop_length=crop,
            attributes=None if attributes is None else list(attributes),
            exact_total=total,
        )
    )
    edges = [ClaimEdge(cursor=c, node=Claim.of(hit)) for c, hit in zip(page.cursors, page.hits, strict=True)]
    return ClaimConnection(
        edges=edges, page_info=_page_info(page), total_count=page.total, facets=ClaimFacets(dist=page.facets)
    )


async def _claims_resolver(
    _root: Any,
    info: GraphQLResolveInfo,
    query: str | None = None,
    filter: Mapping[str, Any] | None = None,
    sort: ClaimSort | None = None,
    first: int = DEFAULT_FIRST,
    after: str | None = None,
    crop: int | None = None,
) -> ClaimConnection:
    """``Query.claims`` as graphql-core calls it directly: the arguments as graphql-core coerced
    them (the filter a dict of GraphQL names, the sort a ``ClaimSort``)."""
    claim_filter = claim_filter_of(filter) if filter is not None else None
    sort_name = sort.value if sort else None
    return await claims_connection(info.context, info, query, claim_filter, sort_name, first, after, crop)


@strawberry.type
class Query:
    @strawberry.field(
        description="Search claims: keyword query, filter, sort; a Relay connection. Without a query "
        "claims are listed newest first and pages go as deep as the listing does."
    )
    async def claims(
        self,
        info: Info[Context, None],
        query: str | None = None,
        filter: ClaimFilter | None = None,
        sort: ClaimSort | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
        crop: Annotated[
            int | None,
            strawberry.argument(description="crop the highlight to about this many words around the first match"),
        ] = None,
    ) -> ClaimConnection:
        return await claims_connection(
            info.context, info._raw_info, query, filter, sort.value if sort else None, first, after, crop
        )

    @strawberry.field(
        description=(
            "Stored claims that state the same thing as `text` (a tweet, a sentence or a paragraph), best first."
        )
    )
    async def similar_claims(
        self,
        info: Info[Context, None],
        text: str,
        first: int = 5,
        filter: ClaimFilter | None = None,
    ) -> list[ClaimMatch]:
        matches = await info.context.search.similar.match(text, first, build_claim_filter(filter_params(filter)))
        return [ClaimMatch(score=m.score, claim=Claim.of(m.doc)) for m in matches]

    @strawberry.field(description="One claim by its plain id (claimId) or global id.")
    async def claim(self, info: Info[Context, None], id: strawberry.ID) -> Claim | None:
        plain = _plain(id, "Claim")
        doc = await info.context.claim_loader.load(plain)
        return Claim.of(doc) if doc else None

    @strawberry.field(description="One article by its plain id (articleId) or global id.")
    async def article(self, info: Info[Context, None], id: strawberry.ID) -> Article | None:
        plain = _plain(id, "Article")
        doc = await info.context.article_loader.load(plain)
        return Article(doc=doc) if doc else None

    @strawberry.field(description="Search articles; without a query, newest first. A Relay connection.")
    async def articles(
        self, info: Info[Context, None], query: str | None = None, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> ArticleConnection:
        total = cached_plan(info, _wants_total)
        page = await info.context.search.search_articles(query, first, after, exact_total=total)
        edges = [ArticleEdge(cursor=c, node=Article(doc=hit)) for c, hit in zip(page.cursors, page.hits, strict=True)]
        return ArticleConnection(edges=edges, page_info=_page_info(page), total_count=page.total)

    @strawberry.field(description="Fetch any object by its global id.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        type_name, plain = from_global(id)
        if type_name == "Claim":
            doc = await info.context.claim_loader.load(plain)
            return Claim.of(doc) if doc else None
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


class QawlSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Parse and validation errors get the BAD_USER_INPUT code; nothing is logged here (client errors
        are not server errors; unexpected resolver errors are logged with the request id by ``shape_errors``)."""
        for error in errors:
            if error.original_error is None and not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}


def build_schema(settings: ApiSettings) -> strawberry.Schema:
    # the depth/alias rules are built once: fresh rule classes per request would make every request
    # miss the validation cache (its key includes the rules)
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection_enabled:
        rules.append(NoSchemaIntrospectionCustomRule)
    # a factory: a fresh extension per request (strawberry sets its execution context)
    extensions: list[Any] = [lambda: OperationExtension(rules, settings.max_tokens)]
    schema = QawlSchema(
        query=Query,
        types=[Claim, Article],
        extensions=extensions,
        execution_context_class=FastExecutionContext,
    )
    _resolve_facets_directly(schema)
    _resolve_claims_directly(schema)
    return schema


def _resolve_claims_directly(schema: strawberry.Schema) -> None:
    """graphql-core calls the ``claims`` search without strawberry's resolver wrapper (its
    ``Info`` object, its argument conversion and extension chain): the same ``claims_connection`` runs
    on graphql-core's coerced arguments. The field's type and arguments do not change."""
    query = schema._schema.type_map["Query"]
    assert isinstance(query, GraphQLObjectType)
    query.fields["claims"].resolve = _claims_resolver


def _resolve_facets_directly(schema: strawberry.Schema) -> None:
    """graphql-core calls the facet lists' resolvers without strawberry's resolver wrapper (its
    ``Info`` object, argument conversion and extension chain: most of what 6 facet fields cost a
    search). They take one Int argument, which graphql-core has already coerced, need no ``Info``,
    and raise ``BadUserInput`` like any resolver; the schema's types and arguments do not change.
    They are ``direct``: when their arguments are literals (or left out), the fast path calls them
    while it completes the connection, without graphql-core's per-field execution."""
    facets = schema._schema.type_map["ClaimFacets"]
    assert isinstance(facets, GraphQLObjectType)
    for name, attr in FACET_FIELD_TO_ATTR.items():
        facets.fields[name].resolve = direct(partial(_facet_resolver, attr))


def _facet_resolver(attr: str, source: ClaimFacets, _info: Any, first: int = FACET_VALUES_DEFAULT) -> list[FacetValue]:
    return facet_list(source.dist.get(attr), first)
