"""CPU per request of the real API server, next to Meilisearch's, from ``/proc``.

    python bench/api_cpu.py [--articles 1000] [--queries 400] [--rounds 2]

Starts Meilisearch and the API exactly like ``qawl bench search`` (uvicorn, one worker), then
sends each target's queries sequentially on its own - raw Meilisearch (the captured requests of
the GraphQL calls, replayed), ``/healthz``, GraphQL ``claims`` and REST ``/v1/claims`` - and
prints, per target, the wall time per request and the CPU time the API process, Meilisearch and
this load generator spent per request (utime + stime deltas). At concurrency 1 the wall time is
about Meilisearch's CPU plus the API's: the API's CPU is what the ratios of ``bench search`` pay.
"""

from __future__ import annotations

import argparse
import json
import time

from qawl.bench.common import (
    DEFAULT_CORPUS,
    Target,
    api_server,
    bench_prefix,
    build_request,
    meili_server,
    proc_cpu_seconds,
    run_async,
    run_sequential,
)
from qawl.bench.corpus_index import build_index, drop_indexes
from qawl.bench.search import api_target, capture_meili_requests, raw_requests, sample_queries


def cpu_seconds(pid: int | None) -> float:
    return proc_cpu_seconds(pid) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    prefix = bench_prefix()
    out: dict[str, list[dict[str, float]]] = {}
    with meili_server() as meili:
        _report, docs = run_async(build_index(meili, prefix, DEFAULT_CORPUS, args.articles))
        pairs = sample_queries(docs, args.queries, 8)
        try:
            with api_server(meili, prefix, extra_env={"QAWL_INLINE_WORKER": "false"}) as api:
                gql_calls, _ = capture_meili_requests(api.env, pairs)
                health = build_request("GET", "127.0.0.1", api.port, "/healthz")
                targets = [
                    Target("raw", *meili.host_port, raw_requests(meili, gql_calls)),
                    Target("health", "127.0.0.1", api.port, [[health] for _ in pairs]),
                    api_target("graphql", api.port, pairs),
                    api_target("rest", api.port, pairs),
                ]
                indices = list(range(len(pairs)))
                run_async(run_sequential(targets, indices[:50]))  # warm-up
                for _ in range(args.rounds):
                    for t in targets:
                        api0, meili0 = cpu_seconds(api.pid), cpu_seconds(meili.pid)
                        self0, wall0 = time.process_time(), time.perf_counter()
                        run_async(run_sequential([t], indices))
                        k = 1000 / len(indices)
                        out.setdefault(t.name, []).append(
                            {
                                "wall_ms": round(k * (time.perf_counter() - wall0), 3),
                                "api_cpu_ms": round(k * (cpu_seconds(api.pid) - api0), 3),
                                "meili_cpu_ms": round(k * (cpu_seconds(meili.pid) - meili0), 3),
                                "client_cpu_ms": round(k * (time.process_time() - self0), 3),
                            }
                        )
        finally:
            run_async(drop_indexes(meili, prefix))
    print(json.dumps({"queries": len(pairs), "per_request": out}))


if __name__ == "__main__":
    main()
