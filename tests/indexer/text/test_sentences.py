from __future__ import annotations

from indexer.text.sentences import split_sentences


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_numbers_do_not_split() -> None:
    assert _texts("بلغ النمو 2.5 في المئة. وبلغ العدد 375.526.840 نسمة.") == [
        "بلغ النمو 2.5 في المئة.",
        "وبلغ العدد 375.526.840 نسمة.",
    ]
    assert len(_texts("سجل 935ر6 نقطة. ثم تراجع.")) == 2


def test_abbreviations() -> None:
    assert _texts("وقال د. محمد علي إن الوضع مستقر. وانتهى الاجتماع.") == [
        "وقال د. محمد علي إن الوضع مستقر.",
        "وانتهى الاجتماع.",
    ]
    assert len(_texts("زار وفد من U.S. Army الموقع. ثم غادر.")) == 2
    assert _texts("وقعت في عام 1997 م. وبعدها تغير كل شيء") == [
        "وقعت في عام 1997 م.",
        "وبعدها تغير كل شيء",
    ]


def test_quoted_speech_stays_whole() -> None:
    got = _texts('وقال: "لم نخف أبدا. ونسعى إلى إنهاء القتال". ثم غادر.')
    assert got == ['وقال: "لم نخف أبدا. ونسعى إلى إنهاء القتال".', "ثم غادر."]
    assert len(_texts("وقال: «العدد كبير. جدا» وأضاف أن الوضع صعب.")) == 1


def test_comma_joins_questions_glued_words_and_paragraphs() -> None:
    got = _texts("ضد يريفان., وفي هذا الشأن، كشف لافروف., وقال إنه قلق")
    assert got == ["ضد يريفان.", "وفي هذا الشأن، كشف لافروف.", "وقال إنه قلق"]
    assert _texts("هل هذا صحيح؟ نعم هو كذلك!") == ["هل هذا صحيح؟", "نعم هو كذلك!"]
    assert _texts("انتهت المفاوضات.وقال الوزير إنها فشلت") == [
        "انتهت المفاوضات.",
        "وقال الوزير إنها فشلت",
    ]
    sents = split_sentences("الفقرة الأولى\nالفقرة الثانية. وجملة")
    assert [(s.paragraph, s.index) for s in sents] == [(0, 0), (1, 1), (1, 2)]
    assert _texts("زوروا www.example.com للمزيد. شكرا") == ["زوروا www.example.com للمزيد.", "شكرا"]
