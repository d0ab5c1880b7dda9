"""Print how often ANS paraphrases (agree) share a cluster_id and contradictions (disagree) do not.

python scripts/cluster_check.py [--data ../shared/data/claim-matching/ans_stance_dev.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from indexer.extract.cluster import cluster_id
from indexer.extract.numbers import extract_numbers

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--data",
        type=Path,
        default=REPO.parent / "shared" / "data" / "claim-matching" / "ans_stance_dev.csv",
    )
    print(json.dumps(rates(ap.parse_args().data)))


if __name__ == "__main__":
    main()
