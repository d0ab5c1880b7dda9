"""Instructions per API request, counted by valgrind (callgrind): a CPU figure that barely varies
from run to run on a VM whose speed drifts, to compare code changes. Needs ``valgrind``.

    python bench/api_instructions.py [--articles 800] [--queries 100] [--variant gql]

Builds an index of ``--articles`` articles in its own Meilisearch, samples the bench's queries
(``qawl bench search``: same sampler and seed), records Meilisearch's answers to the app's searches
once, then for each variant runs the app in process under callgrind twice - a warm pass over the
queries alone, and the same pass followed by 2 more rounds - with the answers replayed from
memory; the difference divided by the requests of the 2 rounds is the app's cost per request
(HTTP handling, GraphQL or REST, the search service, highlighting, JSON), Meilisearch's own work
excluded. Variants: ``gql`` (the bench's GraphQL ``claims`` call: filter, facets, highlights) and
``gql_nofacets`` (the same without facets). Prints JSON: millions of instructions per request, by
variant. (A REST variant counted 7.2 M per request, against 4.9 M in an earlier scratch harness and
0.72x GraphQL's CPU time in process: not understood, so not offered.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
from profile_api import _asgi, in_process_env, replay_searches

from qawl.bench.common import DEFAULT_CORPUS, bench_prefix, env_overrides, meili_server, run_async
from qawl.bench.corpus_index import build_index, drop_indexes
from qawl.bench.search import GRAPHQL_QUERY, graphql_payload, sample_queries

VARIANTS = ("gql", "gql_nofacets")
SEED = 8
ROUNDS = 2


def _requests(variant: str, pairs: list[tuple[str, str | None]]) -> list[tuple[str, str, bytes]]:
    query = GRAPHQL_QUERY
    if variant == "gql_nofacets":
        query = query[: query.index("    facets {")].rstrip() + "\n  }\n}"
    out = []
    for q, s in pairs:
        body = orjson.loads(graphql_payload(q, s))
        body["query"] = query
        out.append(("POST", "/graphql", orjson.dumps(body)))
    return out


async def _serve(state: dict[str, Any], variant: str, rounds: int) -> None:
    """The app in process: the warm pass (Meilisearch's answers recorded on first sight), then
    ``rounds`` more, which must be answered from memory alone."""
    import api.app

    app = api.app.create_app()
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    try:
        client = app.state.search.client
        replay_searches(client, state["answers"])
        requests = _requests(variant, state["pairs"])
        for i in range(1 + rounds):
            if i == 1:
                sent = client.requests_sent
            for method, target, body in requests:
                status, out = await _asgi(app, method, target, body)
                if status != 200 or b'"errors"' in out[:300]:
                    raise SystemExit(f"{variant}: HTTP {status} {out[:200]!r}")
        if rounds and client.requests_sent != sent:
            raise SystemExit(f"{variant}: the measured rounds reached Meilisearch (an answer was not recorded)")
    finally:
        await lifespan.__aexit__(None, None, None)


def _child(args: argparse.Namespace) -> None:
    """Serve the variant (``--record``: every variant once, keeping Meilisearch's answers)."""
    path = Path(args.state)
    raw = orjson.loads(path.read_bytes())
    state = {
        "env": raw["env"],
        "pairs": [tuple(p) for p in raw["pairs"]],
        "answers": {k.encode(): v.encode() for k, v in raw["answers"]},  # both are orjson's output
    }
    with env_overrides(state["env"]):
        for variant in raw["variants"] if args.record else [args.variant]:
            run_async(_serve(state, variant, 0 if args.record else args.rounds))
    if args.record:
        answers = [[k.decode(), v.decode()] for k, v in state["answers"].items()]
        path.write_bytes(orjson.dumps({**raw, "answers": answers}))


def _run_child(state_path: Path, *extra: str, valgrind: bool = True) -> subprocess.CompletedProcess[str]:
    # the same hash seed in every child: the Meilisearch requests (the answers' keys) and the
    # instruction counts are then the same from process to process
    cmd = [sys.executable, __file__, "--child", "--state", str(state_path), *extra]
    if valgrind:
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(extra)} failed:\n{done.stderr[-2000:]}")
    return done


def _count(state_path: Path, variant: str, rounds: int) -> int:
    done = _run_child(state_path, "--variant", variant, "--rounds", str(rounds))
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(f"no callgrind count ({variant}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=800)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--variant", action="append", choices=VARIANTS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--state", help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=ROUNDS, help=argparse.SUPPRESS)
    ap.add_argument("--record", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return
    variants = args.variant or list(VARIANTS)
    prefix = bench_prefix()
    with meili_server() as meili, tempfile.TemporaryDirectory() as tmp:
        _report, docs = run_async(build_index(meili, prefix, DEFAULT_CORPUS, args.articles))
        try:
            env = {**in_process_env(meili, prefix), "QAWL_DATA_DIR": tmp}
            state_path = Path(tmp) / "state.json"
            pairs = sample_queries(docs, args.queries, SEED)
            state_path.write_bytes(orjson.dumps({"env": env, "pairs": pairs, "answers": [], "variants": variants}))
            _run_child(state_path, "--record", valgrind=False)  # Meilisearch's answers, kept
            out: dict[str, Any] = {}
            for variant in variants:
                warm = _count(state_path, variant, 0)
                measured = _count(state_path, variant, ROUNDS)
                out[variant] = round((measured - warm) / (ROUNDS * args.queries) / 1e6, 3)
        finally:
            run_async(drop_indexes(meili, prefix))
    print(json.dumps({
        "million_instructions_per_request": out, "articles": args.articles, "queries": args.queries,
        "measured": "callgrind, app in process, Meilisearch answers replayed, warm caches",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
