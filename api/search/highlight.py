"""Highlighting: qawl marks matches itself, and its output is safe to insert as HTML.

Meilisearch can only highlight the words it matched in the field it searched; a claim found
through its stemmed field (``بالمرتزقة`` -> ``مرتزق``) would show no mark at all. ``mark_matches``
marks, in the *surface* text, every word whose normalized form equals a query word (a prefix of the
last query word, as Meilisearch matches it), whose stem equals a query stem, or that is one typo
away from a long query word. ``safe_highlight`` then escapes everything but the marks.

It runs on every search with a query, so it is built for speed (``Highlighter``): the texts of a
page are marked together and folded as one string; the places a word can match are found in it with
``str.find`` (a query word, a stem, the last word as a prefix) and one cached regular expression per
long query word (words starting with its head, one letter longer or shorter at most: what a typo
keeps), and only the space-separated tokens holding them are cut out of the page and looked at word
by word - on real result pages a few dozen of ~1,000 tokens. Each distinct token is analysed (words,
folded forms) once per process, each distinct folded word decided once per query (and remembered
for the query's next request); typos are found by rapidfuzz's C loop, and the stemmer - costly on
the first sight of a word - only runs for words that contain a query stem. Pages that cannot be
folded in one go (Arabic presentation forms, zero-width joiners) take the token-by-token path.
"""

from __future__ import annotations

import html
import operator
import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, repeat

from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.text.normalize import FOLD_REMOVES, fold_chars, normalize_many
from indexer.text.stem import light_stem

