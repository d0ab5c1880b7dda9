"""A small real subset of the CheckThat! 2021 2A Arabic collection, imported like a user would.

The verified claims relevant to a few dev tweets plus the first few hundred claims of the
pooled collection, read by ``indexer.claims_import`` and pushed by ``index_claims``; the seed
articles add extracted claims to the same index (for the ``kind`` filter).
"""

from __future__ import annotations

from indexer.claims_import import read_claims
from indexer.ingest import IndexNames, ensure_indexes, index_articles, index_claims
from indexer.models import Claim
from qawl.evals.retrieval import read_qrels, read_queries
from tests.conftest import SHARED_DATA, Meili, seed_articles

DATA = SHARED_DATA / "claim-retrieval"
N_QUERIES = 12
N_OTHERS = 400


def dev_queries() -> list[tuple[str, str, set[str]]]:
    """(tweet id, tweet text, relevant claim ids) of the first dev tweets."""
    qrels = read_qrels(DATA / "qrels_dev.tsv")
    return [
        (qid, text, qrels[qid])
        for qid, text in read_queries(DATA / "queries_dev.tsv")
        if qid in qrels
    ][:N_QUERIES]


def subset_claims() -> list[Claim]:
    wanted = set().union(*(rel for _, _, rel in dev_queries()))
    claims = [c for c in read_claims(DATA / "vclaims_pooled.tsv") if isinstance(c, Claim)]
    return [c for c in claims if c.id in wanted] + [
        c for c in claims[:N_OTHERS] if c.id not in wanted
    ]


async def build(meili: Meili, names: IndexNames) -> None:
    async with meili.client() as client:
        await ensure_indexes(client, names)
        report = await index_claims(client, names, subset_claims())
        assert report.ok, report
        report = await index_articles(client, names, seed_articles())
        assert report.ok, report
