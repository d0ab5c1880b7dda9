"""Light Arabic stemming (Lucene ArabicLightStemmer style) with a stem-exclusion list.

Removes conjunction/preposition + article prefixes (و ف ب ك ل + ال, لل), pronoun suffixes and
sound plural/dual endings, never leaving fewer than 2-3 letters. Words in
``data/stem_exclusions.txt`` (names, words that over-stem) are kept as they are.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from indexer.text.normalize import tokens

_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "يه", "ه", "ي")


@lru_cache(maxsize=1)
def exclusions() -> frozenset[str]:
    text = resources.files("indexer").joinpath("data/stem_exclusions.txt").read_text(encoding="utf-8")
    return frozenset(
        w for line in text.splitlines() if (w := line.split("#", 1)[0].strip())
    )


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem one normalized word."""
    if word in exclusions() or not word.isalpha():
        return word
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


def stem_text(text: str) -> str:
    """Normalized, stemmed text of ``text`` (space-separated stems)."""
    return " ".join(stem(t) for t in tokens(text))
