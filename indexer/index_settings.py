"""Typed Meilisearch index settings, declared once. Only the indexer applies them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from indexer.embeddings import DIMENSIONS, EMBEDDER


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    def to_meili(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class LocalizedAttributes(_Camel):
    attribute_patterns: list[str]
    locales: list[str]


class MinWordSizeForTypos(_Camel):
    one_typo: int = 5
    two_typos: int = 9


class TypoTolerance(_Camel):
    enabled: bool = True
    min_word_size_for_typos: MinWordSizeForTypos = MinWordSizeForTypos()
    disable_on_attributes: list[str] = Field(default_factory=list)
    disable_on_numbers: bool = True


class Pagination(_Camel):
    max_total_hits: int = 1000


FacetOrder = Literal["alpha", "count"]
_FACET_ORDER: dict[str, FacetOrder] = {"*": "count", "published_day": "alpha", "published_month": "alpha"}


class Faceting(_Camel):
    max_values_per_facet: int = 100
    # which ``max_values_per_facet`` values a facet distribution holds when there are more:
    # the most frequent ones ("count"); Meilisearch's default ("alpha") would return the first 100
    # in alphabetical order and could drop the claimant quoted most. Date buckets stay in
    # calendar order (their histograms are read left to right).
    sort_facet_values_by: dict[str, FacetOrder] = Field(default_factory=lambda: dict(_FACET_ORDER))


class FilterFeatures(_Camel):
    equality: bool = True
    comparison: bool = False


class FilterableFeatures(_Camel):
    facet_search: bool = False
    filter: FilterFeatures = FilterFeatures()


class FilterableAttributes(_Camel):
    """Meilisearch's granular form of ``filterableAttributes`` (1.14+)."""

    attribute_patterns: list[str]
    features: FilterableFeatures


class UserProvidedEmbedder(_Camel):
    """Vectors computed by qawl (``indexer/embeddings.py``) and sent in ``_vectors``."""

    source: Literal["userProvided"] = "userProvided"
    dimensions: int


class IndexSettings(_Camel):
    searchable_attributes: list[str]
    # every attribute that can be filtered on (equality, IN, facets); those also listed in
    # ``comparable_attributes`` accept < > TO as well. Meilisearch builds range structures only for
    # those (granular filterable attributes), which costs indexing time for nothing elsewhere.
    filterable_attributes: list[str] = Field(exclude=True)
    comparable_attributes: list[str] = Field(default_factory=list, exclude=True)
    sortable_attributes: list[str] = Field(default_factory=list)
    displayed_attributes: list[str] = Field(default_factory=lambda: ["*"])
    localized_attributes: list[LocalizedAttributes] | None = None
    stop_words: list[str] = Field(default_factory=list)
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    typo_tolerance: TypoTolerance = TypoTolerance()
    pagination: Pagination = Pagination()
    faceting: Faceting = Faceting()
    ranking_rules: list[str] | None = None
    proximity_precision: Literal["byWord", "byAttribute"] | None = None
    # the facet-search endpoint (searching within facet values) is not used by qawl: without its
    # databases indexing does less work (facet distributions are unaffected)
    facet_search: bool = False
    # prefix databases (the last query word matched as a prefix); "disabled" saves their indexing
    prefix_search: Literal["indexingTime", "disabled"] | None = None
    embedders: dict[str, UserProvidedEmbedder] | None = None

    @model_validator(mode="after")
    def _comparable_are_filterable(self) -> IndexSettings:
        extra = set(self.comparable_attributes) - set(self.filterable_attributes)
        if extra:
            raise ValueError(f"comparable but not filterable: {sorted(extra)}")
        return self

    def filter_features(self) -> dict[str, bool]:
        """Each filterable attribute and whether it accepts range comparisons."""
        return {a: a in self.comparable_attributes for a in self.filterable_attributes}

    def to_meili(self) -> dict[str, Any]:
        out = super().to_meili()
        comparable = [a for a in self.filterable_attributes if a in self.comparable_attributes]
        equality = [a for a in self.filterable_attributes if a not in self.comparable_attributes]
        groups = [(equality, False), (comparable, True)]
        out["filterableAttributes"] = [
            FilterableAttributes(
                attribute_patterns=attrs,
                features=FilterableFeatures(
                    facet_search=self.facet_search, filter=FilterFeatures(comparison=comparison)
                ),
            ).to_meili()
            for attrs, comparison in groups
            if attrs
        ]
        return out


def stored_filter_features(filterable: list[Any]) -> dict[str, bool]:
    """``IndexSettings.filter_features`` read back from an index's ``filterableAttributes``
    (plain names, which allow everything, or the granular form)."""
    out: dict[str, bool] = {}
    for entry in filterable:
        if isinstance(entry, str):
            out[entry] = True
            continue
        comparison = bool(entry.get("features", {}).get("filter", {}).get("comparison", False))
        for name in entry.get("attributePatterns", []):
            out[name] = comparison
    return out


