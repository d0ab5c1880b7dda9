"""Highlighting: qawl marks matches itself, and its output is safe to insert as HTML.

Meilisearch can only highlight the words it matched in the field it searched; a claim found
through its stemmed field (``بالمرتزقة`` -> ``مرتزق``) would show no mark at all. ``mark_matches``
marks, in the *surface* text, every word whose normalized form equals a query word (a prefix of the
last query word, as Meilisearch matches it), whose stem equals a query stem, or that is one typo
away from a long query word. ``safe_highlight`` then escapes everything but the marks.

It runs on every search with a query, so it is built for speed (``Highlighter``): the texts of a
page are marked together, each distinct word is decided once per query (and remembered for the
query's next request), words are folded in one batch (``fold_words``), and the stemmer - costly on
the first sight of a word - only runs for words that contain a query stem.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from indexer.text.normalize import normalize_many
from indexer.text.stem import light_stem

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
    # query words long enough for a typo, by length (a word one edit away differs by <= 1 letter)
    _typo_words: dict[int, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    # (length, first letter) / (length, last letter) of the words that could be one typo away
    _typo_firsts: frozenset[tuple[int, str]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _typo_lasts: frozenset[tuple[int, str]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        by_len: dict[int, list[str]] = {}
        for w in sorted(self.words):
            if len(w) >= self.typo_min_len:
                by_len.setdefault(len(w), []).append(w)
        object.__setattr__(self, "_typo_words", {n: tuple(ws) for n, ws in by_len.items()})
        near = [(m, w) for n, ws in by_len.items() for w in ws for m in (n - 1, n, n + 1)]
        object.__setattr__(self, "_typo_firsts", frozenset((m, w[0]) for m, w in near))
        object.__setattr__(self, "_typo_lasts", frozenset((m, w[-1]) for m, w in near))

    def may_be_one_typo(self, word: str) -> bool:
        """A cheap necessary condition for ``one_typo`` (one edit never changes both the first
        and the last letter of a word of 3+ letters, nor its length by more than one)."""
        n = len(word)
        if n < self.typo_min_len or not self._typo_words:
            return False
        return n < 3 or (n, word[0]) in self._typo_firsts or (n, word[-1]) in self._typo_lasts

    def matches(self, word: str, stem: Callable[[str], str]) -> bool:
        """Does the normalized ``word`` match: as typed, as a prefix of the last query word, by
        stem, or one typo away from a long query word (as Meilisearch's typo tolerance does)."""
        if word in self.words:
            return True
        if self.last and len(self.last) >= 2 and word.startswith(self.last):
            return True
        if stem(word) in self.stems:
            return True
        return self.one_typo(word)

    def one_typo(self, word: str) -> bool:
        n = len(word)
        if n < self.typo_min_len:
            return False
        for m in (n - 1, n, n + 1):
            for w in self._typo_words.get(m, ()):
                # one edit never changes both the first and the last letter of words this long
                if (n < 3 or word[0] == w[0] or word[-1] == w[-1]) and _one_edit(word, w):
                    return True
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


_SPLIT = re.compile(f"({_WORD.pattern})")  # re.split: text between words at even indices, words at odd


_FOLD_CACHE = 200_000


def fold_words(written: Iterable[str]) -> dict[str, str]:
    """``normalize`` of each word, for many words at once (``normalize_many`` on the words not
    seen yet). Results are cached (the vocabulary of hits repeats)."""
    out: dict[str, str] = {}
    new: list[str] = []
    for w in written:
        f = _folded.get(w)
        if f is None:
            new.append(w)
        else:
            out[w] = f
    if not new:
        return out
    if len(_folded) + len(new) > _FOLD_CACHE:
        _folded.clear()
    for w, f in zip(new, normalize_many(new), strict=True):
        out[w] = _folded[w] = f
    return out


_folded: dict[str, str] = {}


_MEMO_QUERIES = 256  # queries whose word decisions are kept (popular queries come back)
_MEMO_WORDS = 8192  # decisions kept per query
_memos: OrderedDict[tuple[QueryTerms, Callable[[str], str]], dict[str, bool]] = OrderedDict()


def _memo_for(terms: QueryTerms, stem: Callable[[str], str]) -> dict[str, bool]:
    """The decisions already taken for this query (least recently used queries are dropped)."""
    key = (terms, stem)
    memo = _memos.pop(key, None)
    if memo is None:
        memo = {}
    _memos[key] = memo
    if len(_memos) > _MEMO_QUERIES:
        _memos.popitem(last=False)
    return memo


class Highlighter:
    """Marks one query's matches in the texts of one page of hits.

    A page is marked in one go: its texts are split into words, the words not decided yet for
    this query are decided together (set operations and comprehensions over the distinct words,
    not one function call per word), and each text is joined back with the marks. Decisions are
    memoized per word *as written*, per query: popular queries come back with the same words.
    """

    __slots__ = ("_memo", "post", "pre", "stem", "terms")

    def __init__(
        self,
        terms: QueryTerms,
        stem: Callable[[str], str],
        pre: str = "<mark>",
        post: str = "</mark>",
    ) -> None:
        self.terms = terms
        self.stem = stem
        self.pre = pre
        self.post = post
        self._memo = _memo_for(terms, stem)

    def _decide(self, written: set[str]) -> None:
        """Memoize the decision for each of the ``written`` words: ``QueryTerms.matches`` over
        the whole set at once (comprehensions, not a function call per word: this runs for every
        new word of a page)."""
        terms, stem = self.terms, self.stem
        words, stems = terms.words, terms.stems
        folded = {w: f for w, f in fold_words(written).items() if f}
        if stem is light_stem and stems:
            # a light stem is a substring of its word: only words containing a query stem can
            # match by stem, and the (costly, on a first sight) stemmer runs for those only
            contains = re.compile("|".join(map(re.escape, sorted(stems)))).search
            hits = {
                w
                for w, f in folded.items()
                if f in words or (contains(f) is not None and stem(f) in stems)
            }
        else:
            hits = {w for w, f in folded.items() if f in words or stem(f) in stems}
        last = terms.last
        if len(last) >= 2:
            hits.update(w for w, f in folded.items() if f.startswith(last))
        if terms._typo_words:
            min_len, firsts, lasts = terms.typo_min_len, terms._typo_firsts, terms._typo_lasts
            maybe = [
                (w, f)
                for w, f in folded.items()
                if len(f) >= min_len
                and w not in hits
                and (len(f) < 3 or (len(f), f[0]) in firsts or (len(f), f[-1]) in lasts)
            ]
            hits.update(w for w, f in maybe if terms.one_typo(f))
        memo = self._memo
        memo.update(dict.fromkeys(written, False))
        memo.update(dict.fromkeys(hits, True))

    def mark_all(self, texts: list[str]) -> list[str]:
        """Each text with ``pre``/``post`` around each word the query matched (else unchanged).

        A literal ``pre``/``post`` already in a text is broken with a zero-width space so that it
        can never be taken for a mark by ``safe_highlight``.
        """
        pre, post = self.pre, self.post
        split: list[list[str]] = []
        for text in texts:
            if pre and pre in text:
                text = text.replace(pre, pre[:1] + _ZWSP + pre[1:])
            if post and post in text:
                text = text.replace(post, post[:1] + _ZWSP + post[1:])
            split.append(_SPLIT.split(text))
        memo = self._memo
        on_page = {w for parts in split for w in parts[1::2]}
        unknown = on_page.difference(memo)
        if len(memo) + len(unknown) > _MEMO_WORDS:  # a full memo starts over
            memo.clear()
            unknown = on_page
        if unknown:
            self._decide(unknown)
        out: list[str] = []
        for parts in split:
            written = parts[1::2]
            hits = [memo[w] for w in written]
            if any(hits):
                parts[1::2] = [
                    pre + w + post if hit else w for w, hit in zip(written, hits, strict=True)
                ]
            out.append("".join(parts))
        return out

    def mark(self, text: str) -> str:
        return self.mark_all([text])[0]


def mark_matches(
    text: str,
    terms: QueryTerms,
    stem: Callable[[str], str],
    pre: str = "<mark>",
    post: str = "</mark>",
) -> str:
    """One text marked (use one ``Highlighter.mark_all`` for the texts of one query)."""
    return Highlighter(terms, stem, pre, post).mark(text)


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
