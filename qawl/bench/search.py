"""``qawl bench search``: API (GraphQL and REST) latency/throughput next to raw Meilisearch.

1. Index the corpus (by default all of it, the index ``qawl bench ingest`` builds, as issue #8
   asks: ~4 min on 2 cores; ``--articles N`` takes the first N for a quicker run) through
   ``index_articles``.
2. Sample ``--queries`` Arabic keyword queries (1-3 consecutive words of the indexed articles, fixed
   seed), each with a ``source`` filter (a source drawn by frequency) and all facets.
3. Capture, per query, exactly the Meilisearch request(s) the API sends for the GraphQL ``claims``
   call (and for the REST call): the app runs once in-process with ``MeiliClient.request`` recorded.
   "raw" replays those bytes straight to Meilisearch, so raw vs API is apples to apples.
4. Start the API as a real uvicorn process; one load generator (``common.HttpConn``) sends raw,
   GraphQL and REST interleaved at concurrency 1, then in alternating chunks at concurrency 16.
"""

from __future__ import annotations

import random
import re
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from indexer.meili.client import MeiliClient
from indexer.models import Article
from qawl.bench.common import (
    DEFAULT_CORPUS,
    BenchError,
    MeiliHandle,
    Target,
    api_server,
    bench_prefix,
    build_request,
    check_file,
    emit,
    env_overrides,
    expect_json_without_errors,
    log,
    meili_server,
    percentile,
    run_async,
    run_concurrent,
    run_sequential,
    summary_ms,
)
from qawl.bench.corpus_index import build_index, drop_indexes

DEFAULT_ARTICLES: int | None = None  # the whole corpus
DEFAULT_QUERIES = 2000
FIRST = 20
WARM_UP = 50  # queries sent to every target before the measured phases
WORD = re.compile(r"[\u0621-\u064A]{3,}")

GRAPHQL_QUERY = """
query BenchClaims($q: String, $f: ClaimFilter, $first: Int!) {
  claims(query: $q, filter: $f, first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id claimId text highlight claimant claimantType source publishedAt
                          numbers { value text } } }
    facets { claimants { value count } sources { value count } places { value count }
             people { value count } organizations { value count } claimantTypes { value count } }
  }
}
""".strip()


def sample_queries(articles: list[Article], n: int, seed: int) -> list[tuple[str, str | None]]:
    """``n`` (query, source) pairs: 1-3 consecutive Arabic words of a random indexed article."""
    rng = random.Random(seed)
    sources = Counter(a.source for a in articles if a.source)
    names, weights = list(sources), list(sources.values())
    out: list[tuple[str, str | None]] = []
    while len(out) < n:
        article = rng.choice(articles)
        words = WORD.findall(article.body)
        if not words:
            continue
        k = rng.choice((1, 2, 3))
        start = rng.randrange(max(1, len(words) - k + 1))
        query = " ".join(words[start : start + k])
        source = rng.choices(names, weights)[0] if names else None
        out.append((query, source))
    return out


def graphql_payload(query: str, source: str | None) -> bytes:
    variables: dict[str, Any] = {
        "q": query,
        "first": FIRST,
        "f": {"source": [source]} if source else None,
    }
    return orjson.dumps(
        {"query": GRAPHQL_QUERY, "variables": variables, "operationName": "BenchClaims"}
    )


def rest_target(query: str, source: str | None) -> str:
    params = [("q", query), ("limit", str(FIRST)), ("facets", "true")]
    if source:
        params.append(("source", source))
    return "/v1/claims?" + urllib.parse.urlencode(params)


Captured = tuple[str, str, Any, Any, str | None]  # method, path, body, params, authorization


def api_target(kind: str, port: int, pairs: list[tuple[str, str | None]]) -> Target:
    """The API calls of the sampled queries: GraphQL ``claims`` (checked for GraphQL errors) or
    the equivalent REST ``GET /v1/claims``."""
    if kind == "graphql":
        reqs = [
            [
                build_request(
                    "POST",
                    "127.0.0.1",
                    port,
                    "/graphql",
                    graphql_payload(q, s),
                    {"Content-Type": "application/json"},
                )
            ]
            for q, s in pairs
        ]
        return Target(kind, "127.0.0.1", port, reqs, expect_json_without_errors)
    reqs = [[build_request("GET", "127.0.0.1", port, rest_target(q, s))] for q, s in pairs]
    return Target(kind, "127.0.0.1", port, reqs)


def _is_read(method: str, path: str) -> bool:
    return (
        method == "POST" and path.endswith(("/search", "/multi-search", "/documents/fetch"))
    ) or (method == "GET" and "/documents" in path)


