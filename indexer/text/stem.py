"""Arabic stemming for the ``*_stem`` search fields, with a stem-exclusion list.

Two stemmers, compared by ``scripts/compare_stemmers.py`` (retrieval through the real search path
on sampled sentences); ``DEFAULT_STEMMER`` is the one that measured better:

- ``light``: clitic and inflection removal in the spirit of Lucene's ArabicLightStemmer, made
  *consistent* so that a word and its prefixed/suffixed forms meet on one stem:
  1. one article complex (``وال فال بال كال لل ال``);
  2. one pronoun suffix (``هما كما هم هن كم كن ها نا ه ي``), then a ``ت`` that was a ta marbuta
     before the pronoun (``قادتهم`` -> ``قاد``, like ``قادة`` -> ``قاد``);
  3. one sound plural / dual / feminine ending (``ات ون ين ان يه ه``) and a final nisba ``ي``;
  4. one conjunction/preposition (``و ف ب ك ل``, and ``وب فب ول فل وك``) when 3+ letters remain.
  Stripping never leaves fewer than 2 letters.
- ``snowball``: the Snowball Arabic stemmer (PyStemmer), applied to normalized tokens.

Words listed in ``indexer/data/stem_exclusions.txt`` (names, words that over-stem such as ``آلية``)
are kept whole once their clitic prefixes are removed (``والية`` -> ``الية`` is not stemmed).
Everything here works on *normalized* text (see ``indexer.text.normalize``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Literal

from indexer.text.normalize import normalize, tokens

StemmerName = Literal["light", "snowball"]
DEFAULT_STEMMER: StemmerName = "light"

_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
_PRONOUNS = ("هما", "كما", "هم", "هن", "كم", "كن", "ها", "نا", "ه")
_ENDINGS = ("ات", "ون", "ين", "ان", "يه", "ه")
_PROCLITICS = ("و", "ف", "ب", "ك", "ل")
_MIN_STEM = 2
_MIN_AFTER_PROCLITIC = 3
MIN_PROCLITIC_CORE = 3


@lru_cache(maxsize=1)
def exclusions() -> frozenset[str]:
    """Normalized words the stemmer keeps whole (``indexer/data/stem_exclusions.txt``)."""
    text = (
        resources.files("indexer").joinpath("data/stem_exclusions.txt").read_text(encoding="utf-8")
    )
    return frozenset(
        normalize(w) for line in text.splitlines() if (w := line.split("#", 1)[0].strip())
    )


def _strip_suffix(word: str, suffixes: tuple[str, ...]) -> str | None:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return None


def _core(word: str, excluded: frozenset[str]) -> tuple[str, bool]:
    """Suffixes removed: one pronoun (and the ت it exposed), one plural/dual/feminine ending, a
    nisba ي. The flag says the result is an excluded word (kept whole)."""
    if word in excluded:
        return word, True
    fem_t = False
    stripped = _strip_suffix(word, _PRONOUNS)
    pronoun = word[len(stripped) :] if stripped is not None else ""
    if stripped is not None:
        if stripped in excluded:
            return stripped, True
        word = stripped
        fem_t = word.endswith("ت") and not word.endswith("ات") and len(word) >= 3
        if fem_t:
            word = word[:-1]  # ta marbuta written ت before the pronoun: قادتهم -> قاد
    # after ه (mostly a ta marbuta) only the feminine plural ات: مدينه is not مد + ين + ه
    endings = ("ات",) if pronoun == "ه" else _ENDINGS
    stripped = None if fem_t else _strip_suffix(word, endings)
    if stripped is not None:
        if stripped in excluded:
            return stripped, True
        if word.endswith(("ين", "ان")) and stripped.endswith("ت") and len(stripped) >= 3:
            stripped = stripped[:-1]  # feminine dual: معلمتين -> معلم
        word = stripped
    if word.endswith("ي") and len(word) > 3:  # nisba: روسي / روسيه / روسيين -> روس
        word = word[:-1]
        if word in excluded:
            return word, True
    return word, False


def _without_article(
    word: str, excluded: frozenset[str], proclitics: tuple[str, ...] = _PROCLITICS
) -> str:
    """A proclitic is removed only when what remains has a core of ``MIN_PROCLITIC_CORE``+ letters
    after its own suffixes are removed, so ``وذات`` meets ``ذات`` and ``بيتها`` meets ``بيت``;
    a conjunction (و ف) may be followed by one preposition (ب ك ل): ``وبالمرتزقة``."""
    core, hit = _core(word, excluded)
    if hit:
        return core
    for proclitic in proclitics:
        rest = word[len(proclitic) :]
        if word.startswith(proclitic) and len(rest) >= _MIN_AFTER_PROCLITIC:
            rest_core, rest_hit = _core(rest, excluded)
            if rest_hit or len(rest_core) >= MIN_PROCLITIC_CORE:
                then = ("ب", "ك", "ل") if proclitic in ("و", "ف") else ()
                return _without_article(rest, excluded, then)
    return core


@lru_cache(maxsize=300_000)
def light_stem(word: str) -> str:
    """Stem one normalized word with the light (clitic + inflection) stemmer."""
    if not word.isalpha() or len(word) <= _MIN_STEM:
        return word
    excluded = exclusions()
    if word in excluded:
        return word
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= _MIN_STEM:
            word = word[len(article) :]
            break
    if word.startswith("ال") and len(word) >= 5 and word not in excluded:
        word = word[2:]  # الالتزام -> التزام -> تزام, like التزام
    return _without_article(word, excluded)


@lru_cache(maxsize=1)
def _snowball() -> Callable[[str], str]:
    import Stemmer  # PyStemmer

    stemmer = Stemmer.Stemmer("arabic")
    stemmer.maxCacheSize = 100_000
    fn: Callable[[str], str] = stemmer.stemWord
    return fn


def snowball_stem(word: str) -> str:
    """Stem one normalized word with Snowball Arabic (PyStemmer)."""
    if not word.isalpha() or word in exclusions():
        return word
    if word.endswith("ه"):  # Snowball strips ة itself: give it back the letter normalization folded
        word = word[:-1] + "ة"
    return normalize(_snowball()(word))


STEMMERS: dict[str, Callable[[str], str]] = {"light": light_stem, "snowball": snowball_stem}


def stem(word: str, stemmer: StemmerName | None = None) -> str:
    """Stem one normalized word (``stemmer`` defaults to ``DEFAULT_STEMMER``)."""
    return STEMMERS[stemmer or DEFAULT_STEMMER](word)


def stem_tokens(text: str, stemmer: StemmerName | None = None) -> list[str]:
    # map() over the cached stemmer: no Python-level loop per token (article bodies: ~400 tokens)
    return list(map(STEMMERS[stemmer or DEFAULT_STEMMER], tokens(text)))


def stem_text(text: str, stemmer: StemmerName | None = None) -> str:
    """Normalized, stemmed text of ``text`` (space-separated stems)."""
    return " ".join(stem_tokens(text, stemmer))
