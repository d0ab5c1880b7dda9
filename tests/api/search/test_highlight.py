"""Highlighting: what is marked, and that a page's distinct words are decided once."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable

from api.search.highlight import (
    Highlighter,
    QueryTerms,
    crop_marked,
    fold_words,
    mark_matches,
    safe_highlight,
    typo_head,
)
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


def _one_edit(a: str, b: str) -> bool:
    """Reference: Damerau-Levenshtein distance exactly 1 (substitution, insertion, deletion,
    transposition of neighbours), by brute force over the edits of ``b``."""
    letters = set(a) | set(b)
    edits = {b[:i] + b[i + 1 :] for i in range(len(b))}
    edits |= {b[:i] + c + b[i + 1 :] for i in range(len(b)) for c in letters}
    edits |= {b[:i] + c + b[i:] for i in range(len(b) + 1) for c in letters}
    edits |= {b[:i] + b[i + 1] + b[i] + b[i + 2 :] for i in range(len(b) - 1)}
    return a != b and a in edits


def test_one_typo_is_one_edit_from_a_long_query_word_never_on_its_first_letter() -> None:
    rng = random.Random(5)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    for k in range(3000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(5, 9)))
        if k % 3 == 0:
            word = "ال" + word[2:]
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
        # Meilisearch counts a typo on the first letter as two
        head = typo_head(word)
        expected = len(word) >= 5 and other.startswith(head) and _one_edit(other, word)
        assert t.one_typo(other) == expected, (word, other)
    assert not terms("حربية").one_typo("خربية")  # first letter
    assert terms("حربية").one_typo("حربيه") and terms("حربية").one_typo("حبرية")
    assert not terms("حربي").one_typo("حربا")  # a 4-letter query word below typo_min_len 5
    # Meilisearch splits ال off: the letter after it is the first letter
    assert terms("الحرمين").one_typo("الحرمبن") and not terms("الحرمين").one_typo("الخرمين")


def _reference_mark(text: str, t: QueryTerms) -> str:
    """One word at a time: every regex word whose folded form ``QueryTerms.matches``."""
    parts = re.split(r"([\w\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+)", text)
    parts[1::2] = [
        f"<mark>{w}</mark>" if normalize(w) and t.matches(normalize(w), light_stem) else w for w in parts[1::2]
    ]
    return "".join(parts)


def test_a_page_is_marked_like_word_by_word_matching() -> None:
    rng = random.Random(3)
    vocab = ["الحرمين،", "وزارة", "(الصحة)", "بالمرتزقة", "خادم/الحرمين", "حرب", "مستقر.", "٣٤",
             "الوضع", "\n", "السعوديه", "السعويده", "أعلنت", "x<mark>y"]  # fmt: skip
    t = terms("الحرمين", "السعوديه", "وزاره", stems=("حرم", "مرتزق"))
    page = ["  ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12))) for _ in range(60)]
    together = Highlighter(t, light_stem).mark_all(page)
    for text, marked in zip(page, together, strict=True):
        assert marked == _reference_mark(text.replace("<mark>", "<\u200bmark>"), t)
        clean = marked.replace("<mark>", "").replace("</mark>", "").replace("\u200b", "")
        assert clean == text
    assert any("<mark>" in m for m in together)


def test_the_page_path_marks_like_word_by_word_matching_and_falls_back() -> None:
    """Highlighter marks a page by looking only at the tokens that can match (``_mark_page``);
    it must mark exactly what the word-by-word reference marks, typos after punctuation and
    diacritics included (marks at either end of a token stay inside it: the page is cut by offsets
    mapped back from the folded page), and leave pages it cannot fold in one go to the token path."""
    rng = random.Random(11)
    vocab = ["الحرمين،", "وزارة", "(الصحة)", "بالمرتزقة", "خادم/الحرمين", "حرب", "الحَرْبِيَّة", "ـــ",
             "«السعويده»", "السعوديه", "قال:السعوديه", "والمرتزقين", "مرتزقا", "أعلنت", "٣٤", "وزارات",
             "الوضع", "", "x<mark>y", "الحرمبن", "ـالحرمين", "الحرمينُ", "ًوزاره", "بِالمرتزقةِ،", "الحرمينن",
             "الحرمينين", "الحرم", "(وزارهً)", "السعديه", "السعووديه", "(السعديه)", "السعدي"]  # fmt: skip
    t = terms("الحرمين", "السعوديه", "وزاره", "حرب", stems=("حرم", "مرتزق", "وزار"))
    seen: list[str] = []
    for _ in range(30):
        page = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 14))) for _ in range(20)]
        h = Highlighter(t, light_stem)
        direct = h._mark_page([text.replace("<mark>", "<\u200bmark>") for text in page])
        assert direct is not None  # clean pages take the page path
        marked = Highlighter(t, light_stem).mark_all(page)
        assert marked == direct
        for text, out in zip(page, marked, strict=True):
            assert out == _reference_mark(text.replace("<mark>", "<\u200bmark>"), t)
        seen.extend(marked)
    every = " ".join(seen)  # typos and words after punctuation inside a token were marked
    assert "«<mark>السعويده</mark>»" in every and "قال:<mark>السعوديه</mark>" in every
    assert "<mark>الحرمبن</mark>" in every and "<mark>بالمرتزقة</mark>" in every
    assert "<mark>ـالحرمين</mark>" in every and "<mark>الحرمينُ</mark>" in every and "<mark>ًوزاره</mark>" in every
    assert "<mark>الحرمينن</mark>" in every and "<mark>الحرمينين</mark>" not in every
    # typos one letter shorter or longer (no query word or stem in them), not two
    assert "<mark>السعديه</mark>" in every and "<mark>السعووديه</mark>" in every and "(<mark>السعديه</mark>)" in every
    assert "السعدي" in every and "<mark>السعدي</mark>" not in every
    for odd in (["ﻻ حرب"], ["حرب\u200dحرب"], ["حرب\x00حرب"]):
        assert Highlighter(t, light_stem)._mark_page(odd) is None
        assert Highlighter(t, light_stem).mark_all(odd) == [_reference_mark(odd[0], t)]
    # a page with a few such texts: those take the token path, the others the page path
    page = ["ﻻ حرب الحرمين", "الحرمين\u200f حرب", "السعديه حرب", "حرب\x00الحرمين", "(الحرمبن) وزارة", "وزاره"]
    assert Highlighter(t, light_stem).mark_all(page) == [_reference_mark(text, t) for text in page]


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


def _escaped_reference(formatted: str) -> str:
    """Everything but the marks escaped, piece by piece."""
    parts = re.split(r"(</?mark>)", formatted)
    return "".join(p if p in ("<mark>", "</mark>") else html.escape(p, quote=False) for p in parts)


def test_safe_highlight_escapes_all_but_the_marks() -> None:
    """Texts without ``& < >`` are returned as marked (nothing to escape); any other is escaped
    around its marks - the same output either way, cropped highlights included."""
    rng = random.Random(17)
    vocab = ["الحرمين", "وزارة", "حرب", "<b>", "a&b", "x<mark>y", "1 < 2", "»", "السعوديه", "&amp;", ">"]
    t = terms("الحرمين", "وزاره", "حرب", stems=("حرم",))
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 10))) for _ in range(300)]
    marked = Highlighter(t, light_stem).mark_all(texts)
    plain = 0
    for text, formatted in zip(texts, marked, strict=True):
        for out in (formatted, crop_marked(formatted, 3)):
            assert safe_highlight(out, text) == _escaped_reference(out)
        assert safe_highlight(None, text) == html.escape(text, quote=False)
        plain += not any(c in text for c in "&<>")
    assert 0 < plain < len(texts)
    assert safe_highlight("<mark>حرب</mark> قال", "حرب قال") == "<mark>حرب</mark> قال"
    assert safe_highlight(None, "<b>حرب</b>") == "&lt;b&gt;حرب&lt;/b&gt;"
