from __future__ import annotations

import pytest

from indexer.extract.numbers import extract_numbers


def _one(text: str) -> tuple[float, str | None, bool, str | None]:
    (m,) = extract_numbers(text)
    return m.value, m.counted, m.approximate, m.unit


@pytest.mark.parametrize(
    ("text", "value", "counted", "approx"),
    [
        ("قتل 14 مرتزقاً من الفصائل", 14, "مرتزقا", False),
        ("بلغت الصادرات 154.6 مليون برميل", 154_600_000, "برميل", False),
        ("يبلغ عدد السكان 375.526.840 نسمة", 375_526_840, "نسمة", False),
        ("سجل المؤشر 935ر6 نقطة", 6.935, "نقطة", False),
        ("وصل نحو ١٢٣ لاجئا", 123, "لاجئا", True),
        ("من ألفي شخص", 2000, "شخص", False),
        ("قرابة ثلاثة آلاف جندي", 3000, "جندي", True),
        ("خمسة وعشرين مدنيا", 25, "مدنيا", False),
        ("سقط مئات المدنيين", 100, "المدنيين", True),
        ("حوالي 1,300 شخص", 1300, "شخص", True),
        ("أكثر من 2.5 مليار ريال", 2_500_000_000, "ريال", True),
    ],
)
def test_values_counted_and_approximate(
    text: str, value: float, counted: str, approx: bool
) -> None:
    got = _one(text)
    assert got[0] == pytest.approx(value)
    assert got[1] == counted
    assert got[2] is approx


def test_percent_currency_year() -> None:
    assert _one("ارتفع التضخم 5% خلال الربع")[3] == "percent"
    assert _one("بنسبة 12 في المئة")[:1] == (12.0,)
    assert _one("بنسبة 12 في المئة")[3] == "percent"
    assert _one("بقيمة 3 مليارات دولار")[0] == 3e9
    assert _one("بقيمة 3 مليارات دولار")[3] == "USD"
    assert _one("معاهدة الصداقة لعام 1997.")[3] == "year"


def test_ranges_share_what_they_count() -> None:
    got = extract_numbers("قتل بين 10 و20 جنديا")
    assert [(m.value, m.counted) for m in got] == [(10, "جنديا"), (20, "جنديا")]
    got = extract_numbers("من 2 إلى 3 أسابيع")
    assert [m.value for m in got] == [2, 3]
    assert got[0].counted == "أسابيع"


def test_digits_in_names_and_dates_are_not_quantities() -> None:
    assert extract_numbers("مفاوضات مجموعة 5+1 مع إيران") == []
    assert extract_numbers("لقاح كوفيد-19 وطائرات F-16") == []
    assert extract_numbers("اندلعت الاشتباكات في 27 أيلول/سبتمبر") == []
    assert extract_numbers("في الساعة 10:30 صباحا") == []
    assert extract_numbers("يوم الاثنين المقبل") == []


def test_teens_in_words_and_lists_of_years() -> None:
    def parsed(text: str) -> list[tuple[float, str | None, str | None]]:
        return [(n.value, n.counted, n.unit) for n in extract_numbers(text)]

    assert parsed("قتل ثلاثة عشر شخصا") == [(13.0, "شخصا", None)]
    assert parsed("بواقع لخمس عشرة إعادة") == [(15.0, "إعادة", None)]
    assert parsed("اثنا عشر لاعبا") == [(12.0, "لاعبا", None)]
    # a list of years is years, and a number never counts the next number
    assert parsed("في أعوام 2015 و2016 و2017، على أن") == [
        (2015.0, None, "year"),
        (2016.0, None, "year"),
        (2017.0, None, "year"),
    ]
    assert all(n.counted is None for n in extract_numbers("القرارات 1696 و1747 و1737"))
