"""Smoke runs of ``qawl bench`` on tiny inputs: real Meilisearch, real API process, real JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qawl.bench.common import percentile, summary_ms
from qawl.bench.search import api_own_ms
from tests.conftest import SHARED_DATA, Meili

CORPUS = SHARED_DATA / "saudinewsnet.jsonl.gz"
RETRIEVAL = SHARED_DATA / "claim-retrieval"


def bench(*args: str, meili: Meili | None = None, timeout: float = 120) -> dict:  # type: ignore[type-arg]
    env = {k: v for k, v in os.environ.items() if k not in {"MEILI_URL", "MEILI_MASTER_KEY"}}
    if meili is not None:  # reuse the session Meilisearch (also covers the MEILI_URL path)
        env.update(MEILI_URL=meili.url, MEILI_MASTER_KEY=meili.key)
    proc = subprocess.run(
        [sys.executable, "-m", "qawl", "bench", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout  # exactly one JSON object on stdout
    return json.loads(lines[0])  # type: ignore[no-any-return]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    assert summary_ms([0.001, 0.002, 0.003, 0.004], elapsed_s=2.0) == {
        "p50": 2.0,
        "p95": 4.0,
        "p99": 4.0,
        "rps": 2.0,
    }


@pytest.mark.slow
def test_bench_ingest_managed_meili() -> None:
    out = bench("ingest", "--corpus", str(CORPUS), "--articles", "30")
    assert out["articles"] == 30
    assert (
        out["claims"] > 0 and out["claims_in_index"] == out["claims"] and out["claims_searchable"]
    )
    assert out["seconds_to_searchable"] > 0 and out["sentences_per_s"] > 0
    assert out["meili_disk_mb"] > 0
    assert out["peak_rss_mb"] > 0 and out["meili_peak_rss_mb"] > 0  # both processes sampled
    cpu = out["cpu_seconds"]  # Meilisearch indexed and this process read and pushed: both used CPU
    assert cpu["meilisearch"] > 0 and cpu["ingest_process"] > 0 and cpu["cores"] >= 1


@pytest.mark.slow
def test_bench_search_tiny(meili: Meili) -> None:
    out = bench(
        "search", "--corpus", str(CORPUS), "--articles", "30", "--queries", "20", meili=meili
    )
    assert out["queries"] == 20
    assert out["errors"] == {}
    for name in ("raw", "graphql", "rest"):
        for conc in ("c1", "c16"):
            stats = out[name][conc]
            assert 0 < stats["p50"] <= stats["p95"] <= stats["p99"]
            assert stats["rps"] > 0
    assert set(out["ratios"]) >= {
        "graphql_c1_p50",
        "graphql_c1_p99",
        "rest_c1_p50",
        "rest_c1_p99",
        "graphql_c16_rps",
    }
    assert all(v > 0 for v in out["ratios"].values())
    assert out["meili_requests_per_query"]["graphql"] >= 1  # raw replays what the API really sent
    # the API's own time (request log: ms - meili_ms) is part of each request's latency
    own = out["api_own_ms_c1"]
    assert set(own) == {"graphql", "rest"}
    for name in ("graphql", "rest"):  # 20 queries: p99 is the slowest request
        assert 0 < own[name]["p50"] <= own[name]["p99"] < out[name]["c1"]["p99"]


def test_api_own_time_is_read_from_the_request_log() -> None:
    def line(path: str, ms: float, meili_ms: float | None = 1.0) -> str:
        entry = {"msg": "request", "path": path, "ms": ms}
        if meili_ms is not None:
            entry["meili_ms"] = meili_ms
        return json.dumps(entry)

    lines = [line("/graphql", 99.0), line("/v1/claims", 99.0)]  # warm-up
    lines += ["not json", '{"msg": "startup"}', line("/healthz", 5.0), line("/graphql", 7.0, None)]
    lines += [line("/graphql", 1.0 + ms) for ms in (3.0, 5.0, 4.0)]
    lines += [line("/v1/claims", 1.0 + ms) for ms in (2.0, 2.5)]  # one short: rest is left out
    lines += [line("/graphql", 50.0)]  # the concurrent phase
    own = api_own_ms("\n".join(lines), warm_up=1, n=3)
    assert own == {"graphql": {"p50": 4.0, "p99": 5.0}}


@pytest.mark.slow
def test_bench_webhook_tiny(meili: Meili) -> None:
    out = bench(
        "webhook", "--corpus", str(CORPUS), "--articles", "2", "--base-articles", "5", meili=meili
    )
    assert out["events"] == 4 and out["searchable"] == 4 and out["timeouts"] == []
    assert 0 < out["p50_ms"] <= out["p99_ms"]
    assert set(out["job_statuses"]) <= {
        "done",
        "running",
    }  # a job may still be closing when searchable


@pytest.mark.slow
def test_bench_similar_tiny(meili: Meili, tmp_path: Path) -> None:
    # a small collection: the verified claims the first dev tweets repeat, plus some others
    qrels = (RETRIEVAL / "qrels_dev.tsv").read_text(encoding="utf-8").splitlines()[:8]
    wanted = {line.split("\t")[2] for line in qrels}
    vlines = (RETRIEVAL / "vclaims_pooled.tsv").read_text(encoding="utf-8").splitlines()
    keep = [vlines[0]] + [ln for ln in vlines[1:] if ln.split("\t")[0] in wanted] + vlines[1:40]
    (tmp_path / "vclaims_pooled.tsv").write_text(
        "\n".join(dict.fromkeys(keep)) + "\n", encoding="utf-8"
    )
    (tmp_path / "qrels_dev.tsv").write_text("\n".join(qrels) + "\n", encoding="utf-8")
    (tmp_path / "queries_dev.tsv").write_text(
        (RETRIEVAL / "queries_dev.tsv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = bench("similar", "--corpus", str(tmp_path), "--queries", "8", meili=meili)
    assert out["queries"] == 8
    assert 0 < out["p50_ms"] <= out["p99_ms"]
    assert out["map_at_5_sanity"] > 0  # the answers are real matches, not just fast