# a word as written: letters/digits plus the marks the normalizer removes (harakat, tatweel)
_WORD = re.compile(r"[\w\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_SPLIT = re.compile(f"({_WORD.pattern})")  # re.split: text between words at even indices, words at odd
_ZWSP = "\u200b"
_PAGE_SEP = " \x00 "  # between the texts of a page folded as one string (a token of its own)


@dataclass(frozen=True)
class QueryTerms:
    """What a query matches: normalized surface words, their stems, and the word typed last."""

    words: frozenset[str]
    stems: frozenset[str]
    last: str = ""
    typo_min_len: int = 5
    # query words long enough for a typo (Meilisearch counts typos per query word)
    _typo_words: tuple[str, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        long = tuple(sorted(w for w in self.words if len(w) >= self.typo_min_len))
        object.__setattr__(self, "_typo_words", long)

    @property
    def needles(self) -> set[str]:
        """What a matching word contains unless it matches by a typo: a query word, a stem (a
        light stem is a substring of its word), the last query word (matched as a prefix)."""
        last = (self.last,) if len(self.last) >= 2 else ()
        return {n for n in chain(self.words, self.stems, last) if n}

    def typo_patterns(self) -> list[re.Pattern[str]]:
        """Per long query word, a pattern of the folded words that can be one typo away from it:
        they start a word with its head and are at most one letter longer or shorter."""
        return [_typo_pattern(typo_head(w), len(w)) for w in self._typo_words]

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
        return bool(self.typos([word]))

    def typos(self, candidates: Sequence[str]) -> set[str]:
        """The ``candidates`` one typo away from a query word of ``typo_min_len`` letters or more:
        one substitution, insertion, deletion or swap of neighbours (Damerau-Levenshtein as
        Meilisearch counts it), never on the first letter - Meilisearch counts a first-letter
        typo as two, and its tokenizer splits a leading ال off, so for ال-words the letter after
        it. The candidates are narrowed by that head in a C loop (compress/map), and the edit
        distances computed by rapidfuzz's (C++), not one Python call per word."""
        out: set[str] = set()
        for w in self._typo_words:
            head = typo_head(w)
            near = list(compress(candidates, map(str.startswith, candidates, repeat(head))))
            if not near:
                continue
            for found, _score, _i in process.extract(w, near, scorer=OSA.distance, score_cutoff=1, limit=None):
                if found != w:
                    out.add(found)
        return out


_typo_patterns: dict[tuple[str, int], re.Pattern[str]] = {}


def _typo_pattern(head: str, length: int) -> re.Pattern[str]:
    """Words of ``length`` +- 1 letters starting with ``head`` (after a non-word character or at
    the start). The head comes first, so the search runs at ``str.find`` speed; compiled once per
    process per head and length (a few dozen letters times word lengths)."""
    key = (head, length)
    pattern = _typo_patterns.get(key)
    if pattern is None:
        h = re.escape(head)
        rest = length - len(head)
        pattern = _typo_patterns[key] = re.compile(f"{h}(?<!\\w{h})\\w{{{max(0, rest - 1)},{rest + 1}}}(?!\\w)")
    return pattern


def typo_head(word: str) -> str:
    """The start of ``word`` a typo never touches: its first letter, or ال and the letter after."""
    return word[:3] if word.startswith("ال") and len(word) > 4 else word[:1]


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


def _removed_at(text: str) -> list[int]:
    """The offsets in ``text`` of the characters the fold removes, in order (a page has a few
    dozen: ``str.find`` for each such character present)."""
    out: list[int] = []
    for char in FOLD_REMOVES:
        if char in text:
            i = text.find(char)
            while i != -1:
                out.append(i)
                i = text.find(char, i + 1)
    out.sort()
    return out


# A text is cut at single spaces (``str.split``: C speed, and ``" ".join`` gives the text back
# exactly); each distinct such *token* is analysed once per process: its words as written
# (usually one: ``الحرمين،``), and their folded forms.
_TOKEN_CACHE = 200_000
_token_folds: dict[str, tuple[str, ...]] = {}  # token -> folded forms of its words


def _folds_of(tokens: list[str]) -> list[tuple[str, ...]]:
    """The folded words of each token: one lookup per token in the process-wide table, and the
    tokens not seen yet analysed together (``fold_words`` folds their words in one batch)."""
    folds = list(map(_token_folds.get, tokens))
    new = set(compress(tokens, map(operator.is_, folds, repeat(None))))
    if new:
        if len(_token_folds) + len(new) > _TOKEN_CACHE:
            _token_folds.clear()
        written = {t: _WORD.findall(t) for t in new}
        folded = fold_words({w for ws in written.values() for w in ws})
        for t, ws in written.items():
            _token_folds[t] = tuple([folded[w] for w in ws])
        folds = list(map(_token_folds.__getitem__, tokens))
    return folds  # type: ignore[return-value]  # every token is in the table now


_MEMO_QUERIES = 256  # queries whose word decisions are kept (popular queries come back)
_MEMO_WORDS = 8192  # decisions kept per query


@dataclass
class _Decisions:
    """The folded words already decided for one query, and those of them that match."""

    seen: set[str] = field(default_factory=set)
    hits: set[str] = field(default_factory=set)


_memos: OrderedDict[tuple[QueryTerms, Callable[[str], str]], _Decisions] = OrderedDict()


def _memo_for(terms: QueryTerms, stem: Callable[[str], str]) -> _Decisions:
    """The decisions already taken for this query (least recently used queries are dropped)."""
    key = (terms, stem)
    memo = _memos.pop(key, None)
    if memo is None:
        memo = _Decisions()
    _memos[key] = memo
    if len(_memos) > _MEMO_QUERIES:
        _memos.popitem(last=False)
    return memo


class Highlighter:
    """Marks one query's matches in the texts of one page of hits.

    A page is marked in one go: the tokens that can match are found in the folded page, the folded
    words of those not decided yet for this query are decided together (set operations and
    comprehensions, not one function call per word), and the page is joined back with marks.
    Decisions are memoized per folded word, per query: popular queries come back with the same
    words.
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

    def _decide(self, folded: set[str]) -> None:
        """Memoize the decision for each of the ``folded`` words: ``QueryTerms.matches`` over
        the whole set at once."""
        terms, stem = self.terms, self.stem
        words, stems = terms.words, terms.stems
        hits = folded & words
        pool = list(folded - hits)  # the filters below are C loops (compress/map), not Python ones
        if stems:
            if stem is light_stem:
                # a light stem is a substring of its word: only words containing a query stem
                # can match by stem, and the (costly, on a first sight) stemmer runs for those
                holders: set[str] = set()
                for s in stems:
                    holders.update(compress(pool, map(str.__contains__, pool, repeat(s))))
                hits.update(f for f in holders if stem(f) in stems)
            else:
                hits.update(f for f in pool if f and stem(f) in stems)
        last = terms.last
        if len(last) >= 2:
            hits.update(compress(pool, map(str.startswith, pool, repeat(last))))
        if terms._typo_words:
            hits |= terms.typos(pool)
        hits.discard("")
        self._memo.seen |= folded
        self._memo.hits |= hits

    def mark_all(self, texts: list[str]) -> list[str]:
        """Each text with ``pre``/``post`` around each word the query matched (else unchanged).

        A literal ``pre``/``post`` already in a text is broken with a zero-width space so that it
        can never be taken for a mark by ``safe_highlight``.
        """
        safe = self.defused(texts)
        if self.stem is not light_stem:  # the page path relies on a light stem being a substring of its word
            return self._mark_tokens(safe)
        page = self._mark_page(safe)
        if page is not None:
            return page
        # some text cannot be folded in one go (presentation forms, direction marks): those take
        # the token path, the rest of the page the page path
        odd = [i for i, text in enumerate(safe) if "\x00" in text or fold_chars(text) is None]
        rest = sorted(set(range(len(safe))).difference(odd))
        marked = self._mark_page([safe[i] for i in rest]) if rest else []
        if marked is None:
            return self._mark_tokens(safe)
        out = list(safe)
        odd_marked = self._mark_tokens([safe[i] for i in odd])
        for i, text in chain(zip(rest, marked, strict=True), zip(odd, odd_marked, strict=True)):
            out[i] = text
        return out

    def defused(self, texts: list[str]) -> list[str]:
        """The texts with any literal ``pre``/``post`` broken by a zero-width space."""
        pre, post = self.pre, self.post
        safe: list[str] = []
        for text in texts:
            if pre and pre in text:
                text = text.replace(pre, pre[:1] + _ZWSP + pre[1:])
            if post and post in text:
                text = text.replace(post, post[:1] + _ZWSP + post[1:])
            safe.append(text)
        return safe

    def _mark_page(self, safe: list[str]) -> list[str] | None:
        """Mark a page by looking only at the tokens that can match; None when the page needs the
        token path (a text that ``fold_chars`` cannot fold in one go, or holding a NUL).

        The page is folded as one string (``fold_chars``: letter forms replaced one for one,
        harakat and tatweel removed, every space kept). A word can only match if its folded form
        contains a query word (as typed or as the prefix of the last one) or a query stem (a light
        stem is a substring of its word), or - for a typo - starts with the head of a long query
        word and is at most one letter longer or shorter. ``str.find`` and one cached regular
        expression per typo head and length find those places in the folded page; the tokens
        (space-separated) holding them are cut out of the page by offset (the offsets of the
        removed marks map folded offsets back), analysed and decided. The rest of the page is never
        cut into tokens: on real result pages a few dozen of ~1,000 tokens are looked at.
        """
        page = _PAGE_SEP.join(safe)
        if page.count("\x00") != len(safe) - 1:
            return None
        folded = fold_chars(page)
        if folded is None:
            return None
        removed = _removed_at(page)
        if len(folded) + len(removed) != len(page):  # fold_chars removes marks, replaces 1:1
            return None
        terms = self.terms
        starts: set[int] = set()  # offsets in ``folded`` of the tokens that can match
        for needle in terms.needles:
            i = folded.find(needle)
            while i != -1:
                starts.add(folded.rfind(" ", 0, i) + 1)
                end = folded.find(" ", i)
                if end == -1:
                    break
                i = folded.find(needle, end)
        for pattern in terms.typo_patterns():
            starts.update(folded.rfind(" ", 0, m.start()) + 1 for m in pattern.finditer(folded))
        if not starts:
            return safe
        # the folded offset j is page offset j + (marks removed before it): the i-th removed mark
        # sat at folded offset removed[i] - i
        shift = [r - i for i, r in enumerate(removed)]
        spans: list[tuple[int, int]] = []
        for a in sorted(starts):
            b = folded.find(" ", a)
            if b == -1:
                b = len(folded)
            # a token starts right after its space (marks there belong to it) and ends at the next
            begin = a + bisect_right(shift, a - 1) if a else 0
            spans.append((begin, b + bisect_right(shift, b)))
        candidates = [page[begin:end] for begin, end in spans]
        folds = _folds_of(candidates)
        hit_words = self._hits(set(chain.from_iterable(folds)))
        if not hit_words:
            return safe
        out: list[str] = []
        at = 0
        for (begin, end), token, fold in zip(spans, candidates, folds, strict=True):
            if not hit_words.isdisjoint(fold):
                out.append(page[at:begin])
                out.append(self._mark_token(token, fold, hit_words))
                at = end
        if not out:
            return safe
        out.append(page[at:])
        return "".join(out).split(_PAGE_SEP)

    def _hits(self, words: set[str]) -> set[str]:
        """Those of ``words`` that match, deciding the ones this query has not seen yet."""
        memo = self._memo
        unknown = words - memo.seen
        if len(memo.seen) + len(unknown) > _MEMO_WORDS:  # a full memo starts over
            memo.seen.clear()
            memo.hits.clear()
            unknown = words
        if unknown:
            self._decide(unknown)
        return words & memo.hits

    def _mark_tokens(self, safe: list[str]) -> list[str]:
        """Mark a page token by token: every distinct token of the page is analysed."""
        cut = [text.split(" ") for text in safe]
        distinct = list(set().union(*cut))
        folds = _folds_of(distinct)  # C loops from here on
        hit_words = self._hits(set(chain.from_iterable(folds)))
        if not hit_words:
            return safe
        # tokens holding a matched word: their folds intersect the hits
        marked = {
            t: self._mark_token(t, f, hit_words)
            for t, f in compress(
                zip(distinct, folds, strict=True),
                map(operator.not_, map(hit_words.isdisjoint, folds)),
            )
        }
        keys = marked.keys()
        return [
            " ".join(map(marked.get, tokens, tokens)) if not keys.isdisjoint(tokens) else text
            for text, tokens in zip(safe, cut, strict=True)
        ]

    def _mark_token(self, token: str, folded: tuple[str, ...], hit_words: set[str]) -> str:
        if len(folded) == 1 and _WORD.fullmatch(token):
            return self.pre + token + self.post
        parts = _SPLIT.split(token)  # text between words at even indices, words at odd
        parts[1::2] = [
            self.pre + w + self.post if f in hit_words else w for w, f in zip(parts[1::2], folded, strict=True)
        ]
        return "".join(parts)

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
        (marker + " " if start > 0 else "") + " ".join(window) + (" " + marker if start + length < len(words) else "")
    )


def safe_highlight(formatted: str | None, fallback: str) -> str:
    """``formatted`` (``fallback`` marked by ``Highlighter`` with ``<mark>``, maybe cropped) with
    everything but its marks HTML-escaped; ``fallback`` escaped when there is no ``formatted``.
    A text with no ``&``, ``<`` or ``>`` (nearly every Arabic claim) has nothing to escape: its
    marked form is returned as it is."""
    if "<" not in fallback and ">" not in fallback and "&" not in fallback:
        return fallback if formatted is None else formatted
    if formatted is None:
        return html.escape(fallback, quote=False)
    parts = formatted.split("<mark>")
    out = [html.escape(parts[0], quote=False)]
    for part in parts[1:]:
        marked, _, rest = part.partition("</mark>")
        out.append("<mark>" + html.escape(marked, quote=False) + "</mark>" + html.escape(rest, quote=False))
    return "".join(out)
