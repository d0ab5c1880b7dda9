"""Two or more app factories served side by side, next to raw Meilisearch, in one run.

    python bench/ab_apps.py --app api.app:create_app --app bench.token_highlight_app:create_app \
        [--articles 10000] [--queries 1000]

An ``--app`` of the form ``DIR=module:factory`` is imported from the checkout ``DIR`` (e.g. a
``git worktree`` of an earlier commit), to compare versions of the code.

Like ``qawl bench search`` (same index build, query sample, captured Meilisearch requests and load
generator), but each ``--app`` runs as its own uvicorn process and every query goes, interleaved,
to raw Meilisearch and to GraphQL and REST of every app. Prints JSON: p50/p99 per target and the
ratios to raw, so that code variants are compared under the same machine noise.
"""

from __future__ import annotations

import argparse
import contextlib
import json

from qawl.bench.common import (
    DEFAULT_CORPUS,
    Target,
    api_server,
    bench_prefix,
    meili_server,
    run_async,
    run_sequential,
    summary_ms,
)
from qawl.bench.corpus_index import build_index, drop_indexes
from qawl.bench.search import api_target, capture_meili_requests, raw_requests, sample_queries


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", action="append", required=True, help="[DIR=]module:factory (repeatable)")
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()
    prefix = bench_prefix()
    out: dict[str, dict[str, float]] = {}
    with meili_server() as meili:
        _report, docs = run_async(build_index(meili, prefix, DEFAULT_CORPUS, args.articles))
        pairs = sample_queries(docs, args.queries, 8)
        try:
            with contextlib.ExitStack() as stack:
                apis = [
                    stack.enter_context(
                        api_server(
                            meili,
                            prefix,
                            extra_env={"QAWL_INLINE_WORKER": "false"},
                            app=spec.rpartition("=")[2],
                            app_dir=spec.rpartition("=")[0] or None,
                        )
                    )
                    for spec in args.app
                ]
                gql_calls, rest_calls = capture_meili_requests(apis[0].env, pairs)
                targets = [
                    Target("raw", *meili.host_port, raw_requests(meili, gql_calls)),
                    Target("raw_rest", *meili.host_port, raw_requests(meili, rest_calls)),
                ]
                for n, api in enumerate(apis):
                    for kind in ("graphql", "rest"):
                        target = api_target(kind, api.port, pairs)
                        target.name = f"{kind}_{n}"
                        targets.append(target)
                indices = list(range(len(pairs)))
                run_async(run_sequential(targets, indices[:50]))  # warm-up
                results = run_async(run_sequential(targets, indices))
                for name, (latencies, busy) in results.items():
                    out[name] = summary_ms(latencies, busy)
                errors = {t.name: t.errors[:3] for t in targets if t.errors}
        finally:
            run_async(drop_indexes(meili, prefix))
    ratios = {}
    for n in range(len(args.app)):
        for kind, raw in (("graphql", "raw"), ("rest", "raw_rest")):
            for q in ("p50", "p99"):
                ratios[f"{kind}_{n}_{q}"] = round(out[f"{kind}_{n}"][q] / out[raw][q], 3)
    print(json.dumps({"apps": args.app, "articles": args.articles, "queries": len(pairs),
                      "c1": out, "ratios": ratios, "errors": errors}))  # fmt: skip


if __name__ == "__main__":
    main()
