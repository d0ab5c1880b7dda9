"""Numbers in Arabic text: value, surface text, what they count, approximate flag."""

from __future__ import annotations

import re

from indexer.models import NumberMention
from indexer.text.normalize import fold_digits

_NUM = re.compile(r"(?<![\w+])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)(?![\w+])")
_SCALES = {"الف": 1e3, "ألف": 1e3, "آلاف": 1e3, "الاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9}
_APPROX = ("نحو", "قرابة", "حوالي", "حوالى", "أكثر من", "اكثر من", "أقل من", "زهاء", "ما يقارب", "يقارب", "يقترب من")


def extract_numbers(text: str) -> list[NumberMention]:
    folded = fold_digits(text)
    out: list[NumberMention] = []
    for match in _NUM.finditer(folded):
        raw = match.group(1)
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw) and raw.count(raw[-4]) >= 1 and len(raw.split(raw[-4])) > 2:
            value = float(raw.replace(".", "").replace(",", ""))
        else:
            value = float(raw.replace(",", "."))
        after = folded[match.end():].split()
        before = folded[: match.start()].rstrip()
        counted = None
        if after:
            word = after[0].strip(".,،:؛")
            if word in _SCALES:
                value *= _SCALES[word]
                after = after[1:]
            if after:
                counted = after[0].strip(".,،:؛\"'") or None
        approximate = before.endswith(_APPROX)
        out.append(NumberMention(value=value, text=raw, counted=counted, approximate=approximate))
    return out
