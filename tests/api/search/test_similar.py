"""SimilarClaims on a real subset of the CheckThat! collection in a real Meilisearch."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from api.errors import BadUserInput
from api.search.similar import SimilarClaims, clean_text
from indexer.ingest import IndexNames
from indexer.meili.client import MeiliClient
from tests.api.search.similar_subset import build, dev_queries
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
def matcher(
    meili: Meili, names: IndexNames
) -> Iterator[tuple[asyncio.AbstractEventLoop, SimilarClaims]]:
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


def test_clean_text_drops_social_media_noise() -> None:
    cleaned = clean_text("RT @Elysee عاجل #كلنا_جيش_مصر https://t.co/abc www.x.org 😂")
    assert (
        "@" not in cleaned and "http" not in cleaned and "www" not in cleaned and "#" not in cleaned
    )
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
