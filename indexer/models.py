"""The article and claim records qawl reads, extracts and stores.

``Article`` is the documented input format (see README "Article format"); ``Claim`` is the claim
JSON of ``qawl extract`` and the REST API (names fixed in ``shared/CONTRACT.md``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ClaimantType = Literal["person", "organization", "media", "report", "unattributed"]
ClaimKind = Literal["extracted", "verified"]


def stable_id(*parts: str, length: int = 16) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    return digest.hexdigest()[:length]


class Article(BaseModel):
    """One news article. ``body`` is plain text, paragraphs separated by newlines."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
    title: str = ""
    body: str = Field(min_length=1)
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    language: str = "ar"

    @field_validator("published_at", "updated_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class NumberMention(BaseModel):
    value: float
    text: str
    counted: str | None = None
    approximate: bool = False
    unit: str | None = None  # percent, currency code, year ...


class Claim(BaseModel):
    """A checkable statement. Extracted from an article, or imported as a verified claim."""

    model_config = ConfigDict(extra="ignore")

    id: str
    article_id: str | None = None
    kind: ClaimKind = "extracted"
    text: str
    claimant: str | None = None
    claimant_type: ClaimantType = "unattributed"
    attribution_verb: str | None = None
    is_quote: bool = False
    numbers: list[NumberMention] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    dates: list[str] = Field(default_factory=list)
    checkworthiness: float = 0.0
    sentence_index: int = 0
    cluster_id: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    url: str | None = None
    # verified-claim import fields
    title: str | None = None
    rating: str | None = None
    language: str = "ar"
