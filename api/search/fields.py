"""The stored claim and article fields returned to clients (derived search fields stay in Meilisearch)."""

from indexer.documents import ARTICLE_FIELDS  # the Article model's fields, defined in the indexer

__all__ = ["ARTICLE_FIELDS", "CLAIM_FIELDS"]

CLAIM_FIELDS = [
    "id",
    "article_id",
    "kind",
    "text",
    "claimant",
    "claimant_type",
    "attribution_verb",
    "is_quote",
    "numbers",
    "people",
    "organizations",
    "places",
    "dates",
    "checkworthiness",
    "sentence_index",
    "cluster_id",
    "published_at",
    "source",
    "url",
    "title",
    "rating",
    "language",
]
