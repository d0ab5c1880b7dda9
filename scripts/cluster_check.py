"""Print how often ANS paraphrases (agree) share a cluster_id and contradictions (disagree) do not,
and, with ``--outlets N``, how clean the cross-outlet clusters of the first N SaudiNewsNet articles
are: of the pairs of claims from different outlets that share a cluster, the share that are
near-verbatim copies (character 4-gram Jaccard >= 0.3).

python scripts/cluster_check.py [--data ../shared/data/claim-matching/ans_stance_dev.csv] \
    [--outlets 4000 --corpus ../shared/data/saudinewsnet.jsonl.gz]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import json
from collections import defaultdict
from pathlib import Path

from indexer.extract import extract_claims
from indexer.extract.cluster import cluster_id
from indexer.extract.numbers import extract_numbers
from indexer.readers import article_from_obj
from indexer.text.normalize import normalize

REPO = Path(__file__).resolve().parents[1]


def rates(path: Path) -> dict[str, object]:
    same: dict[str, list[int]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            a, b = row["s1"], row["s2"]
            hit = cluster_id(a, extract_numbers(a)) == cluster_id(b, extract_numbers(b))
            same.setdefault(row["stance"], []).append(int(hit))
    return {
        stance: {"n": len(v), "same_cluster_rate": round(sum(v) / len(v), 4)}
        for stance, v in same.items()
    }


def _grams(text: str) -> set[str]:
    norm = normalize(text)
    return {norm[i : i + 4] for i in range(len(norm) - 3)}


def outlet_clusters(corpus: Path, articles: int) -> dict[str, object]:
    """Pairs of claims from different outlets sharing a cluster: how many are near-verbatim."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    claims = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, articles):
            try:
                article = article_from_obj(json.loads(line))
            except ValueError:
                continue
            for claim in extract_claims(article):
                claims += 1
                groups[claim.cluster_id].append((article.source or "", claim.text))
    near = other = 0
    for members in groups.values():
        for (s1, t1), (s2, t2) in itertools.combinations(members[:6], 2):
            if s1 == s2:
                continue
            g1, g2 = _grams(t1), _grams(t2)
            if len(g1 & g2) / max(1, len(g1 | g2)) >= 0.3:
                near += 1
            else:
                other += 1
    return {
        "claims": claims,
        "clusters": len(groups),
        "cross_outlet_pairs": near + other,
        "near_verbatim_rate": round(near / max(1, near + other), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--data",
        type=Path,
        default=REPO.parent / "shared" / "data" / "claim-matching" / "ans_stance_dev.csv",
    )
    ap.add_argument("--outlets", type=int, default=0, help="also check N corpus articles")
    ap.add_argument(
        "--corpus", type=Path, default=REPO.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"
    )
    args = ap.parse_args()
    out: dict[str, object] = {"ans": rates(args.data)}
    if args.outlets:
        out["outlets"] = outlet_clusters(args.corpus, args.outlets)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
