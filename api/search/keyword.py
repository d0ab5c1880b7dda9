"""How a user's keyword query is run against Meilisearch.

One round trip, a federated multi-search of two queries over the same index:

1. the *surface* query — the query folded with the indexer's normalizer (digits, hamza forms,
   diacritics, Persian letters) — on the surface attributes (``text``, ``claimant``, ...);
2. the *stemmed* query — the same words through the indexer's stemmer — on the ``*_stem``
   attributes, with a lower federation weight.

A claim that contains the words as typed therefore ranks above one that only shares their stems
(``بالمرتزقة`` finds ``المرتزقة`` first, then ``مرتزقا``), and prefixes, suffixes, plurals,
digits and letter variants are still found. Meilisearch reads only the first 10 words of a query:
longer queries drop stop-word fragments and common function words first. Marks are computed
here (``api.search.highlight``), so a match that came only through the stemmed field is marked in
the surface text too.

``execute`` is the single entry point used by ``SearchService`` for claims and articles: it takes
the non-query part of the search body (filter, sort, facets, limit/offset, attributes) and
returns a Meilisearch-shaped result ``{"hits", "estimatedTotalHits", "facetDistribution"}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from api.search.highlight import Highlighter, QueryTerms, crop_marked
from indexer.index_settings import (
    ARABIC_FUNCTION_WORDS,
    ARTICLE_SEARCHABLE,
    CLAIM_SEARCHABLE,
    CLAIMS,
)
from indexer.meili.client import MeiliClient
from indexer.text import stem as stem_module
from indexer.text.normalize import normalize
from indexer.text.stem import STEMMERS, StemmerName

MAX_QUERY_CHARS = 1000
MAX_WORDS = 10  # Meilisearch ignores query words after the 10th
MatchingStrategy = Literal["last", "all", "frequency"]

# dropped first when a query has more than MAX_WORDS words (normalized forms)
FUNCTION_WORDS = frozenset(normalize(w) for w in ARABIC_FUNCTION_WORDS)
_STOP_FRAGMENTS = frozenset({"ال"})
_TOKEN = re.compile(r"\w+")
_PHRASE = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class Strategy:
    """The tunable parts of keyword search; ``DEFAULT`` is what the API runs (chosen by
    measurement with ``qawl eval keyword``)."""

    stem_weight: float = 0.9
    # "frequency" (drop the most frequent words first when not all match) measured better than
    # Meilisearch's default "last": with "last", 2,000 SaudiNewsNet sentences (seed 1) gave prefix
    # 0.978, pronoun 0.983, plural 0.980; on 300 (seed 1) "frequency" gave 0.997 / 1.0 / 1.0
    # against 0.983 / 0.993 / 0.993 for "last" (stem weight 0.7), exact_first and ال noise equal
    surface_matching: MatchingStrategy = "frequency"
    stem_matching: MatchingStrategy = "frequency"
    stemmer: StemmerName | None = None


DEFAULT = Strategy()


@dataclass(frozen=True)
class PreparedQuery:
    surface: str  # what the surface query sends (phrases kept in quotes)
    stems: str  # what the stemmed query sends
    words: list[str] = field(default_factory=list)  # normalized words, at most MAX_WORDS

    @property
    def empty(self) -> bool:
        return not self.words


def _select(words: list[str]) -> list[str]:
    words = [w for w in words if w not in _STOP_FRAGMENTS]
    if len(words) > MAX_WORDS:
        content = [w for w in words if w not in FUNCTION_WORDS]
        words = content if content else words
    return words[:MAX_WORDS]


def prepare(query: str | None, strategy: Strategy = DEFAULT) -> PreparedQuery:
    """Fold, select and stem a raw user query."""
    if not query:
        return PreparedQuery("", "")
    text = normalize(query[:MAX_QUERY_CHARS])
    words = _select(_TOKEN.findall(text))
    if not words:
        return PreparedQuery("", "")
    stem = STEMMERS[strategy.stemmer or stem_module.DEFAULT_STEMMER]
    stems = list(dict.fromkeys(stem(w) for w in words))
    phrases = [p for p in (" ".join(_TOKEN.findall(p)) for p in _PHRASE.findall(text)) if p]
    if phrases and text.count('"') % 2 == 0:
        # keep user phrases ("...") for the surface query, other words after them
        in_phrases = {w for p in phrases for w in p.split()}
        rest = [w for w in words if w not in in_phrases]
        surface = " ".join([f'"{p}"' for p in phrases] + rest)
    else:
        surface = " ".join(words)
    return PreparedQuery(surface=surface, stems=" ".join(stems), words=words)


def keyword_params(query: str | None) -> dict[str, Any]:
    """The surface ``q`` alone (kept for callers that run one plain search)."""
    return {"q": prepare(query).surface}


def _split_attributes(index: str) -> tuple[list[str], list[str]]:
    """Surface and stemmed searchable attributes of ``index`` (claims unless ``*articles``)."""
    searchable = ARTICLE_SEARCHABLE if index.endswith("articles") else CLAIM_SEARCHABLE
    surface = [a for a in searchable if not a.endswith("_stem")]
    stemmed = [a for a in searchable if a.endswith("_stem")]
    return surface, stemmed


_FORMAT_KEYS = (
    "attributesToHighlight",
    "highlightPreTag",
    "highlightPostTag",
    "attributesToCrop",
    "cropLength",
    "cropMarker",
)
_FEDERATION_KEYS = ("limit", "offset", "facets", "hitsPerPage", "page")


def _typo_min_len() -> int:
    return CLAIMS.typo_tolerance.min_word_size_for_typos.one_typo


def terms_of(prepared: PreparedQuery) -> QueryTerms:
    """What the highlighter marks for a prepared query."""
    return QueryTerms(
        words=frozenset(prepared.words),
        stems=frozenset(prepared.stems.split()),
        last=prepared.words[-1] if prepared.words else "",
        typo_min_len=_typo_min_len(),
    )


def _format_hits(
    hits: list[dict[str, Any]], fmt: dict[str, Any], prepared: PreparedQuery, strategy: Strategy
) -> None:
    highlight = list(fmt.get("attributesToHighlight") or [])
    crop = list(fmt.get("attributesToCrop") or [])
    if not highlight and not crop:
        return
    stem = STEMMERS[strategy.stemmer or stem_module.DEFAULT_STEMMER]
    terms = terms_of(prepared)
    pre = str(fmt.get("highlightPreTag", "<em>"))
    post = str(fmt.get("highlightPostTag", "</em>"))
    crop_length = int(fmt.get("cropLength", 10))
    marker = str(fmt.get("cropMarker", "…"))
    highlighter = Highlighter(terms, stem, pre, post)  # one page: distinct words decided once
    formatted: list[dict[str, Any]] = [{} for _ in hits]
    for attr in dict.fromkeys(highlight + crop):
        at = [i for i, hit in enumerate(hits) if isinstance(hit.get(attr), str)]
        values: list[str] = [hits[i][attr] for i in at]
        if attr in highlight:
            values = highlighter.mark_all(values)
        if attr in crop:
            values = [crop_marked(v, crop_length, pre, marker) for v in values]
        for i, value in zip(at, values, strict=True):
            formatted[i][attr] = value
    for hit, out in zip(hits, formatted, strict=True):
        hit["_formatted"] = out


async def execute(
    client: MeiliClient,
    index: str,
    base: dict[str, Any],
    query: str | None,
    strategy: Strategy | None = None,
) -> dict[str, Any]:
    strategy = strategy or DEFAULT  # looked up per call: ``qawl eval keyword`` measures variants
    prepared = prepare(query, strategy)
    if prepared.empty:
        body = {k: v for k, v in base.items() if k not in _FORMAT_KEYS}
        if query and query.strip():
            # only punctuation, emoji or a lone ال: nothing can match it
            return {
                "hits": [],
                "estimatedTotalHits": 0,
                "facetDistribution": {},
                "limit": base.get("limit", 20),
                "offset": base.get("offset", 0),
            }
        result: dict[str, Any] = await client.search(index, {**body, "q": ""})
        return result

    fmt = {k: base[k] for k in _FORMAT_KEYS if k in base}
    per_query = {
        k: v for k, v in base.items() if k not in _FORMAT_KEYS and k not in _FEDERATION_KEYS
    }
    surface_attrs, stem_attrs = _split_attributes(index)
    queries: list[dict[str, Any]] = [
        {
            **per_query,
            "indexUid": index,
            "q": prepared.surface,
            "attributesToSearchOn": surface_attrs,
            "matchingStrategy": strategy.surface_matching,
        },
    ]
    if stem_attrs and prepared.stems:
        queries.append(
            {
                **per_query,
                "indexUid": index,
                "q": prepared.stems,
                "attributesToSearchOn": stem_attrs,
                "matchingStrategy": strategy.stem_matching,
                "federationOptions": {"weight": strategy.stem_weight},
            }
        )
    federation: dict[str, Any] = {"limit": base.get("limit", 20), "offset": base.get("offset", 0)}
    if base.get("facets"):
        federation["facetsByIndex"] = {index: list(base["facets"])}
        federation["mergeFacets"] = {}
    res: dict[str, Any] = await client.multi_search(queries, federation)
    hits: list[dict[str, Any]] = res.get("hits", [])
    for hit in hits:
        hit.pop("_federation", None)
    _format_hits(hits, fmt, prepared, strategy)
    res.setdefault("facetDistribution", {})
    return res
