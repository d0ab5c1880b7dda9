"""Similar-claim matching ("has this been said before?"), shared by GraphQL ``similarClaims``,
REST ``POST /v1/claims/similar`` and ``qawl eval retrieval``.

1. Clean the input (URLs, @mentions, hashtag marks, emoji, diacritics) and light-stem its words
   with the indexer's own ``normalize``/``stem`` functions.
2. Read the document frequencies of the input's terms from the stats index the indexer keeps
   (``indexer/corpus_stats.py``): one search request, cached for ``stats_ttl`` seconds.
3. Candidate generation in Meilisearch: one multi-search (split in ``parallel`` requests) of one
   query per salient stem ("anchor", the ``anchors`` rarest ones): the anchor as a quoted
   one-word phrase (required, exact) plus the next ``width - 1`` rarest stems (optional,
   ``matchingStrategy: last``), over the stemmed claim text, ``limit`` ``per_query``. Short
   queries keep Meilisearch's work small; one query per anchor keeps recall (a Meilisearch
   query never returns a claim that lacks its last remaining word).
   Only ``id, text_stem`` are retrieved here.
4. Meanwhile the input's sentence vector (multilingual-e5-small, ``indexer/embeddings.py``) is
   computed in a worker thread and, as soon as it is ready, one Meilisearch vector search finds
   the ``SEMANTIC_K`` nearest claims (same filter): they give the candidates their cosine and
   join the candidates when no lexical query found them (paraphrases with other words).
5. Learned re-ranking in two linear stages (weights in ``api/search/data/similar_ranker.json``,
   trained on the CheckThat! train split by ``scripts/train_similar.py``):
   stage 1 scores every candidate from cheap features of its stemmed text (BM25 with the
   stored corpus statistics, coverage of the query's idf mass and of the claim's terms, the
   candidate's best rank and hit count in the Meilisearch queries, length) and its cosine, and
   keeps the best ``keep``; the stored fields of those claims and the document frequencies of
   their own terms are then read (two requests in parallel); stage 2 (BM25 now over text +
   title) adds finer features (character 3-5-gram cosine and containment, stem-bigram overlap,
   numbers, surface-word overlap) and orders them. The score is the stage-2 probability.
   A candidate without a vector counts the cosine features' training mean plus a learned
   ``no_vec`` offset (trained on copies of the queries with half the vectors hidden); when no
   candidate has one, models trained without vectors (``similar_ranker_lexical.json``) rank.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from api.errors import BadUserInput, meili_errors
from api.search.fields import CLAIM_FIELDS
from indexer.corpus_stats import TOTALS_ID, claim_terms, stats_index_name, term_id
from indexer.embeddings import EMBEDDER, Embedder, available_embedder
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliApiError
from indexer.meili.filters import any_of
from indexer.text.normalize import tokens
from indexer.text.stem import stem

Doc = dict[str, Any]
Features = dict[str, float]
log = logging.getLogger("qawl.api")

MAX_CHARS = 20_000
MAX_TERMS = 400  # unique stems looked up and scored (a 5,000-character paragraph has ~350)
RANKER_RESOURCE = "data/similar_ranker.json"  # inside the api.search package: lexical + dense
LEXICAL_RANKER_RESOURCE = "data/similar_ranker_lexical.json"  # for claims without vectors
CANDIDATE_FIELDS = ["id", "kind", "text_stem"]  # the candidate stage reads no display field
SEMANTIC_K = 100  # nearest claims by vector whose exact cosine is read

_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
_RT = re.compile(r"^\s*RT\b:?", re.IGNORECASE)
_NUMBER = re.compile(r"^\d+$")

LEXICAL_FEATURES = ("bm25", "bm25_rel", "qcov", "dcov", "best_rank", "hits", "log_dl")
# cosine of the sentence vectors (``indexer/embeddings.py``), relative to the best candidate's,
# and whether the candidate has no vector (then ``cos``/``cos_rel`` are NaN: the model's mean)
DENSE_FEATURES = ("cos", "cos_rel", "no_vec")
STAGE1_FEATURES = (*LEXICAL_FEATURES, *DENSE_FEATURES)
STAGE2_FEATURES = (
    *STAGE1_FEATURES,
    "bm25_rr",
    "dcov_idf",
    "char",
    "char_rel",
    "char_rr",
    "char_dcont",
    "char_qcont",
    "bigram",
    "num_shared",
    "num_missing",
    "word_dcov",
)


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


@dataclass
class Candidate:
    """A claim returned by the candidate stage: best (0-based) rank in any anchor query and the
    number of anchor queries that returned it."""

    doc: Doc
    best_rank: int
    hits: int
    cos: float | None = None  # cosine with the input's vector (None: the claim has no vector)


@dataclass
class QueryText:
    """The input as the matcher sees it."""

    cleaned: str
    words: list[str]  # normalized tokens, in order
    stems: list[str]  # unique stems, in order of first occurrence (at most MAX_TERMS)
    tf: Counter[str]

    @classmethod
    def parse(cls, text: str) -> QueryText:
        cleaned = clean_text(text)
        words = tokens(cleaned) or tokens(text)
        if not words:
            raise BadUserInput("text has no words to match")
        all_stems = [stem(w) for w in words]
        stems = list(dict.fromkeys(all_stems))[:MAX_TERMS]
        kept = set(stems)
        return cls(cleaned, words, stems, Counter(t for t in all_stems if t in kept))

    @cached_property
    def grams(self) -> frozenset[str]:
        return char_grams(self.cleaned)

    @cached_property
    def bigrams(self) -> frozenset[tuple[str, str]]:
        seq = [stem(w) for w in self.words]
        return frozenset(pairwise(seq))

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(w for w in self.words if _NUMBER.match(w))


# The per-claim caches below hold only tuples of strings and plain str -> int dicts: CPython's
# garbage collector stops tracking those, so full collections stay short however big the caches
# grow (frozensets and Counters would be traversed item by item: pauses of 100+ ms).
def char_grams(text: str) -> frozenset[str]:
    """The character 3-5-grams of the words of ``text`` (word-bounded, normalized)."""
    return frozenset(_gram_tuple(text))


@lru_cache(maxsize=20_000)
def _gram_tuple(text: str) -> tuple[str, ...]:
    grams: set[str] = set()
    for word in tokens(text):
        padded = f" {word} "
        for n in (3, 4, 5):
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


def _doc_text(doc: Doc) -> str:
    title = doc.get("title")
    return f"{doc.get('text') or ''}\n{title}" if title else str(doc.get("text") or "")


@lru_cache(maxsize=20_000)
def _word_tuple(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tokens(text)))


@lru_cache(maxsize=20_000)
def _number_tuple(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in tokens(text) if _NUMBER.match(w)))


@lru_cache(maxsize=20_000)
def _bigram_tuple(text_stem: str) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(pairwise(text_stem.split())))


def _terms_of(doc: Doc) -> tuple[dict[str, int], int]:
    """The claim's BM25 terms (``claim_terms``), reusing the ``text_stem`` stored at index time."""
    stored = doc.get("text_stem")
    if not isinstance(stored, str):
        stored = " ".join(claim_terms({"text": doc.get("text")}))
    return _counted_terms(stored, str(doc.get("title") or ""))


