"""qawl indexer: ingest Arabic articles, extract claims, push them into Meilisearch.

Data flows one way: ``api`` may import ``indexer``; ``indexer`` never imports ``api``.
"""
