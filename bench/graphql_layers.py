"""What each layer of a GraphQL search costs, in process (CPU per request, warm, best of rounds).

    python bench/graphql_layers.py [--articles 800] [--queries 300]

The bench's GraphQL ``claims`` queries with Meilisearch's answers recorded once and replayed from
memory, through: the whole app (ASGI: middleware, FastAPI routing, strawberry's HTTP view), the
strawberry schema's ``execute`` alone (extensions, caches, error shaping), and graphql-core's
``execute`` alone (the parsed document, the fast execution context: resolvers, completion); and the
equivalent REST requests through the whole app. Prints JSON, milliseconds per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import graphql
import orjson
from profile_api import _asgi, in_process_env, replay_searches

from qawl.bench.common import DEFAULT_CORPUS, bench_prefix, env_overrides, meili_server, run_async
from qawl.bench.corpus_index import build_index, drop_indexes
from qawl.bench.search import graphql_payload, rest_target, sample_queries


async def layers(pairs: list[tuple[str, str | None]], rounds: int) -> dict[str, float]:
    import api.app
    from api.graphql.context import Context
    from api.graphql.execution import FastExecutionContext
    from api.graphql.schema import build_schema

    app = api.app.create_app()
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    search = app.state.search
    replay_searches(search.client, {})
    gql = [("POST", "/graphql", graphql_payload(q, s)) for q, s in pairs]
    rest = [("GET", rest_target(q, s), b"") for q, s in pairs]
    payloads = [orjson.loads(body) for _, _, body in gql]
    schema = build_schema(app.state.settings)
    document = graphql.parse(payloads[0]["query"])  # every payload has the same query text

    async def whole(requests: list[tuple[str, str, bytes]]) -> None:
        for request in requests:
            status, _ = await _asgi(app, *request)
            assert status == 200

    async def schema_execute() -> None:
        for p in payloads:
            res = await schema.execute(p["query"], variable_values=p["variables"], context_value=Context(search))
            assert not res.errors, res.errors
            orjson.dumps({"data": res.data})

    async def core_execute() -> None:
        for p in payloads:
            res: Any = graphql.execute(
                schema._schema, document, variable_values=p["variables"], context_value=Context(search),
                executor_class=FastExecutionContext,
            )  # fmt: skip
            if asyncio.isfuture(res) or asyncio.iscoroutine(res):
                res = await res
            assert not res.errors, res.errors
            orjson.dumps({"data": res.data})

    variants: dict[str, Callable[[], Awaitable[None]]] = {
        "graphql_whole_app": lambda: whole(gql),
        "graphql_schema_execute": schema_execute,
        "graphql_core_execute": core_execute,
        "rest_whole_app": lambda: whole(rest),
    }
    await whole(gql + rest)  # record the answers, warm the caches
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, run in variants.items():
            start = time.process_time()
            await run()
            ms = 1000 * (time.process_time() - start) / len(pairs)
            best[name] = round(min(best.get(name, ms), ms), 3)
    await lifespan.__aexit__(None, None, None)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=800)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    prefix = bench_prefix()
    with meili_server() as meili:
        _report, docs = run_async(build_index(meili, prefix, DEFAULT_CORPUS, args.articles))
        pairs = sample_queries(docs, args.queries, 8)
        try:
            env = in_process_env(meili, prefix)
            with tempfile.TemporaryDirectory() as data_dir, env_overrides({**env, "QAWL_DATA_DIR": data_dir}):
                result = run_async(layers(pairs, args.rounds))
        finally:
            run_async(drop_indexes(meili, prefix))
    print(json.dumps({"queries": len(pairs), "cpu_ms_per_request": result}))


if __name__ == "__main__":
    main()
