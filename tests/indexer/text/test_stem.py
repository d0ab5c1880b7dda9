"""Light stemming: a word and its prefixed / suffixed / plural forms meet on one stem."""

from __future__ import annotations

import pytest

from indexer.text.normalize import normalize
from indexer.text.stem import exclusions, light_stem, snowball_stem, stem_text


def s(word: str) -> str:
    return light_stem(normalize(word))


@pytest.mark.parametrize(
    "group",
    [
        [
            "مرتزقة",
            "المرتزقة",
            "بالمرتزقة",
            "والمرتزقة",
            "للمرتزقة",
        ],  # conjunction/preposition + ال
        ["الروسي", "والروسي", "روسي", "الروسية", "الروسيين"],  # nisba, plural
        ["قوات", "القوات", "قواتها", "قواتهم", "والقوات"],  # pronoun suffixes
        ["قادة", "قادتهم", "القادة"],  # ta marbuta written ت before a pronoun
        ["معلم", "المعلمين", "معلمون", "معلمان", "معلمة", "معلمات", "معلمتين"],  # plural / dual
        ["حكومة", "الحكومة", "حكومتها", "الحكومات", "وحكومات"],
        ["لجنة", "اللجنة", "لجنتها", "واللجنة"],
        ["ذات", "وذات"],  # a proclitic before a short word
        ["بيت", "البيت", "وبيت"],  # a word that starts with ب keeps it
        ["التزام", "الالتزام", "بالتزام"],
    ],
)
def test_forms_meet_on_one_stem(group: list[str]) -> None:
    stems = {s(w) for w in group}
    assert len(stems) == 1, dict(zip(group, [s(w) for w in group], strict=True))


def test_known_limits_of_a_light_stemmer() -> None:
    """Documented trade-offs (measured by scripts/compare_stemmers.py): a proclitic is kept when
    what remains would be a 2-letter core, and ت before a pronoun is read as a ta marbuta."""
    assert s("بقوات") != s("قوات")
    assert s("بيتها") != s("بيت")


def test_distinct_words_stay_distinct() -> None:
    assert s("المدينة") != s("الدين")
    assert s("قوات") != s("قادة")
    assert s("بيت") != s("بيان")


def test_exclusions_are_kept_whole() -> None:
    assert "اليه" in exclusions()  # آلية, normalized
    assert s("آلية") == s("والآلية") == "اليه"
    assert s("لبنان") == s("لبنانية") == s("اللبنانيين") == "لبنان"
    assert s("بسورية") == s("سورية") == "سوريه"


def test_short_and_non_words_untouched() -> None:
    assert s("في") == "في"
    assert light_stem("2000") == "2000"
    assert light_stem("Putin") == "Putin"


def test_stem_text_normalizes_first() -> None:
    assert stem_text("بالمرتزقةِ ٢٠٠٠") == f"{s('مرتزقة')} 2000"


def test_snowball_is_available_for_comparison() -> None:
    assert snowball_stem("المعلمين") != "المعلمين"