def capture_meili_requests(
    api_env: dict[str, str], pairs: list[tuple[str, str | None]], app: str = "api.app:create_app"
) -> tuple[list[list[Captured]], list[list[Captured]]]:
    """Run the app in-process once per query and record the Meilisearch requests it makes."""
    import importlib

    from fastapi.testclient import TestClient

    module, _, factory = app.partition(":")
    create_app = getattr(importlib.import_module(module), factory)

    records: list[Captured] = []
    original = MeiliClient.request

    async def recording(
        self: MeiliClient, method: str, path: str, body: Any = None, params: Any = None
    ) -> Any:
        if _is_read(method, path):  # not the app's background work (worker, settings)
            records.append((method, path, body, params, self.headers.get("Authorization")))
        return await original(self, method, path, body, params)

    keep = {k: v for k, v in api_env.items() if k.startswith(("MEILI_", "QAWL_"))}
    graphql: list[list[Captured]] = []
    rest: list[list[Captured]] = []
    MeiliClient.request = recording  # type: ignore[method-assign]
    try:
        with env_overrides(keep), TestClient(create_app()) as client:
            for query, source in pairs:
                records.clear()
                resp = client.post(
                    "/graphql",
                    content=graphql_payload(query, source),
                    headers={"content-type": "application/json"},
                )
                if resp.status_code != 200 or resp.json().get("errors"):
                    raise BenchError(f"GraphQL claims failed: {resp.status_code} {resp.text[:500]}")
                graphql.append(list(records))
                records.clear()
                resp = client.get(rest_target(query, source))
                if resp.status_code != 200:
                    raise BenchError(f"GET /v1/claims failed: {resp.status_code} {resp.text[:500]}")
                rest.append(list(records))
    finally:
        MeiliClient.request = original  # type: ignore[method-assign]
    return graphql, rest


def raw_requests(meili: MeiliHandle, captured: list[list[Captured]]) -> list[list[bytes]]:
    host, port = meili.host_port
    out = []
    for calls in captured:
        reqs = []
        for method, path, body, params, auth in calls:
            target = path + ("?" + urllib.parse.urlencode(params) if params else "")
            headers = {"Content-Type": "application/json"}
            if auth:
                headers["Authorization"] = auth
            reqs.append(
                build_request(
                    method,
                    host,
                    port,
                    target,
                    orjson.dumps(body) if body is not None else None,
                    headers,
                )
            )
        out.append(reqs)
    return out


def _bodies(captured: list[list[Captured]]) -> list[list[tuple[str, str, bytes]]]:
    return [
        [(m, p, orjson.dumps(b, option=orjson.OPT_SORT_KEYS)) for m, p, b, _, _ in calls]
        for calls in captured
    ]


def run_search_bench(
    corpus: Path,
    articles: int | None,
    queries: int,
    seed: int,
    concurrency: int,
    workers: int,
    app: str = "api.app:create_app",
) -> dict[str, Any]:
    prefix = bench_prefix()
    with meili_server() as meili:
        log(f"indexing {'all' if articles is None else articles} articles from {corpus} ...")
        report, docs = run_async(build_index(meili, prefix, corpus, articles))
        try:
            pairs = sample_queries(docs, queries, seed)
            log(f"{report.articles} articles, {report.claims} claims; starting the API")
            # as in production, the webhook worker runs in its own process, not inside the API
            with api_server(
                meili, prefix, extra_env={"QAWL_INLINE_WORKER": "false"}, workers=workers, app=app
            ) as api:
                log(f"capturing the Meilisearch requests of {len(pairs)} queries (in-process) ...")
                gql_calls, rest_calls = capture_meili_requests(api.env, pairs, app)
                same = _bodies(gql_calls) == _bodies(rest_calls)
                targets = [
                    Target("raw", *meili.host_port, raw_requests(meili, gql_calls)),
                    api_target("graphql", api.port, pairs),
                    api_target("rest", api.port, pairs),
                ]
                if not same:
                    targets.append(
                        Target("raw_rest", *meili.host_port, raw_requests(meili, rest_calls))
                    )
                result = run_async(_measure(targets, len(pairs), concurrency))
                errors = {t.name: t.errors for t in targets if t.errors}
                own = api_own_ms(api.log_path.read_text(errors="replace"), min(WARM_UP, len(pairs)), len(pairs))
        finally:
            run_async(drop_indexes(meili, prefix))
    raw_rest = "raw_rest" if not same else "raw"
    out: dict[str, Any] = {
        "queries": len(pairs),
        **{name: result[name] for name in ("raw", "graphql", "rest")},
    }
    if not same:
        out["raw_rest"] = result["raw_rest"]

    def ratio(a: float, b: float) -> float:
        return round(a / b, 3) if b else 0.0

    c16 = f"c{concurrency}"
    out["ratios"] = {
        "graphql_c1_p50": ratio(result["graphql"]["c1"]["p50"], result["raw"]["c1"]["p50"]),
        "graphql_c1_p99": ratio(result["graphql"]["c1"]["p99"], result["raw"]["c1"]["p99"]),
        "rest_c1_p50": ratio(result["rest"]["c1"]["p50"], result[raw_rest]["c1"]["p50"]),
        "rest_c1_p99": ratio(result["rest"]["c1"]["p99"], result[raw_rest]["c1"]["p99"]),
        "graphql_c16_rps": ratio(result["graphql"][c16]["rps"], result["raw"][c16]["rps"]),
        "rest_c16_rps": ratio(result["rest"][c16]["rps"], result[raw_rest][c16]["rps"]),
    }
    out.update(
        {
            "articles": report.articles,
            "claims": report.claims,
            "seed": seed,
            "api_workers": workers,
            "api_app": app,
            "api_server": "uvicorn --loop uvloop --http httptools --no-access-log",
            "api_inline_worker": False,
            "meili_requests_per_query": {
                "graphql": _mean_len(gql_calls),
                "rest": _mean_len(rest_calls),
            },
            "rest_sends_same_meili_requests_as_graphql": same,
            "raw_is": "the Meilisearch requests the API sent for the GraphQL call, replayed",
            "sample_meili_request": gql_calls[0][0][2] if gql_calls and gql_calls[0] else None,
            "api_own_ms_c1": own,
            "api_own_ms_is": "from the API's request log: ms - meili_ms (its time besides waiting "
            "for Meilisearch), c1 phase",
            "errors": errors,
        }
    )
    return out


