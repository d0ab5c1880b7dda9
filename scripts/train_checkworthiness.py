"""Train the check-worthiness model -> indexer/data/checkworthiness.json (reproducible, CPU,
~1 min).

Data: the TRAIN splits of ../shared/data/claim-detection/ (CT22 1B claim, CT21 1A claim, ThatiAR
OBJ=1/SUBJ=0). Sentences that also appear in any dev split are dropped. Features are
``indexer.extract.checkworthiness.features`` (binary, L2-normalized); a scikit-learn
LogisticRegression (dev dependency only) is fitted and its weights written as plain JSON.
The threshold maximizes F1 on a fixed 10% slice of the training rows.

    python scripts/train_checkworthiness.py [--data ../shared/data/claim-detection]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from indexer.extract.checkworthiness import features
from indexer.text.normalize import normalize

REPO = Path(__file__).resolve().parents[1]
TRAIN = [  # file, text column, label column, positive value
    ("CT22_arabic_1B_claim_train.tsv", "tweet_text", "class_label", "1"),
    ("CT21_arabic_1A_train.tsv", "tweet_text", "claim", "1"),
    ("thatiar_train_ar.tsv", "sentence", "label", "OBJ"),
]
DEV = [
    ("CT22_arabic_1B_claim_dev.tsv", "tweet_text"),
    ("CT21_arabic_1A_dev.tsv", "tweet_text"),
    ("thatiar_dev_ar.tsv", "sentence"),
    ("CT22_arabic_1A_checkworthy_dev.tsv", "tweet_text"),
]


def read_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--data", type=Path, default=REPO.parent / "shared" / "data" / "claim-detection"
    )
    ap.add_argument("--out", type=Path, default=REPO / "indexer" / "data" / "checkworthiness.json")
    ap.add_argument("--C", type=float, default=2.0)
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--news-weight", type=float, default=1.0, help="ThatiAR row weight")
    args = ap.parse_args()

    dev_texts = {normalize(r[col]) for name, col in DEV for r in read_rows(args.data / name)}
    texts: list[str] = []
    labels: list[int] = []
    weights_row: list[float] = []
    seen: set[str] = set()
    for name, tcol, lcol, pos in TRAIN:
        for row in read_rows(args.data / name):
            text, label = row.get(tcol) or "", (row.get(lcol) or "").strip()
            key = normalize(text)
            if not key or key in dev_texts or key in seen or label == "":
                continue
            seen.add(key)
            texts.append(text)
            labels.append(int(label == pos))
            weights_row.append(args.news_weight if name.startswith("thatiar") else 1.0)
    rng = random.Random(13)
    order = list(range(len(texts)))
    rng.shuffle(order)
    cut = len(order) // 10
    tune_idx, fit_idx = order[:cut], order[cut:]

    feats = [sorted(set(features(t))) for t in texts]
    df: dict[str, int] = {}
    for i in fit_idx:
        for f in feats[i]:
            df[f] = df.get(f, 0) + 1
    vocab = {
        f: j
        for j, f in enumerate(
            sorted(f for f, c in df.items() if c >= args.min_df or f.startswith("r:"))
        )
    }

    def matrix(idx: list[int]) -> csr_matrix:
        rows, cols, vals = [], [], []
        for r, i in enumerate(idx):
            active = feats[i]
            norm = 1.0 / math.sqrt(len(active)) if active else 0.0
            for f in active:
                if f in vocab:
                    rows.append(r)
                    cols.append(vocab[f])
                    vals.append(norm)
        return csr_matrix((vals, (rows, cols)), shape=(len(idx), len(vocab)))

    y = np.array(labels)
    sw = np.array(weights_row)
    clf = LogisticRegression(C=args.C, max_iter=2000, class_weight="balanced")
    clf.fit(matrix(fit_idx), y[fit_idx], sample_weight=sw[fit_idx])
    probs = clf.predict_proba(matrix(tune_idx))[:, 1]
    best = (0.0, 0.5)
    for t in np.arange(0.2, 0.81, 0.02):
        pred = probs >= t
        tp = int((pred & (y[tune_idx] == 1)).sum())
        p = tp / max(int(pred.sum()), 1)
        r = tp / max(int((y[tune_idx] == 1).sum()), 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        best = max(best, (f1, round(float(t), 2)))
    # refit on all training rows (same vocabulary), keep the tuned threshold
    clf.fit(matrix(order), y[order], sample_weight=sw[order])
    weights = {
        f: round(float(clf.coef_[0][j]), 4)
        for f, j in vocab.items()
        if abs(clf.coef_[0][j]) >= 1e-3
    }
    out = {
        "bias": round(float(clf.intercept_[0]), 5),
        "threshold": best[1],
        "weights": weights,
        "trained_on": [t[0] for t in TRAIN],
        "rows": len(texts),
        "tune_f1": round(best[0], 4),
        "C": args.C,
    }
    args.out.write_text(
        json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    print(
        json.dumps(
            {
                "rows": len(texts),
                "features": len(weights),
                "threshold": best[1],
                "tune_f1": round(best[0], 4),
                "bytes": args.out.stat().st_size,
            }
        )
    )


if __name__ == "__main__":
    main()
