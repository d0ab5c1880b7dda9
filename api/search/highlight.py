"""Highlighting: qawl marks matches itself, and its output is safe to insert as HTML.

Meilisearch can only highlight the words it matched in the field it searched; a claim found
through its stemmed field (``بالمرتزقة`` -> ``مرتزق``) would show no mark at all. ``mark_matches``
marks, in the *surface* text, every word whose normalized form equals a query word (a prefix of the
last query word, as Meilisearch matches it), whose stem equals a query stem, or that is one typo
away from a long query word. ``safe_highlight`` then escapes everything but the marks.

It runs on every search with a query, so it is built for speed (``Highlighter``): the texts of a
page are marked together, folded as one string and cut at spaces (not by a regular expression);
only the tokens whose folded form contains a query word or stem, or starts with the head of a
long query word (what a typo keeps), are looked at word by word - on real result pages a
fraction of them. Each distinct token is analysed (words, folded forms) once per process, each
distinct folded word decided once per query (and remembered for the query's next request);
typos are found by rapidfuzz's C loop, and the stemmer - costly on the first sight of a word -
only runs for words that contain a query stem. Pages that cannot be folded in one go (Arabic
presentation forms, zero-width joiners) take the token-by-token path.
"""

from __future__ import annotations

import html
import operator
import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, repeat

from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.text.normalize import fold_chars, normalize_many
from indexer.text.stem import light_stem

# a word as written: letters/digits plus the marks the normalizer removes (harakat, tatweel)
_WORD = re.compile(r"[\w\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_SPLIT = re.compile(f"({_WORD.pattern})")  # re.split: text between words at even indices, words at odd
_ZWSP = "\u200b"
_PAGE_SEP = " \x00 "  # between the texts of a page folded as one string (a token of its own)
_FEW = 40  # occurrences of a query word or stem in a page found one by one (else token by token)


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

    A page is marked in one go: its texts are cut into tokens at spaces, the folded words of the
    page's distinct tokens not decided yet for this query are decided together (set operations
    and comprehensions, not one function call per word), and only the texts holding a match are
    joined back with marks. Decisions are memoized per folded word, per query: popular queries
    come back with the same words.
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
        if self.stem is light_stem:  # the page path relies on a light stem being a substring of its word
            page = self._mark_page(safe)
            if page is not None:
                return page
        return self._mark_tokens(safe)

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

        The page is folded as one string (``fold_chars``: a few ``str.replace`` over the page, the
        same spaces as the original, so token i of one is token i of the other). A word can only
        match if its folded form contains a query word (as typed or as the prefix of the last
        one), a query stem (a light stem is a substring of its word) or, for a typo, starts with
        the head of a long query word; substring tests in C loops over the folded tokens find those
        tokens, and only they are analysed and decided - the rest of the page, usually most of it,
        is never looked at word by word.
        """
        page = _PAGE_SEP.join(safe)
        if page.count("\x00") != len(safe) - 1:
            return None
        folded = fold_chars(page)
        if folded is None:
            return None
        tokens = page.split(" ")
        ftokens = folded.split(" ")
        if len(tokens) != len(ftokens):  # fold_chars keeps every space; a cheap guard all the same
            return None
        terms = self.terms
        at = range(len(ftokens))
        found: set[int] = set()  # indices of the tokens that can match (C loops over the page)
        starts: list[int] | None = None  # offset of each token in the folded page
        last = [terms.last] if len(terms.last) >= 2 else []  # matched as a prefix

        def locate(needle: str, test: Callable[[str, str], bool], shift: int) -> None:
            """The tokens holding ``needle`` (tested by ``test``): few occurrences in the page are
            found one by one and their tokens by offset, many by testing every token."""
            nonlocal starts
            count = folded.count(needle)
            if count > _FEW:
                found.update(compress(at, map(test, ftokens, repeat(needle[shift:]))))
            elif count:
                if starts is None:
                    starts = list(accumulate(map((1).__add__, map(len, ftokens)), initial=0))
                i = folded.find(needle)
                while i != -1:
                    found.add(bisect_right(starts, i + shift) - 1)
                    i = folded.find(needle, i + 1)

        for needle in {n for n in chain(terms.words, terms.stems, last) if n}:
            locate(needle, str.__contains__, 0)
        heads = {typo_head(w) for w in terms._typo_words}
        if heads:  # a typo keeps the head of its word: tokens starting with a head (a space and
            # the head in the page; the page's first token, with no space before it, on its own),
            # and tokens with a word after a non-word character ("(الصحه)", "قال,الوزير")
            several = list(compress(at, map(operator.not_, map(str.isalnum, ftokens))))
            for head in heads:
                locate(" " + head, str.startswith, 1)
                if ftokens[0].startswith(head):
                    found.add(0)
                found.update(i for i in several if head in ftokens[i])
        if not found:
            return safe
        where = sorted(found)
        candidates = [tokens[i] for i in where]
        folds = _folds_of(candidates)
        hit_words = self._hits(set(chain.from_iterable(folds)))
        if not hit_words:
            return safe
        for i, token, fold in zip(where, candidates, folds, strict=True):
            if not hit_words.isdisjoint(fold):
                tokens[i] = self._mark_token(token, fold, hit_words)
        return " ".join(tokens).split(_PAGE_SEP)

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
    if formatted is None:
        return html.escape(fallback, quote=False)
    parts = formatted.split("<mark>")
    out = [html.escape(parts[0], quote=False)]
    for part in parts[1:]:
        marked, _, rest = part.partition("</mark>")
        out.append("<mark>" + html.escape(marked, quote=False) + "</mark>" + html.escape(rest, quote=False))
    return "".join(out)
