"""Highlighting: qawl marks matches itself, and its output is safe to insert as HTML.

Meilisearch can only highlight the words it matched in the field it searched; a claim found
through its stemmed field (``بالمرتزقة`` -> ``مرتزق``) would show no mark at all. ``mark_matches``
marks, in the *surface* text, every word whose normalized form equals a query word (a prefix of the
last query word, as Meilisearch matches it), whose stem equals a query stem, or that is one typo
away from a long query word. ``safe_highlight`` then escapes everything but the marks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from indexer.text.normalize import normalize

# a word as written: letters/digits plus the marks the normalizer removes (harakat, tatweel)
_WORD = re.compile(r"[\w\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_ZWSP = "\u200b"


@dataclass(frozen=True)
class QueryTerms:
    """What a query matches: normalized surface words, their stems, and the word typed last."""

    words: frozenset[str]
    stems: frozenset[str]
    last: str = ""
    typo_min_len: int = 5

    def matches(self, word: str, stem: Callable[[str], str]) -> bool:
        if word in self.words:
            return True
        if self.last and len(self.last) >= 2 and word.startswith(self.last):
            return True
        if stem(word) in self.stems:
            return True
        if len(word) >= self.typo_min_len:
            return any(len(w) >= self.typo_min_len and _one_edit(word, w) for w in self.words)
        return False


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1 (substitution, insertion, deletion, transposition)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


@lru_cache(maxsize=131_072)
def _fold_word(word: str) -> str:
    return normalize(word)


@lru_cache(maxsize=131_072)
def _word_matches(terms: QueryTerms, word: str, stem: Callable[[str], str]) -> bool:
    """Memoized per (query, word): a page of hits repeats most words, and queries repeat."""
    return terms.matches(word, stem)


def mark_matches(
    text: str,
    terms: QueryTerms,
    stem: Callable[[str], str],
    pre: str = "<mark>",
    post: str = "</mark>",
) -> str:
    """``text`` with ``pre``/``post`` around each word the query matched (text otherwise unchanged).

    A literal ``pre``/``post`` already in the text is broken with a zero-width space so that it can
    never be taken for a mark by ``safe_highlight``.
    """
    if pre:
        text = text.replace(pre, pre[:1] + _ZWSP + pre[1:])
    if post:
        text = text.replace(post, post[:1] + _ZWSP + post[1:])
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        word = _fold_word(m.group())
        if word and _word_matches(terms, word, stem):
            out.append(text[pos : m.start()])
            out.append(pre + m.group() + post)
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def crop_marked(marked: str, length: int, pre: str = "<mark>", marker: str = "…") -> str:
    """About ``length`` words of ``marked`` around its first mark (marks never span spaces)."""
    words = marked.split()
    if len(words) <= length:
        return marked
    first = next((i for i, w in enumerate(words) if pre and pre in w), 0)
    start = max(0, min(first - length // 2, len(words) - length))
    window = words[start : start + length]
    return (
        (marker + " " if start > 0 else "")
        + " ".join(window)
        + (" " + marker if start + length < len(words) else "")
    )


def terms_for(
    words: Iterable[str], stems: Iterable[str], last: str, typo_min_len: int
) -> QueryTerms:
    return QueryTerms(frozenset(words), frozenset(stems), last, typo_min_len)


def safe_highlight(formatted: str | None, fallback: str) -> str:
    if formatted is None:
        return html.escape(fallback, quote=False)
    parts = formatted.split("<mark>")
    out = [html.escape(parts[0], quote=False)]
    for part in parts[1:]:
        marked, _, rest = part.partition("</mark>")
        out.append(
            "<mark>" + html.escape(marked, quote=False) + "</mark>" + html.escape(rest, quote=False)
        )
    return "".join(out)