_ROUTES = {"/graphql": "graphql", "/v1/claims": "rest"}


def api_own_ms(log_text: str, warm_up: int, n: int) -> dict[str, dict[str, float]]:
    """The API's own time per request of the concurrency-1 phase, p50/p99 by route, from its JSON
    request log: ``ms - meili_ms``. Sequential requests are logged in the order they were sent:
    the phase's are the ``n`` after the ``warm_up`` ones. A route with another count is left out."""
    own: dict[str, list[float]] = {path: [] for path in _ROUTES}
    for line in log_text.splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        values = own.get(entry.get("path")) if entry.get("msg") == "request" else None
        if values is not None and "meili_ms" in entry:
            values.append(entry["ms"] - entry["meili_ms"])
    out: dict[str, dict[str, float]] = {}
    for path, values in own.items():
        phase = values[warm_up : warm_up + n]
        if len(phase) == n:
            out[_ROUTES[path]] = {
                "p50": round(percentile(phase, 50), 3),
                "p99": round(percentile(phase, 99), 3),
            }
    return out


def _mean_len(calls: list[list[Captured]]) -> float:
    return round(sum(map(len, calls)) / len(calls), 2) if calls else 0.0


async def _measure(
    targets: list[Target], n: int, concurrency: int
) -> dict[str, dict[str, dict[str, float]]]:
    indices = list(range(n))
    warm = indices[: min(WARM_UP, n)]
    await run_sequential(targets, warm)  # warm-up: connections, caches, JIT-free but lazy imports
    for t in targets:
        t.errors.clear()
    log(f"concurrency 1: {n} queries x {len(targets)} targets, interleaved ...")
    seq = await run_sequential(targets, indices)
    log(f"concurrency {concurrency}: alternating chunks ...")
    conc = await run_concurrent(targets, indices, concurrency)
    return {
        t.name: {"c1": summary_ms(*seq[t.name]), f"c{concurrency}": summary_ms(*conc[t.name])}
        for t in targets
    }


def register(app: typer.Typer) -> None:
    @app.command("search")
    def search(
        corpus: Annotated[
            Path, typer.Option(help="articles file; default ../shared/data/saudinewsnet.jsonl.gz")
        ] = DEFAULT_CORPUS,
        articles: Annotated[
            int | None, typer.Option(min=1, help="index only the first N articles (default: all)")
        ] = DEFAULT_ARTICLES,
        queries: Annotated[
            int, typer.Option(min=1, help="keyword queries (1-3 corpus words, fixed seed)")
        ] = DEFAULT_QUERIES,
        seed: Annotated[int, typer.Option(help="sampling seed")] = 8,
        concurrency: Annotated[
            int, typer.Option(min=2, help="clients in the concurrent phase")
        ] = 16,
        workers: Annotated[int, typer.Option(min=1, help="uvicorn workers of the API process")] = 1,
        app: Annotated[
            str, typer.Option(help="API app factory (module:function) to serve", hidden=True)
        ] = "api.app:create_app",
    ) -> None:
        """GraphQL claims + REST /v1/claims (filter + facets) vs the same requests sent raw."""
        check_file(corpus)
        try:
            out = run_search_bench(corpus, articles, queries, seed, concurrency, workers, app)
        except BenchError as exc:
            emit({"queries": 0, "error": str(exc)})
            raise typer.Exit(1) from exc
        emit(out)
