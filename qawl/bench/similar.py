"""``qawl bench similar``: ``similarClaims`` latency over the verified-claims collection.

The CheckThat! 2021 2A Arabic collection (``--corpus`` = the claim-retrieval folder, default
../shared/data/claim-retrieval) is imported through the verified-claims path of ``qawl index``
(``indexer.claims_import.read_claims`` -> ``indexer.ingest.index_claims``). The
dev tweets (then train tweets when ``--queries`` asks for more) are sent one at a time to GraphQL
``similarClaims(text, first: 5)`` on the API process; MAP@5 against the qrels is reported as a
sanity check that the answers are real (``qawl eval retrieval`` is the quality measure).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import orjson
import typer

from indexer.meili.client import MeiliClient
from indexer.readers import ReadError
from qawl.bench.common import (
    CLAIM_RETRIEVAL,
    BenchError,
    MeiliHandle,
    api_server,
    bench_prefix,
    check_file,
    emit,
    log,
    meili_server,
    percentile,
    run_async,
)
from qawl.bench.corpus_index import drop_indexes, names_for

DEFAULT_QUERIES = 85  # the dev split
FIRST = 5
SIMILAR_QUERY = """
query BenchSimilar($text: String!, $first: Int!) {
  similarClaims(text: $text, first: $first) { score claim { claimId text kind } }
}
""".strip()


def _tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def load_collection(
    folder: Path,
) -> tuple[list[dict[str, str]], list[tuple[str, str]], dict[str, set[str]]]:
    vclaims = _tsv(folder / "vclaims_pooled.tsv")
    queries: list[tuple[str, str]] = []
    qrels: dict[str, set[str]] = {}
    for split in ("dev", "train"):
        qpath = folder / f"queries_{split}.tsv"
        if qpath.exists():
            queries += [(row["tweet_id"], row["tweet_text"]) for row in _tsv(qpath)]
        rpath = folder / f"qrels_{split}.tsv"
        if rpath.exists():
            for line in rpath.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) >= 4 and parts[3].strip() != "0":
                    qrels.setdefault(parts[0], set()).add(parts[2])
    return vclaims, queries, qrels


async def import_claims(meili: MeiliHandle, prefix: str, path: Path) -> int:
    """The verified-claims import path of ``qawl index``: ``read_claims`` -> ``index_claims``."""
    from indexer.claims_import import read_claims
    from indexer.ingest import ensure_indexes, index_claims

    claims = [c for c in read_claims(path) if not isinstance(c, ReadError)]
    if not claims:
        raise BenchError(f"no verified claims read from {path}")
    async with MeiliClient(meili.url, meili.key or None, timeout=300) as client:
        names = names_for(prefix)
        await ensure_indexes(client, names)
        report = await index_claims(client, names, claims)
        if report.failed_tasks:
            raise BenchError(f"verified-claims import failed: {report.failed_tasks[0]}")
        # facet counts are exact (totalHits stops at the index's maxTotalHits)
        res = await client.search(names.claims, {"q": "", "limit": 0, "facets": ["kind"]})
    found = int((res.get("facetDistribution") or {}).get("kind", {}).get("verified", 0))
    if found != len(claims):
        raise BenchError(
            f"verified-claims import indexed {found} of {len(claims)} claims with kind verified"
        )
    return found


async def drop_all(meili: MeiliHandle, prefix: str) -> None:
    await drop_indexes(meili, prefix)
    if meili.pid is None:
        try:
            from indexer.corpus_stats import stats_index_name
        except ImportError:
            return
        async with MeiliClient(meili.url, meili.key or None) as client:
            await client.delete_index(stats_index_name(names_for(prefix).claims))


def average_precision_at(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, cid in enumerate(ranked[:k], 1):
        if cid in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0


def run_similar_bench(folder: Path, queries: int) -> dict[str, Any]:
    vclaims, all_queries, qrels = load_collection(folder)
    chosen = all_queries[:queries]
    prefix = bench_prefix()
    with meili_server() as meili:
        try:
            log(f"importing {len(vclaims)} verified claims (read_claims -> index_claims) ...")
            start = time.perf_counter()
            imported = run_async(import_claims(meili, prefix, folder / "vclaims_pooled.tsv"))
            import_s = time.perf_counter() - start
            with api_server(meili, prefix) as api:
                log(f"{len(chosen)} similarClaims queries, one at a time ...")
                lat, ranked = _query_all(api.url, chosen)
        finally:
            run_async(drop_all(meili, prefix))
    judged = [(qid, r) for (qid, _), r in zip(chosen, ranked, strict=True) if qid in qrels]
    return {
        "queries": len(chosen),
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "p95_ms": round(percentile(lat, 95) * 1000, 2),
        "vclaims": imported,
        "import_seconds": round(import_s, 2),
        "map_at_5_sanity": round(
            sum(average_precision_at(r, qrels[q]) for q, r in judged) / len(judged), 3
        )
        if judged
        else None,
        "first": FIRST,
    }


def _query_all(api_url: str, chosen: list[tuple[str, str]]) -> tuple[list[float], list[list[str]]]:
    lat: list[float] = []
    ranked: list[list[str]] = []
    with httpx.Client(
        base_url=api_url, timeout=60, headers={"accept-encoding": "identity"}
    ) as http:
        for n, (_qid, text) in enumerate([chosen[0], *chosen]):  # the first one is a warm-up
            body = orjson.dumps(
                {"query": SIMILAR_QUERY, "variables": {"text": text, "first": FIRST}}
            )
            start = time.perf_counter()
            resp = http.post("/graphql", content=body, headers={"content-type": "application/json"})
            elapsed = time.perf_counter() - start
            data = resp.json() if resp.status_code == 200 else {}
            if resp.status_code != 200 or data.get("errors"):
                raise BenchError(
                    f"GraphQL similarClaims is not available or failed: {resp.status_code} "
                    f"{resp.text[:400]}"
                )
            if n:
                lat.append(elapsed)
                ranked.append([m["claim"]["claimId"] for m in data["data"]["similarClaims"]])
    return lat, ranked


def register(app: typer.Typer) -> None:
    @app.command("similar")
    def similar(
        corpus: Annotated[
            Path,
            typer.Option(
                help="claim-retrieval folder (vclaims_pooled.tsv, queries_*.tsv, qrels_*.tsv)"
            ),
        ] = CLAIM_RETRIEVAL,
        articles: Annotated[
            int | None, typer.Option(hidden=True, help="unused (accepted for a uniform CLI)")
        ] = None,
        queries: Annotated[
            int, typer.Option(min=1, help="tweets sent (dev first, then train)")
        ] = DEFAULT_QUERIES,
    ) -> None:
        """similarClaims latency over the imported verified claims: p50/p99 ms."""
        check_file(corpus)
        if not (corpus / "vclaims_pooled.tsv").is_file():
            typer.echo(f"qawl: {corpus} has no vclaims_pooled.tsv", err=True)
            raise typer.Exit(2)
        try:
            out = run_similar_bench(corpus, queries)
        except BenchError as exc:
            emit({"queries": 0, "p50_ms": None, "p99_ms": None, "error": str(exc)})
            raise typer.Exit(1) from exc
        emit(out)
