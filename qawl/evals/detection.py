"""``qawl eval detection``: claim detection precision/recall/F1 on a labelled TSV/CSV.

Prints one JSON object: ``{"n", "precision", "recall", "f1", "threshold"}`` for the learned scorer
(at the package threshold), plus ``baselines.majority`` and ``baselines.rules_only`` from the
same run.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from indexer.extract.checkworthiness import checkworthiness, model, rules_only


def _prf(pred: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    npred, ngold = sum(pred), sum(gold)
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def _auc(scores: list[float], gold: list[bool]) -> float:
    """ROC AUC (rank statistic, ties averaged): threshold-free separation of the two classes."""
    order = sorted(range(len(scores)), key=scores.__getitem__)
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    npos = sum(gold)
    nneg = len(gold) - npos
    if not npos or not nneg:
        return 0.0
    rank_sum = sum(r for r, g in zip(ranks, gold, strict=True) if g)
    return round((rank_sum - npos * (npos + 1) / 2) / (npos * nneg), 4)


def read_labelled(
    path: Path, text_col: str, label_col: str, positive: str
) -> tuple[list[str], list[bool]]:
    csv.field_size_limit(sys.maxsize)
    delim = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(
            fh, delimiter=delim, quoting=csv.QUOTE_NONE if delim == "\t" else csv.QUOTE_MINIMAL
        )
        cols = reader.fieldnames or []
        if text_col not in cols or label_col not in cols:
            raise ValueError(f"columns {text_col!r}/{label_col!r} not in {cols}")
        texts, gold = [], []
        for row in reader:
            label = (row.get(label_col) or "").strip()
            if not label:
                continue
            texts.append(row.get(text_col) or "")
            gold.append(label == positive)
    return texts, gold


def evaluate(path: Path, text_col: str, label_col: str, positive: str) -> dict[str, object]:
    texts, gold = read_labelled(path, text_col, label_col, positive)
    threshold = model().threshold
    scores = [checkworthiness(t) for t in texts]
    out: dict[str, object] = {
        "n": len(texts),
        **_prf([s >= threshold for s in scores], gold),
        "threshold": threshold,
    }
    majority = sum(gold) * 2 >= len(gold)
    out["baselines"] = {
        "majority": {
            **_prf([majority] * len(gold), gold),
            "predicts": "positive" if majority else "negative",
        },
        "rules_only": _prf([rules_only(t) for t in texts], gold),
    }
    out["positive_rate"] = round(sum(gold) / len(gold), 4) if gold else 0.0
    out["auc"] = _auc(scores, gold)
    return out


def register(app: typer.Typer) -> None:
    @app.command("detection")
    def detection(
        data: Annotated[Path, typer.Option("--data", help="labelled TSV/CSV")],
        text_col: Annotated[str, typer.Option("--text-col")],
        label_col: Annotated[str, typer.Option("--label-col")],
        positive: Annotated[
            str, typer.Option("--positive", help="label value of the positive class")
        ],
    ) -> None:
        """Claim detection precision/recall/F1 (plus majority and rules-only baselines)."""
        if not data.is_file():
            typer.echo(f"qawl: no such file: {data}", err=True)
            raise typer.Exit(2)
        try:
            result = evaluate(data, text_col, label_col, positive)
        except (ValueError, UnicodeDecodeError) as exc:
            typer.echo(f"qawl: {exc}", err=True)
            raise typer.Exit(2) from exc
        sys.stdout.buffer.write(orjson.dumps(result) + b"\n")
