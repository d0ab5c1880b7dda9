"""The one Arabic normalizer, used on documents at index time and on queries at search time.

The original text is always kept for display; this produces the folded form that is indexed
and searched.
"""

from __future__ import annotations

import re
import unicodedata

# harakat U+064B..U+065F, superscript alef U+0670, Quranic marks U+06D6..U+06ED, tatweel U+0640
_STRIP = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
        "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",
        "ة": "ه", "ۃ": "ه", "ە": "ه", "ھ": "ه",
        "ک": "ك", "ڪ": "ك",
        # Arabic-Indic and Persian (extended) digits -> ASCII
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        # Arabic punctuation and quote marks unified
        "،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ",", "۔": ".",
        "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "‛": "'",
        "‹": '"', "›": '"',
        "\u200c": " ", "\u200d": "", "\u200e": "", "\u200f": "", "\ufeff": "",
    }
)
_SPACES = re.compile(r"\s+")
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}


def strip_diacritics(text: str) -> str:
    return _STRIP.sub("", text)


def normalize(text: str) -> str:
    """NFKC, harakat and tatweel removed, letter forms, digits and punctuation folded."""
    text = unicodedata.normalize("NFKC", text)
    text = _STRIP.sub("", text)
    text = text.translate(_FOLD)
    return _SPACES.sub(" ", text).strip()


def fold_digits(text: str) -> str:
    """Only the digit folding (for number parsing on display text)."""
    return text.translate(_DIGITS)


_TOKEN = re.compile(r"[\w%]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Normalized word tokens."""
    return _TOKEN.findall(normalize(text))
