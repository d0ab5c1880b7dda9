"""The one normalizer: each folding rule of issue 3, written out by hand."""

from __future__ import annotations

import pytest

from indexer.text.normalize import normalize, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("مَدِينَةٌ", "مدينه"),  # harakat removed, ة -> ه
        ("الـــحرب", "الحرب"),  # tatweel
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"),  # أ إ آ ٱ -> ا
        ("مصطفى", "مصطفي"),  # ى -> ي
        ("کتاب فارسی", "كتاب فارسي"),  # Persian ک ی -> ك ي
        ("عام ٢٠٠٠ و۱۹۹۷", "عام 2000 و1997"),  # Arabic-Indic and Persian digits
        ("قال: «نعم»، ولماذا؟", 'قال: "نعم", ولماذا?'),  # punctuation and quotes unified
        ("“هنا” ‘و’ هناك؛", "\"هنا\" 'و' هناك;"),
        ("ﻻ ﺑﺄﺱ", "لا باس"),  # presentation forms (NFKC), then hamza/alef folding
        ("قرآنٰ", "قران"),  # superscript alef U+0670
        ("  كلمتان\u200f  \n هنا ", "كلمتان هنا"),  # marks and spaces
    ],
)
def test_normalize_rules(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent_on_real_text() -> None:
    text = "وأفادت بأنَّ ١٤ مرتزقاً من الفصائل قُتلوا خلال السّاعات الماضية، في «ناغورنو كاراباخ»."
    once = normalize(text)
    assert normalize(once) == once
    assert "14" in once and "ً" not in once and "«" not in once


def test_tokens_drop_punctuation_and_keep_digits() -> None:
    assert tokens("قُتل ٢٣١ شخصاً، «أمس»!") == ["قتل", "231", "شخصا", "امس"]


def test_latin_and_emoji_pass_through() -> None:
    assert normalize("Putin 🚀 بوتين") == "Putin 🚀 بوتين"


def test_normalize_many_equals_normalize_word_by_word() -> None:
    from indexer.text.normalize import normalize, normalize_many

    words = ["أَحْمَدُ", "ـــ", "٣٤٥", "ﻻ", "ﺍﻟﺴﻼﻡ", "ٱلله", "ﷺ", "مدرسة", "«قال»", "۱۲", "", "ی"]
    assert normalize_many(words) == [normalize(w) for w in words]


def test_fold_chars_folds_each_word_as_normalize_and_keeps_the_spaces() -> None:
    import random
    import re

    from indexer.text.normalize import fold_chars

    word = re.compile(r"[\w\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
    pieces = ["أَحْمَدُ", "ـــ", "٣٤٥", "إلى", "مدرسة", "الحرمين،", "(الصحة)", "قال:«نعم»", "ى", "x"]
    rng = random.Random(5)
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        folded = fold_chars(text)
        assert folded is not None
        assert folded.count(" ") == text.count(" ")
        for surface, fold in zip(text.split(" "), folded.split(" "), strict=True):
            assert [w for w in (normalize(w) for w in word.findall(surface)) if w] == word.findall(fold)
    # texts it cannot fold in one go: presentation forms (NFKC), joiners between words, ZWNJ
    for text in ["ﻻ بأس", "كلمة\u200dكلمة", "می\u200cخواهم", "\ufeffنص"]:
        assert fold_chars(text) is None
