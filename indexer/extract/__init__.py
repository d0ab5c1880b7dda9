"""Claim extraction: article -> checkable claims with claimant, numbers, entities and dates."""

from indexer.extract.pipeline import extract_claims, prepare_article

__all__ = ["extract_claims", "prepare_article"]
