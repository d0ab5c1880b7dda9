"""Highlighting: what is marked, and that a page's distinct words are decided once."""

from __future__ import annotations

import random
from collections.abc import Callable

from api.search.highlight import Highlighter, QueryTerms, _one_edit, fold_words, mark_matches
from indexer.text.normalize import normalize
from indexer.text.stem import light_stem


def counting(stem: Callable[[str], str]) -> tuple[Callable[[str], str], list[str]]:
    seen: list[str] = []

    def wrapped(word: str) -> str:
        seen.append(word)
        return stem(word)

    return wrapped, seen


def terms(*words: str, stems: tuple[str, ...] = (), typo_min_len: int = 5) -> QueryTerms:
    return QueryTerms(frozenset(words), frozenset(stems), words[-1], typo_min_len)


def test_marks_surface_stem_prefix_and_typo_matches() -> None:
    t = terms("مرتزقه", "حرب", stems=("مرتزق",))
    text = "قال إن بالمرتزقة والمرتزقين في الحربية لا الحرمين"
    marked = Highlighter(t, light_stem).mark_all([text])[0]
    # by stem: bi+al- and wa+al- forms, a plural ending
    assert "<mark>بالمرتزقة</mark>" in marked
    assert "<mark>والمرتزقين</mark>" in marked
    assert "<mark>الحربية</mark>" not in marked  # "ال" + "حربية": not a prefix of the word as typed
    assert "الحرمين" in marked and "<mark>الحرمين</mark>" not in marked
    assert marked.replace("<mark>", "").replace("</mark>", "") == text
    # a word that starts with the last word typed (Meilisearch matches it as a prefix)
    assert mark_matches("حربية طويلة", terms("حرب"), light_stem) == "<mark>حربية</mark> طويلة"
    # one typo away from a long query word (transposition), but not for short words
    assert mark_matches("السعوديه", terms("السعويده"), light_stem) == "<mark>السعوديه</mark>"
    assert mark_matches("حرب", terms("حبر"), light_stem) == "حرب"


def test_literal_tags_in_text_can_never_become_marks() -> None:
    out = Highlighter(terms("حرب"), light_stem).mark_all(["<mark>x</mark> حرب"])[0]
    assert out.count("<mark>") == 1 and out.endswith("<mark>حرب</mark>")


def test_a_page_decides_each_distinct_word_once_and_queries_remember() -> None:
    stem, seen = counting(light_stem)
    t = terms("وزاره", "الصحه", stems=("وزار", "صح"))
    page = ["أعلنت وزارة الصحة اليوم أن الوضع مستقر"] * 20 + ["الوضع مستقر اليوم"] * 20
    first = Highlighter(t, stem).mark_all(page)
    assert all("<mark>وزارة</mark> <mark>الصحة</mark>" in x for x in first[:20])
    distinct = {w for text in page for w in text.split()}
    # stems looked up at most once per distinct word of the page, not once per occurrence
    assert 0 < len(seen) <= len(distinct)
    seen.clear()
    again = Highlighter(t, stem).mark_all(page)  # the same query comes back
    assert again == first and seen == []


def test_typo_prefilter_never_rejects_a_one_edit_word() -> None:
    rng = random.Random(5)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    for _ in range(3000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(5, 9)))
        i = rng.randrange(len(word))
        edit = rng.choice(("sub", "ins", "del", "swap"))
        if edit == "sub":
            other = word[:i] + rng.choice(letters) + word[i + 1 :]
        elif edit == "ins":
            other = word[:i] + rng.choice(letters) + word[i:]
        elif edit == "del":
            other = word[:i] + word[i + 1 :]
        else:
            j = min(i, len(word) - 2)
            other = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        t = terms(word)
        expected = len(other) >= 5 and _one_edit(other, word)
        assert t.one_typo(other) == expected
        if expected:
            assert t.may_be_one_typo(other)


def test_light_stems_are_substrings_of_their_words() -> None:
    """The highlighter only stems words that contain a query stem; that relies on this."""
    rng = random.Random(9)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤ"
    affixed = ["وال", "بال", "لل", "ف", "ك"]
    for _ in range(5000):
        core = "".join(rng.choice(letters) for _ in range(rng.randint(2, 7)))
        word = rng.choice(["", *affixed]) + core + rng.choice(["", "ها", "هم", "ات", "ين", "ه", "تهم"])
        assert light_stem(word) in word


def test_fold_words_is_normalize() -> None:
    words = ["أَحْمَدُ", "ـــ", "٣٤٥", "ﻻ", "ﺍﻟﺴﻼﻡ", "ٱلله", "إلى", "مدرسة", "ی‌ک", "ﷺ", "x"]
    assert fold_words(words) == {w: normalize(w) for w in words}
