"""Train the similar-claim re-ranker (``api/search/data/similar_ranker.json``) on the train split.

    python scripts/train_similar.py [--lexical] [--data ../shared/data/claim-retrieval] [--out PATH]
        [--cache /tmp/similar_train.pkl] [--keep 30] [--anchors 20] [--per-query 40] [--width 3]

Writes ``similar_ranker.json`` (with the sentence-vector features), or with ``--lexical``
``similar_ranker_lexical.json`` (without them: used when no candidate has a vector).

1. Imports ``vclaims_pooled.tsv`` into a temporary index through the same path as ``qawl index``
   (``read_claims`` -> ``index_claims``, which also writes the BM25 statistics and embeds the
   claims: ~4 min on 2 cores), in a managed Meilisearch (or ``MEILI_URL``).
2. Runs the candidate stage of ``SimilarClaims`` (the production code, cosines included) for
   every train query and reads the statistics of the query and candidate terms; ``--cache`` keeps that raw material
   so re-training does not need Meilisearch again.
3. Fits two logistic regressions (scikit-learn, a [dev] dependency; inference is pure Python)
   on standardized features computed by ``api.search.similar.stage1_features`` /
   ``stage2_features``: stage 1 on every candidate, stage 2 on the ``keep`` best by stage 1.
   The regularization of each stage is chosen by 5-fold cross-validation grouped by query
   (stage 1: recall within ``keep``; stage 2: MAP@5 of the whole pipeline, out of fold).
   The dense models also train on a copy of every query with half of the candidates' vectors
   hidden (same fold as the query; never measured), so that claims without a vector (extracted
   ones) are still ranked sensibly next to verified ones.
4. Writes the weights and the candidate-stage settings they were trained with (SimilarClaims
   defaults to them), deterministic (lbfgs, fixed folds, rounded floats: two runs give the same
   file), and prints the cross-validated metrics as JSON. The dev split is never read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pickle
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from api.search.similar import (  # noqa: E402
    DENSE_FEATURES,
    LEXICAL_RANKER_RESOURCE,
    RANKER_RESOURCE,
    STAGE1_FEATURES,
    STAGE2_FEATURES,
    Candidate,
    LinearModel,
    QueryText,
    Ranker,
    SimilarClaims,
    Stats,
    doc_terms,
    stage1_features,
    stage2_features,
    with_fields,
)
from indexer.claims_import import read_claims  # noqa: E402
from indexer.corpus_stats import stats_index_name  # noqa: E402
from indexer.embeddings import default_embedder  # noqa: E402
from indexer.ingest import IndexNames, ensure_indexes, index_claims  # noqa: E402
from indexer.meili.client import MeiliClient  # noqa: E402
from indexer.meili.managed import meilisearch_for  # noqa: E402
from indexer.models import Claim  # noqa: E402
from qawl.evals.retrieval import read_qrels, read_queries  # noqa: E402

GRID = (0.01, 0.1, 1.0, 10.0)
FOLDS = 5
DROPOUT = 0.5  # share of candidates whose vector a training copy hides (claims without vectors)


@dataclass
class Record:
    qid: str
    text: str
    relevant: set[str]
    cands: list[Candidate]  # as the candidate stage returns them (id, text_stem, cos)
    full: dict[str, dict[str, Any]]  # the stored fields of every candidate (stage 2 reads them)
    stats: Stats  # df of the query terms and of every candidate's terms


def bootstrap_ranker() -> Ranker:
    one = LinearModel(("bm25",), (0.0,), (1.0,), (1.0,), 0.0)
    return Ranker(one, one, 1)


async def collect(url: str, key: str, data: Path, cand: dict[str, int], dense: bool) -> list[Record]:
    """The training records; without ``dense`` the matcher has no embedder, as the lexical
    models see it in production (no cosines, no nearest claims among the candidates)."""
    prefix = f"train{uuid.uuid4().hex[:8]}_"
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
    claims = [c for c in read_claims(data / "vclaims_pooled.tsv") if isinstance(c, Claim)]
    qrels = read_qrels(data / "qrels_train.tsv")
    queries = [(q, t) for q, t in read_queries(data / "queries_train.tsv") if q in qrels]
    async with MeiliClient(url, key or None, timeout=300) as client:
        try:
            await ensure_indexes(client, names)
            report = await index_claims(client, names, claims)
            if report.failed_tasks:
                raise RuntimeError(f"indexing failed: {report.failed_tasks[0]}")
            matcher = SimilarClaims(
                client,
                names.claims,
                ranker=bootstrap_ranker(),
                stats_ttl=1e9,
                anchors=cand["anchors"],
                per_query=cand["per_query"],
                width=cand["width"],
                embedder=default_embedder() if dense else None,
            )
            out = await records_for(matcher, queries, qrels)
        finally:
            for uid in (names.claims, names.articles, stats_index_name(names.claims)):
                await client.delete_index(uid)
    return out


async def records_for(
    matcher: SimilarClaims, queries: list[tuple[str, str]], qrels: dict[str, set[str]]
) -> list[Record]:
    """The candidates of each query (the production candidate stage) and the statistics of the
    query's and the candidates' terms."""
    out: list[Record] = []
    for qid, text in queries:
        query = QueryText.parse(text)
        stats = await matcher.stats(query.stems)
        cands = await matcher.candidates(query, stats, None)
        if matcher.embedder is not None:
            cands = await matcher.similarities(await matcher.embed(query), cands)
        more = await matcher.stats(query.stems + doc_terms(c.doc for c in cands))
        ids = [str(c.doc["id"]) for c in cands]
        full: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            full.update(await matcher.documents(ids[start : start + 500]))
        out.append(Record(qid, text, qrels[qid], cands, full, more))
    return out


def ap5(ranked: list[str], relevant: set[str]) -> tuple[float, float, float, float]:
    """AP@5, RR@10, P@1, R@5 (as ``qawl eval retrieval`` computes them)."""
    hits, prec = 0, 0.0
    for i, doc in enumerate(ranked[:5]):
        if doc in relevant:
            hits += 1
            prec += hits / (i + 1)
    rr = next((1 / (i + 1) for i, d in enumerate(ranked[:10]) if d in relevant), 0.0)
    p1 = 1.0 if ranked[:1] and ranked[0] in relevant else 0.0
    return prec / min(len(relevant), 5), rr, p1, len(relevant & set(ranked[:5])) / len(relevant)


def summarize(runs: list[tuple[list[str], set[str]]]) -> dict[str, float]:
    m = np.array([ap5(r, rel) for r, rel in runs]).mean(axis=0)
    return {
        "MAP@5": round(float(m[0]), 4),
        "MRR@10": round(float(m[1]), 4),
        "P@1": round(float(m[2]), 4),
        "R@5": round(float(m[3]), 4),
    }


def matrix(rows: list[dict[str, float]], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[r[f] for f in names] for r in rows], dtype=float).reshape(len(rows), len(names))


def fit(x: np.ndarray, y: np.ndarray, c: float, names: tuple[str, ...]) -> LinearModel:
    # a missing feature (NaN: no vector) is its mean, as LinearModel.score reads it
    mean = np.nan_to_num(np.nanmean(x, axis=0)) if np.isnan(x).any() else x.mean(axis=0)
    x = np.where(np.isnan(x), mean, x)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    r = lambda v: round(float(v), 6)  # noqa: E731
    return LinearModel(
        names, tuple(map(r, mean)), tuple(map(r, scale)), tuple(map(r, model.coef_[0])), r(model.intercept_[0])
    )


def score(model: LinearModel, x: np.ndarray) -> np.ndarray:
    mean, scale, coef = (np.array(v) for v in (model.mean, model.scale, model.coef))
    x = np.where(np.isnan(x), mean, x)
    return model.intercept + ((x - mean) / scale) @ coef


def hide_vectors(records: list[Record], share: float, seed: int = 7) -> list[Record]:
    """Copies of ``records`` in which ``share`` of the candidates have no vector (seeded)."""
    rng = np.random.default_rng(seed)
    out = []
    for r in records:
        cands = [Candidate(c.doc, c.best_rank, c.hits, None if rng.random() < share else c.cos) for c in r.cands]
        out.append(Record(r.qid, r.text, r.relevant, cands, r.full, r.stats))
    return out


class Stage1:
    def __init__(self, records: list[Record], features: tuple[str, ...]) -> None:
        self.rows = [stage1_features(QueryText.parse(r.text), r.stats, r.cands) for r in records]
        self.x = [matrix(rows, features) for rows in self.rows]
        self.y = [np.array([c.doc["id"] in r.relevant for c in r.cands]) for r in records]

    def stack(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.vstack([self.x[i] for i in idx]), np.concatenate([self.y[i] for i in idx])


def kept(records: list[Record], s1: list[np.ndarray], keep: int, i: int) -> list[Candidate]:
    ids = [str(c.doc["id"]) for c in records[i].cands]
    order = sorted(range(len(ids)), key=lambda j: (-s1[i][j], ids[j]))[:keep]
    return [with_fields(records[i].cands[j], records[i].full) for j in order]


def train(
    records: list[Record], keep: int, grid: tuple[float, ...] = GRID, dense: bool = True
) -> tuple[Ranker, dict[str, Any]]:
    """Cross-validated training; with ``dense`` a copy of every query with some candidates'
    vectors hidden is added to the training folds (never to the measured ones)."""
    f1 = STAGE1_FEATURES if dense else tuple(f for f in STAGE1_FEATURES if f not in DENSE_FEATURES)
    f2 = STAGE2_FEATURES if dense else tuple(f for f in STAGE2_FEATURES if f not in DENSE_FEATURES)
    records = [r for r in records if r.cands]
    n = len(records)  # the queries measured; copies with hidden vectors follow them
    if dense:
        records = records + hide_vectors(records, DROPOUT)
    everything = np.arange(len(records))
    groups = everything % n  # a query and its copy stay in the same fold
    folds = list(GroupKFold(FOLDS).split(groups, groups, groups))
    st1 = Stage1(records, f1)
    # stage 1: recall of the relevant claims within ``keep``, out of fold
    best1: tuple[float, float] | None = None
    oof1: dict[float, list[np.ndarray]] = {}
    for c in grid:
        s1: list[np.ndarray] = [np.zeros(0)] * len(records)
        for tr, te in folds:
            model = fit(*st1.stack(tr), c, f1)
            for i in te:
                s1[i] = score(model, st1.x[i])
        oof1[c] = s1
        recall = np.mean(
            [any(x.doc["id"] in records[i].relevant for x in kept(records, s1, keep, i)) for i in range(n)]
        )
        print(f"stage1 C={c}: recall@{keep} {recall:.4f}", file=sys.stderr)
        if best1 is None or recall > best1[0] + 1e-9:
            best1 = (float(recall), c)
    assert best1 is not None
    c1 = best1[1]
    # stage 2 on the out-of-fold stage-1 survivors: MAP@5 of the pipeline
    surv = [kept(records, oof1[c1], keep, i) for i in everything]
    rows2 = [stage2_features(QueryText.parse(r.text), r.stats, surv[i]) for i, r in enumerate(records)]
    x2 = [matrix(rows, f2) for rows in rows2]
    y2 = [np.array([c.doc["id"] in r.relevant for c in surv[i]]) for i, r in enumerate(records)]
    best2: tuple[float, float, dict[str, float]] | None = None
    for c in grid:
        runs: list[tuple[list[str], set[str]]] = [([], set())] * n
        for tr, te in folds:
            model = fit(np.vstack([x2[i] for i in tr]), np.concatenate([y2[i] for i in tr]), c, f2)
            for i in te[te < n]:
                s2 = score(model, x2[i])
                ids = [str(x.doc["id"]) for x in surv[i]]
                order = sorted(range(len(ids)), key=lambda j: (-s2[j], ids[j]))
                runs[i] = ([ids[j] for j in order[:10]], records[i].relevant)
        cv = summarize(runs)
        print(f"stage2 C={c}: {cv}", file=sys.stderr)
        if best2 is None or cv["MAP@5"] > best2[0] + 1e-9:
            best2 = (cv["MAP@5"], c, cv)
    assert best2 is not None
    c2, cv2 = best2[1], best2[2]
    bm25 = summarize(
        [
            (
                [str(records[i].cands[j].doc["id"]) for j in np.argsort(-st1.x[i][:, 0], kind="stable")[:10]],
                records[i].relevant,
            )
            for i in range(n)
        ]
    )
    # final fits on every train query (and the copies)
    stage1 = fit(*st1.stack(everything), c1, f1)
    s1_all = [score(stage1, st1.x[i]) for i in everything]
    surv = [kept(records, s1_all, keep, i) for i in everything]
    rows2 = [stage2_features(QueryText.parse(r.text), r.stats, surv[i]) for i, r in enumerate(records)]
    x_all = np.vstack([matrix(rows, f2) for rows in rows2])
    y_all = np.concatenate([[c.doc["id"] in r.relevant for c in surv[i]] for i, r in enumerate(records)])
    stage2 = fit(x_all, y_all, c2, f2)
    report = {
        "queries": n,
        "dense": dense,
        "candidate_recall": round(float(np.mean([np.any(y) for y in st1.y[:n]])), 4),
        "stage1_C": c1,
        "stage1_recall_at_keep_cv": round(best1[0], 4),
        "stage2_C": c2,
        "cv": cv2,
        "cv_bm25_only": bm25,
    }
    return Ranker(stage1, stage2, keep), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "claim-retrieval")
    parser.add_argument("--out", type=Path, default=None, help="default: the shipped weights file")
    parser.add_argument("--lexical", action="store_true", help="without the sentence vectors (the fallback model)")
    parser.add_argument("--cache", type=Path, default=None, help="pickle of the candidates (reused)")
    parser.add_argument("--keep", type=int, default=30, help="stage-1 survivors scored by stage 2")
    parser.add_argument("--anchors", type=int, default=20, help="Meilisearch queries (one per anchor)")
    parser.add_argument("--per-query", type=int, default=40, help="hits read per anchor query")
    parser.add_argument("--width", type=int, default=3, help="stems per anchor query")
    args = parser.parse_args()
    cand = {"anchors": args.anchors, "per_query": args.per_query, "width": args.width}
    records: list[Record] | None = None
    if args.cache is not None and args.cache.exists():
        cached_key, cached = pickle.loads(args.cache.read_bytes())  # noqa: S301 (our own cache)
        records = cached if cached_key == (cand, not args.lexical) else None
    if records is None:
        with meilisearch_for() as (url, key):
            records = asyncio.run(collect(url, key, args.data, cand, dense=not args.lexical))
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps(((cand, not args.lexical), records)))
    ranker, report = train(records, args.keep, dense=not args.lexical)
    out = args.out or REPO / "api" / "search" / (LEXICAL_RANKER_RESOURCE if args.lexical else RANKER_RESOURCE)
    report["candidates"] = cand
    weights = {
        "version": 1,
        "trained_on": "CheckThat! 2021 2A Arabic train split (queries_train.tsv, qrels_train.tsv)",
        "script": "scripts/train_similar.py",
        "keep": ranker.keep,
        "candidates": cand,
        "stage1": ranker.stage1.to_json(),
        "stage2": ranker.stage2.to_json(),
        "training": report,
    }
    out.write_text(json.dumps(weights, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
