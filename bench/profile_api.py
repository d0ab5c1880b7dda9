"""Profile the API process under the search bench's load with py-spy (sampling, no code changes).

    python bench/profile_api.py --articles 1000 --queries 600 --out /tmp/qawl-prof

Starts Meilisearch + the API exactly like ``qawl bench search``, attaches ``py-spy record`` to the
API process while GraphQL (then REST) queries are sent at concurrency 1, and prints the top
functions by own time and by inclusive time from the collapsed stacks (also written to --out).
Needs ``pip install py-spy`` (a profiling tool, not a qawl dependency) and ptrace permission.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qawl.bench.common import (
    DEFAULT_CORPUS,
    Target,
    api_server,
    bench_prefix,
    build_request,
    expect_json_without_errors,
    meili_server,
    run_async,
    run_sequential,
)
from qawl.bench.corpus_index import build_index, drop_indexes
from qawl.bench.search import graphql_payload, rest_target, sample_queries


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "qawl-prof")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    prefix = bench_prefix()
    with meili_server() as meili:
        _report, docs = run_async(build_index(meili, prefix, args.corpus, args.articles))
        pairs = sample_queries(docs, args.queries, 8)
        try:
            with api_server(meili, prefix) as api:
                for name, reqs, check in (
                    (
                        "graphql",
                        [
                            [
                                build_request(
                                    "POST",
                                    "127.0.0.1",
                                    api.port,
                                    "/graphql",
                                    graphql_payload(q, s),
                                    {"Content-Type": "application/json"},
                                )
                            ]
                            for q, s in pairs
                        ],
                        expect_json_without_errors,
                    ),
                    (
                        "rest",
                        [
                            [build_request("GET", "127.0.0.1", api.port, rest_target(q, s))]
                            for q, s in pairs
                        ],
                        None,
                    ),
                ):
                    target = Target(name, "127.0.0.1", api.port, reqs)
                    if check is not None:
                        target.check = check
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


if __name__ == "__main__":
    main()
