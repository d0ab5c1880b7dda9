"""Dates mentioned in a sentence, resolved against the article date when there is one.

``أمس`` / ``اليوم`` / ``غدا`` / weekday names -> the ISO day (the most recent such day on or
before the
article date); ``27 أيلول/سبتمبر`` / ``27 أكتوبر 2020`` -> ISO day (year from the article date when
missing); ``لعام 1997`` -> ``1997``; ``مايو الماضي`` -> ``YYYY-MM``. Without an article date the
relative expressions are kept as written (``الثلاثاء``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from indexer.text.normalize import strip_diacritics

_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)
MONTH_NUM = {
    "يناير": 1,
    "كانون الثاني": 1,
    "جانفي": 1,
    "فبراير": 2,
    "شباط": 2,
    "فيفري": 2,
    "مارس": 3,
    "آذار": 3,
    "اذار": 3,
    "أبريل": 4,
    "ابريل": 4,
    "إبريل": 4,
    "نيسان": 4,
    "أفريل": 4,
    "مايو": 5,
    "أيار": 5,
    "ايار": 5,
    "ماي": 5,
    "يونيو": 6,
    "يونيه": 6,
    "حزيران": 6,
    "جوان": 6,
    "يوليو": 7,
    "يوليه": 7,
    "تموز": 7,
    "جويلية": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "آب": 8,
    "أوت": 8,
    "سبتمبر": 9,
    "أيلول": 9,
    "ايلول": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "تشرين الأول": 10,
    "نوفمبر": 11,
    "تشرين الثاني": 11,
    "ديسمبر": 12,
    "كانون الأول": 12,
}
WEEKDAYS = {
    "الاثنين": 0,
    "الإثنين": 0,
    "الثلاثاء": 1,
    "الأربعاء": 2,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعة": 4,
    "السبت": 5,
    "الأحد": 6,
    "الاحد": 6,
}
RELATIVE = {"أمس": -1, "امس": -1, "البارحة": -1, "أول أمس": -2, "اليوم": 0, "غدا": 1, "غداً": 1}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTH_NUM), key=len, reverse=True))
_FULL = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+(?:من\s+)?(?:شهر\s+)?({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?(?:\s+(?:عام\s+|سنة\s+)?(\d{{4}}))?"
)
_MONTH_ONLY = re.compile(
    rf"(?:شهر\s+)?({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?\s+(?:(الماضي|المقبل|الحالي|الجاري)|(?:عام\s+)?(\d{{4}}))"
)
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_YEAR = re.compile(r"(?:عام|العام|لعام|سنة|لسنة|بعام)\s+(\d{4})(?!\d)")
_REL = re.compile(r"(?:^|(?<=[\s(]))[وب]?(أول أمس|أمس|امس|البارحة|اليوم|غداً|غدا)(?=[\s،,.)]|$)")
_WEEKDAY = re.compile(
    r"(?:^|(?<=[\s(]))(?:يوم\s+|[وب])?(" + "|".join(WEEKDAYS) + r")(?=[\s،,.)]|$)"
)


_NON_ASCII_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_ANY = re.compile(
    r"\d|أمس|امس|البارحة|اليوم|غدا|الاثنين|الإثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|الأحد|الاحد|"
    r"الماضي|المقبل|الحالي|الجاري"
)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, published: datetime | None = None) -> list[str]:
    t = strip_diacritics(text)
    if _NON_ASCII_DIGIT.search(t):
        t = t.translate(_DIGITS)
    if not _ANY.search(t):
        return []
    ref = published.date() if published else None
    out: list[str] = []

    def add(value: str) -> None:
        if value not in out:
            out.append(value)

    full_spans: list[tuple[int, int]] = []
    for m in _FULL.finditer(t):
        full_spans.append(m.span())
        day, month, year = int(m.group(1)), MONTH_NUM[m.group(2)], m.group(3)
        if year:
            d = _safe_date(int(year), month, day)
        elif ref:
            y = ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
            d = _safe_date(y, month, day)
        else:
            d = None
        add(d.isoformat() if d else f"{month:02d}-{day:02d}")
    for m in _NUMERIC.finditer(t):
        d = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            add(d.isoformat())
    for m in _MONTH_ONLY.finditer(t):
        if any(a <= m.start() < b for a, b in full_spans):
            continue
        month = MONTH_NUM[m.group(1)]
        if m.group(3):
            add(f"{m.group(3)}-{month:02d}")
        elif ref:
            rel = m.group(2)
            y = ref.year
            if rel == "الماضي" and month >= ref.month:
                y -= 1
            elif rel == "المقبل" and month <= ref.month:
                y += 1
            add(f"{y}-{month:02d}")
    for m in _YEAR.finditer(t):
        if not any(v.startswith(m.group(1)) for v in out):
            add(m.group(1))
    for m in _REL.finditer(t):
        word = m.group(1)
        add((ref + timedelta(days=RELATIVE[word])).isoformat() if ref else word)
    for m in _WEEKDAY.finditer(t):
        word = m.group(1)
        if ref:
            back = (ref.weekday() - WEEKDAYS[word]) % 7
            add((ref - timedelta(days=back)).isoformat())
        else:
            add(word)
    return out