@lru_cache(maxsize=50_000)
def _counted_terms(text_stem: str, title: str) -> tuple[dict[str, int], int]:
    terms = claim_terms({"text_stem": text_stem, "title": title})
    return dict(Counter(terms)), len(terms)


def _text_terms(doc: Doc) -> dict[str, int]:
    """The stems of the claim text alone (known from the candidate stage)."""
    return _counted_terms(str(doc.get("text_stem") or ""), "")[0]


def doc_terms(docs: Iterable[Doc]) -> list[str]:
    """The unique text stems of ``docs`` (for reading their document frequencies)."""
    out: dict[str, None] = {}
    for doc in docs:
        out.update(dict.fromkeys(_text_terms(doc)))
    return list(out)


def with_fields(cand: Candidate, full: Mapping[str, Doc]) -> Candidate:
    """``cand`` with the stored fields read for the survivors (text, title...) added."""
    stored = full.get(str(cand.doc["id"]))
    return Candidate({**stored, **cand.doc}, cand.best_rank, cand.hits, cand.cos) if stored else cand


def local_stats(docs: Sequence[Doc]) -> Stats:
    """Statistics estimated from the candidates (when the stats index is missing)."""
    df: Counter[str] = Counter()
    length = 0
    for doc in docs:
        tf, dl = _terms_of(doc)
        df.update(tf.keys())
        length += dl
    return Stats(df=dict(df), n=len(docs), avgdl=length / len(docs) if docs else 1.0)


