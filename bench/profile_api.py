"""Profile the API process under the search bench's load with py-spy (sampling, no code changes).

    python bench/profile_api.py --articles 1000 --queries 600 --out /tmp/qawl-prof

Starts Meilisearch + the API exactly like ``qawl bench search``, attaches ``py-spy record`` to the
API process while GraphQL (then REST) queries are sent at concurrency 1, and prints the top
functions by own time and by inclusive time from the collapsed stacks (also written to --out).
Needs ``pip install py-spy`` (a profiling tool, not a qawl dependency) and ptrace permission.

    python bench/profile_api.py --cpu --articles 1000 --queries 100 \
        --app api.app:create_app --app bench.patched_app:create_app

``--cpu`` measures instead the API's own CPU time per request (``time.process_time``), in
process: each app factory serves the same GraphQL and REST queries through its ASGI interface,
with Meilisearch's answers recorded once and replayed from memory, several rounds interleaved
across the factories (``cold`` rounds forget the highlighter's per-query memo first). On a shared,
noisy machine this compares code changes far more reliably than latencies do. ``--wait-ms 8``
idles where Meilisearch would answer, as the real server does: on these VMs the same work costs
~1.7x more CPU right after an idle wait (cold caches), which the back-to-back loop hides.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from qawl.bench.common import (
    DEFAULT_CORPUS,
    api_server,
    bench_prefix,
    env_overrides,
    meili_server,
    run_async,
    run_sequential,
)
from qawl.bench.corpus_index import build_index, drop_indexes
from qawl.bench.search import api_target, graphql_payload, rest_target, sample_queries


def summarize(collapsed: Path, top: int = 25) -> str:
    own: collections.Counter[str] = collections.Counter()
    incl: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count_s = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_s)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            incl[frame] += count
    lines = [f"samples: {total}", "", "own time:"]
    lines += [f"  {100 * c / total:5.1f}%  {f}" for f, c in own.most_common(top)]
    lines += ["", "inclusive time:"]
    lines += [f"  {100 * c / total:5.1f}%  {f}" for f, c in incl.most_common(top * 2)]
    return "\n".join(lines)


async def _asgi(app: Any, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request through the app's ASGI interface (no sockets)."""
    path, _, query = target.partition("?")
    headers = [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    sent = False
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # no disconnect while the app answers
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def replay_searches(client: Any, answers: dict[bytes, bytes], wait_ms: float = 0.0) -> None:
    """Make ``client.multi_search`` answer from ``answers`` (recorded on first sight, shared by
    the clients given the same dict); ``wait_ms`` idles where Meilisearch would answer."""
    import orjson

    real = client.multi_search

    async def replay(queries: Any, federation: Any = None) -> Any:
        key = orjson.dumps([queries, federation], option=orjson.OPT_SORT_KEYS)
        if key not in answers:
            answers[key] = orjson.dumps(await real(queries, federation))
        elif wait_ms:
            await asyncio.sleep(wait_ms / 1000)  # idle, as while Meilisearch searches
        return orjson.loads(answers[key])

    client.multi_search = replay


def in_process_env(meili: Any, prefix: str) -> dict[str, str]:
    """The API's environment for an app served in this process (rate limits lifted)."""
    return {
        "MEILI_URL": meili.url,
        "MEILI_MASTER_KEY": meili.key,
        "QAWL_INDEX_PREFIX": prefix,
        "QAWL_ENV": "development",
        "QAWL_INLINE_WORKER": "false",
        "QAWL_RATE_LIMIT": "1000000000",
        "QAWL_ANON_RATE_LIMIT": "1000000000",
        "QAWL_LOG_LEVEL": "WARNING",
    }


async def cpu_per_request(
    factories: list[str],
    pairs: list[tuple[str, str | None]],
    rounds: int,
    profile_to: Path | None = None,
    wait_ms: float = 0.0,
) -> dict[str, dict[str, float]]:
    import importlib

    import api.search.highlight as highlight

    answers: dict[bytes, bytes] = {}
    apps: list[tuple[str, Any, Any]] = []
    for spec in factories:
        module, _, name = spec.partition(":")
        app = getattr(importlib.import_module(module), name)()
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        replay_searches(app.state.search.client, answers, wait_ms)
        apps.append((spec, app, lifespan))
    requests = [
        (("POST", "/graphql", graphql_payload(q, s)), ("GET", rest_target(q, s), b""))
        for q, s in pairs
    ]
    for _, app, _ in apps:  # record the answers, and check that every request succeeds
        for gql, rest in requests:
            for method, target, body in (gql, rest):
                status, out = await _asgi(app, method, target, body)
                if status != 200 or b'"errors"' in out[:200]:
                    raise SystemExit(f"{method} {target}: {status} {out[:300]!r}")
    best: dict[str, dict[str, float]] = {spec: {} for spec, _, _ in apps}
    for _ in range(rounds):
        for cold in (True, False):
            for spec, app, _ in apps:
                for kind, index in (("graphql", 0), ("rest", 1)):
                    if cold:
                        highlight._memos.clear()
                    label = f"{kind}_{'cold' if cold else 'warm'}_ms"
                    start = time.process_time()
                    for pair in requests:
                        await _asgi(app, *pair[index])
                    ms = 1000 * (time.process_time() - start) / len(requests)
                    best[spec][label] = round(min(best[spec].get(label, ms), ms), 3)
    if profile_to is not None:  # one more cold pass per kind under cProfile
        import cProfile
        import pstats

        for spec, app, _ in apps:
            for kind, index in (("graphql", 0), ("rest", 1)):
                highlight._memos.clear()
                prof = cProfile.Profile()
                prof.enable()
                for pair in requests:
                    await _asgi(app, *pair[index])
                prof.disable()
                path = profile_to / f"{spec.replace(':', '_')}.{kind}.pstats"
                prof.dump_stats(path)
                stats = pstats.Stats(str(path))
                print(f"== {spec} {kind}: {path}", file=sys.stderr)
                stats.sort_stats("tottime").print_stats(25)
                stats.sort_stats("cumtime").print_stats(40)
    for _, _, lifespan in apps:
        await lifespan.__aexit__(None, None, None)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "qawl-prof")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--cpu", action="store_true", help="in-process CPU per request instead")
    parser.add_argument("--app", action="append", help="app factory for --cpu (repeatable)")
    parser.add_argument("--rounds", type=int, default=5, help="--cpu rounds (the best is kept)")
    parser.add_argument(
        "--cprofile", action="store_true", help="--cpu: also cProfile one cold pass into --out"
    )
    parser.add_argument(
        "--wait-ms",
        type=float,
        default=0.0,
        help="--cpu: idle this long where Meilisearch would answer (as the real server does)",
    )
    args = parser.parse_args()
    if args.cpu:
        cpu_main(args)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    prefix = bench_prefix()
    with meili_server() as meili:
        _report, docs = run_async(build_index(meili, prefix, args.corpus, args.articles))
        pairs = sample_queries(docs, args.queries, 8)
        try:
            with api_server(meili, prefix, extra_env={"QAWL_INLINE_WORKER": "false"}) as api:
                for name in ("graphql", "rest"):
                    target = api_target(name, api.port, pairs)
                    run_async(run_sequential([target], list(range(min(30, len(pairs))))))  # warm-up
                    out = args.out / f"{name}.collapsed"
                    spy = subprocess.Popen(
                        [
                            "py-spy",
                            "record",
                            "--pid",
                            str(api.pid),
                            "--format",
                            "raw",
                            "--rate",
                            str(args.rate),
                            "--output",
                            str(out),
                            "--nonblocking",
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                    )
                    time.sleep(1.0)  # let py-spy attach before the load starts
                    res = run_async(run_sequential([target], list(range(len(pairs)))))
                    spy.send_signal(2)  # SIGINT: py-spy writes its output and exits
                    spy.wait(30)
                    lat = sorted(res[name][0])
                    print(
                        f"== {name}: p50 {1000 * lat[len(lat) // 2]:.2f} ms, "
                        f"errors {target.errors[:2]}"
                    )
                    if out.exists():
                        text = summarize(out)
                        (args.out / f"{name}.txt").write_text(text)
                        print(text)
                    else:
                        print(
                            spy.stderr.read().decode() if spy.stderr else "py-spy wrote nothing",
                            file=sys.stderr,
                        )
        finally:
            run_async(drop_indexes(meili, prefix))


def cpu_main(args: argparse.Namespace) -> None:
    prefix = bench_prefix()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for bench.* factories
    with meili_server() as meili:
        _report, docs = run_async(build_index(meili, prefix, args.corpus, args.articles))
        pairs = sample_queries(docs, args.queries, 8)
        env = in_process_env(meili, prefix)
        try:
            with tempfile.TemporaryDirectory() as data_dir, env_overrides(
                {**env, "QAWL_DATA_DIR": data_dir}
            ):
                factories = args.app or ["api.app:create_app"]
                if args.cprofile:
                    args.out.mkdir(parents=True, exist_ok=True)
                profile_to = args.out if args.cprofile else None
                result = run_async(
                    cpu_per_request(factories, pairs, args.rounds, profile_to, args.wait_ms)
                )
        finally:
            run_async(drop_indexes(meili, prefix))
    print(json.dumps({"queries": len(pairs), "cpu_ms_per_request": result}, indent=1))


if __name__ == "__main__":
    main()
