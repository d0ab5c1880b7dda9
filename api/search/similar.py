"""Similar-claim matching ("has this been said before?"), shared by GraphQL ``similarClaims``,
REST ``POST /v1/claims/similar`` and ``qawl eval retrieval``.

1. Clean the input (URLs, @mentions, hashtag marks, emoji, diacritics) and light-stem its words
   with the indexer's own ``normalize``/``stem`` functions.
2. Read the document frequencies of the input's terms from the stats index the indexer keeps
   (``indexer/corpus_stats.py``): one search request.
3. Candidate generation in Meilisearch: one multi-search of several queries, each holding at
   most 10 of the most salient (highest-idf) stems (Meilisearch reads only 10 words a query),
   over the stemmed claim text, plus the raw normalized words over text and title.
4. Re-rank the union of candidates: BM25 (k1 1.2, b 0.75) over the stems of claim text + title
   with the corpus statistics, fused with a character n-gram (3-5) cosine on unstemmed words,
   each normalized by its best candidate. Weights chosen on the train split (see README).
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from api.errors import BadUserInput, meili_errors
from api.search.fields import CLAIM_FIELDS
from indexer.corpus_stats import TOTALS_ID, claim_terms, stats_index_name, term_id
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliApiError
from indexer.meili.filters import any_of
from indexer.text.normalize import tokens
from indexer.text.stem import stem

Doc = dict[str, Any]

MAX_CHARS = 20_000
MAX_TERMS = 400  # unique stems looked up and scored (a 5,000-character paragraph has ~350)

_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
_RT = re.compile(r"^\s*RT\b:?", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Social-media noise out: URLs, @mentions, RT, hashtag marks (the words stay); emoji and
    punctuation are dropped later by the tokenizer."""
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _RT.sub(" ", text)
    return text.replace("#", " ").replace("_", " ")


@dataclass(frozen=True)
class Match:
    score: float
    doc: Doc


@dataclass
class Stats:
    df: dict[str, int]
    n: int
    avgdl: float

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


@lru_cache(maxsize=20_000)
def char_grams(text: str) -> frozenset[str]:
    """The character 3-5-grams of the words of ``text`` (word-bounded, normalized)."""
    grams: set[str] = set()
    for word in tokens(text):
        padded = f" {word} "
        for n in (3, 4, 5):
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return frozenset(grams)


def char_cosine(query: frozenset[str], doc_text: str) -> float:
    """Cosine of binary character n-gram vectors (set intersection runs in C)."""
    doc = char_grams(doc_text)
    if not query or not doc:
        return 0.0
    return len(query & doc) / math.sqrt(len(query) * len(doc))


def _doc_text(doc: Doc) -> str:
    title = doc.get("title")
    return f"{doc.get('text') or ''}\n{title}" if title else str(doc.get("text") or "")


@lru_cache(maxsize=50_000)
def _title_terms(title: str) -> tuple[str, ...]:
    return tuple(claim_terms({"text": title}))


def _terms_of(doc: Doc) -> tuple[Counter[str], int]:
    """The claim's BM25 terms (``claim_terms``), reusing the ``text_stem`` stored at index time."""
    stored = doc.get("text_stem")
    text_terms = (
        stored.split() if isinstance(stored, str) else claim_terms({"text": doc.get("text")})
    )
    terms = text_terms + list(_title_terms(str(doc.get("title") or "")))
    return Counter(terms), len(terms)