# Arabic function words, normalized (``indexer.text.normalize``): the search drops them first from
# queries longer than Meilisearch's 10 words (``api.search.keyword``)
_FUNCTION_TEXT = (
    "في من على الي عن ان او ثم مع ما لا لم لن قد هذا هذه ذلك تلك التي الذي الذين هو "
    "هي هم كان كانت بين حتي منذ بعد قبل عند كل اي غير الا اذا لكن بل و ف ب ل ك"
)
ARABIC_FUNCTION_WORDS: tuple[str, ...] = tuple(_FUNCTION_TEXT.split())

ARABIC_STOP_WORDS = ["ال"]  # the article the tokenizer splits off: without it queries starting with ال match noise


def load_synonyms() -> dict[str, list[str]]:
    """Spelling variants of names and places (``indexer/data/synonyms.json``) as Meilisearch
    synonyms: every normalized spelling maps to the others, plus the stems of one-word spellings
    (4+ letters) so that the stemmed query (``بسورية`` -> ``سوريه``) finds them as well."""
    import json
    from importlib import resources

    from indexer.text.normalize import normalize
    from indexer.text.stem import stem_text

    raw = resources.files("indexer").joinpath("data/synonyms.json").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for group in json.loads(raw)["groups"]:
        forms = list(dict.fromkeys(normalize(w) for w in group))
        for w in list(forms):
            s = stem_text(w)
            if " " not in w and len(s) >= 4 and s not in forms:
                forms.append(s)
        for w in forms:
            out.setdefault(w, [])
            out[w] = list(dict.fromkeys(out[w] + [o for o in forms if o != w]))
    return out


SYNONYMS = load_synonyms()

# Arabic words are short once the tokenizer has split ال off (الإنسان -> انسان): one typo from 4
# letters (Meilisearch default 5) took the typo class of `qawl eval keyword --sentences 300
# --seed 1` from 0.90 to 0.96 with no loss in any other class (ال + a word in no document still
# returns nothing in 83% of queries, 93% with 5).
ARABIC_TYPOS = TypoTolerance(min_word_size_for_typos=MinWordSizeForTypos(one_typo=4, two_typos=9))

CLAIM_SEARCHABLE = ["text", "text_stem", "claimant", "people", "organizations", "places", "title"]

CLAIMS = IndexSettings(
    searchable_attributes=CLAIM_SEARCHABLE,
    filterable_attributes=[
        "id", "article_id", "kind", "claimant", "claimant_type", "people", "organizations",
        "places", "source", "published_ts", "published_day", "published_month", "has_numbers",
        "number_values", "checkworthiness", "cluster_id", "language", "rating",
    ],
    # ranges (dates, numbers, check-worthiness) and keyset cursors (sort keys, id)
    comparable_attributes=["id", "published_ts", "number_values", "checkworthiness"],
    sortable_attributes=["published_ts", "checkworthiness", "sentence_index", "id"],
    localized_attributes=[LocalizedAttributes(attribute_patterns=CLAIM_SEARCHABLE, locales=["ara"])],
    stop_words=ARABIC_STOP_WORDS,
    synonyms=SYNONYMS,
    typo_tolerance=ARABIC_TYPOS,
    pagination=Pagination(max_total_hits=1000),
    # sentence vectors of the verified claims, for similar-claim matching
    embedders={EMBEDDER: UserProvidedEmbedder(dimensions=DIMENSIONS)},
)

ARTICLE_SEARCHABLE = ["title", "body", "title_stem", "body_stem", "source"]

ARTICLES = IndexSettings(
    searchable_attributes=ARTICLE_SEARCHABLE,
    filterable_attributes=["id", "source", "published_ts", "updated_ts", "language"],
    comparable_attributes=["id", "published_ts", "updated_ts"],
    sortable_attributes=["published_ts", "updated_ts", "id"],
    localized_attributes=[LocalizedAttributes(attribute_patterns=ARTICLE_SEARCHABLE, locales=["ara"])],
    # word-level proximity over whole article bodies is Meilisearch's costliest index (word pairs
    # within 7 positions): attribute-level proximity cut article indexing about threefold
    # (`python bench/meili_task_times.py --articles 2000 --articles-proximity byWord|byAttribute`:
    # 9.4-9.8 s -> 3.0-4.2 s of task time); claims are sentences and keep word-level proximity
    proximity_precision="byAttribute",
    stop_words=ARABIC_STOP_WORDS,
    synonyms=SYNONYMS,
    typo_tolerance=ARABIC_TYPOS,
)
