"""``qawl eval retrieval``: similar-claim matching quality (CheckThat! 2021 Task 2A format).

Builds a temporary claims index through the same import path as ``qawl index`` (verified claims
read by ``indexer.claims_import``, pushed by ``indexer.ingest.index_claims``, which also keeps the
BM25 statistics), runs every query with a relevance judgment through ``SimilarClaims.match`` (the
code behind GraphQL ``similarClaims`` and REST ``POST /v1/claims/similar``), and, in the same run,
the raw query against an index with default Meilisearch settings ("vanilla"). Prints one JSON
object (shape fixed in CONTRACT.md). Managed Meilisearch unless MEILI_URL is set.
"""

from __future__ import annotations

import asyncio
import csv
import gc
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from api.search.similar import SimilarClaims
from indexer.claims_import import read_claims
from indexer.corpus_stats import stats_index_name
from indexer.ingest import IndexNames, ensure_indexes, index_claims
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliError
from indexer.meili.managed import MeiliBinaryError, meilisearch_for
from indexer.models import Claim
from indexer.readers import ReadError

Ranker = Callable[[str], Awaitable[list[str]]]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"qawl: {message}", err=True)
    return typer.Exit(2)


def read_queries(path: Path) -> list[tuple[str, str]]:
    """``tweet_id, tweet_text`` TSV with a header (first two columns are used)."""
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return [(r[0], r[1]) for r in rows[1:] if len(r) >= 2 and r[0].strip()]


def read_qrels(path: Path) -> dict[str, set[str]]:
    """TREC qrels ``query 0 doc relevance``; relevance > 0 counts."""
    out: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            out.setdefault(parts[0], set()).add(parts[2])
    return out


def metrics(runs: list[tuple[list[str], set[str]]], latencies: list[float]) -> dict[str, float]:
    ap5 = rr10 = p1 = r5 = 0.0
    for ranked, rel in runs:
        hits, prec = 0, 0.0
        for i, doc in enumerate(ranked[:5]):
            if doc in rel:
                hits += 1
                prec += hits / (i + 1)
        ap5 += prec / min(len(rel), 5)
        rr10 += next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if d in rel), 0.0)
        p1 += 1.0 if ranked[:1] and ranked[0] in rel else 0.0
        r5 += len(rel & set(ranked[:5])) / len(rel)
    n = len(runs) or 1
    lat = sorted(latencies) or [0.0]
    return {
        "MAP@5": round(ap5 / n, 4),
        "MRR@10": round(rr10 / n, 4),
        "P@1": round(p1 / n, 4),
        "R@5": round(r5 / n, 4),
        "latency_ms_p50": round(statistics.median(lat), 2),
        "latency_ms_p99": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 2),
    }


async def _run(
    ranker: Ranker, queries: list[tuple[str, str]], qrels: dict[str, set[str]]
) -> dict[str, float]:
    runs: list[tuple[list[str], set[str]]] = []
    latencies: list[float] = []
    for qid, text in queries:
        start = time.perf_counter()
        ranked = await ranker(text)
        latencies.append((time.perf_counter() - start) * 1000)
        runs.append((ranked, qrels[qid]))
    return metrics(runs, latencies)


async def evaluate(
    url: str, key: str, collection: Path, queries: list[tuple[str, str]], qrels: dict[str, set[str]]
) -> dict[str, Any]:
    prefix = f"eval{uuid.uuid4().hex[:8]}_"
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
    vanilla = f"{prefix}vanilla"
    claims: list[Claim] = []
    errors: list[str] = []
    for item in read_claims(collection):
        (errors.append(str(item)) if isinstance(item, ReadError) else claims.append(item))
    if not claims:
        raise ValueError(
            f"no claims read from {collection}" + (f" ({errors[0]})" if errors else "")
        )
    async with MeiliClient(url, key or None, timeout=120) as client:
        try:
            await ensure_indexes(client, names)
            report = await index_claims(client, names, claims)
            if report.failed_tasks:
                raise RuntimeError(f"indexing failed: {report.failed_tasks[0]}")
            await client.create_index(vanilla)  # default settings
            task = await client.add_documents(
                vanilla, [{"id": c.id, "text": c.text, "title": c.title} for c in claims]
            )
            await client.wait_for_task(task, timeout=900)

            matcher = SimilarClaims(client, names.claims)

            async def qawl_rank(text: str) -> list[str]:
                return [m.doc["id"] for m in await matcher.match(text, first=10)]

            async def vanilla_rank(text: str) -> list[str]:
                res = await client.search(
                    vanilla, {"q": text, "limit": 10, "attributesToRetrieve": ["id"]}
                )
                return [h["id"] for h in res["hits"]]

            for text in [q for _, q in queries[:5]]:  # warm connections and caches, not measured
                await qawl_rank(text)
            # the claims read for indexing are this command's own heap, not the API's: keep the
            # garbage collector from walking them during the measured calls (as a server that
            # calls gc.freeze() after start-up would)
            gc.collect()
            gc.freeze()
            try:
                qawl = await _run(qawl_rank, queries, qrels)
                plain = await _run(vanilla_rank, queries, qrels)
            finally:
                gc.unfreeze()
        finally:
            for uid in (names.claims, names.articles, stats_index_name(names.claims), vanilla):
                await client.delete_index(uid)
    return {
        "queries": len(queries),
        "claims": len(claims),
        "skipped_lines": len(errors),
        "qawl": qawl,
        "vanilla": plain,
    }


def register(app: typer.Typer) -> None:
    @app.command("retrieval")
    def retrieval(
        collection: Annotated[
            Path,
            typer.Option(
                "--collection",
                help="verified claims: TSV (vclaim_id, vclaim, title), .claims.jsonl or .jsonld",
            ),
        ],
        queries: Annotated[Path, typer.Option("--queries", help="TSV with header: query id, text")],
        qrels: Annotated[Path, typer.Option("--qrels", help="TREC qrels: query 0 claim relevance")],
    ) -> None:
        """Similar-claim matching: MAP@5, MRR@10, P@1, R@5, latency; qawl vs vanilla Meilisearch."""
        for path in (collection, queries, qrels):
            if not path.is_file():
                raise _fail(f"no such file: {path}")
        judged = read_qrels(qrels)
        qs = [(qid, text) for qid, text in read_queries(queries) if qid in judged]
        if not qs:
            raise _fail("no query has a relevance judgment (check --queries and --qrels)")
        try:
            with meilisearch_for(data_dir=None) as (url, key):
                result = asyncio.run(evaluate(url, key, collection, qs, judged))
        except ValueError as exc:
            raise _fail(str(exc)) from exc
        except (MeiliError, MeiliBinaryError) as exc:
            typer.echo(f"qawl: {exc}", err=True)
            raise typer.Exit(1) from exc
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