class SimilarClaims:
    """One shared matcher per process (app.state / SearchService.similar)."""

    def __init__(
        self,
        client: MeiliClient,
        claims_index: str,
        *,
        stats_index: str | None = None,
        max_first: int = 100,
        per_query: int = 15,
        salient: int = 40,
        anchors: int = 20,
        raw_query: bool = True,
        strategy: str = "last",
        k1: float = 1.2,
        b: float = 0.75,
        char_weight: float = 1.0,
        char_top: int = 40,
        stats_ttl: float = 30.0,
        parallel: int = 2,
    ) -> None:
        self.client = client
        self.claims_index = claims_index
        self.stats_index = stats_index or stats_index_name(claims_index)
        self.max_first = max_first
        self.per_query = per_query
        self.salient = salient
        self.anchors = anchors
        self.raw_query = raw_query
        self.strategy = strategy
        self.k1 = k1
        self.b = b
        self.char_weight = char_weight
        self.char_top = char_top
        self.stats_ttl = stats_ttl
        self.parallel = max(1, parallel)
        self._df: dict[str, tuple[int, float]] = {}  # term -> (df, read at)
        self._totals: tuple[int, int, float] | None = None  # (n, total length, read at)

    # -- the pipeline ---------------------------------------------------------------------------
    async def match(self, text: str, first: int = 5, filter_expr: str | None = None) -> list[Match]:
        if not isinstance(text, str) or not text.strip():
            raise BadUserInput("text must not be empty")
        if len(text) > MAX_CHARS:
            raise BadUserInput(f"text is longer than {MAX_CHARS} characters")
        if not 1 <= first <= self.max_first:
            raise BadUserInput(f"first must be between 1 and {self.max_first}")
        cleaned = clean_text(text)
        words = tokens(cleaned) or tokens(text)
        if not words:
            raise BadUserInput("text has no words to match")
        stems = list(dict.fromkeys(stem(w) for w in words))[:MAX_TERMS]
        query_tf = Counter(stem(w) for w in words)
        async with meili_errors():
            stats = await self._stats(stems)
            candidates = await self._candidates(stems, words, stats, filter_expr)
        ranked = self._rerank(query_tf, cleaned, stats, candidates)[:first]
        return [Match(m.score, self._public(m.doc)) for m in ranked]

    async def _stats(self, stems: list[str]) -> Stats:
        """Document frequencies of ``stems`` and the totals; cached for ``stats_ttl`` seconds."""
        now = time.monotonic()
        if len(self._df) > 200_000:
            self._df.clear()
        fresh = now - self.stats_ttl
        missing = [t for t in stems if self._df.get(t, (0, -1.0))[1] < fresh]
        if missing or self._totals is None or self._totals[2] < fresh:
            ids = {term_id(t): t for t in missing}
            try:
                res = await self.client.search(
                    self.stats_index,
                    {
                        "q": "",
                        "filter": any_of("id", [*ids, TOTALS_ID]),
                        "limit": len(ids) + 1,
                        "attributesToRetrieve": ["id", "df", "n", "length"],
                    },
                )
            except MeiliApiError as exc:
                if exc.code != "index_not_found":
                    raise
                return Stats(df={}, n=0, avgdl=1.0)  # no statistics yet: every stem counts alike
            for term in missing:
                self._df[term] = (0, now)
            for hit in res["hits"]:
                if hit["id"] == TOTALS_ID:
                    self._totals = (int(hit.get("n", 0)), int(hit.get("length", 0)), now)
                elif hit["id"] in ids:
                    self._df[ids[hit["id"]]] = (int(hit.get("df", 0)), now)
        n, length, _ = self._totals or (0, 0, now)
        df = {t: self._df[t][0] for t in stems if self._df.get(t, (0, 0.0))[0] > 0}
        return Stats(df=df, n=n, avgdl=length / n if n else 1.0)

    def _salient(self, stems: list[str], stats: Stats) -> list[str]:
        if not stats.n:
            return stems[: self.salient]
        known = [t for t in stems if stats.df.get(t, 0) > 0]
        return sorted(known, key=lambda t: (stats.df[t], stems.index(t)))[: self.salient]

    async def _candidates(
        self, stems: list[str], words: list[str], stats: Stats, filter_expr: str | None
    ) -> list[Doc]:
        salient = self._salient(stems, stats)
        common: dict[str, Any] = {
            "indexUid": self.claims_index,
            "limit": self.per_query,
            "attributesToRetrieve": [*CLAIM_FIELDS, "text_stem"],
            "matchingStrategy": "frequency",
        }
        if filter_expr:
            common["filter"] = filter_expr
        # Meilisearch keeps at least the rarest word of a query (matchingStrategy "frequency"), so
        # one query per salient anchor: the anchor plus the next 9 less rare terms, which rank the
        # anchor's claims by how much of the input they share
        if self.strategy == "last":
            queries = [
                {
                    **common,
                    "matchingStrategy": "last",
                    "attributesToSearchOn": ["text_stem"],
                    "q": " ".join([a, *[t for t in salient[:10] if t != a][:9]]),
                }
                for a in salient[: self.anchors]
            ]
        else:
            queries = [
                {
                    **common,
                    "q": " ".join(salient[i : i + 10]),
                    "attributesToSearchOn": ["text_stem"],
                }
                for i in range(min(self.anchors, len(salient)))
            ]
        if self.raw_query:  # the input's own words (unstemmed) over text and title
            rank = {t: i for i, t in enumerate(salient)}
            raw = sorted(dict.fromkeys(words), key=lambda w: rank.get(stem(w), len(rank)))[:10]
            queries.append(
                {**common, "q": " ".join(raw), "attributesToSearchOn": ["text", "title"]}
            )
        # split in ``self.parallel`` multi-search requests: Meilisearch runs requests on all cores
        parts = [
            queries[i :: self.parallel] for i in range(self.parallel) if queries[i :: self.parallel]
        ]
        answers = await asyncio.gather(*(self.client.multi_search(part) for part in parts))
        seen: dict[str, Doc] = {}
        for res in answers:
            for result in res["results"]:
                for hit in result["hits"]:
                    seen.setdefault(hit["id"], hit)
        return list(seen.values())

    @staticmethod
    def _public(doc: Doc) -> Doc:
        return {k: v for k, v in doc.items() if k != "text_stem"}

    def _rerank(
        self, query_tf: Counter[str], cleaned: str, stats: Stats, docs: list[Doc]
    ) -> list[Match]:
        if not docs:
            return []
        if not stats.n:  # no stored statistics: estimate them from the candidates
            stats = self._local_stats(docs)
        idf = {t: stats.idf(t) for t in query_tf}
        bm: list[float] = []
        for doc in docs:
            tf, dl = _terms_of(doc)
            norm = self.k1 * (1 - self.b + self.b * dl / stats.avgdl)
            bm.append(sum(idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm) for t in idf if t in tf))
        # the character n-gram similarity refines the BM25 head only (it never adds recall)
        head = sorted(range(len(docs)), key=lambda i: -bm[i])[: self.char_top]
        ch = [0.0] * len(docs)
        if self.char_weight:
            qgrams = char_grams(cleaned)
            for i in head:
                ch[i] = char_cosine(qgrams, _doc_text(docs[i]))
        top_bm, top_ch = max(bm) or 1.0, max(ch) or 1.0
        total = 1.0 + self.char_weight
        scored = [
            Match(round((b / top_bm + self.char_weight * c / top_ch) / total, 6), doc)
            for b, c, doc in zip(bm, ch, docs, strict=True)
        ]
        scored.sort(key=lambda m: (-m.score, str(m.doc.get("id"))))
        return scored

    @staticmethod
    def _local_stats(docs: list[Doc]) -> Stats:
        df: Counter[str] = Counter()
        length = 0
        for doc in docs:
            tf, dl = _terms_of(doc)
            df.update(tf.keys())
            length += dl
        return Stats(df=dict(df), n=len(docs), avgdl=length / len(docs) or 1.0)
