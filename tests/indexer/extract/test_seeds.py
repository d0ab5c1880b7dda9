"""End-to-end extraction on the two seed articles (hand-checked expectations from the issue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.extract import extract_claims, prepare_article
from indexer.models import Article, Claim
from indexer.readers import read_articles

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def _claims(prefix: str) -> list[Claim]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    article = next(a for a in read_articles(path) if isinstance(a, Article))
    return extract_claims(prepare_article(article))


@pytest.fixture(scope="module")
def c000() -> list[Claim]:
    return _claims("000")


@pytest.fixture(scope="module")
def c003() -> list[Claim]:
    return _claims("003")


def _with(claims: list[Claim], value: float) -> list[Claim]:
    return [c for c in claims if any(n.value == value for n in c.numbers)]


def test_repeated_paragraphs_yield_each_claim_once(c000: list[Claim]) -> None:
    texts = [c.text for c in c000]
    assert len(texts) == len(set(texts))
    assert len(_with(c000, 14)) == 1
    assert len({c.id for c in c000}) == len(c000)


def test_syrian_observatory_numbers(c000: list[Claim], c003: list[Claim]) -> None:
    for value in (14, 20, 183):
        (claim,) = _with(c000, value)
        assert claim.claimant and "المرصد السوري" in claim.claimant
        assert claim.claimant_type == "organization"
    assert any("المرصد" in (c.claimant or "") for c in _with(c000, 231))
    for value in (230, 2580):
        (claim,) = _with(c003, value)
        assert "المرصد السوري" in (claim.claimant or "")
        assert claim.attribution_verb == "أفاد"
    (c230,) = _with(c003, 230)
    assert next(n for n in c230.numbers if n.value == 230).approximate


def test_lavrov_2000_fighters(c003: list[Claim]) -> None:
    claims = _with(c003, 2000)
    assert len(claims) == 2  # "يقترب من 2000 شخص" and, in his quote, "من ألفي شخص"
    for claim in claims:
        assert "لافروف" in (claim.claimant or "")
        assert claim.claimant_type == "person"
    first = min(claims, key=lambda c: c.sentence_index)
    mention = next(n for n in first.numbers if n.value == 2000)
    assert mention.approximate and mention.counted == "شخص"
    assert first.attribution_verb == "كشف"
    assert "سيرغي لافروف" in first.people


def test_pronoun_subjects_resolve_to_lavrov(c003: list[Claim]) -> None:
    quotes = [c for c in c003 if c.is_quote]
    assert len(quotes) >= 3
    assert all("لافروف" in (c.claimant or "") for c in quotes)
    # the interview newspaper is not the speaker
    assert not any("كوميرسانت" in (c.claimant or "") for c in c003)


def test_1300_killed_unattributed(c003: list[Claim]) -> None:
    (claim,) = _with(c003, 1300)
    assert claim.claimant is None and claim.claimant_type == "unattributed"
    mention = next(n for n in claim.numbers if n.value == 1300)
    assert mention.approximate and mention.counted == "شخص"


def test_treaty_1997_and_russian_ministry(c000: list[Claim]) -> None:
    (treaty,) = [c for c in c000 if "1997" in c.dates]
    assert treaty.claimant == "الخارجية الروسية"
    assert treaty.attribution_verb == "أكدت"
    russian = [c for c in c000 if c.claimant == "الخارجية الروسية"]
    assert len(russian) == 3  # أعلنت, أكدت (pronoun), قالت في بيان (pronoun)
    assert all(c.claimant_type == "organization" for c in russian)


def test_armenian_ministry_statement(c000: list[Claim]) -> None:
    (claim,) = [c for c in c000 if "باشينيان" in c.text]
    assert claim.claimant == "وزارة الخارجية"
    assert claim.attribution_verb.startswith("وفق")


def test_ids_are_stable_and_fields_in_range(c003: list[Claim]) -> None:
    again = _claims("003")
    assert [c.id for c in again] == [c.id for c in c003]
    assert all(0.0 <= c.checkworthiness <= 1.0 for c in c003)
    assert all(c.cluster_id for c in c003)
    assert "ناغورني كاراباخ" in next(c for c in c003 if "2000" in c.text).places
