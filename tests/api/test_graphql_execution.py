"""The GraphQL fast paths (api/graphql/execution.py) give graphql-core's results, and stay fast."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import graphql.execution.executor as executor_module
import pytest
from fastapi.testclient import TestClient
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import api.graphql.schema as schema_module
import api.search.keyword as keyword
from api.graphql.context import Context
from api.graphql.execution import FastExecutionContext
from api.search.service import SearchService
from api.settings import ApiSettings

QUERIES = [
    # the bench's shape: leaves, a nested list of objects, facets with arguments
    """query($q: String, $f: ClaimFilter) { claims(query: $q, filter: $f, first: 7) {
         totalCount pageInfo { hasNextPage endCursor }
         edges { cursor node { id claimId text highlight claimant claimantType source publishedAt
                               numbers { value text unit } people places checkworthiness } }
         facets { claimants(first: 3) { value count } sources { value count } places(first: 0) { value }
                  people { value } organizations(first: 2) { count } claimantTypes { value count } } } }""",
    # aliases, __typename, fragments, a resolver-backed field inside plain objects
    """query($q: String) { c: claims(query: $q, first: 4) { __typename
         edges { n: node { __typename ...F kind k2: kind article { title } } } } }
       fragment F on Claim { id isQuote sentenceIndex numbers { __typename approximate } }""",
    # an interface and a listing without a query (keyset cursors)
    """{ claims(first: 3) { edges { node { ... on Node { id } dates organizations } } } }""",
    # errors: a bad argument deep inside, and a bad top-level argument
    """{ claims(query: "روسيا", first: 2) { edges { node { id } }
         facets { places(first: 1000) { value } } } }""",
    """{ claims(query: "روسيا", first: 500) { edges { node { id } } } }""",
    # facet arguments read from variables (the general path), next to literal ones
    """query($q: String, $k: Int = 2, $big: Int = 1000) { claims(query: $q, first: 3) {
         facets { claimants(first: $k) { value count } places { value } sources(first: 1) { count } } }
       again: claims(query: $q, first: 1) { facets { people(first: $big) { value } } } }""",
]


def _stock_schema() -> Any:
    """The schema as strawberry runs it: graphql-core's execution, strawberry's resolver wrapper on
    every resolver (the facet lists included)."""
    saved = (
        schema_module.FastExecutionContext,
        schema_module._resolve_facets_directly,
        schema_module._resolve_claims_directly,
    )
    schema_module.FastExecutionContext = StrawberryGraphQLCoreExecutionContext  # type: ignore[assignment,misc]
    schema_module._resolve_facets_directly = lambda schema: None
    schema_module._resolve_claims_directly = lambda schema: None
    try:
        return schema_module.build_schema(ApiSettings())
    finally:
        (
            schema_module.FastExecutionContext,
            schema_module._resolve_facets_directly,
            schema_module._resolve_claims_directly,
        ) = saved  # type: ignore[misc]


def _search(client: TestClient) -> SearchService:
    app: Any = client.app
    search: SearchService = app.state.search
    return search


def _run(client: TestClient, schema: Any, query: str, variables: dict[str, Any]) -> Any:
    async def go() -> Any:
        result = await schema.execute(
            query, variable_values=variables, context_value=Context(_search(client))
        )
        return result.data, [(e.message, e.path, e.extensions) for e in result.errors or []]

    assert client.portal is not None
    return client.portal.call(go)


FILTERS: list[dict[str, Any] | None] = [
    None,
    {"source": ["aleqtisadiya", "alriyadh", "okaz"], "hasNumbers": True, "publishedAfter": "2010-01-01T00:00:00+00:00"},
    {"claimantType": ["official"], "numberAtLeast": 1, "minCheckworthiness": 0.0},
    {"publishedBefore": "not a date"},  # a variable coercion error
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("claim_filter", FILTERS)
def test_fast_execution_gives_graphql_core_results(
    api: TestClient, query: str, claim_filter: dict[str, Any] | None
) -> None:
    """The fast paths and the direct resolvers give what strawberry and graphql-core give
    unaided: data, errors, their paths and codes."""
    fast = schema_module.build_schema(ApiSettings())
    assert fast.execution_context_class is FastExecutionContext
    stock = _stock_schema()
    variables = {"q": "روسيا", "f": claim_filter}
    got = _run(api, fast, query, variables)
    assert got == _run(api, stock, query, variables)
    assert got[0] is not None or got[1]


@pytest.mark.parametrize(
    "arguments",
    [
        'query: "روسيا", first: 2, sort: PUBLISHED_AT_ASC, crop: 5',
        "first: 3, sort: CHECKWORTHINESS_DESC",
        'query: "روسيا", first: 2, crop: 1',  # out of range: BAD_USER_INPUT
        'query: "روسيا", first: 2, after: "not-a-cursor"',
        'first: 2, filter: { kind: ["extracted"], source: [] }',
    ],
)
def test_direct_claims_resolver_agrees_with_strawberrys(api: TestClient, arguments: str) -> None:
    query = f"{{ claims({arguments}) {{ totalCount edges {{ cursor node {{ id highlight publishedAt }} }} }} }}"
    fast = schema_module.build_schema(ApiSettings())
    got = _run(api, fast, query, {})
    assert got == _run(api, _stock_schema(), query, {})
    assert got[0] is not None or got[1]


def test_general_path_does_not_grow_with_the_page(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain fields of hits are completed by the fast path: graphql-core's per-field machinery
    runs for the resolver-backed fields only (not the direct facet resolvers), however many hits
    the page has."""
    calls = 0
    general = StrawberryGraphQLCoreExecutionContext.execute_field

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return general(self, *args, **kwargs)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counting)
    schema = schema_module.build_schema(ApiSettings())
    query = QUERIES[0].replace("first: 7", "first: $n").replace(
        "$f: ClaimFilter", "$f: ClaimFilter, $n: Int!"
    )
    counts = []
    for n in (1, 8):
        calls = 0
        data, errors = _run(api, schema, query, {"q": "روسيا", "f": None, "n": n})
        assert not errors and len(data["claims"]["edges"]) == n
        counts.append(calls)
    # the root field only: the connection, its edges and the facet lists (literal arguments,
    # direct resolvers) are completed by the fast path
    assert counts == [1, 1]


