"""The one Arabic normalizer, used on documents at index time and on queries at search time.

The original text is always kept for display; this produces the folded form that is indexed
and searched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# harakat U+064B..U+065F, superscript alef U+0670, Quranic marks U+06D6..U+06ED, tatweel U+0640
_STRIP = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# fmt: off
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
# fmt: on
_SPACES = re.compile(r"\s+")
# the fold and the stripped marks together (no replacement is itself folded, so order is free)
_FOLD_STRIP = {
    **_FOLD,
    **dict.fromkeys([*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640]),
}
_FOLD_PAIRS = tuple((chr(k), v or "") for k, v in _FOLD_STRIP.items())
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}


def strip_diacritics(text: str) -> str:
    return _STRIP.sub("", text)


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """NFKC, harakat and tatweel removed, letter forms, digits and punctuation folded.

    Cached: extraction normalizes the same sentence and entity names several times (the claim key,
    then its stems; a name at each mention): ~40 % of the calls on real articles are repeats."""
    text = _fold_present(unicodedata.normalize("NFKC", text), _FOLD_PAIRS)
    return " ".join(text.split())  # str.split() and re's \s agree on Unicode whitespace


def _fold_present(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """The fold ``pairs`` applied to ``text``. str.translate with a dict looks every character up
    (slow for non-Latin text); a substring test per folded character plus str.replace for the
    few present is ~2x faster."""
    for char, repl in pairs:
        if char in text:
            text = text.replace(char, repl)
    return text


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, faster for many short texts (the words of a page of
    search hits): the folded characters are looked for once in all the texts together, and only
    those present are replaced text by text."""
    nfkc = [unicodedata.normalize("NFKC", t) for t in texts]
    joined = "\x00".join(nfkc)
    present = [(char, repl) for char, repl in _FOLD_PAIRS if char in joined]
    return [" ".join(_fold_present(text, present).split()) for text in nfkc]


# what the fold removes or turns into a space besides harakat and tatweel: such a character between
# two word characters makes the fold of the text differ from the folds of its words
_FOLD_JOINERS = "".join(
    c for c, r in _FOLD_PAIRS if r in ("", " ") and not 0x064B <= ord(c) <= 0x06ED and c != "\u0640"
)

# what ``fold_chars`` removes from a text it folds (harakat, superscript alef, Quranic marks,
# tatweel); every other character it folds is replaced by exactly one character
FOLD_REMOVES = "".join(c for c, r in _FOLD_PAIRS if r == "" and c not in _FOLD_JOINERS)


def fold_chars(text: str) -> str | None:
    """``normalize`` character by character, for a text that is already NFKC and holds no
    character the fold removes between words (zero-width joiners, direction marks) or turns into a
    space: then ``fold_chars(text)`` keeps every space of ``text`` and each word of it folds to the
    same string as ``normalize(word)``. None for any other text."""
    if not unicodedata.is_normalized("NFKC", text) or any(c in text for c in _FOLD_JOINERS):
        return None
    return _fold_present(text, _FOLD_PAIRS)


def fold_digits(text: str) -> str:
    """Only the digit folding (for number parsing on display text)."""
    return text.translate(_DIGITS)


_TOKEN = re.compile(r"[\w%]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Normalized word tokens."""
    return _TOKEN.findall(normalize(text))
