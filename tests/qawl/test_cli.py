from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEEDS

QAWL = [sys.executable, "-m", "qawl"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QAWL, *args], capture_output=True, text=True, timeout=120, check=False)


def test_extract_prints_json_lines() -> None:
    proc = _run("extract", str(SEEDS / "003_ac68457011d44b46.txt"))
    assert proc.returncode == 0, proc.stderr
    claims = [json.loads(line) for line in proc.stdout.splitlines()]
    assert claims and all(c["article_id"] == "003_ac68457011d44b46" for c in claims)
    required = {
        "id",
        "article_id",
        "kind",
        "text",
        "claimant",
        "claimant_type",
        "attribution_verb",
        "is_quote",
        "numbers",
        "people",
        "organizations",
        "places",
        "dates",
        "checkworthiness",
        "sentence_index",
        "cluster_id",
        "published_at",
        "source",
        "url",
    }
    assert required <= set(claims[0])
    # stable ids: the same text gives the same ids
    again = [
        json.loads(line)["id"] for line in _run("extract", str(SEEDS / "003_ac68457011d44b46.txt")).stdout.splitlines()
    ]
    assert again == [c["id"] for c in claims]


def test_bad_input_exits_2_with_message(tmp_path: Path) -> None:
    proc = _run("extract", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2
    assert "no such file" in proc.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok-1", "title": "t", "body": "قال الوزير إن 3 أشخاص أصيبوا."}\n{oops\n')
    proc = _run("extract", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:2" in proc.stderr
    assert len(proc.stdout.splitlines()) == 1  # the good article still went through


def test_unknown_option_exits_2() -> None:
    assert _run("extract", "--nope").returncode == 2