def _rank_reciprocals(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: -values[i])
    out = [0.0] * len(values)
    for rank, i in enumerate(order):
        out[i] = 1.0 / (1 + rank)
    return out


def stage1_features(
    query: QueryText, stats: Stats, cands: Sequence[Candidate], k1: float = 1.2, b: float = 0.75
) -> list[Features]:
    """Cheap features of every candidate (terms only); ``*_rel`` are relative to the best one."""
    idf = {t: stats.idf(t) for t in query.tf}
    qmass = sum(idf.values()) or 1.0
    avgdl = stats.avgdl or 1.0
    rows: list[Features] = []
    for cand in cands:
        tf, dl = _terms_of(cand.doc)
        norm = k1 * (1 - b + b * dl / avgdl)
        shared = [t for t in tf if t in idf]
        rows.append(
            {
                "bm25": sum(idf[t] * tf[t] * (k1 + 1) / (tf[t] + norm) for t in shared),
                "qcov": sum(idf[t] for t in shared) / qmass,
                "dcov": len(shared) / (len(tf) or 1),
                "best_rank": 1.0 / (1 + cand.best_rank),
                "hits": float(cand.hits),
                "log_dl": math.log1p(dl),
            }
        )
    top = max((r["bm25"] for r in rows), default=0.0) or 1.0
    top_cos = max((c.cos for c in cands if c.cos is not None), default=math.nan)
    for row, cand in zip(rows, cands, strict=True):
        row["bm25_rel"] = row["bm25"] / top
        if cand.cos is None:
            row["cos"] = row["cos_rel"] = math.nan
            row["no_vec"] = 1.0
        else:
            row["cos"], row["cos_rel"], row["no_vec"] = cand.cos, cand.cos - top_cos, 0.0
    return rows


def stage2_features(query: QueryText, stats: Stats, cands: Sequence[Candidate]) -> list[Features]:
    """All features of the stage-1 survivors; ``stats.df`` should hold their terms too."""
    rows = stage1_features(query, stats, cands)
    qgrams, qset = query.grams, set(query.tf)
    for cand, row in zip(cands, rows, strict=True):
        doc = cand.doc
        text = _doc_text(doc)
        weights = {t: stats.idf(t) for t in _text_terms(doc)}
        row["dcov_idf"] = sum(w for t, w in weights.items() if t in qset) / (sum(weights.values()) or 1.0)
        dgrams = _gram_tuple(text)  # unique grams
        inter = len(qgrams.intersection(dgrams))
        row["char"] = inter / math.sqrt(len(qgrams) * len(dgrams)) if qgrams and dgrams else 0.0
        row["char_dcont"] = inter / (len(dgrams) or 1)
        row["char_qcont"] = inter / (len(qgrams) or 1)
        dbi = _bigram_tuple(str(doc.get("text_stem") or ""))
        row["bigram"] = len(query.bigrams.intersection(dbi)) / (len(dbi) or 1)
        dnums = _number_tuple(str(doc.get("text") or ""))
        shared = len(query.numbers.intersection(dnums))
        row["num_shared"] = float(min(3, shared))
        row["num_missing"] = float(min(3, len(dnums) - shared))
        dwords = _word_tuple(text)
        row["word_dcov"] = len(query.word_set.intersection(dwords)) / (len(dwords) or 1)
    top_char = max((r["char"] for r in rows), default=0.0) or 1.0
    for row, bm_rr, ch_rr in zip(
        rows,
        _rank_reciprocals([r["bm25"] for r in rows]),
        _rank_reciprocals([r["char"] for r in rows]),
        strict=True,
    ):
        row["char_rel"] = row["char"] / top_char
        row["bm25_rr"] = bm_rr
        row["char_rr"] = ch_rr
    return rows


