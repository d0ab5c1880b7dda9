"""SimilarClaims on a real subset of the CheckThat! collection in a real Meilisearch, and the
learned re-ranker (shipped weights, their loading, the training script)."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from api.errors import BadUserInput
from api.search.similar import (
    SEMANTIC_K,
    STAGE1_FEATURES,
    STAGE2_FEATURES,
    Candidate,
    LinearModel,
    Nearest,
    QueryText,
    Ranker,
    SimilarClaims,
    clean_text,
    default_ranker,
    lexical_ranker,
    with_nearest,
)
from indexer.embeddings import default_embedder
from indexer.ingest import IndexNames
from indexer.meili.client import MeiliClient
from tests.api.search.similar_subset import build, dev_queries, subset_claims
from tests.conftest import SEEDS, Meili, run

MOSQUE_TWEET, MOSQUE_CLAIM = (
    "tweet-ar-411",
    "vclaim-2475",
)  # "the hidden worshipper" in Jordan's mosques


Matcher = tuple[asyncio.AbstractEventLoop, SimilarClaims]


@pytest.fixture(scope="module")
def names(meili: Meili) -> IndexNames:
    names = IndexNames(claims="simsearch_claims", articles="simsearch_articles")
    run(build(meili, names))
    return names


@pytest.fixture
def matcher(meili: Meili, names: IndexNames) -> Iterator[tuple[asyncio.AbstractEventLoop, SimilarClaims]]:
    loop = asyncio.new_event_loop()
    client = MeiliClient(meili.url, meili.key or None)
    yield loop, SimilarClaims(client, names.claims)
    loop.run_until_complete(client.aclose())
    loop.close()


def _ids(
    m: tuple[asyncio.AbstractEventLoop, SimilarClaims],
    text: str,
    first: int = 5,
    filter_expr: str | None = None,
) -> list[str]:
    loop, matcher = m
    return [x.doc["id"] for x in loop.run_until_complete(matcher.match(text, first, filter_expr))]


# -- sentence vectors -------------------------------------------------------------------------
def test_candidates_get_the_cosine_of_their_stored_vector(matcher: Matcher) -> None:
    """Meilisearch's semantic scores are turned back into the cosines the embedder gives: exact
    for the nearest claims, the smallest of those (an upper bound) for verified claims beyond
    them; extracted claims (no vector) get none."""
    loop, m = matcher
    _, tweet, _ = dev_queries()[0]
    query = QueryText.parse(tweet)

    async def go() -> tuple[list[Candidate], Nearest | None]:
        stats = await m.stats(query.stems)
        cands = await m.candidates(query, stats, None)
        near = await m.nearest(await m.embed(query))
        return with_nearest(near, cands, m.per_query), near

    cands, near = loop.run_until_complete(go())
    assert near is not None and near.floor is not None and len(near.cos) == SEMANTIC_K
    embedder = default_embedder()
    q = embedder.embed_one(query.cleaned)
    claims = {c.id: c.text for c in subset_claims()}
    verified = [c for c in cands if c.doc["kind"] == "verified"]
    inside = [c for c in verified if c.doc["id"] in near.cos][:4]
    beyond = [c for c in verified if c.doc["id"] not in near.cos][:4]
    assert inside and beyond
    for c in inside + beyond:
        own = sum(a * b for a, b in zip(q, embedder.embed_one(claims[c.doc["id"]]), strict=True))
        assert c.cos is not None
        if c in inside:
            assert abs(c.cos - own) < 1e-3
        else:
            assert c.cos == near.floor and own <= near.floor + 1e-3
    assert all(c.cos is None for c in cands if c.doc["kind"] == "extracted")
    # the nearest claims no lexical query returned join the candidates, with their cosine
    joined = [c for c in cands if c.hits == 0]
    assert joined and all(c.cos == near.cos[c.doc["id"]] and c.doc["text_stem"] for c in joined)
    assert {c.doc["id"] for c in cands} >= set(near.cos)


def test_extracted_claims_are_ranked_by_the_lexical_model(meili: Meili, names: IndexNames) -> None:
    """Only extracted claims (never embedded) among the candidates: the model trained without
    vectors ranks them, so the scores equal a matcher that has no embedder at all."""
    text = "قال وزير الخارجية الروسي سيرغي لافروف إن المرتزقة السوريين يقاتلون في قره باغ"

    async def go() -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        async with MeiliClient(meili.url, meili.key or None) as client:
            dense = SimilarClaims(client, names.claims)
            plain = SimilarClaims(client, names.claims, ranker=lexical_ranker(), embedder=False)
            kind = 'kind = "extracted"'
            a = [(x.doc["id"], x.score) for x in await dense.match(text, 5, kind)]
            b = [(x.doc["id"], x.score) for x in await plain.match(text, 5, kind)]
            return a, b

    with_embedder, without = run(go())
    assert with_embedder and with_embedder == without
    assert default_ranker().dense and not lexical_ranker().dense


def test_clean_text_drops_social_media_noise() -> None:
    cleaned = clean_text("RT @Elysee عاجل #كلنا_جيش_مصر https://t.co/abc www.x.org 😂")
    assert "@" not in cleaned and "http" not in cleaned and "www" not in cleaned and "#" not in cleaned
    assert "كلنا جيش مصر" in cleaned and "عاجل" in cleaned


def test_finds_the_claims_real_tweets_repeat(matcher: Matcher) -> None:
    queries = dev_queries()
    top5 = [bool(set(_ids(matcher, text)) & rel) for _, text, rel in queries]
    top1 = [_ids(matcher, text, 1)[0] in rel for _, text, rel in queries]
    assert sum(top5) >= len(queries) - 2, top5
    assert sum(top1) >= len(queries) - 3, top1


def test_scores_are_best_first(matcher: Matcher) -> None:
    loop, m = matcher
    _, text, _ = dev_queries()[0]
    matches = loop.run_until_complete(m.match(text, 10))
    scores = [x.score for x in matches]
    assert len(matches) == 10 and scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


def test_tiny_and_long_inputs(matcher: Matcher) -> None:
    assert _ids(matcher, "المصلي الخفي")[0] == MOSQUE_CLAIM
    tweet = dict((q, t) for q, t, _ in dev_queries())[MOSQUE_TWEET]
    filler = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()))
    long_text = (tweet + "\n" + filler * 10)[:5000]
    assert len(long_text) == 5000
    found = _ids(matcher, long_text, 5)
    assert len(found) == 5  # a whole paragraph of other news still gets an answer, quickly
    loop, m = matcher
    with pytest.raises(BadUserInput):
        loop.run_until_complete(m.match("x" * 20_001))


@pytest.mark.parametrize("text", ["", "   \n\t", "😂🛸 !!!"])
def test_empty_input_is_bad_user_input(matcher: Matcher, text: str) -> None:
    loop, m = matcher
    with pytest.raises(BadUserInput):
        loop.run_until_complete(m.match(text))


def test_first_out_of_range(matcher: Matcher) -> None:
    loop, m = matcher
    for first in (0, -1, 1000):
        with pytest.raises(BadUserInput):
            loop.run_until_complete(m.match("المصلي الخفي", first))


def test_kind_filter_is_respected(matcher: Matcher) -> None:
    tweet = dict((q, t) for q, t, _ in dev_queries())[MOSQUE_TWEET]
    assert MOSQUE_CLAIM in _ids(matcher, tweet, 5, 'kind = "verified"')
    loop, m = matcher
    extracted = loop.run_until_complete(m.match(tweet, 5, 'kind = "extracted"'))
    assert all(x.doc["kind"] == "extracted" for x in extracted)


def test_works_without_stored_statistics(meili: Meili, names: IndexNames) -> None:
    async def go() -> list[str]:
        async with MeiliClient(meili.url, meili.key or None) as client:
            m = SimilarClaims(client, names.claims, stats_index="no_such_stats_index")
            return [x.doc["id"] for x in await m.match("المصلي الخفي في مساجد الأردن")]

    assert run(go())[0] == MOSQUE_CLAIM


# -- the learned re-ranker --------------------------------------------------------------------
def test_shipped_weights_load_and_describe_the_default_matcher(matcher: Matcher) -> None:
    ranker = default_ranker()
    assert set(ranker.stage1.features) <= set(STAGE1_FEATURES) and "bm25" in ranker.stage1.features
    assert set(ranker.stage2.features) <= set(STAGE2_FEATURES) and "char" in ranker.stage2.features
    assert all(s > 0 for s in ranker.stage2.scale) and any(ranker.stage2.coef)
    _, m = matcher  # the matcher runs the candidate stage the weights were trained on
    assert (m.anchors, m.per_query, m.width, m.keep) == (
        ranker.anchors,
        ranker.per_query,
        ranker.width,
        ranker.keep,
    )
    row = {f: float(i + 1) for i, f in enumerate(STAGE2_FEATURES)}
    model = ranker.stage2  # the folded weights equal the standardized logistic regression
    expected = model.intercept + sum(
        c * (row[f] - mu) / sd for f, mu, sd, c in zip(model.features, model.mean, model.scale, model.coef, strict=True)
    )
    assert math.isclose(model.score(row), expected, rel_tol=1e-9, abs_tol=1e-9)


def test_malformed_weights_are_rejected() -> None:
    data = {
        "keep": 10,
        "stage1": {"features": ["bm25"], "mean": [0], "scale": [1], "coef": [1]},
        "stage2": {"features": ["no_such_feature"], "mean": [0], "scale": [1], "coef": [1]},
    }
    with pytest.raises(ValueError):
        Ranker.from_json(data)
    data["stage2"] = {"features": ["bm25", "char"], "mean": [0], "scale": [1], "coef": [1, 1]}
    with pytest.raises(ValueError):
        Ranker.from_json(data)
    data["stage2"] = {"features": ["char"], "mean": [0], "scale": [1], "coef": [1]}
    assert Ranker.from_json(data).stage2.features == ("char",)


def test_the_learned_weights_carry_the_ranking(meili: Meili, names: IndexNames) -> None:
    """Inverting the trained stage-2 weights must wreck the ranking: the model decides the order."""
    trained = default_ranker()
    s2 = trained.stage2
    inverted = dataclasses.replace(
        trained,
        stage2=LinearModel(s2.features, s2.mean, s2.scale, tuple(-c for c in s2.coef), 0.0),
    )

    async def go(ranker: Ranker) -> tuple[int, int]:
        async with MeiliClient(meili.url, meili.key or None) as client:
            m = SimilarClaims(client, names.claims, ranker=ranker)
            queries = dev_queries()
            ranked = [([x.doc["id"] for x in await m.match(t, 5)], rel) for _, t, rel in queries]
            return sum(bool(r and r[0] in rel) for r, rel in ranked), len(queries)

    good, n = run(go(trained))
    bad, _ = run(go(inverted))
    assert good >= n - 3 and bad <= n // 3, (good, bad, n)


def _train_script() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "scripts" / "train_similar.py"
    spec = importlib.util.spec_from_file_location("train_similar", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def test_training_script_fits_loadable_weights(meili: Meili, names: IndexNames) -> None:
    train = _train_script()
    queries = dev_queries()

    async def go() -> list[object]:
        async with MeiliClient(meili.url, meili.key or None) as client:
            m = SimilarClaims(
                client,
                names.claims,
                ranker=train.bootstrap_ranker(),
                per_query=20,
                embedder=default_embedder(),
            )
            records: list[object] = await train.records_for(
                m, [(q, t) for q, t, _ in queries], {q: rel for q, _, rel in queries}
            )
            return records

    records = run(go())
    ranker, report = train.train(records, keep=10, grid=(1.0,))
    again = Ranker.from_json(
        json.loads(
            json.dumps(
                {
                    "keep": ranker.keep,
                    "stage1": ranker.stage1.to_json(),
                    "stage2": ranker.stage2.to_json(),
                }
            )
        )
    )
    assert again == ranker and again.keep == 10 and ranker.dense
    assert all(any(c.cos is not None for c in r.cands) for r in records)  # type: ignore[attr-defined]
    assert report["queries"] == len(queries) and 0 < report["cv"]["MAP@5"] <= 1
    assert report["candidate_recall"] >= 0.9  # the candidate stage finds the subset's claims
