"""Meilisearch: the managed local server, a thin async client and typed index settings."""