# -- the learned ranker -----------------------------------------------------------------------
@dataclass(frozen=True)
class LinearModel:
    """``intercept + sum(coef * (x - mean) / scale)``: a logistic regression on standardized
    features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        model = cls(
            tuple(data["features"]),
            tuple(float(x) for x in data["mean"]),
            tuple(float(x) or 1.0 for x in data["scale"]),
            tuple(float(x) for x in data["coef"]),
            float(data.get("intercept", 0.0)),
        )
        n = len(model.features)
        if not (len(model.mean) == len(model.scale) == len(model.coef) == n):
            raise ValueError("ranker model: features, mean, scale and coef differ in length")
        return model

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @cached_property
    def _weights(self) -> tuple[float, tuple[tuple[str, float], ...]]:
        """The same model on raw features: ``bias + sum(weight * x)``."""
        weights = tuple((f, c / s) for f, s, c in zip(self.features, self.scale, self.coef, strict=True))
        bias = self.intercept - sum(w * m for (_, w), m in zip(weights, self.mean, strict=True))
        return bias, weights

    @cached_property
    def _means(self) -> dict[str, float]:
        return dict(zip(self.features, self.mean, strict=True))

    @property
    def dense(self) -> bool:
        return any(f in DENSE_FEATURES for f in self.features)

    def score(self, row: Features) -> float:
        """A missing (NaN) feature counts as its training mean: it adds nothing."""
        bias, weights = self._weights
        total = bias
        for f, w in weights:
            x = row[f]
            total += w * (x if x == x else self._means[f])
        return total


@dataclass(frozen=True)
class Ranker:
    stage1: LinearModel
    stage2: LinearModel
    keep: int  # stage-1 survivors scored by stage 2
    # the candidate stage the models were trained on (SimilarClaims defaults to it)
    anchors: int = 25
    per_query: int = 40
    width: int = 3

    @property
    def dense(self) -> bool:
        """Whether the models use the sentence vectors."""
        return self.stage1.dense or self.stage2.dense

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ranker:
        cand = data.get("candidates", {})
        ranker = cls(
            LinearModel.from_json(data["stage1"]),
            LinearModel.from_json(data["stage2"]),
            int(data["keep"]),
            int(cand.get("anchors", cls.anchors)),
            int(cand.get("per_query", cls.per_query)),
            int(cand.get("width", cls.width)),
        )
        unknown = (set(ranker.stage1.features) - set(STAGE1_FEATURES)) | (
            set(ranker.stage2.features) - set(STAGE2_FEATURES)
        )
        if unknown or min(ranker.keep, ranker.anchors, ranker.per_query, ranker.width) < 1:
            raise ValueError(f"ranker model: unknown features {sorted(unknown)} or bad keep")
        return ranker

    @classmethod
    def load(cls, path: Path | None = None) -> Ranker:
        if path is not None:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        return default_ranker()


@lru_cache(maxsize=2)
def default_ranker(resource: str = RANKER_RESOURCE) -> Ranker:
    """The trained weights shipped with the package."""
    text = resources.files("api.search").joinpath(resource).read_text(encoding="utf-8")
    return Ranker.from_json(json.loads(text))


def lexical_ranker() -> Ranker:
    """The weights trained without the sentence vectors (no candidate has one)."""
    return default_ranker(LEXICAL_RANKER_RESOURCE)


@dataclass(frozen=True)
class Nearest:
    """The claims nearest to the input by vector: their cosines and candidate fields, and the
    smallest cosine when the list was cut at ``SEMANTIC_K`` (claims beyond are at most that close)."""

    cos: dict[str, float]
    floor: float | None
    docs: dict[str, Doc]


def with_nearest(near: Nearest | None, cands: Sequence[Candidate], rank: int) -> list[Candidate]:
    """The lexical candidates with their cosines, plus the nearest claims they missed.

    A candidate among the nearest gets its cosine; a verified candidate beyond them gets the
    floor (an upper bound of its own); a claim without a vector, none. A nearest claim that no
    lexical query returned joins with ``rank`` as its best rank and no hits."""
    out = list(cands)
    if near is None:
        return out
    for cand in out:
        cos = near.cos.get(str(cand.doc["id"]))
        if cos is not None:
            cand.cos = cos
        elif near.floor is not None and cand.doc.get("kind") == "verified":
            cand.cos = near.floor
    seen = {str(c.doc["id"]) for c in out}
    out.extend(Candidate(doc, rank, 0, near.cos[i]) for i, doc in near.docs.items() if i not in seen)
    return out


def cosine_of_score(score: float) -> float:
    """The cosine behind the ranking score of a purely semantic Meilisearch hit."""
    return 2.0 * score - 1.0


def _public(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "text_stem"}


async def _no_stats() -> Stats | None:
    return None


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


class SimilarClaims:
    """One shared matcher per process (app.state / SearchService.similar)."""

    def __init__(
        self,
        client: MeiliClient,
        claims_index: str,
        *,
        stats_index: str | None = None,
        max_first: int = 100,
        per_query: int | None = None,
        anchors: int | None = None,
        width: int | None = None,
        keep: int | None = None,
        ranker: Ranker | None = None,
        stats_ttl: float = 30.0,
        parallel: int = 2,
        lexical: Ranker | None = None,
        embedder: Embedder | bool | None = True,
    ) -> None:
        """``embedder``: True loads the shipped model, False/None matches without vectors."""
        self.client = client
        self.claims_index = claims_index
        self.stats_index = stats_index or stats_index_name(claims_index)
        self.max_first = max_first
        self.ranker = ranker or default_ranker()
        # used when no candidate has a vector (e.g. only extracted claims, which are not embedded)
        self.lexical = lexical or (lexical_ranker() if self.ranker.dense else self.ranker)
        if embedder is True:
            embedder = available_embedder("similar claims are matched without vectors") if self.ranker.dense else None
        self.embedder: Embedder | None = embedder or None
        self.per_query = per_query or self.ranker.per_query
        self.anchors = anchors or self.ranker.anchors
        self.width = max(1, min(10, width or self.ranker.width))  # Meilisearch reads 10 words
        self.keep = keep or self.ranker.keep
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
        query = QueryText.parse(text)
        # the input's vector is computed in a thread, and its nearest claims looked up, while
        # Meilisearch finds the lexical candidates
        near = None
        if self.embedder is not None:
            near = asyncio.create_task(self._nearest_of(self.embed(query), filter_expr))
        try:
            async with meili_errors():
                stats = await self.stats(query.stems)
                cands = await self.candidates(query, stats, filter_expr)
                if near is not None:
                    cands = with_nearest(await near, cands, self.per_query)
        finally:
            if near is not None and not near.done():
                near.cancel()
            elif near is not None and not near.cancelled():
                near.exception()  # retrieved (raised above when it mattered)
        async with meili_errors():
            if not cands:
                return []
            ranker = self.ranker if any(c.cos is not None for c in cands) else self.lexical
            if not stats.n:  # no stored statistics: estimate them from the candidates
                stats = local_stats([c.doc for c in cands])
            s1 = [ranker.stage1.score(r) for r in stage1_features(query, stats, cands)]
            order = sorted(range(len(cands)), key=lambda i: (-s1[i], str(cands[i].doc["id"])))
            kept = [cands[i] for i in order[: max(self.keep, first)]]
            # in parallel: the survivors' stored fields and the statistics of their own terms
            ids = [str(c.doc["id"]) for c in kept]
            with_stats = self._totals is not None and stats.n > 0
            full, more = await asyncio.gather(
                self.documents(ids),
                self.stats(doc_terms(c.doc for c in kept)) if with_stats else _no_stats(),
            )
            if more is not None:
                stats = Stats({**stats.df, **more.df}, stats.n, stats.avgdl)
            kept = [with_fields(c, full) for c in kept if str(c.doc["id"]) in full]  # not deleted since
            ids = [str(c.doc["id"]) for c in kept]
            s2 = [ranker.stage2.score(r) for r in stage2_features(query, stats, kept)]
        best = sorted(range(len(kept)), key=lambda i: (-s2[i], ids[i]))[:first]
        return [Match(round(_sigmoid(s2[i]), 6), _public(kept[i].doc)) for i in best]

    def embed(self, query: QueryText) -> asyncio.Task[list[float]]:
        """The input's sentence vector, computed in a worker thread (the engine releases the GIL)."""
        assert self.embedder is not None
        return asyncio.create_task(asyncio.to_thread(self.embedder.embed_one, query.cleaned))

    async def similarities(
        self, vector: list[float], cands: Sequence[Candidate], filter_expr: str | None = None
    ) -> list[Candidate]:
        """``cands`` with cosines, plus the nearest claims (``nearest`` then ``with_nearest``)."""
        return with_nearest(await self.nearest(vector, filter_expr), cands, self.per_query)

    async def nearest(self, vector: list[float], filter_expr: str | None = None) -> Nearest | None:
        """The cosines of the ``SEMANTIC_K`` claims nearest to ``vector`` under the filter: one
        Meilisearch vector search (the vectors stay in Meilisearch). None without vectors."""
        body: dict[str, Any] = {
            "vector": vector,
            "hybrid": {"embedder": EMBEDDER, "semanticRatio": 1.0},
            "limit": SEMANTIC_K,
            "attributesToRetrieve": CANDIDATE_FIELDS,
            "showRankingScore": True,
        }
        if filter_expr:
            body["filter"] = filter_expr
        try:
            res = await self.client.search(self.claims_index, body)
        except MeiliApiError as exc:  # an index made before the embedder existed: no vectors
            if exc.code in {"invalid_search_embedder", "invalid_embedder"}:
                log.warning("claims index %s has no %r embedder: %s", self.claims_index, EMBEDDER, exc)
                return None
            raise
        # claims without a vector come back last with a score of 0
        cos = {
            str(h["id"]): cosine_of_score(float(h["_rankingScore"]))
            for h in res["hits"]
            if h.get("_rankingScore", 0) > 0
        }
        if not cos:
            return None
        docs = {str(h["id"]): {k: v for k, v in h.items() if k != "_rankingScore"} for h in res["hits"]}
        floor = min(cos.values()) if len(cos) >= SEMANTIC_K else None
        return Nearest(cos, floor, {i: docs[i] for i in cos})

    async def _nearest_of(self, vector: asyncio.Task[list[float]], filter_expr: str | None) -> Nearest | None:
        return await self.nearest(await vector, filter_expr)

    async def stats(self, terms: list[str]) -> Stats:
        """Document frequencies of ``terms`` and the totals; cached for ``stats_ttl`` seconds."""
        now = time.monotonic()
        if len(self._df) > 200_000:
            self._df.clear()
        fresh = now - self.stats_ttl
        missing = [t for t in terms if self._df.get(t, (0, -math.inf))[1] < fresh]
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
        df = {t: self._df[t][0] for t in terms if self._df.get(t, (0, 0.0))[0] > 0}
        return Stats(df=df, n=n, avgdl=length / n if n else 1.0)

    def _salient(self, stems: list[str], stats: Stats) -> list[str]:
        if not stats.n:
            return stems[: self.anchors]
        known = [t for t in stems if stats.df.get(t, 0) > 0]
        position = {t: i for i, t in enumerate(stems)}
        return sorted(known, key=lambda t: (stats.df[t], position[t]))

    async def candidates(self, query: QueryText, stats: Stats, filter_expr: str | None) -> list[Candidate]:
        """One Meilisearch query per anchor (see the module docstring), in one multi-search."""
        salient = self._salient(query.stems, stats)
        common: dict[str, Any] = {
            "indexUid": self.claims_index,
            "limit": self.per_query,
            "attributesToRetrieve": CANDIDATE_FIELDS,
        }
        if filter_expr:
            common["filter"] = filter_expr
        head = salient[: self.width]
        queries = [
            {
                **common,
                "matchingStrategy": "last",
                "attributesToSearchOn": ["text_stem"],
                # the anchor as a one-word phrase: required, exact (no typo or prefix
                # derivations, about half of Meilisearch's work); the others optional
                "q": " ".join([f'"{a}"', *[t for t in head if t != a][: self.width - 1]]),
            }
            for a in salient[: self.anchors]
        ]
        if not queries:  # no known term (or no statistics): the input's own words, any field
            queries = [{**common, "q": " ".join(query.words[:10]), "matchingStrategy": "frequency"}]
        # split in ``self.parallel`` multi-search requests: Meilisearch runs requests on all cores
        parts = [queries[i :: self.parallel] for i in range(self.parallel) if queries[i :: self.parallel]]
        answers = await asyncio.gather(*(self.client.multi_search(part) for part in parts))
        seen: dict[str, Candidate] = {}
        for res in answers:
            for result in res["results"]:
                for rank, hit in enumerate(result["hits"]):
                    cand = seen.get(hit["id"])
                    if cand is None:
                        seen[hit["id"]] = Candidate(hit, rank, 1)
                    else:
                        cand.best_rank = min(cand.best_rank, rank)
                        cand.hits += 1
        return list(seen.values())

    async def documents(self, ids: list[str]) -> dict[str, Doc]:
        """The stored fields of the claims ``ids`` (one search: fine for a search-only key)."""
        if not ids:
            return {}
        res = await self.client.search(
            self.claims_index,
            {
                "q": "",
                "filter": any_of("id", ids),
                "limit": len(ids),
                "attributesToRetrieve": CLAIM_FIELDS,
            },
        )
        return {str(hit["id"]): hit for hit in res["hits"]}
