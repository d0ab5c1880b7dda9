"""Claim extraction: article -> checkable claims with claimant, numbers, entities and dates."""

from indexer.extract.pipeline import claims_of_prepared, extract_claims, prepare_article

__all__ = ["claims_of_prepared", "extract_claims", "prepare_article"]
