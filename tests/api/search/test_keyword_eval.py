"""``qawl eval keyword``: the suite builder and the contract JSON, on the seed articles."""

from __future__ import annotations

from typer.testing import CliRunner

from qawl.cli import app
from qawl.evals.keyword import CLASSES, build_suite, run_suite, v_plural, v_prefix, v_typo
from tests.conftest import SEEDS, Meili, run


def test_variant_generators_make_real_forms() -> None:
    import random

    rng = random.Random(0)
    assert v_prefix("بالمرتزقة", rng) == "المرتزقة"
    assert v_plural("المعلمين", rng) == "المعلم"
    assert v_plural("الحكومات", rng) == "الحكومة"
    assert v_typo("قتيلا", rng) is None  # not a long word
    typo = v_typo("المعارضة", rng)
    assert typo is not None and typo[:3] == "الم" and typo != "المعارضة"


def test_suite_and_contract_json(meili: Meili) -> None:
    suite = build_suite(SEEDS, 3, seed=1)
    assert suite.sources and suite.claims
    assert {q.cls for q in suite.queries} <= set(CLASSES)
    result = run(run_suite(meili.url, meili.key, suite))
    assert set(result) >= {"classes", "latency_ms_p50", "latency_ms_p99"}
    for cls, row in result["classes"].items():
        assert cls in CLASSES
        assert set(row) == {"qawl", "vanilla", "n"} and row["n"] > 0
        assert 0.0 <= row["qawl"] <= 1.0 and 0.0 <= row["vanilla"] <= 1.0
    assert result["classes"]["exact"]["qawl"] == 1.0
    assert result["latency_ms_p99"] >= result["latency_ms_p50"] > 0


def test_cli_rejects_a_missing_corpus() -> None:
    res = CliRunner().invoke(
        app, ["eval", "keyword", "--corpus", "/nonexistent.jsonl", "--sentences", "5"]
    )
    assert res.exit_code == 2
