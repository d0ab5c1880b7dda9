"""Numbers in Arabic text: value at full scale, surface text, what they count, approximate flag.

Handles digits in any script (ASCII, Arabic-Indic, Persian), thousands separators
(``375.526.840``, ``1,300``, ``١٬٣٠٠``), decimals (``2.5``, ``٢٫٥``, the old decimal
mark ``935ر6`` = 6.935), number words (``ثلاثة``, ``ألفي``, ``خمسة وعشرين``, ``مئات``),
scales (``ألف``, ``مليون``,
``مليار``), percentages (``%``, ``في المئة``), currencies, ranges (``بين 10 و20``, ``10-20``) and
years (``عام 1997``). Digits inside names (``5+1``, ``كوفيد-19``, ``F-16``) and day-of-month numbers
of dates are not quantities.
"""

from __future__ import annotations

import itertools
import re

from indexer.models import NumberMention
from indexer.text.normalize import strip_diacritics

_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "٫": ".",
        "٬": ",",
        "٪": "%",
    }
)

_NON_ASCII_DIGIT = re.compile("[\u0660-\u066c\u06f0-\u06f9]")
SCALES: dict[str, float] = {}
for _words, _scale in (
    (("ألف", "الف", "آلاف", "الاف", "ألفا", "الفا", "ألاف"), 1e3),
    (("مليون", "ملايين", "مليونا", "ملیون"), 1e6),
    (("مليار", "مليارات", "مليارا", "بليون", "بلايين"), 1e9),
    (("تريليون", "تريليونات", "ترليون"), 1e12),
):
    for _w in _words:
        SCALES[_w] = _scale

# number words (no article ال: "الثلاثة" is rarely a count, "الاثنين" is Monday)
_UNITS = {
    "واحد": 1,
    "واحدة": 1,
    "اثنان": 2,
    "اثنين": 2,
    "اثنتان": 2,
    "اثنتين": 2,
    "إثنين": 2,
    "ثلاث": 3,
    "ثلاثة": 3,
    "أربع": 4,
    "أربعة": 4,
    "اربع": 4,
    "اربعة": 4,
    "خمس": 5,
    "خمسة": 5,
    "ست": 6,
    "ستة": 6,
    "سبع": 7,
    "سبعة": 7,
    "ثماني": 8,
    "ثمانية": 8,
    "ثمان": 8,
    "تسع": 9,
    "تسعة": 9,
    "عشر": 10,
    "عشرة": 10,
}
_TENS = {
    "عشرون": 20,
    "عشرين": 20,
    "ثلاثون": 30,
    "ثلاثين": 30,
    "أربعون": 40,
    "أربعين": 40,
    "اربعين": 40,
    "خمسون": 50,
    "خمسين": 50,
    "ستون": 60,
    "ستين": 60,
    "سبعون": 70,
    "سبعين": 70,
    "ثمانون": 80,
    "ثمانين": 80,
    "تسعون": 90,
    "تسعين": 90,
}
_HUNDREDS = {
    "مئة": 100,
    "مائة": 100,
    "مئتان": 200,
    "مئتين": 200,
    "مئتي": 200,
    "مائتي": 200,
    "مائتان": 200,
    "مائتين": 200,
    "ثلاثمئة": 300,
    "ثلاثمائة": 300,
    "أربعمئة": 400,
    "أربعمائة": 400,
    "اربعمائة": 400,
    "خمسمئة": 500,
    "خمسمائة": 500,
    "ستمئة": 600,
    "ستمائة": 600,
    "سبعمئة": 700,
    "سبعمائة": 700,
    "ثمانمئة": 800,
    "ثمانمائة": 800,
    "تسعمئة": 900,
    "تسعمائة": 900,
}
_DUAL_SCALES = {
    "ألفان": 2e3,
    "ألفين": 2e3,
    "ألفي": 2e3,
    "الفين": 2e3,
    "الفي": 2e3,
    "مليونان": 2e6,
    "مليونين": 2e6,
    "مليوني": 2e6,
    "ملياران": 2e9,
    "مليارين": 2e9,
    "ملياري": 2e9,
}
# vague quantities: a number word, approximate by nature
_VAGUE = {
    "عشرات": 10.0,
    "مئات": 100.0,
    "آلاف": 1e3,
    "الاف": 1e3,
    "ألوف": 1e3,
    "ملايين": 1e6,
    "مليارات": 1e9,
}
_TEEN = re.compile(
    r"^(أحد|إحدى|احد|اثنا|اثني|اثنتا|اثنتي|ثلاث|ثلاثة|أربع|أربعة|خمس|خمسة|ست|ستة|سبع|سبعة|ثماني|ثمانية|تسع|تسعة)$"
)
_TEEN_VALUE = {"أحد": 1, "إحدى": 1, "احد": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}