def _counting_collection(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count graphql-core's sub-field collections (one entry per call)."""
    calls: list[int] = []
    original = executor_module.collect_subfields

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(executor_module, "collect_subfields", counting)
    return calls


def test_collection_is_shared_by_the_executions_of_a_static_operation(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_collection(monkeypatch)
    schema = schema_module.build_schema(ApiSettings())  # its parser cache: one document per text
    stock = _stock_schema()
    counts = []
    for q in ("روسيا", None, "روسيا"):  # a search, a listing (keyset), the search again
        calls.clear()
        got = _run(api, schema, QUERIES[1], {"q": q})
        counts.append(len(calls))
        assert got == _run(api, stock, QUERIES[1], {"q": q}) and got[0]["c"]["edges"]
    assert counts[0] > 0 and counts[1:] == [0, 0]


@pytest.mark.parametrize(
    "selection",
    [
        "id text @include(if: $t) article @skip(if: $a) { title }",  # in the operation
        "id ...T ...A",  # only in fragments
    ],
)
def test_directives_reading_variables_are_collected_per_execution(
    api: TestClient, monkeypatch: pytest.MonkeyPatch, selection: str
) -> None:
    calls = _counting_collection(monkeypatch)
    query = f"""query($q: String, $t: Boolean!, $a: Boolean!) {{ claims(query: $q, first: 2) {{
                  edges {{ node {{ {selection} }} }} }} }}
                fragment T on Claim {{ text @include(if: $t) }}
                fragment A on Claim {{ article @skip(if: $a) {{ title }} }}"""
    if "..." not in selection:
        query = query[: query.index("fragment T")]
    schema = schema_module.build_schema(ApiSettings())
    stock = _stock_schema()
    seen = []
    for t, a in ((True, True), (False, False), (True, False)):
        calls.clear()
        variables = {"q": "روسيا", "t": t, "a": a}
        data, errors = _run(api, schema, query, variables)
        assert not errors and (data, errors) == _run(api, stock, query, variables)
        node = data["claims"]["edges"][0]["node"]
        assert ("text" in node) is t and ("article" in node) is not a
        seen.append(len(calls))
    assert all(seen)


def test_highlight_computed_only_when_selected(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages: list[int] = []
    original = keyword.Highlighter.mark_all

    def counting(self: Any, texts: list[str]) -> list[str]:
        pages.append(len(texts))
        return original(self, texts)

    monkeypatch.setattr(keyword.Highlighter, "mark_all", counting)
    q = '{ claims(query: "روسيا", first: 3) { edges { node { id text } } } }'
    assert api.post("/graphql", json={"query": q}).json()["data"]["claims"]["edges"]
    assert pages == []
    q = '{ claims(query: "روسيا", first: 3) { edges { node { highlight } } } }'
    edges = api.post("/graphql", json={"query": q}).json()["data"]["claims"]["edges"]
    assert "<mark>" in edges[0]["node"]["highlight"] and pages == [len(edges)]
    assert "<mark>" in api.get("/v1/claims", params={"q": "روسيا"}).json()["claims"][0]["highlight"]


def test_context_is_freed_without_the_cycle_collector(api: TestClient) -> None:
    gc.disable()
    try:
        ctx = Context(_search(api))
        assert ctx.article_loader is ctx.article_loader
        ref = weakref.ref(ctx)
        del ctx
        assert ref() is None
    finally:
        gc.enable()


class _Text(str):
    pass


@pytest.mark.parametrize(
    ("field_type", "values"),
    [
        (int, [1, -(2**31), 2**31 - 1, 2**31, -(2**31) - 1, True, 3.0, 3.5, "7"]),
        (str, ["a", "", _Text("b"), 5, True]),
        (bool, [True, False, 1, 0, "x"]),
        (float, [1.5, 0.0, -2.0, 1e308, float("inf"), float("-inf"), float("nan"), 3, True, "2.5"]),
    ],
)
def test_values_kept_as_they_are_agree_with_the_scalar_coercions(field_type: type, values: list[Any]) -> None:
    """The leaf shortcut returns str/bool/in-range int/finite float values without calling the coercion: the
    results and errors stay graphql-core's, at the edges too."""
    import strawberry

    # built with real types (annotations are strings in this module)
    item_type = strawberry.type(type("Item", (), {"__annotations__": {"v": field_type}}))

    def items() -> Any:
        return [item_type(v=v) for v in values]

    def item(i: int) -> Any:
        return item_type(v=values[i])

    Query = strawberry.type(
        type(
            "Query",
            (),
            {
                "items": strawberry.field(resolver=items, graphql_type=list[item_type]),
                "item": strawberry.field(resolver=item, graphql_type=item_type),
            },
        )
    )

    def results(execution_context_class: Any) -> list[Any]:
        schema = strawberry.Schema(query=Query, execution_context_class=execution_context_class)
        out = []
        for query in ["{ items { v } }"] + [f"{{ item(i: {i}) {{ v }} }}" for i in range(len(values))]:
            r = schema.execute_sync(query)
            out.append((r.data, [(e.message, e.path) for e in r.errors or []]))
        return out

    assert results(FastExecutionContext) == results(StrawberryGraphQLCoreExecutionContext)


def test_only_plain_strawberry_classes_skip_the_awaitable_check() -> None:
    """The fast path checks ``is_awaitable`` once per class, for strawberry object types whose
    instances cannot be awaitable; anything else is checked object by object."""
    import strawberry

    from api.graphql import execution

    @strawberry.type
    class Plain:
        x: int

    @strawberry.type
    class Awaitable:
        x: int

        def __await__(self) -> Any:
            yield None

    class NotStrawberry:
        pass

    for cls in (Plain, Awaitable, NotStrawberry, ValueError):
        execution._note_never_awaitable(cls)
    assert Plain in execution._never_awaitable
    assert not {Awaitable, NotStrawberry, ValueError} & execution._never_awaitable
