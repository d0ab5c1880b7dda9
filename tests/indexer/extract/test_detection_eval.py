"""`qawl eval detection` on a dev split, and the packaged check-worthiness model."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from indexer.extract.checkworthiness import checkworthiness, model
from qawl.cli import app

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "claim-detection"


def test_model_is_small_json_and_scores_in_range() -> None:
    path = Path(__file__).resolve().parents[3] / "indexer" / "data" / "checkworthiness.json"
    assert path.stat().st_size < 20_000_000
    assert 0.0 < model().threshold < 1.0
    claim = checkworthiness("أعلنت وزارة الصحة تسجيل 120 إصابة جديدة بفيروس كورونا في الرياض.")
    opinion = checkworthiness("يا رب احفظ بلادنا وأهلها من كل شر، اللهم آمين")
    assert 0.0 <= opinion < claim <= 1.0


def test_eval_detection_prints_metrics_and_baselines() -> None:
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "detection",
            "--data",
            str(DATA / "CT22_arabic_1B_claim_dev.tsv"),
            "--text-col",
            "tweet_text",
            "--label-col",
            "class_label",
            "--positive",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["n"] == 339
    assert {"precision", "recall", "f1", "threshold"} <= out.keys()
    assert out["f1"] > out["baselines"]["rules_only"]["f1"]
    assert out["f1"] > out["baselines"]["majority"]["f1"]


def test_eval_detection_bad_column_exits_2() -> None:
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "detection",
            "--data",
            str(DATA / "CT22_arabic_1B_claim_dev.tsv"),
            "--text-col",
            "nope",
            "--label-col",
            "class_label",
            "--positive",
            "1",
        ],
    )
    assert result.exit_code == 2