NUMBER_WORDS: dict[str, float] = {
    **_UNITS,
    **_TENS,
    **_HUNDREDS,
    **_DUAL_SCALES,
    "ألف": 1e3,
    "مليون": 1e6,
    "مليار": 1e9,
}

PERCENT_AFTER = re.compile(r"^\s*(?:%|في\s*الما?ئ?ة|في\s*المئة|بالما?ئ?ة|بالمئة|بالمائة|في المائة)")
CURRENCIES = {
    "دولار": "USD",
    "دولارا": "USD",
    "دولارات": "USD",
    "يورو": "EUR",
    "ريال": "SAR",
    "ريالا": "SAR",
    "ريالات": "SAR",
    "درهم": "AED",
    "درهما": "AED",
    "دراهم": "AED",
    "دينار": "DIN",
    "دينارا": "DIN",
    "دنانير": "DIN",
    "جنيه": "EGP",
    "جنيها": "EGP",
    "جنيهات": "EGP",
    "ليرة": "LIRA",
    "ليرات": "LIRA",
    "روبل": "RUB",
    "يوان": "CNY",
    "ين": "JPY",
    "استرليني": "GBP",
    "إسترليني": "GBP",
    "فرنك": "CHF",
}
MONTHS = {
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ابريل",
    "إبريل",
    "مايو",
    "يونيو",
    "يونيه",
    "يوليو",
    "يوليه",
    "أغسطس",
    "اغسطس",
    "سبتمبر",
    "أكتوبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "آذار",
    "اذار",
    "نيسان",
    "أيار",
    "ايار",
    "حزيران",
    "تموز",
    "آب",
    "اب",
    "أيلول",
    "ايلول",
    "تشرين",
    "جانفي",
    "فيفري",
    "أفريل",
    "ماي",
    "جوان",
    "جويلية",
    "أوت",
    "محرم",
    "صفر",
    "ربيع",
    "جمادى",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذي",
    "ذو",
}
_YEAR_CUES = (
    "أعوام",
    "الأعوام",
    "عام",
    "العام",
    "لعام",
    "سنة",
    "السنة",
    "لسنة",
    "بعام",
    "منذ",
    "خلال",
    "حتى",
    "مطلع",
    "أواخر",
    "أوائل",
    "نهاية",
    "بداية",
)
APPROX_BEFORE = (
    "نحو",
    "ونحو",
    "بنحو",
    "لنحو",
    "قرابة",
    "وقرابة",
    "بقرابة",
    "حوالي",
    "حوالى",
    "بحوالي",
    "وحوالي",
    "زهاء",
    "أكثر من",
    "اكثر من",
    "أقل من",
    "اقل من",
    "ما يقارب",
    "يقارب",
    "تقارب",
    "يقرب من",
    "ما يقرب من",
    "يقترب من",
    "ما يزيد عن",
    "ما يزيد على",
    "يزيد عن",
    "يزيد على",
    "يناهز",
    "ما يناهز",
    "ما لا يقل عن",
    "لا يقل عن",
    "أزيد من",
    "تقريبا",
    "قرابه",
    "أكثر",
    "أقل",
    "قرب",
)
APPROX_AFTER = ("تقريبا", "تقريبًا", "ونيف", "ونيّف", "أو أكثر")
# words that never are what a number counts
_NOT_COUNTED = {
    "من",
    "في",
    "إلى",
    "الى",
    "على",
    "عن",
    "مع",
    "و",
    "أو",
    "او",
    "أن",
    "إن",
    "التي",
    "الذي",
    "الذين",
    "كما",
    "حتى",
    "منذ",
    "بعد",
    "قبل",
    "خلال",
    "ثم",
    "بين",
    "حيث",
    "لكن",
    "فيما",
    "بينما",
    "هو",
    "هي",
    "وفي",
    "ومن",
    "مقابل",
    "عند",
    "عام",
    "سنة",
    "تقريبا",
    "فقط",
    "أي",
    "ما",
    "لا",
    "قد",
    "وقد",
}
_BASE_FORMS = {*NUMBER_WORDS, *_VAGUE, "أحد", "إحدى", "احد", "اثنا", "اثني", "اثنتا", "اثنتي"}
_ALL_FORMS = frozenset(_BASE_FORMS | {p + w for w in _BASE_FORMS for p in "وبلفك"})
_NUM_RE = re.compile(
    r"(?<![A-Za-z0-9_+/.,:])"
    r"(\d+ر\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}|\d+(?:[.,]\d+)?)"
    r"(?![\w+]|[/:]\d|\.\d|,\d)"
)
_WORD_RE = re.compile(r"[\w\u0621-\u064a]+")
_PROCLITIC = ("و", "ب", "ل", "ف", "ك")
_VERBISH = re.compile(
    r"^(?:جرى|جرت|تم|تمت|كان|كانت|بلغ|بلغت|وصل|وصلت|وصلوا|قتل|قتلوا|أصيب|أصيبوا|سقط|سقطوا|يتم|تضم|يضم|فقط)$|^\S{2,}وا$"
)
_COUNT_OF = re.compile(r"(?:^|\s)(?:عدد|حصيلة)\s+([\u0621-\u064a]{3,})")
_RANGE_GAP = re.compile(r"^\s*(?:-|–|و|إلى|الى|حتى)\s*$")
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


