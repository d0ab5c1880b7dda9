"""Claims and articles as Meilisearch documents: the display fields plus derived search fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from indexer.embeddings import EMBEDDER
from indexer.models import Article, Claim
from indexer.text.stem import stem_text

# The stored article fields returned to readers (the derived *_stem/*_ts fields stay in Meilisearch).
ARTICLE_FIELDS: list[str] = list(Article.model_fields)


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def claim_document(claim: Claim, article_title: str | None = None) -> dict[str, Any]:
    doc = claim.model_dump(mode="json")
    published = claim.published_at
    doc.update(
        text_stem=stem_text(claim.text),
        published_ts=_ts(published),
        published_day=published.strftime("%Y-%m-%d") if published else None,
        published_month=published.strftime("%Y-%m") if published else None,
        has_numbers=bool(claim.numbers),
        number_values=[n.value for n in claim.numbers],
    )
    if article_title and not doc.get("title"):
        doc["article_title"] = article_title
    # no sentence vector (Meilisearch requires the explicit opt-out); imported verified claims get
    # theirs in ``indexer.ingest.index_claims``
    doc["_vectors"] = {EMBEDDER: None}
    return doc


def article_document(article: Article) -> dict[str, Any]:
    doc = article.model_dump(mode="json")
    doc.update(
        title_stem=stem_text(article.title),
        body_stem=stem_text(article.body),
        published_ts=_ts(article.published_at),
        updated_ts=_ts(article.updated_at or article.published_at),
    )
    return doc