def _parse_digits(raw: str) -> float:
    if "ر" in raw:  # old decimal mark: "935ر6" is 6.935 (fraction written first)
        frac, whole = raw.split("ر")
        return float(f"{whole}.{frac}")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return float(raw.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", raw):
        return float(raw.replace(".", ""))
    if "," in raw:
        whole, frac = raw.split(",")
        if len(frac) == 3 and whole != "0":
            return float(whole + frac)  # "1,300"
        return float(f"{whole}.{frac}")  # "2,5" decimal comma
    return float(raw)


def _bare(word: str) -> str:
    return word.strip(".,،:؛\"'«»()[]!?؟-")


def _word_value(word: str) -> float | None:
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if len(word) > 3 and word[0] in _PROCLITIC and word[1:] in NUMBER_WORDS:
        return NUMBER_WORDS[word[1:]]
    return None


def _counted_after(words: list[str]) -> str | None:
    for word in words[:1]:
        bare = _bare(word)
        if (
            not bare
            or bare in _NOT_COUNTED
            or any(c.isdigit() for c in bare)  # "و2017" in a list of years is not a noun
            or bare.isascii()  # "13 Old Town": a Latin word is no counted noun
            or len(bare) < 2
            or _VERBISH.match(bare)
        ):
            return None
        return bare
    return None


_DIGIT_DASH_END = re.compile(r"\d\s*-\s*$")
_DASH_DIGIT_START = re.compile(r"^\s*-\s*\d")
_LATIN_END = re.compile(r"[A-Za-z]\s?-?$")
_SLASH_DIGIT_START = re.compile(r"^[/:]\d")
_DIGIT_SLASH_END = re.compile(r"\d[/:]$")
_APPROX_AFTER_RE = re.compile(r"^\s*\S*\s*(?:" + "|".join(map(re.escape, APPROX_AFTER)) + ")")


def _approx_before(before: str) -> bool:
    tail = before[-24:].rstrip(" ،,")
    return any(tail.endswith(cue) for cue in APPROX_BEFORE)


def extract_numbers(text: str) -> list[NumberMention]:
    """Every quantity in ``text`` (display text: diacritics and digit scripts are handled here)."""
    folded = strip_diacritics(text)
    if _NON_ASCII_DIGIT.search(folded):
        folded = folded.translate(_DIGITS)
    found: list[tuple[int, NumberMention]] = []
    taken: list[tuple[int, int]] = []

    for match in _NUM_RE.finditer(folded):
        raw = match.group(1)
        start, end = match.span(1)
        before = folded[:start]
        after_text = folded[end:]
        after = after_text.split()
        if before and before[-1].isalpha():  # noqa: SIM102
            # Arabic letters glued before digits: only a one-letter proclitic ("و20", "ب5")
            if before[-1] not in _PROCLITIC or (len(before) > 1 and not before[-2].isspace()):
                continue
        prev_words = before.split()
        prev = _bare(prev_words[-1]) if prev_words else ""
        nxt = _bare(after[0]) if after else ""
        # digits inside names: "5+1", "كوفيد-19", "F-16", "G20", "إس-400"
        if before.endswith(("+", "-", "/")) or after_text.startswith(("+", "-")):  # noqa: SIM102
            if not _DIGIT_DASH_END.search(before[-32:]) and not _DASH_DIGIT_START.match(after_text):
                continue
        if _LATIN_END.search(before[-2:]) and not before.endswith(" "):
            continue
        # dates: a day of month before a month name, a time "10:30", a "/" date
        if nxt.split("/")[0] in MONTHS or (
            len(after) > 1 and _bare(after[0]) in ("من", "شهر") and _bare(after[1]) in MONTHS
        ):
            continue
        if _SLASH_DIGIT_START.match(after_text) or _DIGIT_SLASH_END.search(before[-2:]):
            continue
        try:
            value = _parse_digits(raw)
        except ValueError:
            continue
        unit: str | None = None
        counted: str | None = None
        approximate = _approx_before(before)
        span_end = end
        rest = after
        # year: 4 digits with a year cue, or after a month name, or "1997م"
        if (
            _YEAR.match(raw)
            and (
                prev in _YEAR_CUES
                or prev in MONTHS
                or "/" in prev
                or nxt in ("م", "هـ", "ه")
                # "أعوام 2015 و2016 و2017": the next of a list of years
                or (found and found[-1][1].unit == "year" and before.endswith("و"))
                or ((not nxt or nxt in _NOT_COUNTED) and not rest[1:2])
            )
        ):
            if prev in MONTHS or "/" in prev:
                continue  # part of a full date: dates.py handles it
            unit = "year"
            found.append(
                (
                    start,
                    NumberMention(
                        value=value, text=raw, counted=None, approximate=False, unit=unit
                    ),
                )
            )
            taken.append((start, end))
            continue
        # scale word
        if rest and _bare(rest[0]) in SCALES:
            value *= SCALES[_bare(rest[0])]
            span_end = end + after_text.find(rest[0]) + len(rest[0])
            rest = rest[1:]
        pct = PERCENT_AFTER.match(folded[span_end:])
        if pct or folded[span_end : span_end + 1] == "%":
            unit = "percent"
            counted = "%"
            span_end += pct.end() if pct else 1
        elif rest and _bare(rest[0]) in CURRENCIES:
            unit = CURRENCIES[_bare(rest[0])]
            counted = _bare(rest[0])
        elif before.rstrip().endswith("$"):
            unit = "USD"
            counted = "دولار"
        else:
            counted = _counted_after(rest)
            if counted and counted in SCALES:
                counted = None
            if counted is None:
                of = _COUNT_OF.search(before[-120:])
                counted = of.group(1) if of else None
        if not approximate:
            tail = folded[span_end : span_end + 20]
            approximate = bool(_APPROX_AFTER_RE.match(tail))
        surface = folded[start:span_end].strip()
        found.append(
            (
                start,
                NumberMention(
                    value=value, text=surface, counted=counted, approximate=approximate, unit=unit
                ),
            )
        )
        taken.append((start, span_end))

    found.extend(_number_words(folded, taken))
    found.sort(key=lambda x: x[0])
    _share_ranges(folded, found)
    return [m for _, m in found]


def _share_ranges(folded: str, found: list[tuple[int, NumberMention]]) -> None:
    """In "بين 10 و20 جنديا" / "من 2 إلى 3 أسابيع" / "10-20" the first bound counts what the second does."""
    for (s1, m1), (s2, m2) in itertools.pairwise(found):
        gap = folded[s1 + len(m1.text) : s2]
        if _RANGE_GAP.match(gap) and m1.unit is None and m2.unit != "year":
            m1.counted = m2.counted
            m1.unit = m2.unit
            m1.approximate = m1.approximate or m2.approximate


def _number_words(folded: str, taken: list[tuple[int, int]]) -> list[tuple[int, NumberMention]]:
    """Quantities written in words: "ثلاثة آلاف جندي", "ألفي شخص", "خمسة وعشرين", "مئات المدنيين"."""
    out: list[tuple[int, NumberMention]] = []
    if _ALL_FORMS.isdisjoint(folded.split()) and _ALL_FORMS.isdisjoint(_WORD_RE.findall(folded)):
        return out
    words = list(_WORD_RE.finditer(folded))
    i = 0
    while i < len(words):
        w = words[i].group(0)
        start = words[i].start()
        if any(a <= start < b for a, b in taken):
            i += 1
            continue
        value = _word_value(w)
        vague = False
        j = i + 1
        teen = w[1:] if len(w) > 3 and w[0] in _PROCLITIC and _TEEN.match(w[1:]) else w
        if _TEEN.match(teen) and i + 1 < len(words) and words[i + 1].group(0) in ("عشر", "عشرة"):
            # "ثلاثة عشر", "خمس عشرة", "لخمس عشرة": 13, 15
            value = float(_TEEN_VALUE.get(teen, NUMBER_WORDS.get(teen, 0))) + 10
            j = i + 2
        elif value is None and w in _VAGUE and not (i > 0 and words[i - 1].group(0) in ("عدة",)):
            value, vague = _VAGUE[w], True
        if value is None or (w in ("واحد", "واحدة") and not vague):
            i += 1
            continue
        # compound: "خمسة وعشرين", "مئة وخمسون", then a scale "ثلاثة آلاف", "مئتي ألف"
        while j < len(words):
            nxt = words[j].group(0)
            if nxt.startswith("و") and nxt[1:] in NUMBER_WORDS and not vague:
                value += NUMBER_WORDS[nxt[1:]]
                j += 1
                continue
            break
        if j < len(words) and words[j].group(0) in SCALES and not vague:
            value *= SCALES[words[j].group(0)]
            j += 1
        end = words[j - 1].end()
        counted = None
        if j < len(words):
            nxt = words[j].group(0)
            if (vague and nxt.startswith("ال")) or (
                not vague and nxt not in _NOT_COUNTED and len(nxt) > 1
            ):
                counted = nxt
        if vague and counted is None:
            # "الآلاف" alone / "عدة آلاف": still a vague quantity only with a noun after it
            i = j
            continue
        # a lone unit word ("ثلاث" in "ثلاث مرات" is fine, but "ست" / "عشر" alone are too ambiguous)
        if (
            not vague
            and value < 11
            and w in ("ست", "عشر", "ثمان", "خمس", "سبع", "تسع", "أربع", "ثلاث")
            and counted is None
        ):
            i = j
            continue
        approximate = vague or _approx_before(folded[:start])
        unit = CURRENCIES.get(counted or "")
        out.append(
            (
                start,
                NumberMention(
                    value=value,
                    text=folded[start:end],
                    counted=counted,
                    approximate=approximate,
                    unit=unit,
                ),
            )
        )
        i = j
    return out
